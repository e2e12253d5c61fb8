/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The simulator's speech: espeak-ng through synthesize_speech(), speech
 * turns in scenarios and responses; without espeak-ng, the tone fallback. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sim-test-client.h"
#include "wav-helpers.h"

#include <gst/check/gstcheck.h>
#include <tools/simulator/scenario.h>
#include <tools/simulator/simulator-error.h>
#include <tools/simulator/simulator.h>
#include <tools/simulator/speech-synth.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

using namespace realtime;
using namespace realtime::sim;

static const char * kTwoSentences =
    "Hello! I am the simulated assistant, and I speak two sentences.";
static const gsize kTwoSentencesWords = 11;

static Scenario
parse_ok (const std::string & json)
{
  g_autoptr (GError) error = nullptr;
  std::optional<Scenario> s = Scenario::parse (json, "/base", &error);
  fail_unless (s.has_value (), "%s: %s", json.c_str (),
      error ? error->message : "");
  return std::move (*s);
}

static gsize
count_words (const std::string & text)
{
  g_auto (GStrv) words = g_strsplit_set (text.c_str (), " ", -1);
  gsize n = 0;
  for (gsize i = 0; words[i]; i++)
    n += words[i][0] != '\0';
  return n;
}

#if HAVE_ESPEAK_NG

static Pcm
speak_ok (const std::string & text, const SpeechVoice & voice = SpeechVoice ())
{
  g_autoptr (GError) error = nullptr;
  Pcm out = {1, 2, 3}; /* replaced */
  fail_unless (synthesize_speech (text, voice, out, &error), "%s",
      error ? error->message : "");
  return out;
}

/* What tells speech from a tone, in 20 ms frames: the level falls away
 * between words and sentences, and the zero-crossing rate changes from one
 * loud frame to the next (vowels, fricatives). A tone has neither. */
struct SpeechShape
{
  double quiet_fraction; /* frames 40 dB below the loudest */
  double loud_fraction;  /* frames within 20 dB of the loudest */
  double zcr_variation;  /* std. deviation / mean over the loud frames */
};

static SpeechShape
measure_shape (const Pcm & pcm)
{
  const gsize frame = 20 * PCM_SAMPLES_PER_MS;
  std::vector<double> rms, zcr;
  for (gsize i = 0; i + frame <= pcm.size (); i += frame) {
    rms.push_back (measure_rms (pcm, i, i + frame));
    gsize crossings = 0;
    for (gsize k = i + 1; k < i + frame; k++)
      crossings += (pcm[k - 1] < 0) != (pcm[k] < 0);
    zcr.push_back ((double) crossings);
  }
  fail_unless (!rms.empty ());
  double peak = *std::max_element (rms.begin (), rms.end ());
  fail_unless (peak > 0.01, "nearly silent: frame RMS peak %f", peak);

  SpeechShape shape = {};
  double sum = 0, sum2 = 0, loud = 0;
  for (gsize i = 0; i < rms.size (); i++) {
    shape.quiet_fraction += rms[i] < peak / 100;
    if (rms[i] > peak / 10) {
      loud++;
      sum += zcr[i];
      sum2 += zcr[i] * zcr[i];
    }
  }
  double mean = sum / loud;
  shape.quiet_fraction /= (double) rms.size ();
  shape.loud_fraction = loud / (double) rms.size ();
  shape.zcr_variation = std::sqrt (MAX (sum2 / loud - mean * mean, 0.0)) / mean;
  return shape;
}

static void
assert_is_speech (const Pcm & pcm, const char * what)
{
  SpeechShape s = measure_shape (pcm);
  GST_INFO ("%s: quiet %.2f, loud %.2f, zcr variation %.2f", what,
      s.quiet_fraction, s.loud_fraction, s.zcr_variation);
  fail_unless (s.quiet_fraction > 0.05, "%s: no pauses (%.2f quiet)", what,
      s.quiet_fraction);
  fail_unless (s.loud_fraction > 0.3, "%s: hardly any voice (%.2f loud)", what,
      s.loud_fraction);
  fail_unless (s.zcr_variation > 0.3,
      "%s: a steady sound, not speech (zero "
      "crossings vary by %.2f)",
      what, s.zcr_variation);
}

/* Energy above @cutoff_hz relative to the whole, from a DFT of a loud
 * 2048-sample stretch. */
