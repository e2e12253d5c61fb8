/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstrealtimeenums.h"

#include <gst/realtime/session-settings.h>

/* A library enum's value as a GEnumValue's. */
template<typename E>
static constexpr gint
v (E e)
{
  return static_cast<gint> (e);
}

/* Nicks are what gst-launch users type (docs/realtimebin.md, "Properties"). */

GType
gst_realtime_turn_detection_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
      {v (realtime::TurnDetection::ServerVad),
          "The server detects speech on signal energy", "server-vad"},
      {v (realtime::TurnDetection::SemanticVad),
          "The server judges when the user has finished a thought",
          "semantic-vad"},
      {v (realtime::TurnDetection::None),
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
  static const GEnumValue values[] = {{v (realtime::VadEagerness::Auto),
                                          "The server's default (medium)",
                                          "auto"},
      {v (realtime::VadEagerness::Low), "Let the user take their time", "low"},
      {v (realtime::VadEagerness::Medium), "Medium", "medium"},
      {v (realtime::VadEagerness::High), "Answer as soon as possible", "high"},
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
  static const GEnumValue values[] = {{v (realtime::NoiseReduction::None),
                                          "Off", "none"},
      {v (realtime::NoiseReduction::NearField),
          "For close-talking microphones (headsets)", "near-field"},
      {v (realtime::NoiseReduction::FarField),
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
  static const GEnumValue values[] = {{v (realtime::OutputModality::Audio),
                                          "Speech (with its transcript)",
                                          "audio"},
      {v (realtime::OutputModality::Text), "Text only", "text"},
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
