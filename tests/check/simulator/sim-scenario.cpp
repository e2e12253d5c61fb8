/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "wav-helpers.h"

#include <gst/check/gstcheck.h>
#include <tools/simulator/scenario.h>
#include <tools/simulator/simulator-error.h>

#include <set>
#include <string>

using namespace realtime::sim;

static Scenario
parse_ok (const std::string & json, const std::string & base_dir = "/base")
{
  g_autoptr (GError) error = nullptr;
  std::optional<Scenario> scenario = Scenario::parse (json, base_dir, &error);
  fail_unless (scenario.has_value (), "failed to parse %s: %s", json.c_str (),
      error ? error->message : "");
  fail_unless (error == nullptr);
  return std::move (*scenario);
}

static Pcm
render_ok (const Turn & turn)
{
  g_autoptr (GError) error = nullptr;
  Pcm out = {1, 2, 3}; /* render replaces */
  fail_unless (Scenario::render_audio (turn, out, &error), "%s",
      error ? error->message : "");
  return out;
}

GST_START_TEST (test_default_scenario)
{
  Scenario scenario = Scenario::make_default ();
  fail_unless_equals_int (scenario.turns.size (), 3);

  std::set<double> pitches;
  for (const Turn & turn : scenario.turns) {
    fail_if (turn.user_transcript.empty ());
    fail_if (turn.assistant_text.empty ());
    fail_unless (turn.audio.kind == AudioSource::Kind::Tone);
    fail_unless (turn.audio.duration_ms == -1);
    fail_unless (
        turn.audio.frequency_hz >= 20 && turn.audio.frequency_hz <= 12000);
    fail_if (turn.function_call.has_value ());
    fail_unless_equals_int64 (turn.first_delta_delay_ms, 0);
    pitches.insert (turn.audio.frequency_hz);

    /* Rendered from the text, at the turn's pitch. */
    Pcm pcm = render_ok (turn);
    gint64 expected_ms = duration_for_text (turn.assistant_text);
    fail_unless_equals_int (pcm.size (), expected_ms * 24);
    fail_unless (expected_ms > 1000);
    double f = measure_frequency (pcm, 0, pcm.size ());
    fail_unless (std::fabs (f - turn.audio.frequency_hz) < 2.0, "%f Hz for %f",
        f, turn.audio.frequency_hz);
  }
  fail_unless_equals_int (pitches.size (), 3);
  fail_unless (&scenario.turn (7) == &scenario.turns[2]);
}
GST_END_TEST;

static const char * kExample = R"({ "turns": [
  { "user": "What time is it?", "assistant": "It is noon.",
    "audio": {"type": "tone", "frequency": 880, "amplitude": 0.5, "duration_ms": 1500},
    "function_call": {"name": "get_time", "arguments": {"tz": "UTC"}},
    "first_delta_delay_ms": 200 },
  { "assistant": "Quiet now.", "audio": {"type": "silence", "duration_ms": 500} },
  { "user": "Play it", "assistant": "Here.", "audio": {"type": "wav", "path": "sounds/reply.wav"},
    "function_call": {"name": "play-2", "arguments": "{\"loud\": true}"} },
  { "assistant": "Defaults." },
  { "assistant": "Absolute.", "audio": {"type": "wav", "path": "/data/x.wav"},
    "function_call": {"name": "f"} }
] })";

