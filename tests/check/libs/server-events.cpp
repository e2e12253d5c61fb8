/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "json-helpers.h"

#include <gst/realtime/realtime-error.h>
#include <gst/realtime/server-events.h>

#include <set>

using namespace realtime;

/* One minimal event of every GA server type, carrying exactly the members
 * the schema requires (so dropping any of them must be an error). */
static const struct
{
  const char * type;
  const char * json;
} kMinimal[] =
    {
        {"session.created",
            R"({"type":"session.created","event_id":"e1","session":{"type":"realtime","id":"sess_1","object":"realtime.session"}})"},
        {"session.updated",
            R"({"type":"session.updated","event_id":"e1","session":{"type":"realtime","id":"sess_1","object":"realtime.session"}})"},
        {"conversation.created",
            R"({"type":"conversation.created","event_id":"e1","conversation":{"id":"conv_1"}})"},
        {"conversation.item.added",
            R"({"type":"conversation.item.added","event_id":"e1","item":{"type":"message","role":"user","content":[]}})"},
        {"conversation.item.done",
            R"({"type":"conversation.item.done","event_id":"e1","item":{"type":"message","role":"assistant","content":[]}})"},
        {"conversation.item.created",
            R"({"type":"conversation.item.created","event_id":"e1","item":{"type":"function_call","name":"f","arguments":"{}"}})"},
        {"conversation.item.retrieved",
            R"({"type":"conversation.item.retrieved","event_id":"e1","item":{"type":"function_call_output","call_id":"call_1","output":"42"}})"},
        {"conversation.item.truncated",
            R"({"type":"conversation.item.truncated","event_id":"e1","item_id":"item_1","content_index":0,"audio_end_ms":1500})"},
        {"conversation.item.deleted",
            R"({"type":"conversation.item.deleted","event_id":"e1","item_id":"item_1"})"},
        {"input_audio_buffer.committed",
            R"({"type":"input_audio_buffer.committed","event_id":"e1","item_id":"item_1"})"},
        {"input_audio_buffer.cleared",
            R"({"type":"input_audio_buffer.cleared","event_id":"e1"})"},
        {"input_audio_buffer.speech_started",
            R"({"type":"input_audio_buffer.speech_started","event_id":"e1","audio_start_ms":1000,"item_id":"item_1"})"},
        {"input_audio_buffer.speech_stopped",
            R"({"type":"input_audio_buffer.speech_stopped","event_id":"e1","audio_end_ms":2500,"item_id":"item_1"})"},
        {"input_audio_buffer.timeout_triggered",
            R"({"type":"input_audio_buffer.timeout_triggered","event_id":"e1","audio_start_ms":1000,"audio_end_ms":7000,"item_id":"item_1"})"},
        {"input_audio_buffer.dtmf_event_received",
            R"({"type":"input_audio_buffer.dtmf_event_received","event":"5","received_at":1767225600})"},
        {"conversation.item.input_audio_transcription.delta",
            R"({"type":"conversation.item.input_audio_transcription.delta","event_id":"e1","item_id":"item_1"})"},
        {"conversation.item.input_audio_transcription.completed",
            R"({"type":"conversation.item.input_audio_transcription.completed","event_id":"e1","item_id":"item_1","content_index":0,"transcript":"hello","usage":{"type":"duration","seconds":1.5}})"},
        {"conversation.item.input_audio_transcription.failed",
            R"({"type":"conversation.item.input_audio_transcription.failed","event_id":"e1","item_id":"item_1","content_index":0,"error":{}})"},
        {"conversation.item.input_audio_transcription.segment",
            R"({"type":"conversation.item.input_audio_transcription.segment","event_id":"e1","item_id":"item_1","content_index":0,"text":"hi","id":"seg_1","speaker":"A","start":0.5,"end":1.25})"},
        {"response.created",
            R"({"type":"response.created","event_id":"e1","response":{}})"},
        {"response.done",
            R"({"type":"response.done","event_id":"e1","response":{}})"},
        {"response.output_item.added",
            R"({"type":"response.output_item.added","event_id":"e1","response_id":"resp_1","output_index":0,"item":{"type":"message","role":"assistant","content":[]}})"},
        {"response.output_item.done",
            R"({"type":"response.output_item.done","event_id":"e1","response_id":"resp_1","output_index":0,"item":{"type":"message","role":"assistant","content":[]}})"},
        {"response.content_part.added",
            R"({"type":"response.content_part.added","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"part":{}})"},
        {"response.content_part.done",
            R"({"type":"response.content_part.done","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"part":{}})"},
        {"response.output_text.delta",
            R"({"type":"response.output_text.delta","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"Hel"})"},
        {"response.output_text.done",
            R"({"type":"response.output_text.done","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"text":"Hello"})"},
        {"response.output_audio.delta",
            R"({"type":"response.output_audio.delta","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"AQID"})"},
        {"response.output_audio.done",
            R"({"type":"response.output_audio.done","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0})"},
        {"response.output_audio_transcript.delta",
            R"({"type":"response.output_audio_transcript.delta","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"Hel"})"},
        {"response.output_audio_transcript.done",
            R"({"type":"response.output_audio_transcript.done","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"transcript":"Hello"})"},
        {"response.function_call_arguments.delta",
            R"({"type":"response.function_call_arguments.delta","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"call_id":"call_1","delta":"{\""})"},
        {"response.function_call_arguments.done",
            R"({"type":"response.function_call_arguments.done","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"call_id":"call_1","name":"get_time","arguments":"{}"})"},
        {"response.mcp_call_arguments.delta",
            R"({"type":"response.mcp_call_arguments.delta","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"delta":"{"})"},
        {"response.mcp_call_arguments.done",
            R"({"type":"response.mcp_call_arguments.done","event_id":"e1","response_id":"resp_1","item_id":"item_1","output_index":0,"arguments":"{}"})"},
        {"response.mcp_call.in_progress",
            R"({"type":"response.mcp_call.in_progress","event_id":"e1","output_index":0,"item_id":"item_1"})"},
        {"response.mcp_call.completed",
            R"({"type":"response.mcp_call.completed","event_id":"e1","output_index":0,"item_id":"item_1"})"},
        {"response.mcp_call.failed",
            R"({"type":"response.mcp_call.failed","event_id":"e1","output_index":0,"item_id":"item_1"})"},
        {"mcp_list_tools.in_progress",
            R"({"type":"mcp_list_tools.in_progress","event_id":"e1","item_id":"item_1"})"},
        {"mcp_list_tools.completed",
            R"({"type":"mcp_list_tools.completed","event_id":"e1","item_id":"item_1"})"},
        {"mcp_list_tools.failed",
            R"({"type":"mcp_list_tools.failed","event_id":"e1","item_id":"item_1"})"},
        {"rate_limits.updated",
            R"({"type":"rate_limits.updated","event_id":"e1","rate_limits":[]})"},
        {"output_audio_buffer.started",
            R"({"type":"output_audio_buffer.started","event_id":"e1","response_id":"resp_1"})"},
        {"output_audio_buffer.stopped",
            R"({"type":"output_audio_buffer.stopped","event_id":"e1","response_id":"resp_1"})"},
        {"output_audio_buffer.cleared",
            R"({"type":"output_audio_buffer.cleared","event_id":"e1","response_id":"resp_1"})"},
        {"error",
            R"({"type":"error","event_id":"e1","error":{"type":"invalid_request_error","message":"bad"}})"},
};

