/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstrealtimeenums.h"

/* Nicks are what gst-launch users type (docs/realtimebin.md, "Properties"). */

GType
gst_realtime_turn_detection_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
      {GST_REALTIME_TURN_DETECTION_SERVER_VAD,
          "The server detects speech on signal energy", "server-vad"},
      {GST_REALTIME_TURN_DETECTION_SEMANTIC_VAD,
          "The server judges when the user has finished a thought",
          "semantic-vad"},
      {GST_REALTIME_TURN_DETECTION_NONE,
          "No turn detection: push-to-talk with commit-input / create-response",
          "none"},
      {0, nullptr, nullptr}};
  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstRealtimeTurnDetection", values));
  return type;
}

GType
gst_realtime_vad_eagerness_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {{GST_REALTIME_VAD_EAGERNESS_AUTO,
                                          "The server's default (medium)",
                                          "auto"},
      {GST_REALTIME_VAD_EAGERNESS_LOW, "Let the user take their time", "low"},
      {GST_REALTIME_VAD_EAGERNESS_MEDIUM, "Medium", "medium"},
      {GST_REALTIME_VAD_EAGERNESS_HIGH, "Answer as soon as possible", "high"},
      {0, nullptr, nullptr}};
  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstRealtimeVadEagerness", values));
  return type;
}

GType
gst_realtime_auth_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] =
      {{GST_REALTIME_AUTH_AUTO, "api-key for Azure OpenAI hosts, else bearer",
           "auto"},
          {GST_REALTIME_AUTH_BEARER,
              "Authorization: Bearer (OpenAI keys, Microsoft Entra tokens)",
              "bearer"},
          {GST_REALTIME_AUTH_API_KEY, "api-key header (Azure OpenAI keys)",
              "api-key"},
          {0, nullptr, nullptr}};
  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstRealtimeAuth", values));
  return type;
}

GType
gst_realtime_noise_reduction_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {{GST_REALTIME_NOISE_REDUCTION_NONE, "Off",
                                          "none"},
      {GST_REALTIME_NOISE_REDUCTION_NEAR_FIELD,
          "For close-talking microphones (headsets)", "near-field"},
      {GST_REALTIME_NOISE_REDUCTION_FAR_FIELD,
          "For far-field microphones (laptops, rooms, cameras)", "far-field"},
      {0, nullptr, nullptr}};
  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstRealtimeNoiseReduction", values));
  return type;
}

GType
gst_realtime_output_modalities_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {{GST_REALTIME_OUTPUT_MODALITIES_AUDIO,
                                          "Speech (with its transcript)",
                                          "audio"},
      {GST_REALTIME_OUTPUT_MODALITIES_TEXT, "Text only", "text"},
      {0, nullptr, nullptr}};
  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstRealtimeOutputModalities", values));
  return type;
}

GType
gst_realtime_text_roles_get_type (void)
{
  static GType type = 0;
  static const GFlagsValue values[] = {{GST_REALTIME_TEXT_ROLES_ASSISTANT,
                                           "The assistant's transcripts",
                                           "assistant"},
      {GST_REALTIME_TEXT_ROLES_USER, "The user's transcripts", "user"},
      {0, nullptr, nullptr}};
  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_flags_register_static ("GstRealtimeTextRoles", values));
  return type;
}
