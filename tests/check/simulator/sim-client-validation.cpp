/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The simulator's client event validation: same verdicts as ajv on the strict
 * GA client schema (the conformance examples, our own builders' output, and a
 * few thousand mutated events checked against ajv itself), service-style error
 * mapping, the strict JSON reader, and the embedded schema's origin. */
#include "ajv-validator.h"
#include "client-event-corpus.h"
#include "json-helpers.h"

#include <gst/realtime/realtime-error.h>
#include <tools/simulator/client-validation.h>
#include <tools/simulator/json-schema.h>
#include <tools/simulator/strict-json.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace realtime;
using namespace realtime::sim;

static std::string
read_file (const std::string & path)
{
  g_autofree gchar * text = nullptr;
  gsize size = 0;
  g_autoptr (GError) error = nullptr;
  fail_unless (g_file_get_contents (path.c_str (), &text, &size, &error),
      "cannot read %s: %s", path.c_str (), error ? error->message : "");
  return std::string (text, size);
}

static std::vector<std::string>
client_example_files (const char * subdir)
{
  g_autofree gchar * path =
      g_build_filename (CONFORMANCE_DIR, "examples", "client", subdir, nullptr);
  g_autoptr (GDir) dir = g_dir_open (path, 0, nullptr);
  fail_unless (dir != nullptr, "cannot open %s", path);
  std::vector<std::string> files;
  while (const gchar * name = g_dir_read_name (dir))
    if (g_str_has_suffix (name, ".json"))
      files.push_back (std::string (subdir) + "/" + name);
  fail_if (files.empty (), "no examples in %s", path);
  std::sort (files.begin (), files.end ());
  return files;
}

static std::string
client_example (const std::string & relative)
{
  g_autofree gchar * path = g_build_filename (CONFORMANCE_DIR, "examples",
      "client", relative.c_str (), nullptr);
  return read_file (path);
}

/* ---------------------------------------------------------------------- */
/* (a) The conformance examples: the verdicts of ajv's strict run. */

GST_START_TEST (test_conformance_examples)
{
  /* RESULTS.txt: "client/valid/01-….json: client=PASS  client-strict=PASS". */
  g_autofree gchar * results_path =
      g_build_filename (CONFORMANCE_DIR, "examples", "RESULTS.txt", nullptr);
  std::string results = read_file (results_path);
  std::map<std::string, bool> ajv;
  g_auto (GStrv) lines = g_strsplit (results.c_str (), "\n", -1);
  for (int i = 0; lines[i] != nullptr; i++) {
    const char * line = lines[i];
    if (!g_str_has_prefix (line, "client/"))
      continue;
    const char * colon = strstr (line, ".json: ");
    const char * strict = strstr (line, "client-strict=");
    fail_unless (colon != nullptr && strict != nullptr, "odd line: %s", line);
    std::string file (line + strlen ("client/"),
        colon + strlen (".json") - (line + strlen ("client/")));
    ajv[file] = g_str_has_prefix (strict + strlen ("client-strict="), "PASS");
  }

  guint valid_files = 0;
  guint invalid_files = 0;
  for (const char * subdir : {"valid", "invalid"}) {
    for (const std::string & file : client_example_files (subdir)) {
      std::string text = client_example (file);
      ClientEventError error;
      JsonNodePtr root = validate_client_event (text, error);
      const bool expected = g_str_equal (subdir, "valid");
      fail_unless_equals_int (root != nullptr, expected);
      fail_unless (ajv.count (file) == 1, "%s is not in RESULTS.txt",
          file.c_str ());
      fail_unless_equals_int (root != nullptr, ajv[file]);
      if (root) {
        fail_unless (JSON_NODE_HOLDS_OBJECT (root.get ()));
        fail_unless (error.code.empty ());
        valid_files++;
      } else {
        fail_if (error.code.empty (), "%s: no code", file.c_str ());
        fail_if (error.message.empty (), "%s: no message", file.c_str ());
        GST_INFO ("%s: %s %s: %s", file.c_str (), error.code.c_str (),
            error.param.c_str (), error.message.c_str ());
        invalid_files++;
      }
    }
  }
  fail_unless (valid_files >= 16, "only %u valid examples", valid_files);
  fail_unless (invalid_files >= 12, "only %u invalid examples", invalid_files);
}
GST_END_TEST;

/* (b) Everything our own library sends is valid. */
GST_START_TEST (test_library_events_are_valid)
{
  std::set<std::string> types;
  for (const std::string & event : all_client_events ()) {
    ClientEventError error;
    JsonNodePtr root = validate_client_event (event, error);
    fail_unless (root != nullptr, "%s: %s %s: %s", event.c_str (),
        error.code.c_str (), error.param.c_str (), error.message.c_str ());
    types.insert (json_string_at (root.get (), "type"));
  }
  fail_unless_equals_int (types.size (), 11);
}
GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* (c) Service-style errors. */

struct ErrorCase
{
  const char * name;
  std::string text;
  const char * code;
  const char * param;
  const char * message;  /* exact; null: see @contains */
  const char * contains; /* a part of the message; null: none */
};

static void
check_error_case (const ErrorCase & c)
{
  ClientEventError error;
  JsonNodePtr root = validate_client_event (c.text, error);
  fail_unless (root == nullptr, "%s: accepted", c.name);
  fail_unless_equals_string (error.type.c_str (), "invalid_request_error");
  fail_unless (error.code == c.code, "%s: code %s, expected %s (%s)", c.name,
      error.code.c_str (), c.code, error.message.c_str ());
  fail_unless (error.param == c.param, "%s: param '%s', expected '%s' (%s)",
      c.name, error.param.c_str (), c.param, error.message.c_str ());
  if (c.message != nullptr)
    fail_unless (error.message == c.message,
        "%s: message\n  %s\nexpected\n  %s", c.name, error.message.c_str (),
        c.message);
  if (c.contains != nullptr)
    fail_unless (error.message.find (c.contains) != std::string::npos,
        "%s: \"%s\" lacks \"%s\"", c.name, error.message.c_str (), c.contains);
}

