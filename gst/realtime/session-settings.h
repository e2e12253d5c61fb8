/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "json-util.h"

#include <string>

namespace realtime {

/* PCM16 mono at 24 kHz is the only PCM format of the GA protocol. */
inline constexpr int AUDIO_RATE = 24000;
inline constexpr int AUDIO_BYTES_PER_MS = AUDIO_RATE * 2 / 1000;

inline constexpr int MAX_OUTPUT_TOKENS_LIMIT = 4096;
inline constexpr double SPEED_MIN = 0.25;
inline constexpr double SPEED_MAX = 1.5;

enum class TurnDetection {
  ServerVad,
  SemanticVad,
  None
};
enum class VadEagerness {
  Auto,
  Low,
  Medium,
  High
};
enum class NoiseReduction {
  None,
  NearField,
  FarField
};
enum class OutputModality {
  Audio,
  Text
};

/* Everything an element can set about a session, flat, as properties set
 * it. build_session_object() turns it into the nested GA `session` object.
 * A default-constructed value is what the service documents as a new
 * session's defaults (its examples disagree on some, e.g. a session.created
 * with silence_duration_ms 200 where the prose says 500; the prose wins
 * here): elements set every field from their own defaults (realtimebin's
 * are in plugins/realtime/gstrealtimeproperties.def). */
struct SessionSettings
{
  std::string voice = "marin"; /* empty: not sent */
  std::string instructions;    /* empty: server default */
  TurnDetection turn_detection = TurnDetection::ServerVad;
  double vad_threshold = 0.5;
  unsigned vad_prefix_padding_ms = 300;
  unsigned vad_silence_duration_ms = 500;
  VadEagerness vad_eagerness = VadEagerness::Auto;
  bool create_response = true;
  bool interrupt_response = true;
  std::string input_transcription_model; /* empty: off */
  std::string transcription_language;    /* empty: not sent */
  NoiseReduction noise_reduction = NoiseReduction::None;
  OutputModality output_modality = OutputModality::Audio;
  int max_output_tokens = 0; /* 0: "inf" */
  double speed = 1.0;
  std::string tools;                /* JSON array; empty: [] */
  std::string tool_choice = "auto"; /* empty: "auto" */
  std::string session_config;       /* JSON object merged over the result */
};

/* Builds the GA `session` object for session.update: `type` is always
 * "realtime", audio settings are nested under audio.input / audio.output,
 * and features that are off are sent as null (turn_detection, transcription,
 * noise_reduction). `tool_choice` may be "auto", "none", "required", a JSON
 * object, or a bare function name (sent as {type:"function", name}).
 * `session_config` is merged over the result last.
 *
 * Returns null and sets @error when a value is out of range or a JSON
 * setting (tools, tool_choice, session_config) does not parse to the right
 * kind of value. */
JsonObjectPtr build_session_object (const SessionSettings & settings,
    GError ** error);

} // namespace realtime