static double
energy_above (const Pcm & pcm, double cutoff_hz)
{
  const gsize n = 2048;
  gsize best = 0;
  double best_rms = 0;
  for (gsize i = 0; i + n <= pcm.size (); i += n / 2) {
    double r = measure_rms (pcm, i, i + n);
    if (r > best_rms) {
      best_rms = r;
      best = i;
    }
  }
  double total = 0, high = 0;
  for (gsize k = 1; k < n / 2; k++) {
    double re = 0, im = 0;
    for (gsize t = 0; t < n; t++) {
      /* Hann window: no leakage from the loud low bins. */
      double w = 0.5 - 0.5 * std::cos (2 * G_PI * t / n);
      double x = w * pcm[best + t];
      re += x * std::cos (2 * G_PI * k * t / n);
      im -= x * std::sin (2 * G_PI * k * t / n);
    }
    double power = re * re + im * im;
    total += power;
    if (k * (double) PCM_RATE / n > cutoff_hz)
      high += power;
  }
  return high / total;
}

GST_START_TEST (test_speech_is_speech)
{
  fail_unless (speech_is_available ());
  fail_unless (g_str_has_prefix (speech_engine (), "espeak-ng "));

  Pcm pcm = speak_ok (kTwoSentences);
  /* 11 words at 175 words per minute: about 3.8 s, pauses included. */
  double seconds = pcm.size () / (double) PCM_RATE;
  double words_per_second = kTwoSentencesWords / seconds;
  GST_INFO ("%zu samples, %.2f s, %.2f words/s", pcm.size (), seconds,
      words_per_second);
  fail_unless (words_per_second > 1.8 && words_per_second < 4.5,
      "%.2f s for %" G_GSIZE_FORMAT " words", seconds, kTwoSentencesWords);
  assert_is_speech (pcm, "two sentences");
  /* The measure's negative control: a tone is not speech. */
  SpeechShape tone = measure_shape (make_tone (440.0, 4000));
  fail_unless (tone.quiet_fraction < 0.05 && tone.zcr_variation < 0.3);

  /* Made at 22050 Hz and resampled: nothing above its Nyquist frequency
   * (images of a careless conversion would be there). */
  double high = energy_above (pcm, 11300);
  GST_INFO ("%.2g of the energy above 11.3 kHz", high);
  fail_unless (high < 1e-4, "%.2g of the energy above 11.3 kHz", high);

  /* Not clipped, not faint. */
  int peak = 0;
  for (gint16 s : pcm)
    peak = MAX (peak, ABS ((int) s));
  fail_unless (peak > 3000 && peak < 32767, "peak %d", peak);
}
GST_END_TEST;

GST_START_TEST (test_speech_rate_and_voice)
{
  SpeechVoice slow, fast, other;
  slow.rate_wpm = 120;
  fast.rate_wpm = 350;
  other.name = "en+f3";
  other.pitch = 80;
  gsize n_slow = speak_ok (kTwoSentences, slow).size ();
  gsize n_fast = speak_ok (kTwoSentences, fast).size ();
  fail_unless (n_fast * 2 < n_slow, "rate 350: %zu samples, rate 120: %zu",
      n_fast, n_slow);

  Pcm a = speak_ok (kTwoSentences);
  Pcm b = speak_ok (kTwoSentences, other);
  fail_if (a == b, "another voice sounds the same");
  assert_is_speech (b, "en+f3");

  /* An unknown voice is an error that names it. */
  SpeechVoice unknown;
  unknown.name = "xx-nonexistent";
  g_autoptr (GError) error = nullptr;
  Pcm out;
  fail_if (synthesize_speech ("Hello", unknown, out, &error));
  fail_unless (g_error_matches (error, REALTIME_SIMULATOR_ERROR,
      REALTIME_SIMULATOR_ERROR_SPEECH));
  fail_unless (strstr (error->message, "no voice \"xx-nonexistent\"") !=
          nullptr,
      "%s", error->message);
}
GST_END_TEST;

/* A text sounds the same every time: from the cache in one process, and
 * from the same engine state in two. */
static std::string
checksum_in_child (const std::string & text)
{
  int fds[2];
  fail_unless (pipe (fds) == 0);
  pid_t pid = fork ();
  fail_unless (pid >= 0);
  if (pid == 0) {
    close (fds[0]);
    Pcm pcm;
    bool ok = synthesize_speech (text, SpeechVoice (), pcm, nullptr);
    g_autofree gchar * sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
        (const guchar *) pcm.data (), pcm.size () * sizeof (gint16));
    std::string line = ok ? std::string (sum) : "failed";
    ssize_t written = write (fds[1], line.data (), line.size ());
    _exit (written == (ssize_t) line.size () ? 0 : 1);
  }
  close (fds[1]);
  std::string result;
  char buffer[128];
  ssize_t n;
  while ((n = read (fds[0], buffer, sizeof (buffer))) > 0)
    result.append (buffer, (gsize) n);
  close (fds[0]);
  int status = 0;
  waitpid (pid, &status, 0);
  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  return result;
}