GST_START_TEST (test_parse_full)
{
  Scenario s = parse_ok (kExample, "/base/dir");
  fail_unless_equals_int (s.turns.size (), 5);

  const Turn & t0 = s.turns[0];
  fail_unless_equals_string (t0.user_transcript.c_str (), "What time is it?");
  fail_unless_equals_string (t0.assistant_text.c_str (), "It is noon.");
  fail_unless (t0.audio.kind == AudioSource::Kind::Tone);
  fail_unless (t0.audio.frequency_hz == 880.0);
  fail_unless (t0.audio.amplitude == 0.5);
  fail_unless_equals_int64 (t0.audio.duration_ms, 1500);
  fail_unless (t0.function_call.has_value ());
  fail_unless_equals_string (t0.function_call->name.c_str (), "get_time");
  fail_unless_equals_string (t0.function_call->arguments.c_str (),
      "{\"tz\":\"UTC\"}");
  fail_unless_equals_int64 (t0.first_delta_delay_ms, 200);

  const Turn & t1 = s.turns[1];
  fail_unless_equals_string (t1.user_transcript.c_str (), "");
  fail_unless (t1.audio.kind == AudioSource::Kind::Silence);
  fail_unless_equals_int64 (t1.audio.duration_ms, 500);
  fail_if (t1.function_call.has_value ());
  fail_unless_equals_int64 (t1.first_delta_delay_ms, 0);

  const Turn & t2 = s.turns[2];
  fail_unless (t2.audio.kind == AudioSource::Kind::Wav);
  fail_unless_equals_string (t2.audio.path.c_str (),
      "/base/dir/sounds/reply.wav");
  fail_unless_equals_string (t2.function_call->name.c_str (), "play-2");
  /* Arguments given as JSON text are kept as written. */
  fail_unless_equals_string (t2.function_call->arguments.c_str (),
      "{\"loud\": true}");

  /* Omitted audio: a 440 Hz tone lasting as long as the text. */
  const Turn & t3 = s.turns[3];
  fail_unless (t3.audio.kind == AudioSource::Kind::Tone);
  fail_unless (t3.audio.frequency_hz == 440.0);
  fail_unless (t3.audio.amplitude == 0.25);
  fail_unless_equals_int64 (t3.audio.duration_ms, -1);

  const Turn & t4 = s.turns[4];
  fail_unless_equals_string (t4.audio.path.c_str (), "/data/x.wav");
  fail_unless_equals_string (t4.function_call->arguments.c_str (), "{}");
}
GST_END_TEST;