GST_START_TEST (test_error_mapping)
{
  const std::string long_id (513, 'x');
  const ErrorCase cases[] = {
      {"unknown session field",
          R"({"type":"session.update","session":{"type":"realtime","temperature":0.8}})",
          "unknown_parameter", "session.temperature",
          "Unknown parameter: 'session.temperature'.", nullptr},
      {"GA session with beta fields",
          client_example ("invalid/02-beta-fields-with-ga-type.json"),
          "unknown_parameter", "session.input_audio_format",
          "Unknown parameter: 'session.input_audio_format'.", nullptr},
      {"beta flat session",
          client_example ("invalid/01-beta-flat-session-update.json"),
          "invalid_value", "session.modalities", nullptr,
          "retired beta Realtime API"},
      {"beta flat session names the GA field",
          R"({"type":"session.update","session":{"input_audio_format":"pcm16"}})",
          "invalid_value", "session.input_audio_format", nullptr,
          "use 'session.audio.input.format' instead"},
      {"beta temperature has no GA field",
          R"({"type":"session.update","session":{"temperature":0.8}})",
          "invalid_value", "session.temperature", nullptr, "no such setting"},
      {"beta event type",
          client_example ("invalid/04-beta-only-event-type.json"),
          "invalid_value", "type",
          "'transcription_session.update' is a client event of the retired "
          "beta "
          "Realtime API, which the GA API no longer accepts. Instead, send "
          "'session.update' with 'session.type' set to \"transcription\".",
          nullptr},
      {"unknown event type", R"({"type":"session.modify"})", "invalid_value",
          "type",
          "Invalid value: 'session.modify'. Supported values are: "
          "'conversation.item.create', 'conversation.item.delete', "
          "'conversation.item.retrieve', 'conversation.item.truncate', "
          "'input_audio_buffer.append', 'input_audio_buffer.clear', "
          "'output_audio_buffer.clear', 'input_audio_buffer.commit', "
          "'response.cancel', 'response.create', and 'session.update'.",
          nullptr},
      {"missing session.type",
          R"({"type":"session.update","session":{"instructions":"Be brief."}})",
          "missing_required_parameter", "session.type",
          "Missing required parameter: 'session.type'.", nullptr},
      {"missing session", R"({"type":"session.update"})",
          "missing_required_parameter", "session",
          "Missing required parameter: 'session'.", nullptr},
      {"transcription session with a realtime field",
          R"({"type":"session.update","session":{"type":"transcription","instructions":"x"}})",
          "unknown_parameter", "session.instructions",
          "Unknown parameter: 'session.instructions'.", nullptr},
      {"audio_end_ms string",
          client_example ("invalid/05-truncate-audio-end-ms-string.json"),
          "invalid_type", "audio_end_ms",
          "Invalid type for 'audio_end_ms': expected an integer, but got a "
          "string instead.",
          nullptr},
      {"audio_end_ms fraction",
          client_example ("invalid/06-truncate-audio-end-ms-fraction.json"),
          "invalid_type", "audio_end_ms",
          "Invalid type for 'audio_end_ms': expected an integer, but got a "
          "decimal instead.",
          nullptr},
      {"pcm rate 16000", client_example ("invalid/08-pcm-rate-16000.json"),
          "invalid_value", "session.audio.input.format.rate",
          "Invalid value: 16000. Supported values are: 24000.", nullptr},
      {"beta format string",
          client_example ("invalid/11-beta-format-string.json"), "invalid_type",
          "session.audio.input.format",
          "Invalid type for 'session.audio.input.format': expected an object, "
          "but got a string instead.",
          nullptr},
      {"turn_detection string",
          R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":"server_vad"}}}})",
          "invalid_type", "session.audio.input.turn_detection",
          "Invalid type for 'session.audio.input.turn_detection': expected an "
          "object or null, but got a string instead.",
          nullptr},
      {"semantic_vad with a server_vad field",
          R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"semantic_vad","silence_duration_ms":500}}}}})",
          "unknown_parameter",
          "session.audio.input.turn_detection.silence_duration_ms", nullptr,
          nullptr},
      {"idle timeout too small",
          client_example ("invalid/09-idle-timeout-too-small.json"),
          "invalid_value", "session.audio.input.turn_detection.idle_timeout_ms",
          "Invalid 'session.audio.input.turn_detection.idle_timeout_ms': "
          "integer "
          "below minimum value. Expected a value >= 5000, but got 1000 "
          "instead.",
          nullptr},
      {"speed too high", client_example ("invalid/10-speed-too-high.json"),
          "invalid_value", "session.audio.output.speed",
          "Invalid 'session.audio.output.speed': decimal above maximum value. "
          "Expected a value <= 1.5, but got 2.0 instead.",
          nullptr},
      {"event_id too long",
          R"({"type":"input_audio_buffer.commit","event_id":")" + long_id +
              "\"}",
          "invalid_value", "event_id",
          "Invalid 'event_id': string too long. Expected a string with maximum "
          "length 512, but got a string with length 513 instead.",
          nullptr},
      {"event_id not a string",
          R"({"type":"input_audio_buffer.clear","event_id":5})", "invalid_type",
          "event_id",
          "Invalid type for 'event_id': expected a string, but got an integer "
          "instead.",
          nullptr},
      {"append without audio",
          R"({"type":"input_audio_buffer.append","event_id":"a1"})",
          "missing_required_parameter", "audio",
          "Missing required parameter: 'audio'.", nullptr},
      {"item content text not a string",
          R"({"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":5}]}})",
          "invalid_type", "item.content[0].text",
          "Invalid type for 'item.content[0].text': expected a string, but got "
          "an "
          "integer instead.",
          nullptr},
      {"unknown message role",
          R"({"type":"conversation.item.create","item":{"type":"message","role":"tool","content":[]}})",
          "invalid_value", "item.role",
          "Invalid value: 'tool'. Supported values are: 'system', 'user', and "
          "'assistant'.",
          nullptr},
      {"unknown member of a user message",
          R"({"type":"conversation.item.create","item":{"type":"message","role":"user","content":[],"name":"x"}})",
          "unknown_parameter", "item.name", "Unknown parameter: 'item.name'.",
          nullptr},
      {"output modality not in the enum",
          R"({"type":"response.create","response":{"output_modalities":["text","video"]}})",
          "invalid_value", "response.output_modalities[1]",
          "Invalid value: 'video'. Supported values are: 'text' and 'audio'.",
          nullptr},
      {"empty languages",
          R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"transcription":{"languages":[]}}}}})",
          "invalid_value", "session.audio.input.transcription.languages",
          "Invalid 'session.audio.input.transcription.languages': empty array. "
          "Expected an array with minimum length 1, but got an empty array "
          "instead.",
          nullptr},
      {"tunnel id pattern",
          R"({"type":"response.create","response":{"tools":[{"type":"mcp","server_label":"s","tunnel_id":"tunnel_X"}]}})",
          "invalid_value", "response.tools[0].tunnel_id",
          "Invalid 'response.tools[0].tunnel_id': string does not match "
          "pattern. "
          "Expected a string that matches the pattern '^tunnel_[a-z0-9]{32}$'.",
          nullptr},
      {"malformed JSON", R"({"type":"response.create",)", "invalid_json", "",
          nullptr, "Invalid JSON: "},
      {"JSON with single quotes", "{'type':'response.create'}", "invalid_json",
          "", nullptr, "Invalid JSON: "},
      {"JSON array", R"([{"type":"response.create"}])", "invalid_event", "",
          "Invalid event: expected a JSON object, but got an array instead.",
          nullptr},
      {"JSON string", R"("response.create")", "invalid_event", "",
          "Invalid event: expected a JSON object, but got a string instead.",
          nullptr},
      {"missing type", R"({"event_id":"e1"})", "invalid_event", "type",
          "The 'type' field is missing.", nullptr},
      {"type not a string", R"({"type":["response.create"]})", "invalid_event",
          "type",
          "Invalid type for 'type': expected a string, but got an array "
          "instead.",
          nullptr},
  };
  for (const ErrorCase & c : cases)
    check_error_case (c);
}
GST_END_TEST;

