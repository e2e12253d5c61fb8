/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "json-helpers.h"

#include <gst/realtime/realtime-error.h>
#include <gst/realtime/session-settings.h>

using namespace realtime;

/* Builds the session object and returns it as a JSON node for inspection. */
static JsonNodePtr
build (const SessionSettings & settings)
{
  g_autoptr (GError) error = nullptr;
  JsonObjectPtr session = build_session_object (settings, &error);
  fail_unless (session != nullptr, "build failed: %s",
      error ? error->message : "");
  return parse_json_object (json_object_to_string (session.get ()));
}

static void
assert_build_fails (const SessionSettings & settings, gint code,
    const char * message_part)
{
  g_autoptr (GError) error = nullptr;
  JsonObjectPtr session = build_session_object (settings, &error);
  fail_unless (session == nullptr, "expected a failure");
  fail_unless (error != nullptr);
  fail_unless (g_error_matches (error, REALTIME_PROTOCOL_ERROR, code),
      "wrong error code %d: %s", error->code, error->message);
  fail_unless (strstr (error->message, message_part) != nullptr,
      "message \"%s\" does not mention \"%s\"", error->message, message_part);
}

GST_START_TEST (test_defaults_are_ga_shaped)
{
  JsonNodePtr s = build (SessionSettings ());
  JsonNode * r = s.get ();

  fail_unless_equals_string (json_string_at (r, "type"), "realtime");
  JsonArray * modalities =
      json_node_get_array (json_at (r, "output_modalities"));
  fail_unless_equals_int (json_array_get_length (modalities), 1);
  fail_unless_equals_string (json_array_get_string_element (modalities, 0),
      "audio");
  fail_unless (json_at (r, "instructions") == nullptr,
      "empty instructions leave the server default");

  fail_unless_equals_string (json_string_at (r, "audio.input.format.type"),
      "audio/pcm");
  fail_unless_equals_int (json_int_at (r, "audio.input.format.rate"), 24000);
  fail_unless_equals_string (json_string_at (r, "audio.output.format.type"),
      "audio/pcm");
  fail_unless_equals_int (json_int_at (r, "audio.output.format.rate"), 24000);
  fail_unless_equals_string (json_string_at (r, "audio.output.voice"), "marin");
  fail_unless_equals_float (json_node_get_double (
                                json_at (r, "audio.output.speed")),
      1.0);

  fail_unless_equals_string (json_string_at (r,
                                 "audio.input.turn_detection.type"),
      "server_vad");
  fail_unless_equals_float (json_node_get_double (json_at (r,
                                "audio.input.turn_detection.threshold")),
      0.5);
  fail_unless_equals_int (json_int_at (r,
                              "audio.input.turn_detection.prefix_padding_ms"),
      300);
  fail_unless_equals_int (json_int_at (r,
                              "audio.input.turn_detection.silence_duration_ms"),
      500);
  fail_unless (json_node_get_boolean (
      json_at (r, "audio.input.turn_detection.create_response")));
  fail_unless (json_node_get_boolean (
      json_at (r, "audio.input.turn_detection.interrupt_response")));
  fail_unless (json_at (r, "audio.input.turn_detection.eagerness") == nullptr);

  /* The service's own default: no transcription (realtimebin's default
   * model is its property's, set on top). */
  fail_unless (json_null_at (r, "audio.input.transcription"));
  fail_unless (json_null_at (r, "audio.input.noise_reduction"));

  fail_unless (JSON_NODE_HOLDS_ARRAY (json_at (r, "tools")));
  fail_unless_equals_int (json_array_get_length (
                              json_node_get_array (json_at (r, "tools"))),
      0);
  fail_unless_equals_string (json_string_at (r, "tool_choice"), "auto");
  fail_unless_equals_string (json_string_at (r, "max_output_tokens"), "inf");

  /* No member of the flat beta session, at any value. */
  const char * beta[] = {"modalities", "voice", "speed", "input_audio_format",
      "output_audio_format", "input_audio_transcription",
      "input_audio_noise_reduction", "turn_detection", "temperature",
      "max_response_output_tokens"};
  for (const char * name : beta)
    fail_unless (json_at (r, name) == nullptr, "beta field %s", name);
}
GST_END_TEST;