GST_START_TEST (test_parse_errors)
{
  const struct
  {
    const char * json;
    const char * message;
  } cases[] = {
      {"not json", "Invalid scenario"},
      {"", "Invalid scenario"},
      {"[]", "scenario: must be a JSON object"},
      {"{}", "turns: must be a non-empty array"},
      {R"({"turns": []})", "turns: must be a non-empty array"},
      {R"({"turns": {}})", "turns: must be a non-empty array"},
      {R"({"turns": [{"assistant": "a"}], "extra": 1})", "extra: unknown key"},
      {R"({"turns": [1]})", "turns[0]: must be an object"},
      {R"({"turns": [{}]})", "turns[0].assistant: is required"},
      {R"({"turns": [{"assistant": 5}]})",
          "turns[0].assistant: must be a string"},
      {R"({"turns": [{"assistant": "a", "user": null}]})",
          "turns[0].user: must be a string"},
      {R"({"turns": [{"assistant": "a"}, {"assistant": "b", "colour": "red"}]})",
          "turns[1].colour: unknown key"},
      {R"({"turns": [{"assistant": "a", "audio": "tone"}]})",
          "turns[0].audio: must be an object"},
      {R"({"turns": [{"assistant": "a", "audio": {}}]})",
          "turns[0].audio.type: is required"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "noise"}}]})",
          "turns[0].audio.type: must be \"tone\", \"silence\", \"wav\" or "
          "\"speech\""},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "speech", "duration_ms": 500}}]})",
          "turns[0].audio.duration_ms: unknown key"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "speech", "voice": ""}}]})",
          "turns[0].audio.voice: must be 1 to 64 letters"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "speech", "voice": "../en"}}]})",
          "turns[0].audio.voice: must be 1 to 64 letters"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "speech", "voice": 5}}]})",
          "turns[0].audio.voice: must be a string"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "speech", "rate": 79}}]})",
          "turns[0].audio.rate: must be between 80 and 450"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "speech", "rate": 451}}]})",
          "turns[0].audio.rate: must be between 80 and 450"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "speech", "rate": "fast"}}]})",
          "turns[0].audio.rate: must be an integer"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "speech", "pitch": 101}}]})",
          "turns[0].audio.pitch: must be between 0 and 100"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "speech", "pitch": 50.5}}]})",
          "turns[0].audio.pitch: must be an integer"},
      {R"({"turns": [{"assistant": "a"}, {"assistant": "b", "audio": {"type": "tone", "frequency": "high"}}]})",
          "turns[1].audio.frequency: must be a number"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "tone", "frequency": true}}]})",
          "turns[0].audio.frequency: must be a number"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "tone", "frequency": 19.5}}]})",
          "turns[0].audio.frequency: must be between 20 and 12000"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "tone", "frequency": 12001}}]})",
          "turns[0].audio.frequency: must be between 20 and 12000"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "tone", "amplitude": 1.01}}]})",
          "turns[0].audio.amplitude: must be between 0 and 1"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "tone", "amplitude": -0.1}}]})",
          "turns[0].audio.amplitude: must be between 0 and 1"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "tone", "duration_ms": -1}}]})",
          "turns[0].audio.duration_ms: must be between 0 and 600000"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "silence", "duration_ms": 600001}}]})",
          "turns[0].audio.duration_ms: must be between 0 and 600000"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "tone", "duration_ms": 1.5}}]})",
          "turns[0].audio.duration_ms: must be an integer"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "tone", "duration_ms": "100"}}]})",
          "turns[0].audio.duration_ms: must be an integer"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "silence", "frequency": 440}}]})",
          "turns[0].audio.frequency: unknown key"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "wav"}}]})",
          "turns[0].audio.path: is required"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "wav", "path": ""}}]})",
          "turns[0].audio.path: must not be empty"},
      {R"({"turns": [{"assistant": "a", "audio": {"type": "wav", "path": "x.wav", "duration_ms": 5}}]})",
          "turns[0].audio.duration_ms: unknown key"},
      {R"({"turns": [{"assistant": "a", "function_call": "f"}]})",
          "turns[0].function_call: must be an object"},
      {R"({"turns": [{"assistant": "a", "function_call": {}}]})",
          "turns[0].function_call.name: is required"},
      {R"({"turns": [{"assistant": "a", "function_call": {"name": "get time"}}]})",
          "turns[0].function_call.name: must be 1 to 64"},
      {R"({"turns": [{"assistant": "a", "function_call": {"name": ""}}]})",
          "turns[0].function_call.name: must be 1 to 64"},
      {R"({"turns": [{"assistant": "a", "function_call": {"name": "f", "arguments": 3}}]})",
          "turns[0].function_call.arguments: must be an object or a string"},
      {R"({"turns": [{"assistant": "a", "function_call": {"name": "f", "arguments": "{oops"}}]})",
          "turns[0].function_call.arguments: must be an object or a string"},
      {R"({"turns": [{"assistant": "a", "function_call": {"name": "f", "arguments": "[1]"}}]})",
          "turns[0].function_call.arguments: must be an object or a string"},
      {R"({"turns": [{"assistant": "a", "function_call": {"name": "f", "id": "x"}}]})",
          "turns[0].function_call.id: unknown key"},
      {R"({"turns": [{"assistant": "a", "first_delta_delay_ms": 60001}]})",
          "turns[0].first_delta_delay_ms: must be between 0 and 60000"},
      {R"({"turns": [{"assistant": "a", "first_delta_delay_ms": -1}]})",
          "turns[0].first_delta_delay_ms: must be between 0 and 60000"},
      {R"({"turns": [{"assistant": "a", "first_delta_delay_ms": "soon"}]})",
          "turns[0].first_delta_delay_ms: must be an integer"},
      {R"({"turns": [{"assistant": "a", "audio_items": 0}]})",
          "turns[0].audio_items: must be between 1 and 16"},
      {R"({"turns": [{"assistant": "a", "audio_items": 17}]})",
          "turns[0].audio_items: must be between 1 and 16"},
      {R"({"turns": [{"assistant": "a", "audio_items": "two"}]})",
          "turns[0].audio_items: must be an integer"},
  };

  for (const auto & c : cases) {
    g_autoptr (GError) error = nullptr;
    std::optional<Scenario> s = Scenario::parse (c.json, "/base", &error);
    fail_if (s.has_value (), "accepted %s", c.json);
    fail_unless (g_error_matches (error, REALTIME_SIMULATOR_ERROR,
                     REALTIME_SIMULATOR_ERROR_SCENARIO),
        "wrong error for %s: %s", c.json, error ? error->message : "(none)");
    fail_unless (strstr (error->message, c.message) != nullptr,
        "\"%s\" does not mention \"%s\"", error->message, c.message);
  }
}
GST_END_TEST;

/* Limits are inclusive, and integral floats are integers. */
GST_START_TEST (test_parse_limits)
{
  Scenario s = parse_ok (R"({"turns": [
    {"assistant": "a", "audio": {"type": "tone", "frequency": 20, "amplitude": 0, "duration_ms": 0}},
    {"assistant": "b", "audio": {"type": "tone", "frequency": 12000, "amplitude": 1, "duration_ms": 600000.0},
     "first_delta_delay_ms": 60000, "audio_items": 16}]})");
  fail_unless (s.turns[0].audio.frequency_hz == 20.0);
  fail_unless_equals_int64 (s.turns[0].audio.duration_ms, 0);
  fail_unless (s.turns[1].audio.amplitude == 1.0);
  fail_unless_equals_int64 (s.turns[1].audio.duration_ms, 600000);
  fail_unless_equals_int64 (s.turns[1].first_delta_delay_ms, 60000);
  /* audio_items: one item unless asked, up to 16. */
  fail_unless_equals_int64 (s.turns[0].audio_items, 1);
  fail_unless_equals_int64 (s.turns[1].audio_items, 16);
}
GST_END_TEST;

