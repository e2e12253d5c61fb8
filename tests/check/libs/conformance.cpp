/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Checks the library against the official GA schemas in
 * tests/conformance/: everything the builders emit must pass the strict
 * client schema (validated by ajv under node), and the server
 * examples must parse (valid ones) or be refused (invalid ones). */
#include "ajv-validator.h"
#include "client-event-corpus.h"
#include "json-helpers.h"

#include <gst/realtime/client-events.h>
#include <gst/realtime/server-events.h>

#include <set>
#include <string>
#include <vector>

using namespace realtime;

static guint
count (const std::string & haystack, const char * needle)
{
  guint n = 0;
  for (size_t pos = haystack.find (needle); pos != std::string::npos;
       pos = haystack.find (needle, pos + 1))
    n++;
  return n;
}

GST_START_TEST (test_every_client_event_passes_strict_schema)
{
  std::vector<std::string> events = all_client_events ();

  /* All 11 GA client event types are in the corpus. */
  std::set<std::string> types;
  for (const auto & e : events) {
    JsonNodePtr node = parse_json_object (e);
    types.insert (json_string_at (node.get (), "type"));
  }
  fail_unless_equals_int (types.size (), 11);

  ValidatorRun run = run_validator ("client-strict", events);
  fail_unless_equals_int (run.exit_status, 0);
  fail_unless_equals_int (count (run.output, ": valid ("), events.size ());
  fail_unless_equals_int (count (run.output, "INVALID"), 0);
}
GST_END_TEST;

/* The same validator run must reject beta shapes: this is what makes the
 * test above able to fail if a builder ever emits a beta field. */
GST_START_TEST (test_validator_rejects_beta_shapes)
{
  /* A library-built session.update with beta fields spliced in. */
  g_autoptr (GError) error = nullptr;
  JsonObjectPtr session = build_session_object (SessionSettings (), &error);
  json_object_set_string_member (session.get (), "input_audio_format", "pcm16");
  json_object_set_double_member (session.get (), "temperature", 0.8);
  std::string spliced = build_session_update (session.get ());

  const std::vector<std::string> beta = {
      spliced,
      /* The flat beta session.update, as peers still send it. */
      R"({"type":"session.update","session":{"modalities":["text","audio"],"voice":"alloy",
        "input_audio_format":"pcm16","output_audio_format":"pcm16",
        "turn_detection":{"type":"server_vad"},"temperature":0.8}})",
      /* A beta-only event type. */
      R"({"type":"transcription_session.update","session":{"input_audio_format":"pcm16"}})",
      /* A GA event with a beta-style format string. */
      R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"format":"pcm16"}}}})",
  };
  ValidatorRun run = run_validator ("client-strict", beta);
  fail_unless_equals_int (run.exit_status, 1);
  fail_unless_equals_int (count (run.output, "INVALID"), beta.size ());
  fail_unless (run.output.find ("input_audio_format") != std::string::npos,
      "the spliced beta field is named: %s", run.output.c_str ());
}
GST_END_TEST;

static std::vector<std::string>
example_files (const char * subdir)
{
  g_autofree gchar * path =
      g_build_filename (CONFORMANCE_DIR, "examples", "server", subdir, nullptr);
  g_autoptr (GDir) dir = g_dir_open (path, 0, nullptr);
  fail_unless (dir != nullptr, "cannot open %s", path);
  std::vector<std::string> files;
  while (const gchar * name = g_dir_read_name (dir))
    if (g_str_has_suffix (name, ".json"))
      files.push_back (std::string (path) + G_DIR_SEPARATOR_S + name);
  fail_if (files.empty (), "no examples in %s", path);
  return files;
}

GST_START_TEST (test_server_examples)
{
  for (const std::string & file : example_files ("valid")) {
    g_autofree gchar * text = nullptr;
    fail_unless (g_file_get_contents (file.c_str (), &text, nullptr, nullptr));
    g_autoptr (GError) error = nullptr;
    std::optional<ServerEvent> ev = parse_server_event (text, &error);
    fail_unless (ev.has_value (), "%s: %s", file.c_str (),
        error ? error->message : "");
    fail_if (ev->type == ServerEventType::Unknown, "%s", file.c_str ());
  }

  for (const std::string & file : example_files ("invalid")) {
    g_autofree gchar * text = nullptr;
    fail_unless (g_file_get_contents (file.c_str (), &text, nullptr, nullptr));
    g_autoptr (GError) error = nullptr;
    std::optional<ServerEvent> ev = parse_server_event (text, &error);
    fail_if (ev.has_value (), "%s was accepted", file.c_str ());
    fail_unless (error != nullptr && error->message[0] != '\0', "%s",
        file.c_str ());
    GST_INFO ("%s: %s", file.c_str (), error->message);
  }
}
GST_END_TEST;

static Suite *
conformance_suite (void)
{
  Suite * s = suite_create ("conformance");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_every_client_event_passes_strict_schema);
  tcase_add_test (tc, test_validator_rejects_beta_shapes);
  tcase_add_test (tc, test_server_examples);
  return s;
}

GST_CHECK_MAIN (conformance);
