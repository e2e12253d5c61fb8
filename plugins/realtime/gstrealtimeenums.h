/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Values match realtime::TurnDetection, VadEagerness, NoiseReduction and
 * OutputModality in the protocol library. */
typedef enum {
  GST_REALTIME_TURN_DETECTION_SERVER_VAD,
  GST_REALTIME_TURN_DETECTION_SEMANTIC_VAD,
  GST_REALTIME_TURN_DETECTION_NONE,
} GstRealtimeTurnDetection;

typedef enum {
  GST_REALTIME_VAD_EAGERNESS_AUTO,
  GST_REALTIME_VAD_EAGERNESS_LOW,
  GST_REALTIME_VAD_EAGERNESS_MEDIUM,
  GST_REALTIME_VAD_EAGERNESS_HIGH,
} GstRealtimeVadEagerness;

typedef enum {
  GST_REALTIME_NOISE_REDUCTION_NONE,
  GST_REALTIME_NOISE_REDUCTION_NEAR_FIELD,
  GST_REALTIME_NOISE_REDUCTION_FAR_FIELD,
} GstRealtimeNoiseReduction;

typedef enum {
  GST_REALTIME_OUTPUT_MODALITIES_AUDIO,
  GST_REALTIME_OUTPUT_MODALITIES_TEXT,
} GstRealtimeOutputModalities;

typedef enum {
  GST_REALTIME_AUTH_AUTO,
  GST_REALTIME_AUTH_BEARER,
  GST_REALTIME_AUTH_API_KEY,
} GstRealtimeAuth;

typedef enum {
  GST_REALTIME_TEXT_ROLES_ASSISTANT = (1 << 0),
  GST_REALTIME_TEXT_ROLES_USER = (1 << 1),
} GstRealtimeTextRoles;

#define GST_TYPE_REALTIME_TURN_DETECTION                                       \
  (gst_realtime_turn_detection_get_type ())
GType gst_realtime_turn_detection_get_type (void);
#define GST_TYPE_REALTIME_VAD_EAGERNESS (gst_realtime_vad_eagerness_get_type ())
GType gst_realtime_vad_eagerness_get_type (void);
#define GST_TYPE_REALTIME_NOISE_REDUCTION                                      \
  (gst_realtime_noise_reduction_get_type ())
GType gst_realtime_noise_reduction_get_type (void);
#define GST_TYPE_REALTIME_OUTPUT_MODALITIES                                    \
  (gst_realtime_output_modalities_get_type ())
GType gst_realtime_output_modalities_get_type (void);
#define GST_TYPE_REALTIME_AUTH (gst_realtime_auth_get_type ())
GType gst_realtime_auth_get_type (void);
#define GST_TYPE_REALTIME_TEXT_ROLES (gst_realtime_text_roles_get_type ())
GType gst_realtime_text_roles_get_type (void);

G_END_DECLS