/* Speech: espeak-ng's defaults unless given, its limits inclusive. */
GST_START_TEST (test_parse_speech)
{
  Scenario s = parse_ok (R"({"turns": [
    {"assistant": "a", "audio": {"type": "speech"}},
    {"assistant": "b", "audio": {"type": "speech", "voice": "en+f3", "rate": 80, "pitch": 0}},
    {"assistant": "c", "audio": {"type": "speech", "voice": "en-us", "rate": 450.0, "pitch": 100}}]})");
  const AudioSource & a = s.turns[0].audio;
  fail_unless (a.kind == AudioSource::Kind::Speech);
  fail_unless_equals_string (a.voice.name.c_str (), "en");
  fail_unless_equals_int64 (a.voice.rate_wpm, 175);
  fail_unless_equals_int64 (a.voice.pitch, 50);
  fail_unless_equals_string (s.turns[1].audio.voice.name.c_str (), "en+f3");
  fail_unless_equals_int64 (s.turns[1].audio.voice.rate_wpm, 80);
  fail_unless_equals_int64 (s.turns[1].audio.voice.pitch, 0);
  fail_unless_equals_int64 (s.turns[2].audio.voice.rate_wpm, 450);
  fail_unless_equals_int64 (s.turns[2].audio.voice.pitch, 100);
  for (const Turn & t : s.turns)
    fail_unless (t.audio_given);
}
GST_END_TEST;

GST_START_TEST (test_turn_repeats_last)
{
  Scenario s =
      parse_ok (R"({"turns": [{"assistant": "one"}, {"assistant": "two"}]})");
  fail_unless_equals_string (s.turn (0).assistant_text.c_str (), "one");
  fail_unless_equals_string (s.turn (1).assistant_text.c_str (), "two");
  fail_unless_equals_string (s.turn (2).assistant_text.c_str (), "two");
  fail_unless_equals_string (s.turn (G_MAXSIZE).assistant_text.c_str (), "two");

  /* A scenario nobody filled in does not crash. */
  Scenario empty;
  fail_unless_equals_string (empty.turn (3).assistant_text.c_str (), "");
}
GST_END_TEST;

GST_START_TEST (test_duration_for_text)
{
  fail_unless_equals_int64 (duration_for_text (""), 400);
  fail_unless_equals_int64 (duration_for_text ("Hello"), 400);
  fail_unless_equals_int64 (duration_for_text ("1234567"), 420);
  fail_unless_equals_int64 (duration_for_text ("Hello, world!"), 780);
  /* Characters, not bytes. */
  fail_unless_equals_int64 (duration_for_text ("héllo wörld…"), 720);
}
GST_END_TEST;

GST_START_TEST (test_render_tone_and_silence)
{
  Scenario s = parse_ok (R"({"turns": [
    {"assistant": "Twenty characters!!!", "audio": {"type": "tone", "frequency": 1000, "amplitude": 0.5}},
    {"assistant": "a", "audio": {"type": "tone", "frequency": 250, "duration_ms": 1500}},
    {"assistant": "b", "audio": {"type": "silence", "duration_ms": 500}},
    {"assistant": "Ten chars.", "audio": {"type": "silence"}},
    {"assistant": "Short"}]})");

  Pcm pcm = render_ok (s.turns[0]);
  fail_unless_equals_int (pcm.size (), 1200 * 24);
  fail_unless (
      std::fabs (measure_frequency (pcm, 0, pcm.size ()) - 1000.0) < 2.0);
  double rms = measure_rms (pcm, 240, pcm.size () - 240);
  fail_unless (std::fabs (rms * std::sqrt (2.0) - 0.5) < 0.01, "rms %f", rms);

  pcm = render_ok (s.turns[1]);
  fail_unless_equals_int (pcm.size (), 1500 * 24);
  fail_unless (
      std::fabs (measure_frequency (pcm, 0, pcm.size ()) - 250.0) < 2.0);

  pcm = render_ok (s.turns[2]);
  fail_unless_equals_int (pcm.size (), 500 * 24);
  for (gint16 v : pcm)
    fail_unless_equals_int (v, 0);

  pcm = render_ok (s.turns[3]);
  fail_unless_equals_int (pcm.size (), 600 * 24);

  pcm = render_ok (s.turns[4]);
  fail_unless_equals_int (pcm.size (), 400 * 24);
}
GST_END_TEST;