GST_START_TEST (test_error_carries_event_id)
{
  struct
  {
    std::string text;
    const char * event_id;
  } cases[] = {
      {R"({"type":"response.create","event_id":"evt_42","response":{"temperature":1}})",
          "evt_42"},
      {R"({"event_id":"evt_43"})", "evt_43"}, /* no type */
      {R"({"event_id":"evt_44","type":"session.modify"})", "evt_44"},
      {R"({"type":"input_audio_buffer.commit","event_id":")" +
              std::string (600, 'y') + "\"}",
          nullptr}, /* too long: kept */
      {R"({"type":"input_audio_buffer.clear","event_id":5})", ""},
      {R"({"type":"input_audio_buffer.clear","event_id":)", ""}, /* not JSON */
      {R"({"type":"response.cancel","response_id":3})", ""},
  };
  for (const auto & c : cases) {
    ClientEventError error;
    fail_unless (validate_client_event (c.text, error) == nullptr);
    const std::string expected =
        c.event_id ? c.event_id : std::string (600, 'y');
    fail_unless (error.event_id == expected, "%s: event_id '%s'",
        c.text.c_str (), error.event_id.c_str ());
  }

  /* A valid event leaves no stale error behind. */
  ClientEventError error;
  error.code = "stale";
  error.event_id = "stale";
  fail_unless (
      validate_client_event (R"({"type":"response.cancel","event_id":"ok"})",
          error) != nullptr);
  fail_unless (error.code.empty () && error.event_id.empty ());
}
GST_END_TEST;

/* The `error` event is a valid GA server event, with null for what is
 * unknown. */
GST_START_TEST (test_error_event)
{
  g_autofree gchar * path = g_build_filename (CONFORMANCE_DIR,
      "realtime-server-events.schema.json", nullptr);
  g_autoptr (GError) load_error = nullptr;
  std::unique_ptr<JsonSchema> server =
      JsonSchema::load_from_data (read_file (path), &load_error);
  fail_unless (server != nullptr, "%s", load_error ? load_error->message : "");

  ClientEventError error;
  fail_if (validate_client_event (
      R"({"type":"session.update","event_id":"evt_7","session":{"type":"realtime","temperature":1}})",
      error));
  std::string text = build_client_event_error (error, "event_100");
  JsonNodePtr event = parse_json_object (text);
  fail_unless (server->validate (event.get ()), "%s", text.c_str ());
  fail_unless_equals_string (json_string_at (event.get (), "type"), "error");
  fail_unless_equals_string (json_string_at (event.get (), "event_id"),
      "event_100");
  fail_unless_equals_string (json_string_at (event.get (), "error.type"),
      "invalid_request_error");
  fail_unless_equals_string (json_string_at (event.get (), "error.code"),
      "unknown_parameter");
  fail_unless_equals_string (json_string_at (event.get (), "error.message"),
      "Unknown parameter: 'session.temperature'.");
  fail_unless_equals_string (json_string_at (event.get (), "error.param"),
      "session.temperature");
  fail_unless_equals_string (json_string_at (event.get (), "error.event_id"),
      "evt_7");

  fail_if (validate_client_event ("[]", error));
  text = build_client_event_error (error, "event_101");
  event = parse_json_object (text);
  fail_unless (server->validate (event.get ()), "%s", text.c_str ());
  fail_unless (json_null_at (event.get (), "error.param"));
  fail_unless (json_null_at (event.get (), "error.event_id"));
}
GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* The strict JSON reader agrees with JSON.parse(). */