GST_START_TEST (test_every_setting_lands_in_its_ga_place)
{
  SessionSettings st;
  st.voice = "cedar";
  st.instructions = "Be brief.";
  st.vad_threshold = 0.7;
  st.vad_prefix_padding_ms = 100;
  st.vad_silence_duration_ms = 900;
  st.create_response = false;
  st.interrupt_response = false;
  st.input_transcription_model = "gpt-live-transcribe";
  st.transcription_language = "de";
  st.noise_reduction = NoiseReduction::FarField;
  st.output_modality = OutputModality::Text;
  st.max_output_tokens = 250;
  st.speed = 1.25;

  JsonNodePtr s = build (st);
  JsonNode * r = s.get ();
  fail_unless_equals_string (json_string_at (r, "audio.output.voice"), "cedar");
  fail_unless_equals_string (json_string_at (r, "instructions"), "Be brief.");
  fail_unless_equals_float (json_node_get_double (json_at (r,
                                "audio.input.turn_detection.threshold")),
      0.7);
  fail_unless_equals_int (json_int_at (r,
                              "audio.input.turn_detection.prefix_padding_ms"),
      100);
  fail_unless_equals_int (json_int_at (r,
                              "audio.input.turn_detection.silence_duration_ms"),
      900);
  fail_if (json_node_get_boolean (
      json_at (r, "audio.input.turn_detection.create_response")));
  fail_if (json_node_get_boolean (
      json_at (r, "audio.input.turn_detection.interrupt_response")));
  fail_unless_equals_string (json_string_at (r,
                                 "audio.input.transcription.model"),
      "gpt-live-transcribe");
  fail_unless_equals_string (json_string_at (r,
                                 "audio.input.transcription.language"),
      "de");
  fail_unless_equals_string (json_string_at (r,
                                 "audio.input.noise_reduction.type"),
      "far_field");
  fail_unless_equals_string (
      json_array_get_string_element (json_node_get_array (
                                         json_at (r, "output_modalities")),
          0),
      "text");
  fail_unless_equals_int (json_int_at (r, "max_output_tokens"), 250);
  fail_unless_equals_float (json_node_get_double (
                                json_at (r, "audio.output.speed")),
      1.25);

  st.noise_reduction = NoiseReduction::NearField;
  s = build (st);
  fail_unless_equals_string (json_string_at (s.get (),
                                 "audio.input.noise_reduction.type"),
      "near_field");
}
GST_END_TEST;

GST_START_TEST (test_turn_detection_modes)
{
  SessionSettings st;
  st.turn_detection = TurnDetection::SemanticVad;
  st.vad_eagerness = VadEagerness::High;
  JsonNodePtr s = build (st);
  fail_unless_equals_string (json_string_at (s.get (),
                                 "audio.input.turn_detection.type"),
      "semantic_vad");
  fail_unless_equals_string (json_string_at (s.get (),
                                 "audio.input.turn_detection.eagerness"),
      "high");
  /* server_vad-only fields would make the object invalid for semantic_vad. */
  fail_unless (
      json_at (s.get (), "audio.input.turn_detection.threshold") == nullptr);
  fail_unless (
      json_at (s.get (), "audio.input.turn_detection.silence_duration_ms") ==
      nullptr);

  st.vad_eagerness = VadEagerness::Auto;
  s = build (st);
  fail_unless_equals_string (json_string_at (s.get (),
                                 "audio.input.turn_detection.eagerness"),
      "auto");

  /* Push-to-talk: turn detection off is an explicit null. */
  st.turn_detection = TurnDetection::None;
  s = build (st);
  fail_unless (json_null_at (s.get (), "audio.input.turn_detection"));
}
GST_END_TEST;

GST_START_TEST (test_transcription_off_is_null)
{
  SessionSettings st;
  st.input_transcription_model = "";
  st.transcription_language = "fr"; /* meaningless without a model */
  JsonNodePtr s = build (st);
  fail_unless (json_null_at (s.get (), "audio.input.transcription"));
}
GST_END_TEST;

GST_START_TEST (test_tools_and_tool_choice)
{
  SessionSettings st;
  st.tools =
      "[{\"type\":\"function\",\"name\":\"get_time\","
      "\"description\":\"Current time\",\"parameters\":{\"type\":\"object\","
      "\"properties\":{}}}]";
  st.tool_choice = "required";
  JsonNodePtr s = build (st);
  JsonArray * tools = json_node_get_array (json_at (s.get (), "tools"));
  fail_unless_equals_int (json_array_get_length (tools), 1);
  fail_unless_equals_string (
      json_object_get_string_member (json_array_get_object_element (tools, 0),
          "name"),
      "get_time");
  fail_unless_equals_string (json_string_at (s.get (), "tool_choice"),
      "required");

  st.tool_choice = "none";
  s = build (st);
  fail_unless_equals_string (json_string_at (s.get (), "tool_choice"), "none");

  /* A bare function name forces that function. */
  st.tool_choice = "get_time";
  s = build (st);
  fail_unless_equals_string (json_string_at (s.get (), "tool_choice.type"),
      "function");
  fail_unless_equals_string (json_string_at (s.get (), "tool_choice.name"),
      "get_time");

  st.tool_choice = "{\"type\":\"function\",\"name\":\"get_weather\"}";
  s = build (st);
  fail_unless_equals_string (json_string_at (s.get (), "tool_choice.name"),
      "get_weather");

  st.tool_choice = "";
  s = build (st);
  fail_unless_equals_string (json_string_at (s.get (), "tool_choice"), "auto");
}
GST_END_TEST;

