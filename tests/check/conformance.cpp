/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checks the library against the official GA schemas in
 * ../shared/conformance: everything the builders emit must pass the strict
 * client schema (validated by ajv under node), and the shared server
 * examples must parse (valid ones) or be refused (invalid ones). */
#include "json-helpers.h"

#include <gst/realtime/client-events.h>
#include <gst/realtime/server-events.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/wait.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using namespace realtime;

/* Session settings that together reach every branch of the session builder. */
static std::vector<SessionSettings>
representative_settings ()
{
  std::vector<SessionSettings> all;

  all.emplace_back ();   /* defaults: server VAD, transcription on */

  SessionSettings semantic;
  semantic.turn_detection = TurnDetection::SemanticVad;
  for (VadEagerness e : {VadEagerness::Auto, VadEagerness::Low,
          VadEagerness::Medium, VadEagerness::High}) {
    semantic.vad_eagerness = e;
    all.push_back (semantic);
  }

  SessionSettings ptt;
  ptt.turn_detection = TurnDetection::None;
  ptt.input_transcription_model = "";
  all.push_back (ptt);

  SessionSettings full;
  full.instructions = "You are a doorbell camera. Answer in one sentence.";
  full.voice = "cedar";
  full.vad_threshold = 0.8;
  full.vad_prefix_padding_ms = 0;
  full.vad_silence_duration_ms = 1200;
  full.create_response = false;
  full.interrupt_response = false;
  full.input_transcription_model = "gpt-live-transcribe";
  full.transcription_language = "en";
  full.noise_reduction = NoiseReduction::FarField;
  full.max_output_tokens = 4096;
  full.speed = 0.25;
  full.tools = R"([{"type":"function","name":"get_time","description":"Current time",
      "parameters":{"type":"object","properties":{"tz":{"type":"string"}},"required":["tz"]}}])";
  full.tool_choice = "get_time";
  all.push_back (full);

  SessionSettings text_only;
  text_only.output_modality = OutputModality::Text;
  text_only.noise_reduction = NoiseReduction::NearField;
  text_only.tool_choice = "required";
  text_only.tools = R"([{"type":"function","name":"open_door"}])";
  text_only.speed = 1.5;
  text_only.max_output_tokens = 1;
  all.push_back (text_only);

  SessionSettings json_choice;
  json_choice.tool_choice = R"({"type":"function","name":"get_time"})";
  json_choice.tools = R"([{"type":"function","name":"get_time"}])";
  json_choice.session_config = R"({"truncation":{"type":"retention_ratio","retention_ratio":0.5},
      "audio":{"input":{"turn_detection":{"idle_timeout_ms":5000},"transcription":null,
      "noise_reduction":{"type":"near_field","strength":0.7}}},"include":["item.input_audio_transcription.logprobs"]})";
  all.push_back (json_choice);

  SessionSettings none_choice;
  none_choice.tool_choice = "none";
  none_choice.vad_threshold = 0.0;
  none_choice.instructions = "Unicode: \u00e9\u4e2d \"quotes\" \\ newline\n";
  all.push_back (none_choice);

  return all;
}

/* One of every client event the library builds, over the settings above. */
static std::vector<std::string>
all_client_events ()
{
  std::vector<std::string> events;
  int n = 0;

  for (const SessionSettings &s : representative_settings ()) {
    g_autoptr (GError) error = nullptr;
    std::string e = build_session_update (s, "evt_" + std::to_string (n++),
        &error);
    fail_unless (error == nullptr, "settings %d: %s", n,
        error ? error->message : "");
    events.push_back (e);
    events.push_back (build_session_update (s, {}, nullptr));
  }

  std::vector<guint8> pcm (4801);
  for (gsize i = 0; i < pcm.size (); i++)
    pcm[i] = (guint8) i;
  events.push_back (build_input_audio_buffer_append (pcm.data (), pcm.size ()));
  events.push_back (build_input_audio_buffer_append (pcm.data (), 960, "a1"));
  events.push_back (build_input_audio_buffer_append (pcm.data (), 0));
  events.push_back (build_input_audio_buffer_commit ());
  events.push_back (build_input_audio_buffer_commit ("c1"));
  events.push_back (build_input_audio_buffer_clear ());
  events.push_back (build_input_audio_buffer_clear ("c2"));
  events.push_back (build_output_audio_buffer_clear ());

  std::vector<JsonObjectPtr> items;
  items.push_back (make_user_text_item ("What time is it?"));
  items.push_back (make_system_text_item ("Answer in German."));
  items.push_back (make_assistant_text_item ("It is noon."));
  items.push_back (make_function_call_output_item ("call_1",
          "{\"time\":\"12:00\"}"));
  for (const JsonObjectPtr &item : items) {
    events.push_back (build_conversation_item_create (item.get ()));
    events.push_back (build_conversation_item_create (item.get (), "root",
            "i1"));
    events.push_back (build_conversation_item_create (item.get (), "item_9"));
  }

  events.push_back (build_conversation_item_retrieve ("item_1"));
  events.push_back (build_conversation_item_delete ("item_1", "d1"));
  events.push_back (build_conversation_item_truncate ("item_1", 0, 0));
  events.push_back (build_conversation_item_truncate ("item_1", 0, 1500, "t1"));

  events.push_back (build_response_create ());
  ResponseOptions options;
  options.instructions = "Say goodbye.";
  options.output_modality = OutputModality::Text;
  options.out_of_band = true;
  options.max_output_tokens = 64;
  options.metadata = {{"purpose", "summary"}, {"turn", "3"}};
  events.push_back (build_response_create (options, "r1"));
  ResponseOptions audio_inf;
  audio_inf.output_modality = OutputModality::Audio;
  audio_inf.max_output_tokens = 0;
  events.push_back (build_response_create (audio_inf));

  events.push_back (build_response_cancel ());
  events.push_back (build_response_cancel ("resp_1", "x1"));
  return events;
}