GST_START_TEST (test_strict_json)
{
  const char * refused[] = {
      "",
      "  ",
      "{'a':1}",
      "{\"a\":1} // c",
      "/*c*/{}",
      "{\"a\":01}",
      "[-01]",
      "[1.]",
      "[.5]",
      "[1e]",
      "[1,]",
      "{\"a\":1,}",
      "\"a\tb\"",
      "\"a\nb\"",
      "\xef\xbb\xbf{}",
      "{} x",
      "[1] [2]",
      "[NaN]",
      "[Infinity]",
      "[tru]",
      "\"\\x41\"",
      "{a:1}",
      "\"\xff\"",
      "\"\\ud800\"",
      "\"\\udc00x\"",
      "\"\\u0000\"",
      "[\"\\u12\"]",
      "\"unterminated",
  };
  for (const char * text : refused) {
    g_autoptr (GError) error = nullptr;
    JsonNodePtr node = parse_strict_json (text, &error);
    fail_unless (node == nullptr, "accepted: %s", text);
    fail_unless (g_error_matches (error, REALTIME_PROTOCOL_ERROR,
                     REALTIME_PROTOCOL_ERROR_INVALID_JSON),
        "%s", text);
  }

  g_autoptr (GError) error = nullptr;
  JsonNodePtr node = parse_strict_json ("{\n  \"a\": [1,\n    x]}", &error);
  fail_unless (node == nullptr);
  fail_unless (strstr (error->message, "at line 3, column 5") != nullptr, "%s",
      error->message);
  g_clear_error (&error);
  node = parse_strict_json ("[\"\\u0000\"]", &error);
  fail_unless (strstr (error->message, "not supported") != nullptr, "%s",
      error->message);
  g_clear_error (&error);

  /* Big integers are doubles (JSON.parse gives 1e20), not wrapped. */
  node = parse_strict_json ("[99999999999999999999,-9223372036854775808,"
                            "9223372036854775807,1e400,-0,1E+2,0.5]",
      nullptr);
  fail_unless (node != nullptr);
  JsonArray * a = json_node_get_array (node.get ());
  fail_unless_equals_int (json_node_get_value_type (
                              json_array_get_element (a, 0)),
      G_TYPE_DOUBLE);
  fail_unless (json_array_get_double_element (a, 0) == 1e20);
  fail_unless (json_array_get_int_element (a, 1) == G_MININT64);
  fail_unless (json_array_get_int_element (a, 2) == G_MAXINT64);
  fail_unless (std::isinf (json_array_get_double_element (a, 3)));
  fail_unless (json_array_get_int_element (a, 4) == 0);
  fail_unless (json_array_get_double_element (a, 5) == 100);
  fail_unless (json_array_get_double_element (a, 6) == 0.5);

  /* Escapes, surrogate pairs, duplicates (the last wins), whitespace. */
  node = parse_strict_json (" \r\n\t{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"
                            "\\ud83d\\ude00\x7f\",\"d\":1,\"d\":2} ",
      nullptr);
  fail_unless (node != nullptr);
  JsonObject * o = json_node_get_object (node.get ());
  fail_unless_equals_string (json_object_get_string_member (o, "s"),
      "\"\\/\b\f\n\r\t\u00e9\U0001F600\x7f");
  fail_unless_equals_int (json_object_get_int_member (o, "d"), 2);

  /* Nesting is bounded (json-glib frees trees recursively). */
  std::string deep =
      std::string (MAX_JSON_DEPTH, '[') + std::string (MAX_JSON_DEPTH, ']');
  fail_unless (parse_strict_json (deep, nullptr) != nullptr);
  std::string too_deep = std::string (MAX_JSON_DEPTH + 2, '[') +
      std::string (MAX_JSON_DEPTH + 2, ']');
  fail_unless (parse_strict_json (too_deep, nullptr) == nullptr);
}
GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* (d) The embedded schema is tests/conformance/'s file, byte for byte. */

GST_START_TEST (test_embedded_schema_is_the_conformance_file)
{
  g_autofree gchar * path = g_build_filename (CONFORMANCE_DIR,
      "realtime-client-events.strict.schema.json", nullptr);
  std::string file = read_file (path);
  g_autoptr (GBytes) embedded = client_event_schema_bytes ();
  gsize size = 0;
  const char * data = (const char *) g_bytes_get_data (embedded, &size);
  fail_unless_equals_int (size, file.size ());
  fail_unless (memcmp (data, file.data (), size) == 0,
      "the simulator embeds another schema than %s: rebuild it", path);

  /* It compiles, once, to the same object. */
  fail_unless (&client_event_schema () == &client_event_schema ());
}
GST_END_TEST;

/* First use from many threads at once: one schema, right verdicts. */
static gpointer
validate_in_thread (gpointer data)
{
  guint * failures = (guint *) data;
  for (int i = 0; i < 20; i++) {
    ClientEventError error;
    if (!validate_client_event (R"({"type":"response.cancel"})", error))
      g_atomic_int_inc (failures);
    if (validate_client_event (R"({"type":"response.cancel","x":1})", error) ||
        error.code != "unknown_parameter")
      g_atomic_int_inc (failures);
  }
  return (gpointer) &client_event_schema ();
}