GST_START_TEST (test_speech_deterministic)
{
  std::string one = checksum_in_child (kTwoSentences);
  std::string other = checksum_in_child (kTwoSentences);
  fail_unless_equals_string (one.c_str (), other.c_str ());
  fail_unless_equals_int (one.size (), 64);

  Pcm a = speak_ok ("Once.");
  speak_ok ("Something else in between, to move the engine along.");
  Pcm b = speak_ok ("Once.");
  fail_unless (a == b, "the cache gave other audio");
}
GST_END_TEST;

GST_START_TEST (test_scenario_speech)
{
  Scenario s = parse_ok (R"({"turns": [
    {"assistant": "One small sentence.", "audio": {"type": "speech"}},
    {"assistant": "Slow and high.", "audio": {"type": "speech", "voice": "en-us", "rate": 100, "pitch": 90}}]})");

  Pcm rendered;
  g_autoptr (GError) error = nullptr;
  fail_unless (Scenario::render_audio (s.turns[0], rendered, &error));
  fail_unless (rendered == speak_ok ("One small sentence."));
  SpeechVoice voice;
  voice.name = "en-us";
  voice.rate_wpm = 100;
  voice.pitch = 90;
  fail_unless (Scenario::render_audio (s.turns[1], rendered, &error));
  fail_unless (rendered == speak_ok ("Slow and high.", voice));

  fail_unless (s.prepare_speech (&error), "%s", error ? error->message : "");

  /* An unknown voice is found when the speech is prepared, and named with
   * its turn. */
  Scenario bad = parse_ok (R"({"turns": [{"assistant": "a"},
    {"assistant": "b", "audio": {"type": "speech", "voice": "zz"}}]})");
  fail_if (bad.prepare_speech (&error));
  fail_unless (g_error_matches (error, REALTIME_SIMULATOR_ERROR,
      REALTIME_SIMULATOR_ERROR_SPEECH));
  fail_unless (g_str_has_prefix (error->message,
                   "turns[1].audio: espeak-ng has no voice \"zz\""),
      "%s", error->message);
  g_clear_error (&error);

  /* ... which also keeps a simulator from starting. */
  SimulatorOptions o;
  o.scenario = bad;
  Simulator sim (std::move (o));
  fail_if (sim.start (&error));
  fail_unless (strstr (error->message, "no voice \"zz\"") != nullptr);
}
GST_END_TEST;

/* A speech turn through a session: the audio deltas are the synthesized
 * speech, bit for bit, and the transcript's words keep pace with it. */
GST_START_TEST (test_response_speaks)
{
  const std::string text = "Hello there! This answer is spoken by espeak-ng, "
                           "and its words arrive with the audio.";
  SimulatorOptions o;
  o.scenario =
      parse_ok (std::string (R"({"turns": [{"assistant": ")") + text + "\"}]}");
  o.scenario.speak_turns_without_audio ();
  o.pace = 0;
  auto sim = std::make_unique<Simulator> (std::move (o));
  g_autoptr (GError) error = nullptr;
  fail_unless (sim->start (&error), "%s", error ? error->message : "");

  TestClient c;
  fail_unless (c.connect (sim->url ()));
  c.wait_for ("session.created");
  c.send (build_response_create ());
  const ServerEvent done = c.wait_for ("response.done");
  fail_unless_equals_string (done.response->status.c_str (), "completed");

  std::string audio, said;
  /* Audio bytes sent before each transcript word. */
  std::vector<gsize> audio_before_word;
  for (const ServerEvent & e : c.events_) {
    if (e.type == ServerEventType::ResponseOutputAudioDelta)
      audio.append ((const char *) e.audio.data (), e.audio.size ());
    else if (e.type_name == "response.output_audio_transcript.delta") {
      said += e.delta;
      audio_before_word.push_back (audio.size ());
    }
  }
  Pcm expected = speak_ok (text);
  fail_unless_equals_int (audio.size (), expected.size () * 2);
  fail_unless (memcmp (audio.data (), expected.data (), audio.size ()) == 0);
  fail_unless_equals_string (said.c_str (), text.c_str ());

  /* Word k of n goes out once k/n of the audio has: within one delta. */
  const gsize n = audio_before_word.size (), delta_bytes = 100 * 48;
  fail_unless_equals_int (n, count_words (text));
  for (gsize k = 0; k < n; k++) {
    double due = (double) audio.size () * k / n;
    fail_unless (std::fabs (audio_before_word[k] - due) <= delta_bytes,
        "word %zu after %zu bytes, due at %.0f", k, audio_before_word[k], due);
  }
  /* Usage: 20 output audio tokens per second. */
  fail_unless_equals_int (done.response->usage->output_audio_tokens,
      (gint64) (expected.size () / PCM_SAMPLES_PER_MS) * 20 / 1000);
}
GST_END_TEST;