static ServerEvent
parse_ok (const std::string & text)
{
  g_autoptr (GError) error = nullptr;
  std::optional<ServerEvent> ev = parse_server_event (text, &error);
  fail_unless (ev.has_value (), "failed to parse %s: %s", text.c_str (),
      error ? error->message : "");
  fail_unless (error == nullptr);
  return std::move (*ev);
}

static void
assert_parse_error (const std::string & text, gint code, const char * part)
{
  g_autoptr (GError) error = nullptr;
  std::optional<ServerEvent> ev = parse_server_event (text, &error);
  fail_if (ev.has_value (), "accepted %s", text.c_str ());
  fail_unless (error != nullptr, "no error for %s", text.c_str ());
  fail_unless (g_error_matches (error, REALTIME_PROTOCOL_ERROR, code),
      "code %d (%s) for %s", error->code, error->message, text.c_str ());
  if (part)
    fail_unless (strstr (error->message, part) != nullptr,
        "\"%s\" does not mention \"%s\"", error->message, part);
}

GST_START_TEST (test_every_type_parses)
{
  std::set<ServerEventType> seen;
  fail_unless_equals_int (G_N_ELEMENTS (kMinimal), SERVER_EVENT_TYPE_COUNT);

  for (const auto & m : kMinimal) {
    ServerEvent ev = parse_ok (m.json);
    fail_if (ev.type == ServerEventType::Unknown, "%s unknown", m.type);
    fail_unless_equals_string (ev.type_name.c_str (), m.type);
    fail_unless_equals_string (server_event_type_name (ev.type), m.type);
    fail_unless (server_event_type_from_name (m.type) == ev.type);
    fail_unless (ev.unknown_fields.empty (), "%s: unknown %s", m.type,
        ev.unknown_fields.empty () ? "" : ev.unknown_fields[0].c_str ());
    seen.insert (ev.type);
  }
  fail_unless_equals_int (seen.size (), SERVER_EVENT_TYPE_COUNT);
}
GST_END_TEST;