GST_START_TEST (test_threads)
{
  guint failures = 0;
  std::vector<GThread *> threads;
  for (int i = 0; i < 8; i++)
    threads.push_back (
        g_thread_new ("validate", validate_in_thread, &failures));
  std::set<gpointer> schemas;
  for (GThread * t : threads)
    schemas.insert (g_thread_join (t));
  fail_unless_equals_int (failures, 0);
  fail_unless_equals_int (schemas.size (), 1);
}
GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* (e) Differential test against ajv. */

/* A deep copy: json_node_copy() shares objects, arrays and even the value
 * of a scalar node, which json_node_set_*() would then change in place. */
static JsonNode *
deep_copy (JsonNode * node)
{
  if (JSON_NODE_HOLDS_OBJECT (node)) {
    JsonObject * copy = json_object_new ();
    JsonObjectIter iter;
    const gchar * name;
    JsonNode * value;
    json_object_iter_init_ordered (&iter, json_node_get_object (node));
    while (json_object_iter_next_ordered (&iter, &name, &value))
      json_object_set_member (copy, name, deep_copy (value));
    JsonNode * out = json_node_new (JSON_NODE_OBJECT);
    json_node_take_object (out, copy);
    return out;
  }
  if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray * src = json_node_get_array (node);
    JsonArray * copy = json_array_new ();
    for (guint i = 0; i < json_array_get_length (src); i++)
      json_array_add_element (copy,
          deep_copy (json_array_get_element (src, i)));
    JsonNode * out = json_node_new (JSON_NODE_ARRAY);
    json_node_take_array (out, copy);
    return out;
  }
  JsonNode * out = json_node_alloc ();
  if (JSON_NODE_HOLDS_NULL (node))
    json_node_init_null (out);
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    json_node_init_string (out, json_node_get_string (node));
  else if (json_node_get_value_type (node) == G_TYPE_INT64)
    json_node_init_int (out, json_node_get_int (node));
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    json_node_init_double (out, json_node_get_double (node));
  else
    json_node_init_boolean (out, json_node_get_boolean (node));
  return out;
}

/* Where a value sits: a member of an object or an element of an array. */
struct Slot
{
  JsonNode * parent;
  std::string member; /* object parent */
  guint index = 0;    /* array parent */
  JsonNode * value;
};

/* Puts @value (consumed) where @slot is. Not json_node_init_*() on the old
 * node: json-glib 1.6 frees its previous contents twice. */
static void
replace (const Slot & slot, JsonNode * value)
{
  if (JSON_NODE_HOLDS_OBJECT (slot.parent)) {
    json_object_set_member (json_node_get_object (slot.parent),
        slot.member.c_str (), value);
    return;
  }
  JsonArray * old = json_node_get_array (slot.parent);
  JsonArray * fresh = json_array_new ();
  for (guint i = 0; i < json_array_get_length (old); i++)
    json_array_add_element (fresh,
        i == slot.index ? value
                        : json_node_ref (json_array_get_element (old, i)));
  json_node_take_array (slot.parent, fresh);
}

static JsonNode *
number_node (bool integer, gint64 i, double d)
{
  JsonNode * node = json_node_alloc ();
  if (integer)
    json_node_init_int (node, i);
  else
    json_node_init_double (node, d);
  return node;
}

static void
collect_slots (JsonNode * node, std::vector<Slot> & slots,
    std::vector<JsonNode *> & objects, std::vector<JsonNode *> & arrays)
{
  if (JSON_NODE_HOLDS_OBJECT (node)) {
    objects.push_back (node);
    JsonObjectIter iter;
    const gchar * name;
    JsonNode * value;
    json_object_iter_init_ordered (&iter, json_node_get_object (node));
    while (json_object_iter_next_ordered (&iter, &name, &value)) {
      slots.push_back ({node, name, 0, value});
      collect_slots (value, slots, objects, arrays);
    }
  } else if (JSON_NODE_HOLDS_ARRAY (node)) {
    arrays.push_back (node);
    JsonArray * array = json_node_get_array (node);
    for (guint i = 0; i < json_array_get_length (array); i++) {
      slots.push_back ({node, "", i, json_array_get_element (array, i)});
      collect_slots (json_array_get_element (array, i), slots, objects, arrays);
    }
  }
}

class Mutator
{
public:
  explicit Mutator (guint32 seed) : rand_ (g_rand_new_with_seed (seed))
  {
    /* Names and values the schema knows: mutations that hit them reach
     * deep into the unions instead of failing at the first member. */
    g_autoptr (GBytes) bytes = client_event_schema_bytes ();
    gsize size;
    const char * data = (const char *) g_bytes_get_data (bytes, &size);
    schema_ = parse_strict_json (std::string_view (data, size), nullptr);
    fail_unless (schema_ != nullptr);
    walk_schema (schema_.get ());
    for (const char * beta :
        {"modalities", "voice", "input_audio_format", "output_audio_format",
            "temperature", "turn_detection", "input_audio_transcription",
            "max_response_output_tokens", "speed", "bogus"})
      names_.push_back (beta);

    const std::string tunnel = "tunnel_0123456789abcdefghijklmnopqrstuv";
    const char * scalars[] = {
        R"("")",
        R"("x")",
        R"("pcm16")",
        R"("audio/pcm")",
        R"("realtime")",
        R"("transcription")",
        R"("server_vad")",
        R"("inf")",
        R"("auto")",
        R"("\u00e9\ud83d\ude00")",
        "0",
        "-1",
        "1",
        "2",
        "0.5",
        "1.5",
        "1.50001",
        "0.25",
        "0.2499",
        "2.0",
        "1500.0",
        "1500.5",
        "24000",
        "16000",
        "4999",
        "5000",
        "30000",
        "30001",
        "4096",
        "1e20",
        "-0.0",
        "true",
        "false",
        "null",
        "{}",
        "[]",
        R"(["text"])",
        R"(["audio","text"])",
        R"({"type":"audio/pcm","rate":24000})",
        R"({"type":"audio/pcmu"})",
        R"({"type":"server_vad"})",
        R"({"type":"semantic_vad","eagerness":"low"})",
        R"({"type":"input_text","text":"hi"})",
        R"({"type":"function","name":"f"})",
    };
    for (const char * s : scalars)
      add_value (s);
    add_value ("\"" + tunnel + "\"");
    add_value ("\"" + tunnel.substr (0, tunnel.size () - 1) + "\"");
    add_value ("\"" + std::string (512, 'e') + "\"");
    add_value ("\"" + std::string (513, 'e') + "\"");
  }

