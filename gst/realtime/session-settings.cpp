/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "session-settings.h"

#include "realtime-error.h"

#include <cstring>

namespace realtime {

static JsonObject *
pcm_format ()
{
  JsonObject * format = json_object_new ();
  json_object_set_string_member (format, "type", "audio/pcm");
  json_object_set_int_member (format, "rate", AUDIO_RATE);
  return format;
}

static JsonNode *
turn_detection_node (const SessionSettings & s)
{
  if (s.turn_detection == TurnDetection::None)
    return json_node_new (JSON_NODE_NULL);

  JsonObject * td = json_object_new ();
  if (s.turn_detection == TurnDetection::ServerVad) {
    json_object_set_string_member (td, "type", "server_vad");
    json_object_set_double_member (td, "threshold", s.vad_threshold);
    json_object_set_int_member (td, "prefix_padding_ms",
        s.vad_prefix_padding_ms);
    json_object_set_int_member (td, "silence_duration_ms",
        s.vad_silence_duration_ms);
  } else {
    static const char * const eagerness[] = {"auto", "low", "medium", "high"};
    json_object_set_string_member (td, "type", "semantic_vad");
    json_object_set_string_member (td, "eagerness",
        eagerness[(int) s.vad_eagerness]);
  }
  json_object_set_boolean_member (td, "create_response", s.create_response);
  json_object_set_boolean_member (td, "interrupt_response",
      s.interrupt_response);

  JsonNode * node = json_node_alloc ();
  json_node_take_object (node, td);
  return node;
}

static JsonNode *
transcription_node (const SessionSettings & s)
{
  if (s.input_transcription_model.empty ())
    return json_node_new (JSON_NODE_NULL);

  JsonObject * t = json_object_new ();
  json_object_set_string_member (t, "model",
      s.input_transcription_model.c_str ());
  if (!s.transcription_language.empty ())
    json_object_set_string_member (t, "language",
        s.transcription_language.c_str ());
  JsonNode * node = json_node_alloc ();
  json_node_take_object (node, t);
  return node;
}

static JsonNode *
noise_reduction_node (const SessionSettings & s)
{
  if (s.noise_reduction == NoiseReduction::None)
    return json_node_new (JSON_NODE_NULL);

  JsonObject * nr = json_object_new ();
  json_object_set_string_member (nr, "type",
      s.noise_reduction == NoiseReduction::NearField ? "near_field"
                                                     : "far_field");
  JsonNode * node = json_node_alloc ();
  json_node_take_object (node, nr);
  return node;
}

/* Parses a JSON setting and checks it is of the @expected node type. */
static JsonNodePtr
parse_setting (const char * name, const std::string & text,
    JsonNodeType expected, const char * expected_desc, GError ** error)
{
  g_autoptr (GError) parse_error = nullptr;
  JsonNodePtr node = json_parse (text, &parse_error);

  if (!node) {
    g_set_error (error, REALTIME_PROTOCOL_ERROR,
        REALTIME_PROTOCOL_ERROR_INVALID_JSON, "%s is not valid JSON (%s)", name,
        parse_error->message);
    return nullptr;
  }
  if (JSON_NODE_TYPE (node.get ()) != expected) {
    g_set_error (error, REALTIME_PROTOCOL_ERROR,
        REALTIME_PROTOCOL_ERROR_WRONG_TYPE, "%s must be a JSON %s", name,
        expected_desc);
    return nullptr;
  }
  return node;
}

static JsonNode *
tool_choice_node (const std::string & choice, GError ** error)
{
  if (choice.empty () || choice == "auto" || choice == "none" ||
      choice == "required")
    return json_node_init_string (json_node_alloc (),
        choice.empty () ? "auto" : choice.c_str ());

  if (choice[0] == '{') {
    JsonNodePtr node = parse_setting ("tool-choice", choice, JSON_NODE_OBJECT,
        "object ({\"type\":\"function\",\"name\":…})", error);
    return node ? node.release () : nullptr;
  }

  /* A bare name forces that function, the common case for gst-launch users. */
  for (char c : choice) {
    if (!g_ascii_isalnum (c) && c != '_' && c != '-') {
      g_set_error (error, REALTIME_PROTOCOL_ERROR,
          REALTIME_PROTOCOL_ERROR_INVALID_VALUE,
          "tool-choice \"%s\" is not auto, none, required, a function name "
          "or a JSON object",
          choice.c_str ());
      return nullptr;
    }
  }
  JsonObject * fn = json_object_new ();
  json_object_set_string_member (fn, "type", "function");
  json_object_set_string_member (fn, "name", choice.c_str ());
  JsonNode * node = json_node_alloc ();
  json_node_take_object (node, fn);
  return node;
}

/* Top-level session fields of the retired beta protocol, with their GA place. */
static const struct
{
  const char * beta;
  const char * ga;
} kBetaSessionFields[] = {
    {"modalities", "output_modalities"},
    {"voice", "audio.output.voice"},
    {"speed", "audio.output.speed"},
    {"input_audio_format", "audio.input.format"},
    {"output_audio_format", "audio.output.format"},
    {"input_audio_transcription", "audio.input.transcription"},
    {"input_audio_noise_reduction", "audio.input.noise_reduction"},
    {"turn_detection", "audio.input.turn_detection"},
    {"temperature", "nothing (GA has no temperature)"},
    {"max_response_output_tokens", "max_output_tokens"},
};

static gboolean
check_no_beta_fields (JsonObject * overlay, GError ** error)
{
  for (const auto & f : kBetaSessionFields) {
    if (json_object_has_member (overlay, f.beta)) {
      g_set_error (error, REALTIME_PROTOCOL_ERROR,
          REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL,
          "session-config field \"%s\" belongs to the retired beta protocol; "
          "the GA session uses %s",
          f.beta, f.ga);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
check_range (GError ** error, const char * name, double value, double min,
    double max)
{
  if (value >= min && value <= max)
    return TRUE;
  g_set_error (error, REALTIME_PROTOCOL_ERROR,
      REALTIME_PROTOCOL_ERROR_INVALID_VALUE, "%s %g is outside %g..%g", name,
      value, min, max);
  return FALSE;
}

JsonObjectPtr
build_session_object (const SessionSettings & s, GError ** error)
{
  if (!check_range (error, "vad-threshold", s.vad_threshold, 0.0, 1.0) ||
      !check_range (error, "speed", s.speed, SPEED_MIN, SPEED_MAX) ||
      !check_range (error, "max-output-tokens", s.max_output_tokens, 0,
          MAX_OUTPUT_TOKENS_LIMIT))
    return nullptr;

  JsonObjectPtr session (json_object_new ());
  JsonObject * obj = session.get ();
  json_object_set_string_member (obj, "type", "realtime");

  JsonArray * modalities = json_array_new ();
  json_array_add_string_element (modalities,
      s.output_modality == OutputModality::Text ? "text" : "audio");
  json_object_set_array_member (obj, "output_modalities", modalities);

  if (!s.instructions.empty ())
    json_object_set_string_member (obj, "instructions",
        s.instructions.c_str ());

  JsonObject * input = json_object_new ();
  json_object_set_object_member (input, "format", pcm_format ());
  json_object_set_member (input, "noise_reduction", noise_reduction_node (s));
  json_object_set_member (input, "transcription", transcription_node (s));
  json_object_set_member (input, "turn_detection", turn_detection_node (s));

  JsonObject * output = json_object_new ();
  json_object_set_object_member (output, "format", pcm_format ());
  if (!s.voice.empty ())
    json_object_set_string_member (output, "voice", s.voice.c_str ());
  json_object_set_double_member (output, "speed", s.speed);

  JsonObject * audio = json_object_new ();
  json_object_set_object_member (audio, "input", input);
  json_object_set_object_member (audio, "output", output);
  json_object_set_object_member (obj, "audio", audio);

  if (s.tools.empty ()) {
    json_object_set_array_member (obj, "tools", json_array_new ());
  } else {
    JsonNodePtr tools = parse_setting ("tools", s.tools, JSON_NODE_ARRAY,
        "array of tool objects", error);
    if (!tools)
      return nullptr;
    json_object_set_member (obj, "tools", tools.release ());
  }

  JsonNode * choice = tool_choice_node (s.tool_choice, error);
  if (choice == nullptr)
    return nullptr;
  json_object_set_member (obj, "tool_choice", choice);

  if (s.max_output_tokens == 0)
    json_object_set_string_member (obj, "max_output_tokens", "inf");
  else
    json_object_set_int_member (obj, "max_output_tokens", s.max_output_tokens);

  if (!s.session_config.empty ()) {
    JsonNodePtr overlay = parse_setting ("session-config", s.session_config,
        JSON_NODE_OBJECT, "object", error);
    if (!overlay ||
        !check_no_beta_fields (json_node_get_object (overlay.get ()), error))
      return nullptr;
    json_object_merge (obj, json_node_get_object (overlay.get ()));
  }
  return session;
}

} // namespace realtime