/* Drops each member of each minimal event in turn: always an error that
 * names the missing field. */
GST_START_TEST (test_every_required_field_is_checked)
{
  for (const auto & m : kMinimal) {
    JsonNodePtr root = parse_json_object (m.json);
    JsonObject * obj = json_node_get_object (root.get ());
    g_autoptr (GList) names = json_object_get_members (obj);

    for (GList * l = names; l != nullptr; l = l->next) {
      const char * name = (const char *) l->data;
      JsonObjectPtr copy (json_object_new ());
      for (GList * k = names; k != nullptr; k = k->next)
        if (strcmp ((const char *) k->data, name) != 0)
          json_object_set_member (copy.get (), (const char *) k->data,
              json_node_copy (
                  json_object_get_member (obj, (const char *) k->data)));

      std::string quoted = std::string ("\"") + name + "\"";
      assert_parse_error (json_object_to_string (copy.get ()),
          REALTIME_PROTOCOL_ERROR_MISSING_FIELD, quoted.c_str ());
    }
  }
}
GST_END_TEST;

/* A value of the wrong JSON kind for each member (and null for each
 * required member): always a WRONG_TYPE error, never a crash. */
GST_START_TEST (test_every_field_is_type_checked)
{
  for (const auto & m : kMinimal) {
    JsonNodePtr root = parse_json_object (m.json);
    JsonObject * obj = json_node_get_object (root.get ());
    g_autoptr (GList) names = json_object_get_members (obj);

    for (GList * l = names; l != nullptr; l = l->next) {
      const char * name = (const char *) l->data;
      if (strcmp (name, "type") == 0)
        continue;
      JsonNode * value = json_object_get_member (obj, name);
      const char * replacements[2] = {"null", nullptr};
      if (JSON_NODE_HOLDS_OBJECT (value) || JSON_NODE_HOLDS_ARRAY (value))
        replacements[1] = "\"text\"";
      else if (json_node_get_value_type (value) == G_TYPE_STRING)
        replacements[1] = "[1]";
      else
        replacements[1] = "{\"a\":1}";

      for (const char * r : replacements) {
        JsonObjectPtr copy (json_object_new ());
        for (GList * k = names; k != nullptr; k = k->next)
          json_object_set_member (copy.get (), (const char *) k->data,
              json_node_copy (
                  json_object_get_member (obj, (const char *) k->data)));
        JsonNodePtr bad = parse_json_object (
            r[0] == '{' ? r : std::string ("{\"v\":") + r + "}");
        JsonNode * bad_value = r[0] == '{'
            ? bad.get ()
            : json_object_get_member (json_node_get_object (bad.get ()), "v");
        json_object_set_member (copy.get (), name, json_node_copy (bad_value));
        assert_parse_error (json_object_to_string (copy.get ()),
            REALTIME_PROTOCOL_ERROR_WRONG_TYPE, name);
      }
    }
  }
}
GST_END_TEST;