#elif !REALTIME_SPEECH_DISABLED

/* Speech was not turned off (-Dspeech=disabled), yet the simulator was
 * built without espeak-ng: what these tests are about is missing from the
 * build, which is a failure, not a skip. */
GST_START_TEST (test_speech_built_in)
{
  fail ("the simulator was built without espeak-ng: install libespeak-ng-dev "
        "(scripts/install-deps.sh does) and reconfigure, or configure with "
        "-Dspeech=disabled to test the tone fallback instead");
}
GST_END_TEST;

#else /* -Dspeech=disabled */

/* Without espeak-ng: speech is an error for synthesize_speech(), and a
 * tone as long as the text for scenarios. */
GST_START_TEST (test_without_speech)
{
  fail_if (speech_is_available ());
  fail_unless (speech_engine () == nullptr);

  g_autoptr (GError) error = nullptr;
  Pcm out;
  fail_if (synthesize_speech ("Hello", SpeechVoice (), out, &error));
  fail_unless (g_error_matches (error, REALTIME_SIMULATOR_ERROR,
      REALTIME_SIMULATOR_ERROR_SPEECH));
  fail_unless (strstr (error->message, "without espeak-ng") != nullptr);
  g_clear_error (&error);

  Scenario s = parse_ok (R"({"turns": [
    {"assistant": "Twenty characters!!!", "audio": {"type": "speech", "voice": "zz"}}]})");
  fail_unless (s.prepare_speech (&error));
  fail_unless (Scenario::render_audio (s.turns[0], out, &error));
  fail_unless_equals_int (out.size (), 1200 * PCM_SAMPLES_PER_MS);
  fail_unless (
      std::fabs (measure_frequency (out, 0, out.size ()) - 440.0) < 2.0);
}
GST_END_TEST;

#endif

/* --speak: turns that give no audio speak; the others keep theirs. */
GST_START_TEST (test_speak_turns_without_audio)
{
  Scenario s = parse_ok (R"({"turns": [
    {"assistant": "a"},
    {"assistant": "b", "audio": {"type": "tone", "frequency": 300}},
    {"assistant": "c", "audio": {"type": "speech", "voice": "de"}}]})");
  fail_if (s.turns[0].audio_given);
  fail_unless (s.turns[1].audio_given && s.turns[2].audio_given);

  SpeechVoice voice;
  voice.name = "en-gb";
  s.speak_turns_without_audio (voice);
  fail_unless (s.turns[0].audio.kind == AudioSource::Kind::Speech);
  fail_unless_equals_string (s.turns[0].audio.voice.name.c_str (), "en-gb");
  fail_unless (s.turns[1].audio.kind == AudioSource::Kind::Tone);
  fail_unless (s.turns[1].audio.frequency_hz == 300.0);
  fail_unless_equals_string (s.turns[2].audio.voice.name.c_str (), "de");

  /* The built-in conversation speaks too. */
  Scenario builtin = Scenario::make_default ();
  builtin.speak_turns_without_audio ();
  for (const Turn & t : builtin.turns)
    fail_unless (t.audio.kind == AudioSource::Kind::Speech);
}
GST_END_TEST;

static Suite *
sim_speech_suite (void)
{
  Suite * s = suite_create ("sim-speech");
  TCase * tc = tcase_create ("general");
  suite_add_tcase (s, tc);
#if HAVE_ESPEAK_NG
  tcase_add_test (tc, test_speech_is_speech);
  tcase_add_test (tc, test_speech_rate_and_voice);
  tcase_add_test (tc, test_speech_deterministic);
  tcase_add_test (tc, test_scenario_speech);
  tcase_add_test (tc, test_response_speaks);
#elif !REALTIME_SPEECH_DISABLED
  tcase_add_test (tc, test_speech_built_in);
#else
  tcase_add_test (tc, test_without_speech);
#endif
  tcase_add_test (tc, test_speak_turns_without_audio);
  return s;
}

GST_CHECK_MAIN (sim_speech);