  ~Mutator () { g_rand_free (rand_); }

  void add_seed (const std::string & text)
  {
    JsonNodePtr node = parse_strict_json (text, nullptr);
    fail_unless (node != nullptr, "seed is not JSON: %s", text.c_str ());
    index_values (node.get ());
    seeds_.push_back (std::move (node));
  }

  size_t seed_count () const { return seeds_.size (); }

  guint pick (size_t n)
  {
    return (guint) g_rand_int_range (rand_, 0, (gint32) n);
  }

  /* One mutated event, as JSON text. */
  std::string next ()
  {
    JsonNodePtr event (deep_copy (seeds_[pick (seeds_.size ())].get ()));
    /* Mostly one change, so that many events stay valid. */
    guint rounds = pick (3) == 0 ? 2 + pick (2) : 1;
    for (guint r = 0; r < rounds; r++)
      mutate (event.get ());
    std::string text = json_to_string (event.get ());
    /* A few frames get broken (or accidentally still valid) text. */
    if (pick (20) == 0) {
      static const char noise[] = " ,0a\"'/\t}]\\-.e";
      size_t at = pick (text.size () + 1);
      if (pick (2) == 0)
        text = text.substr (0, std::max<size_t> (at, 1));
      else
        text.insert (at, 1, noise[pick (sizeof noise - 1)]);
    }
    return text;
  }

private:
  GRand * rand_;
  JsonNodePtr schema_;
  std::vector<JsonNodePtr> seeds_;
  std::vector<std::string> names_;
  std::vector<JsonNodePtr> values_; /* schema enum/const values + extras */
  std::map<std::string, std::vector<JsonNode *>> seen_; /* by member name */

  void add_value (const std::string & json)
  {
    JsonNodePtr node = parse_strict_json (json, nullptr);
    fail_unless (node != nullptr, "%s", json.c_str ());
    values_.push_back (std::move (node));
  }

  void walk_schema (JsonNode * node)
  {
    if (JSON_NODE_HOLDS_ARRAY (node)) {
      JsonArray * a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        walk_schema (json_array_get_element (a, i));
      return;
    }
    if (!JSON_NODE_HOLDS_OBJECT (node))
      return;
    JsonObjectIter iter;
    const gchar * name;
    JsonNode * value;
    json_object_iter_init_ordered (&iter, json_node_get_object (node));
    while (json_object_iter_next_ordered (&iter, &name, &value)) {
      if (g_str_equal (name, "enum") && JSON_NODE_HOLDS_ARRAY (value)) {
        JsonArray * a = json_node_get_array (value);
        for (guint i = 0; i < json_array_get_length (a); i++)
          values_.emplace_back (deep_copy (json_array_get_element (a, i)));
      } else if (g_str_equal (name, "const")) {
        values_.emplace_back (deep_copy (value));
      } else if ((g_str_equal (name, "properties") ||
                     g_str_equal (name, "$defs")) &&
          JSON_NODE_HOLDS_OBJECT (value)) {
        JsonObjectIter props;
        const gchar * prop;
        JsonNode * sub;
        json_object_iter_init_ordered (&props, json_node_get_object (value));
        while (json_object_iter_next_ordered (&props, &prop, &sub)) {
          if (g_str_equal (name, "properties"))
            names_.push_back (prop);
          walk_schema (sub);
        }
      } else {
        walk_schema (value);
      }
    }
  }

  void index_values (JsonNode * node)
  {
    std::vector<Slot> slots;
    std::vector<JsonNode *> objects, arrays;
    collect_slots (node, slots, objects, arrays);
    for (const Slot & s : slots)
      if (!s.member.empty ())
        seen_[s.member].push_back (s.value);
  }

  JsonNode * random_value ()
  {
    return deep_copy (values_[pick (values_.size ())].get ());
  }

  /* A value plausible for @member: one seen under that name in a seed. */
  JsonNode * value_for (const std::string & member)
  {
    auto it = seen_.find (member);
    if (it == seen_.end () || pick (8) == 0)
      return random_value ();
    return deep_copy (it->second[pick (it->second.size ())]);
  }