GST_START_TEST (test_malformed_input_is_an_error)
{
  const char * not_objects[] = {"", "{", "}", "[]", "42", "null", "\"x\"",
      "{\"type\":\"error\",", "{\"type\" \"error\"}", "\xff\xfe\x00",
      "{\"type\":\"error\"}}"};
  for (const char * t : not_objects)
    assert_parse_error (t, REALTIME_PROTOCOL_ERROR_INVALID_JSON, nullptr);

  assert_parse_error ("{}", REALTIME_PROTOCOL_ERROR_MISSING_FIELD, "type");
  assert_parse_error ("{\"type\":5}", REALTIME_PROTOCOL_ERROR_WRONG_TYPE,
      "type");
  assert_parse_error ("{\"type\":null}", REALTIME_PROTOCOL_ERROR_WRONG_TYPE,
      "type");

  /* Every prefix of every minimal event: an error value, never a crash. */
  for (const auto & m : kMinimal) {
    std::string full = m.json;
    for (gsize len = 0; len < full.size (); len++) {
      g_autoptr (GError) error = nullptr;
      fail_if (parse_server_event (full.substr (0, len), &error).has_value (),
          "accepted truncated %s", full.substr (0, len).c_str ());
      fail_unless (error != nullptr);
    }
  }

  /* Random byte flips: any outcome but a crash (ASan/UBSan builds check). */
  GRand * rand = g_rand_new_with_seed (7);
  for (int i = 0; i < 5000; i++) {
    std::string text =
        kMinimal[g_rand_int_range (rand, 0, G_N_ELEMENTS (kMinimal))].json;
    for (int flips = g_rand_int_range (rand, 1, 4); flips > 0; flips--)
      text[g_rand_int_range (rand, 0, text.size ())] =
          (char) g_rand_int_range (rand, 0, 256);
    g_autoptr (GError) error = nullptr;
    std::optional<ServerEvent> ev = parse_server_event (text, &error);
    fail_unless (ev.has_value () != (error != nullptr));
  }
  g_rand_free (rand);
}
GST_END_TEST;

GST_START_TEST (test_unknown_types_and_fields_are_tolerated)
{
  ServerEvent ev =
      parse_ok (R"({"type":"response.future_thing","event_id":"e9","x":1})");
  fail_unless (ev.type == ServerEventType::Unknown);
  fail_unless_equals_string (ev.type_name.c_str (), "response.future_thing");
  fail_unless_equals_string (ev.event_id.c_str (), "e9");

  ev = parse_ok (R"({"type":"response.done","event_id":"e1","shiny":true,
      "response":{"id":"resp_1","new_field":1,"status_details":{"type":"completed","more":2},
      "output":[{"type":"message","role":"assistant","content":[{"type":"output_audio","x":3}],"y":4}]}})");
  fail_unless (ev.type == ServerEventType::ResponseDone);
  std::set<std::string> unknown (ev.unknown_fields.begin (),
      ev.unknown_fields.end ());
  fail_unless_equals_int (unknown.size (), 5);
  for (const char * path :
      {"shiny", "response.new_field", "response.status_details.more",
          "response.output[0].y", "response.output[0].content[0].x"})
    fail_unless (unknown.count (path) == 1, "%s not reported", path);
}
GST_END_TEST;

GST_START_TEST (test_beta_shapes_are_refused)
{
  for (const char * name : {"response.audio.delta", "response.audio.done",
           "response.audio_transcript.delta", "response.text.delta",
           "transcription_session.created"}) {
    std::string text =
        std::string ("{\"type\":\"") + name + "\",\"event_id\":\"e1\"}";
    assert_parse_error (text, REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL, name);
  }
  assert_parse_error (
      R"({"type":"session.created","event_id":"e1","session":{"id":"sess_1","object":"realtime.session","modalities":["text","audio"],"input_audio_format":"pcm16"}})",
      REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL, "beta");
}
GST_END_TEST;