struct ValidatorRun {
  int exit_status = -1;
  std::string output;
};

/* Runs ../shared/conformance/validate.mjs on @lines (one JSON per line).
 * ajv is resolved from the project's node_modules (npm ci). */
static ValidatorRun
run_validator (const char *kind, const std::vector<std::string> &lines)
{
  fail_if (strlen (NODE_PATH) == 0,
      "node was not found at configure time; run scripts/install-deps.sh");
  g_autofree gchar *validator = g_build_filename (CONFORMANCE_DIR,
      "validate.mjs", nullptr);
  fail_unless (g_file_test (validator, G_FILE_TEST_EXISTS),
      "%s is missing: the conformance schemas live in ../shared beside the "
      "source tree (or set -Dshared-dir)", validator);

  g_autofree gchar *dir = g_dir_make_tmp ("conformance-XXXXXX", nullptr);
  g_autofree gchar *file = g_build_filename (dir, "events.jsonl", nullptr);
  /* JSONL: one event per line. Raw newlines can only be whitespace between
   * tokens (inside strings JSON escapes them), so folding them is safe. */
  std::string text;
  for (std::string l : lines) {
    std::replace (l.begin (), l.end (), '\n', ' ');
    text += l + "\n";
  }
  fail_unless (g_file_set_contents (file, text.c_str (), text.size (),
          nullptr));

  const gchar *argv[] = {NODE_PATH, validator, kind, file, nullptr};
  ValidatorRun run;
  g_autofree gchar *out = nullptr;
  g_autofree gchar *err = nullptr;
  gint status = 0;
  g_autoptr (GError) error = nullptr;
  fail_unless (g_spawn_sync (PROJECT_SOURCE_DIR, (gchar **) argv, nullptr,
          G_SPAWN_DEFAULT, nullptr, nullptr, &out, &err, &status, &error),
      "could not run node: %s", error ? error->message : "");
  run.output = std::string (out ? out : "") + (err ? err : "");
  fail_unless (WIFEXITED (status), "validator crashed: %s",
      run.output.c_str ());
  run.exit_status = WEXITSTATUS (status);
  fail_if (run.exit_status == 2, "validator usage error (is ajv installed? "
      "run npm ci): %s", run.output.c_str ());

  g_unlink (file);
  g_rmdir (dir);
  return run;
}

static guint
count (const std::string &haystack, const char *needle)
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
  for (const auto &e : events) {
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
example_files (const char *subdir)
{
  g_autofree gchar *path = g_build_filename (CONFORMANCE_DIR, "examples",
      "server", subdir, nullptr);
  g_autoptr (GDir) dir = g_dir_open (path, 0, nullptr);
  fail_unless (dir != nullptr, "cannot open %s", path);
  std::vector<std::string> files;
  while (const gchar *name = g_dir_read_name (dir))
    if (g_str_has_suffix (name, ".json"))
      files.push_back (std::string (path) + G_DIR_SEPARATOR_S + name);
  fail_if (files.empty (), "no examples in %s", path);
  return files;
}

GST_START_TEST (test_server_examples)
{
  for (const std::string &file : example_files ("valid")) {
    g_autofree gchar *text = nullptr;
    fail_unless (g_file_get_contents (file.c_str (), &text, nullptr, nullptr));
    g_autoptr (GError) error = nullptr;
    std::optional<ServerEvent> ev = parse_server_event (text, &error);
    fail_unless (ev.has_value (), "%s: %s", file.c_str (),
        error ? error->message : "");
    fail_if (ev->type == ServerEventType::Unknown, "%s", file.c_str ());
  }

  for (const std::string &file : example_files ("invalid")) {
    g_autofree gchar *text = nullptr;
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
  Suite *s = suite_create ("conformance");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_every_client_event_passes_strict_schema);
  tcase_add_test (tc, test_validator_rejects_beta_shapes);
  tcase_add_test (tc, test_server_examples);
  return s;
}

GST_CHECK_MAIN (conformance);