GST_START_TEST (test_invalid_settings_give_clear_errors)
{
  SessionSettings st;

  st.tools = "[{\"type\":";
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_INVALID_JSON, "tools");
  st.tools = "{\"type\":\"function\"}";
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_WRONG_TYPE, "tools");
  st.tools = "";

  st.tool_choice = "{not json";
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_INVALID_JSON, "tool-choice");
  st.tool_choice = "[\"auto\"]";
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_INVALID_VALUE, "tool-choice");
  st.tool_choice = "get time";
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_INVALID_VALUE, "tool-choice");
  st.tool_choice = "auto";

  st.session_config = "[1,2]";
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_WRONG_TYPE, "session-config");
  st.session_config = "{";
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_INVALID_JSON,
      "session-config");
  st.session_config = "";

  st.vad_threshold = 1.5;
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_INVALID_VALUE,
      "vad-threshold");
  st.vad_threshold = 0.5;
  st.speed = 2.0;
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_INVALID_VALUE, "speed");
  st.speed = 0.1;
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_INVALID_VALUE, "speed");
  st.speed = 1.0;
  st.max_output_tokens = 4097;
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_INVALID_VALUE,
      "max-output-tokens");
  st.max_output_tokens = -1;
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_INVALID_VALUE,
      "max-output-tokens");
}
GST_END_TEST;

GST_START_TEST (test_session_config_merges_deeply)
{
  SessionSettings st;
  st.session_config =
      "{\"truncation\":\"disabled\","
      "\"audio\":{\"input\":{\"turn_detection\":{\"idle_timeout_ms\":6000},"
      "\"noise_reduction\":{\"type\":\"near_field\",\"strength\":0.5}}},"
      "\"output_modalities\":[\"text\"]}";
  JsonNodePtr s = build (st);
  JsonNode * r = s.get ();

  fail_unless_equals_string (json_string_at (r, "truncation"), "disabled");
  /* Merged into, not replaced: the generated VAD fields stay. */
  fail_unless_equals_int (json_int_at (r,
                              "audio.input.turn_detection.idle_timeout_ms"),
      6000);
  fail_unless_equals_string (json_string_at (r,
                                 "audio.input.turn_detection.type"),
      "server_vad");
  fail_unless_equals_int (json_int_at (r,
                              "audio.input.turn_detection.silence_duration_ms"),
      500);
  fail_unless_equals_string (json_string_at (r,
                                 "audio.input.noise_reduction.type"),
      "near_field");
  fail_unless_equals_int (json_int_at (r, "audio.input.format.rate"), 24000);
  /* Arrays are values: replaced. */
  fail_unless_equals_string (
      json_array_get_string_element (json_node_get_array (
                                         json_at (r, "output_modalities")),
          0),
      "text");

  /* An explicit null in session-config turns a feature off. */
  st.session_config = "{\"audio\":{\"input\":{\"transcription\":null}}}";
  s = build (st);
  fail_unless (json_null_at (s.get (), "audio.input.transcription"));
}
GST_END_TEST;

GST_START_TEST (test_session_config_refuses_beta_fields)
{
  SessionSettings st;
  st.session_config = "{\"input_audio_format\":\"pcm16\"}";
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL,
      "audio.input.format");
  st.session_config = "{\"temperature\":0.8}";
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL, "temperature");
  st.session_config = "{\"modalities\":[\"audio\"]}";
  assert_build_fails (st, REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL,
      "output_modalities");
}
GST_END_TEST;

static Suite *
session_settings_suite (void)
{
  Suite * s = suite_create ("session-settings");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_defaults_are_ga_shaped);
  tcase_add_test (tc, test_every_setting_lands_in_its_ga_place);
  tcase_add_test (tc, test_turn_detection_modes);
  tcase_add_test (tc, test_transcription_off_is_null);
  tcase_add_test (tc, test_tools_and_tool_choice);
  tcase_add_test (tc, test_invalid_settings_give_clear_errors);
  tcase_add_test (tc, test_session_config_merges_deeply);
  tcase_add_test (tc, test_session_config_refuses_beta_fields);
  return s;
}

GST_CHECK_MAIN (session_settings);