GST_START_TEST (test_audio_delta_is_decoded)
{
  ServerEvent ev = parse_ok (kMinimal[27].json);
  fail_unless (ev.type == ServerEventType::ResponseOutputAudioDelta);
  fail_unless_equals_int (ev.audio.size (), 3); /* odd: half a sample */
  fail_unless_equals_int (ev.audio[0], 1);
  fail_unless_equals_int (ev.audio[2], 3);
  fail_unless (ev.delta.empty ());
  fail_unless_equals_string (ev.response_id.c_str (), "resp_1");
  fail_unless_equals_string (ev.item_id.c_str (), "item_1");
  fail_unless_equals_int (ev.output_index, 0);
  fail_unless_equals_int (ev.content_index, 0);

  assert_parse_error (
      R"({"type":"response.output_audio.delta","event_id":"e1","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":"AQI*"})",
      REALTIME_PROTOCOL_ERROR_INVALID_BASE64, "base64");
}
GST_END_TEST;

GST_START_TEST (test_fields_are_read)
{
  ServerEvent ev = parse_ok (
      R"({"type":"input_audio_buffer.speech_started","event_id":"e1","audio_start_ms":1500.0,"item_id":"item_u1"})");
  fail_unless_equals_int (ev.audio_start_ms, 1500);
  fail_unless_equals_int (ev.audio_end_ms, -1);
  fail_unless_equals_string (ev.item_id.c_str (), "item_u1");
  assert_parse_error (
      R"({"type":"input_audio_buffer.speech_started","event_id":"e1","audio_start_ms":1500.5,"item_id":"i"})",
      REALTIME_PROTOCOL_ERROR_WRONG_TYPE, "audio_start_ms");

  ev = parse_ok (
      R"({"type":"error","event_id":"e5","error":{"type":"invalid_request_error","code":"response_cancel_not_active","message":"Cancellation failed","param":null,"event_id":"c9"}})");
  fail_unless_equals_string (ev.error->type.c_str (), "invalid_request_error");
  fail_unless_equals_string (ev.error->code.c_str (),
      "response_cancel_not_active");
  fail_unless_equals_string (ev.error->message.c_str (), "Cancellation failed");
  fail_unless (ev.error->param.empty ());
  fail_unless_equals_string (ev.error->event_id.c_str (), "c9");

  ev = parse_ok (R"({"type":"response.done","event_id":"e1","response":{
      "id":"resp_1","object":"realtime.response","status":"cancelled",
      "status_details":{"type":"cancelled","reason":"turn_detected"},
      "conversation_id":"conv_1","output_modalities":["audio"],"max_output_tokens":"inf",
      "metadata":{"k":"v"},
      "output":[{"id":"item_a","type":"message","status":"incomplete","role":"assistant",
                 "content":[{"type":"output_audio","transcript":"Sure, the"}]},
                {"id":"item_f","type":"function_call","call_id":"call_1","name":"get_time","arguments":"{}"}],
      "usage":{"total_tokens":300,"input_tokens":200,"output_tokens":100,
               "input_token_details":{"text_tokens":20,"audio_tokens":180,"image_tokens":0,"cached_tokens":64,
                                      "cached_tokens_details":{"text_tokens":0,"audio_tokens":64}},
               "output_token_details":{"text_tokens":10,"audio_tokens":90}}}})");
  const Response & r = *ev.response;
  fail_unless_equals_string (r.id.c_str (), "resp_1");
  fail_unless_equals_string (r.status.c_str (), "cancelled");
  fail_unless_equals_string (r.status_type.c_str (), "cancelled");
  fail_unless_equals_string (r.status_reason.c_str (), "turn_detected");
  fail_unless_equals_string (r.conversation_id.c_str (), "conv_1");
  fail_unless_equals_int (r.output.size (), 2);
  fail_unless_equals_string (r.output[0].content[0].transcript.c_str (),
      "Sure, the");
  fail_unless_equals_string (r.output[1].name.c_str (), "get_time");
  fail_unless_equals_string (r.output[1].call_id.c_str (), "call_1");
  fail_unless (r.usage.has_value ());
  fail_unless_equals_int (r.usage->total_tokens, 300);
  fail_unless_equals_int (r.usage->input_audio_tokens, 180);
  fail_unless_equals_int (r.usage->input_cached_tokens, 64);
  fail_unless_equals_int (r.usage->output_audio_tokens, 90);
  fail_unless_equals_int (r.usage->output_text_tokens, 10);
  fail_unless_equals_int (r.metadata.size (), 1);
  fail_unless (ev.unknown_fields.empty ());

  ev = parse_ok (
      R"({"type":"response.done","event_id":"e1","response":{"id":"r","status":"failed",
      "status_details":{"type":"failed","error":{"type":"server_error","code":"overloaded","message":"busy"}}}})");
  fail_unless_equals_string (ev.response->status_error.code.c_str (),
      "overloaded");
  fail_unless_equals_string (ev.response->status_error.message.c_str (),
      "busy");

  ev =
      parse_ok (R"({"type":"rate_limits.updated","event_id":"e1","rate_limits":[
      {"name":"requests","limit":1000,"remaining":999,"reset_seconds":0.06},
      {"name":"tokens","limit":50000,"remaining":49000,"reset_seconds":1.2}]})");
  fail_unless_equals_int (ev.rate_limits.size (), 2);
  fail_unless_equals_string (ev.rate_limits[1].name.c_str (), "tokens");
  fail_unless_equals_float (ev.rate_limits[1].remaining, 49000);
  fail_unless_equals_float (ev.rate_limits[0].reset_seconds, 0.06);

  ev = parse_ok (
      R"({"type":"conversation.item.input_audio_transcription.completed","event_id":"e1",
      "item_id":"item_u","content_index":0,"transcript":"What time is it?",
      "usage":{"type":"tokens","input_tokens":12,"output_tokens":5,"total_tokens":17},"logprobs":null})");
  fail_unless_equals_string (ev.transcript.c_str (), "What time is it?");
  fail_unless_equals_string (ev.transcription_usage->type.c_str (), "tokens");
  fail_unless_equals_int (ev.transcription_usage->total_tokens, 17);

  ev = parse_ok (kMinimal[14].json); /* dtmf: no event_id at all */
  fail_unless_equals_string (ev.dtmf_key.c_str (), "5");
  fail_unless_equals_int (ev.received_at, 1767225600);
  fail_unless (ev.event_id.empty ());

  ev = parse_ok (kMinimal[18].json);
  fail_unless_equals_string (ev.segment_id.c_str (), "seg_1");
  fail_unless_equals_string (ev.speaker.c_str (), "A");
  fail_unless_equals_float (ev.end, 1.25);
}
GST_END_TEST;

