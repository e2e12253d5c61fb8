/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* The session's enums (turn detection, VAD eagerness, noise reduction,
 * output modalities) are the protocol library's own (realtime::TurnDetection
 * and so on in gst/realtime/session-settings.h): their GTypes below list
 * those values, so a property value is the library's value. */

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