  void mutate (JsonNode * root)
  {
    std::vector<Slot> slots;
    std::vector<JsonNode *> objects, arrays;
    collect_slots (root, slots, objects, arrays);
    if (slots.empty ())
      return;
    Slot & s = slots[pick (slots.size ())];

    switch (pick (13)) {
      case 0:
      case 1:
      case 10:
      case 11: /* another value seen under the same name */
        replace (s, s.member.empty () ? random_value () : value_for (s.member));
        break;
      case 2: /* a value from the schema or the extras */
        replace (s, random_value ());
        break;
      case 3:
      case 12: /* drop it */
        if (JSON_NODE_HOLDS_OBJECT (s.parent))
          json_object_remove_member (json_node_get_object (s.parent),
              s.member.c_str ());
        else
          json_array_remove_element (json_node_get_array (s.parent), s.index);
        break;
      case 4:
      case 5: { /* a member the schema knows somewhere */
        JsonNode * object = objects[pick (objects.size ())];
        const std::string & name = names_[pick (names_.size ())];
        json_object_set_member (json_node_get_object (object), name.c_str (),
            value_for (name));
        break;
      }
      case 6: /* rename */
        if (JSON_NODE_HOLDS_OBJECT (s.parent)) {
          JsonObject * o = json_node_get_object (s.parent);
          JsonNode * value = json_node_ref (s.value);
          json_object_remove_member (o, s.member.c_str ());
          json_object_set_member (o, names_[pick (names_.size ())].c_str (),
              value);
        }
        break;
      case 7: /* another event type */
        json_object_set_member (json_node_get_object (root), "type",
            value_for ("type"));
        break;
      case 8: /* a subtree of another seed */
        if (!arrays.empty () && pick (2) == 0) {
          JsonNode * array = arrays[pick (arrays.size ())];
          JsonArray * a = json_node_get_array (array);
          if (json_array_get_length (a) > 0)
            json_array_add_element (a,
                deep_copy (json_array_get_element (a,
                    pick (json_array_get_length (a)))));
        } else {
          std::vector<Slot> other;
          std::vector<JsonNode *> o2, a2;
          collect_slots (seeds_[pick (seeds_.size ())].get (), other, o2, a2);
          if (!other.empty ())
            replace (s, deep_copy (other[pick (other.size ())].value));
        }
        break;
      default: /* nudge a number */
        if (JSON_NODE_HOLDS_VALUE (s.value) &&
            json_node_get_value_type (s.value) == G_TYPE_INT64) {
          gint64 v = json_node_get_int (s.value);
          switch (pick (4)) {
            case 0:
              replace (s, number_node (true, v + 1, 0));
              break;
            case 1:
              replace (s, number_node (true, v - 1, 0));
              break;
            case 2:
              replace (s, number_node (false, 0, (double) v));
              break;
            default:
              replace (s, number_node (false, 0, (double) v + 0.5));
          }
        } else if (JSON_NODE_HOLDS_VALUE (s.value) &&
            json_node_get_value_type (s.value) == G_TYPE_DOUBLE) {
          replace (s,
              number_node (false, 0,
                  json_node_get_double (s.value) * (pick (2) ? 2 : 0.5)));
        } else {
          replace (s, random_value ());
        }
    }
  }
};

/* Frames where a lenient JSON reader and JSON.parse() would disagree. */
static const char * const kJsonEdgeCases[] = {
    R"({'type':'input_audio_buffer.clear'})",
    R"({"type":"input_audio_buffer.clear"} // comment)",
    R"(/* c */ {"type":"input_audio_buffer.clear"})",
    R"({"type":"conversation.item.truncate","item_id":"i","content_index":01,"audio_end_ms":0})",
    "{\"type\":\"input_audio_buffer.append\",\"audio\":\"a\tb\"}",
    "\xef\xbb\xbf{\"type\":\"input_audio_buffer.clear\"}",
    R"({"type":"input_audio_buffer.clear",})",
    R"({"type":"session.update","session":{"type":"realtime","truncation":{"type":"retention_ratio","retention_ratio":0.5,"token_limits":{"post_instructions":99999999999999999999}}}})",
    R"({"type":"session.update","session":{"type":"realtime","truncation":{"type":"retention_ratio","retention_ratio":0.5,"token_limits":{"post_instructions":-99999999999999999999}}}})",
    R"({"type":"session.update","session":{"type":"realtime","audio":{"output":{"speed":1e400}}}})",
    R"({"type":"session.update","session":{"type":"realtime","audio":{"output":{"speed":15e-1}}}})",
    R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"noise_reduction":{"type":"near_field","strength":-1e400}}}}})",
    R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"noise_reduction":{"type":"near_field","strength":1e-400}}}}})",
    R"({"type":"conversation.item.truncate","item_id":"i","content_index":-0,"audio_end_ms":1E3})",
    R"({"type":"conversation.item.truncate","item_id":"i","content_index":0,"audio_end_ms":1.5e3})",
    R"({"type":"conversation.item.truncate","item_id":"i","content_index":0,"audio_end_ms":1.5e0})",
    R"({"type":"response.cancel","response_id":"\u00e9\ud83d\ude00\/"})",
    R"({"type":"response.cancel","type":"input_audio_buffer.clear"})",
    R"({"type":"input_audio_buffer.clear","event_id":1,"event_id":"x"})",
    R"({"type":"input_audio_buffer.clear","event_id":"x","event_id":1})",
    R"(  {"type" : "input_audio_buffer.clear" }  )",
    "{\"type\":\"input_audio_buffer.clear\"}\r",
    R"({"type":"input_audio_buffer.clear"} {})",
    R"({"type":"input_audio_buffer.clear"]})",
    R"(["input_audio_buffer.clear"])",
    R"("input_audio_buffer.clear")",
    "null",
    "42",
    R"({"type":"input_audio_buffer.clear","event_id":"\x41"})",
    R"({"type":"input_audio_buffer.commit","event_id":")"
    "\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00"
    "\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00"
    R"("})",
    R"({"type":"input_audio_buffer.append","audio":"AAAA","audio":null})",
    R"({"type":"response.create","response":{"max_output_tokens":4096.0}})",
    R"({"type":"response.create","response":{"max_output_tokens":"4096"}})",
    R"({"type":"session.update","session":{"type":"realtime","tools":[{"type":"mcp","server_label":"s","tunnel_id":"tunnel_0123456789abcdefghijklmnopqrstuv"}]}})",
    R"({"type":"session.update","session":{"type":"realtime","tools":[{"type":"mcp","server_label":"s","tunnel_id":"tunnel_0123456789abcdefghijklmnopqrstuv\n"}]}})",
};