GST_START_TEST (test_session_is_read)
{
  ServerEvent ev =
      parse_ok (R"({"type":"session.created","event_id":"e1","session":{
      "type":"realtime","object":"realtime.session","id":"sess_1","model":"gpt-realtime-2.1",
      "output_modalities":["audio"],"instructions":"Be nice.","tools":[],"tool_choice":"auto",
      "max_output_tokens":"inf","tracing":null,"truncation":"auto","prompt":null,"expires_at":1767225600,
      "audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"transcription":{"model":"gpt-transcribe","language":"en"},
                        "noise_reduction":{"type":"near_field"},
                        "turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,
                                          "silence_duration_ms":200,"idle_timeout_ms":null,
                                          "create_response":true,"interrupt_response":true}},
               "output":{"format":{"type":"audio/pcm","rate":24000},"voice":"marin","speed":1}}}})");
  const Session & s = *ev.session;
  fail_unless_equals_string (s.id.c_str (), "sess_1");
  fail_unless_equals_string (s.type.c_str (), "realtime");
  fail_unless_equals_string (s.model.c_str (), "gpt-realtime-2.1");
  fail_unless_equals_int64 (s.expires_at, 1767225600);
  fail_unless_equals_string (s.instructions.c_str (), "Be nice.");
  fail_unless_equals_string (s.voice.c_str (), "marin");
  fail_unless_equals_string (s.input_format.c_str (), "audio/pcm");
  fail_unless_equals_int (s.input_rate, 24000);
  fail_unless_equals_int (s.output_rate, 24000);
  fail_unless_equals_string (s.turn_detection.c_str (), "server_vad");
  fail_unless_equals_float (s.vad_threshold, 0.5);
  fail_unless_equals_int (s.vad_silence_duration_ms, 200);
  fail_unless (s.create_response && s.interrupt_response);
  fail_unless_equals_string (s.transcription_model.c_str (), "gpt-transcribe");
  fail_unless_equals_string (s.noise_reduction.c_str (), "near_field");
  fail_unless (ev.unknown_fields.empty (), "unknown: %s",
      ev.unknown_fields.empty () ? "" : ev.unknown_fields[0].c_str ());

  /* Turn detection off, and a custom voice given as an object. */
  ev = parse_ok (R"({"type":"session.updated","event_id":"e2","session":{
      "type":"realtime","object":"realtime.session","id":"sess_1",
      "audio":{"input":{"turn_detection":null,"transcription":null},"output":{"voice":{"id":"voice_123"}}}}})");
  fail_unless (ev.session->turn_detection.empty ());
  fail_unless (ev.session->transcription_model.empty ());
  fail_unless_equals_string (ev.session->voice.c_str (), "voice_123");
}
GST_END_TEST;