/* WAV audio through a scenario file: relative paths are resolved against
 * the file's folder, not the current directory. */
GST_START_TEST (test_load_and_render_wav)
{
  g_autoptr (GError) error = nullptr;
  g_autofree gchar * dir = g_dir_make_tmp ("sim-scenario-XXXXXX", &error);
  fail_unless (dir != nullptr);
  g_autofree gchar * sounds = g_build_filename (dir, "sounds", nullptr);
  fail_unless (g_mkdir (sounds, 0700) == 0);

  std::vector<double> values;
  for (int i = 0; i < 480; i++)
    values.push_back ((i % 50 - 25) / 64.0);
  g_autofree gchar * wav_path = g_build_filename (sounds, "reply.wav", nullptr);
  write_file (wav_path, build_wav (WavSpec (), values));

  std::string json = R"({"turns": [
      {"assistant": "a", "audio": {"type": "wav", "path": "sounds/reply.wav"}},
      {"assistant": "b", "audio": {"type": "wav", "path": "./sounds/../sounds/reply.wav"}},
      {"assistant": "c", "audio": {"type": "wav", "path": "missing.wav"}}]})";
  g_autofree gchar * scenario_path =
      g_build_filename (dir, "scenario.json", nullptr);
  write_file (scenario_path, std::vector<guint8> (json.begin (), json.end ()));

  std::optional<Scenario> s = Scenario::load (scenario_path, &error);
  fail_unless (s.has_value (), "%s", error ? error->message : "");
  fail_unless_equals_string (s->turns[0].audio.path.c_str (), wav_path);
  fail_unless_equals_string (s->turns[1].audio.path.c_str (), wav_path);

  for (int i = 0; i < 2; i++) {
    Pcm pcm = render_ok (s->turns[i]);
    fail_unless_equals_int (pcm.size (), values.size ());
    for (gsize k = 0; k < pcm.size (); k++)
      fail_unless_equals_int (pcm[k], (gint) std::lrint (values[k] * 32768));
  }

  /* The WAV is only opened when rendering. */
  Pcm pcm;
  fail_if (Scenario::render_audio (s->turns[2], pcm, &error));
  fail_unless (g_error_matches (error, REALTIME_SIMULATOR_ERROR,
                   REALTIME_SIMULATOR_ERROR_IO),
      "%s", error->message);
  fail_unless (strstr (error->message, "missing.wav") != nullptr);
  g_clear_error (&error);

  /* parse() with a base directory resolves the same way. */
  Scenario parsed = parse_ok (json, dir);
  fail_unless_equals_string (parsed.turns[0].audio.path.c_str (), wav_path);

  /* A scenario that does not validate: the error is prefixed with its path. */
  std::string bad =
      R"({"turns": [{"assistant": "a", "audio": {"type": "wav"}}]})";
  write_file (scenario_path, std::vector<guint8> (bad.begin (), bad.end ()));
  fail_if (Scenario::load (scenario_path, &error).has_value ());
  fail_unless (g_error_matches (error, REALTIME_SIMULATOR_ERROR,
      REALTIME_SIMULATOR_ERROR_SCENARIO));
  fail_unless (g_str_has_prefix (error->message, scenario_path), "%s",
      error->message);
  fail_unless (strstr (error->message, "turns[0].audio.path") != nullptr);
  g_clear_error (&error);

  g_unlink (scenario_path);
  g_unlink (wav_path);
  g_rmdir (sounds);

  /* A missing scenario file is an IO error naming it. */
  fail_if (Scenario::load (scenario_path, &error).has_value ());
  fail_unless (g_error_matches (error, REALTIME_SIMULATOR_ERROR,
      REALTIME_SIMULATOR_ERROR_IO));
  fail_unless (strstr (error->message, scenario_path) != nullptr);

  g_rmdir (dir);
}
GST_END_TEST;

static Suite *
sim_scenario_suite (void)
{
  Suite * s = suite_create ("sim-scenario");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_default_scenario);
  tcase_add_test (tc, test_parse_full);
  tcase_add_test (tc, test_parse_errors);
  tcase_add_test (tc, test_parse_limits);
  tcase_add_test (tc, test_parse_speech);
  tcase_add_test (tc, test_turn_repeats_last);
  tcase_add_test (tc, test_duration_for_text);
  tcase_add_test (tc, test_render_tone_and_silence);
  tcase_add_test (tc, test_load_and_render_wav);
  return s;
}

GST_CHECK_MAIN (sim_scenario);