GST_START_TEST (test_differential_against_ajv)
{
  const guint kMutated = 4000;
  gint64 start = g_get_monotonic_time ();

  Mutator mutator (20260821);
  for (const std::string & e : all_client_events ())
    mutator.add_seed (e);
  for (const char * subdir : {"valid", "invalid"})
    for (const std::string & file : client_example_files (subdir))
      mutator.add_seed (client_example (file));

  std::vector<std::string> lines;
  for (const std::string & e : all_client_events ())
    lines.push_back (e);
  for (const char * subdir : {"valid", "invalid"})
    for (const std::string & file : client_example_files (subdir)) {
      /* One line each: JSONL. */
      JsonNodePtr node = parse_strict_json (client_example (file), nullptr);
      lines.push_back (json_to_string (node.get ()));
    }
  for (const char * edge : kJsonEdgeCases)
    lines.push_back (edge);
  /* maxLength counts code points: 512 characters, half of them outside the
   * BMP (768 UTF-16 units, 1536 bytes), fit; 513 do not. */
  for (int n : {512, 513}) {
    std::string id;
    for (int i = 0; i < n; i++)
      id += i % 2 ? "\\ud83d\\ude00" : "\\u00e9";
    lines.push_back (
        R"({"type":"input_audio_buffer.commit","event_id":")" + id + "\"}");
  }
  for (guint i = 0; i < kMutated; i++)
    lines.push_back (mutator.next ());
  /* validate.mjs skips blank lines, so there must be none. */
  for (const std::string & l : lines)
    fail_unless (l.find ('\n') == std::string::npos &&
        l.find_first_not_of (" \t\r") != std::string::npos);

  /* Ours. */
  std::vector<bool> ours;
  std::map<std::string, guint> codes;
  const std::set<std::string> known_codes = {"invalid_json", "invalid_event",
      "invalid_value", "unknown_parameter", "missing_required_parameter",
      "invalid_type"};
  for (const std::string & l : lines) {
    ClientEventError error;
    JsonNodePtr root = validate_client_event (l, error);
    ours.push_back (root != nullptr);
    if (root != nullptr)
      continue;
    codes[error.code]++;
    fail_unless (known_codes.count (error.code), "code '%s' for %s",
        error.code.c_str (), l.c_str ());
    fail_if (error.message.empty (), "no message for %s", l.c_str ());
    if (error.code != "invalid_json" && error.code != "invalid_event")
      fail_if (error.param.empty (), "no param (%s) for %s",
          error.message.c_str (), l.c_str ());
  }
  gint64 ours_done = g_get_monotonic_time ();

  /* ajv's, in one node run. */
  ValidatorRun run = run_validator ("client-strict", lines);
  std::map<size_t, bool> ajv;
  g_auto (GStrv) out = g_strsplit (run.output.c_str (), "\n", -1);
  for (int i = 0; out[i] != nullptr; i++) {
    const char * mark = strstr (out[i], ".jsonl:");
    if (mark == nullptr)
      continue;
    char * end = nullptr;
    guint64 line = g_ascii_strtoull (mark + strlen (".jsonl:"), &end, 10);
    fail_unless (end != nullptr && g_str_has_prefix (end, ": "), "%s", out[i]);
    const char * verdict = end + 2;
    fail_unless (line >= 1 && line <= lines.size (), "%s", out[i]);
    fail_unless (ajv.count (line - 1) == 0, "line %" G_GUINT64_FORMAT " twice",
        line);
    ajv[line - 1] = g_str_has_prefix (verdict, "valid (");
    fail_unless (ajv[line - 1] || g_str_has_prefix (verdict, "INVALID") ||
            g_str_has_prefix (verdict, "not JSON"),
        "%s", out[i]);
  }
  fail_unless_equals_int (ajv.size (), lines.size ());

  guint valid = 0;
  guint disagreements = 0;
  for (size_t i = 0; i < lines.size (); i++) {
    valid += ajv[i] ? 1 : 0;
    if (ours[i] != ajv[i]) {
      if (disagreements++ < 10)
        g_printerr ("DISAGREE line %" G_GSIZE_FORMAT ": ajv %s, ours %s: %s\n",
            i + 1, ajv[i] ? "valid" : "invalid", ours[i] ? "valid" : "invalid",
            lines[i].substr (0, 400).c_str ());
    }
  }

  std::string code_summary;
  for (const auto & c : codes)
    code_summary += " " + c.first + "=" + std::to_string (c.second);
  g_printerr ("differential: %" G_GSIZE_FORMAT " events (%u mutated), "
              "%u valid, %" G_GSIZE_FORMAT
              " invalid, %u disagreements; codes:%s; "
              "ours %.2f s, total %.2f s\n",
      lines.size (), kMutated, valid, lines.size () - valid, disagreements,
      code_summary.c_str (), (ours_done - start) / 1e6,
      (g_get_monotonic_time () - start) / 1e6);

  fail_unless_equals_int (disagreements, 0);
  /* Both verdicts well represented, or the comparison proves little. */
  fail_unless (valid > lines.size () / 5, "only %u valid", valid);
  fail_unless (lines.size () - valid > lines.size () / 5,
      "only %" G_GSIZE_FORMAT " invalid", lines.size () - valid);
}
GST_END_TEST;

static Suite *
sim_client_validation_suite (void)
{
  Suite * s = suite_create ("sim-client-validation");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_conformance_examples);
  tcase_add_test (tc, test_library_events_are_valid);
  tcase_add_test (tc, test_error_mapping);
  tcase_add_test (tc, test_error_carries_event_id);
  tcase_add_test (tc, test_error_event);
  tcase_add_test (tc, test_strict_json);
  tcase_add_test (tc, test_embedded_schema_is_the_conformance_file);
  tcase_add_test (tc, test_threads);
  tcase_add_test (tc, test_differential_against_ajv);
  return s;
}

GST_CHECK_MAIN (sim_client_validation);