/* Strings from the server end up in GStreamer structures and utf8 text
 * buffers: whatever the JSON holds, they come out as valid UTF-8 (found by
 * fuzz-server-event; inputs in fuzz/findings/). */
GST_START_TEST (test_strings_are_valid_utf8)
{
  const char * lone_surrogate =
      "{\"type\":\"response.output_audio_transcript"
      ".delta\",\"event_id\":\"e1\",\"response_id\":\"resp_1\",\"item_id\":"
      "\"item_1\",\"output_index\":0,\"content_index\":0,\"delta\":"
      "\"\\ud800 noon\"}";
  g_autoptr (GError) error = nullptr;
  auto ev = realtime::parse_server_event (lone_surrogate, &error);
  fail_unless (ev.has_value (), "%s", error ? error->message : "");
  fail_unless (g_utf8_validate (ev->delta.c_str (), -1, nullptr));
  fail_unless (strstr (ev->delta.c_str (), "noon") != nullptr, "%s",
      ev->delta.c_str ());

  const char * bad_escape =
      "{\"type\":\"response.output_audio_transcript"
      ".delta\",\"event_id\":\"e1\",\"response_id\":\"resp_1\",\"item_id\":"
      "\"item_1\",\"output_index\":0,\"content_index\":0,\"delta\":"
      "\"a\\666b\"}";
  g_clear_error (&error);
  ev = realtime::parse_server_event (bad_escape, &error);
  if (ev)
    fail_unless (g_utf8_validate (ev->delta.c_str (), -1, nullptr));
  else
    fail_unless (g_utf8_validate (error->message, -1, nullptr));

  /* Unknown member names are reported too. */
  g_clear_error (&error);
  ev = realtime::parse_server_event ("{\"type\":\"input_audio_buffer.cleared\","
                                     "\"event_id\":\"e1\",\"x\\ud800y\":1}",
      &error);
  fail_unless (ev.has_value (), "%s", error ? error->message : "");
  fail_unless_equals_int (ev->unknown_fields.size (), 1);
  fail_unless (g_utf8_validate (ev->unknown_fields[0].c_str (), -1, nullptr));

  /* json-glib's message quotes the bad text, cut inside a character. */
  const char * cut = "{\"\":\"aaaaaaaaaaaaaaaaaaaaaaax\\ue\"\\ue\"\"";
  g_clear_error (&error);
  ev = realtime::parse_server_event (cut, &error);
  fail_if (ev.has_value ());
  fail_unless (g_utf8_validate (error->message, -1, nullptr), "%s",
      error->message);
}
GST_END_TEST;

static Suite *
server_events_suite (void)
{
  Suite * s = suite_create ("server-events");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_every_type_parses);
  tcase_add_test (tc, test_every_required_field_is_checked);
  tcase_add_test (tc, test_every_field_is_type_checked);
  tcase_add_test (tc, test_malformed_input_is_an_error);
  tcase_add_test (tc, test_unknown_types_and_fields_are_tolerated);
  tcase_add_test (tc, test_beta_shapes_are_refused);
  tcase_add_test (tc, test_audio_delta_is_decoded);
  tcase_add_test (tc, test_fields_are_read);
  tcase_add_test (tc, test_session_is_read);
  tcase_add_test (tc, test_strings_are_valid_utf8);
  return s;
}

GST_CHECK_MAIN (server_events);
