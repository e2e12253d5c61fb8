/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>
#include <tools/simulator/vad.h>

#include <cmath>
#include <vector>

using namespace realtime::sim;

using Samples = std::vector<gint16>;

/* Test signals are made here rather than with audio-synth, so the VAD is
 * tested on its own. */
static void
append_silence (Samples & pcm, gint64 ms)
{
  pcm.insert (pcm.end (), (gsize) (ms * 24), 0);
}

/* A 440 Hz sine whose RMS is @dbfs, starting in phase 0. */
static void
append_tone (Samples & pcm, gint64 ms, double dbfs = -20.0)
{
  double peak = 32768.0 * std::pow (10.0, dbfs / 20.0) * std::sqrt (2.0);
  for (gint64 i = 0; i < ms * 24; i++)
    pcm.push_back ((gint16) std::lrint (
        peak * std::sin (2.0 * G_PI * 440.0 * (double) i / 24000.0)));
}

/* A ±@value square wave: its RMS is exactly @value. */
static void
append_square (Samples & pcm, gint64 ms, gint16 value)
{
  for (gint64 i = 0; i < ms * 24; i++)
    pcm.push_back ((i & 1) ? value : (gint16) -value);
}

static VadSettings
settings (double threshold, gint64 prefix_ms, gint64 silence_ms)
{
  VadSettings s;
  s.threshold = threshold;
  s.prefix_padding_ms = prefix_ms;
  s.silence_duration_ms = silence_ms;
  return s;
}

/* Feeds @pcm from @offset in chunks cycling through odd sizes, and checks on
 * the way that no speech_stopped arrives before the timeline reaches it. */
static std::vector<VadEvent>
feed_chunked (EnergyVad & vad, const Samples & pcm, gsize offset = 0,
    gsize end = G_MAXSIZE)
{
  static const gsize sizes[] = {37, 480, 1000, 1, 239, 241};
  std::vector<VadEvent> events;
  end = MIN (end, pcm.size ());
  for (gsize i = 0; offset < end; i++) {
    gsize n = MIN (sizes[i % G_N_ELEMENTS (sizes)], end - offset);
    gsize before = events.size ();
    vad.feed (pcm.data () + offset, n, events);
    offset += n;
    for (gsize e = before; e < events.size (); e++)
      if (!events[e].started)
        fail_unless (vad.timeline_ms () >= events[e].audio_ms,
            "speech_stopped at %" G_GINT64_FORMAT
            " ms emitted at %" G_GINT64_FORMAT " ms",
            events[e].audio_ms, vad.timeline_ms ());
  }
  return events;
}

static void
assert_events (const std::vector<VadEvent> & events,
    std::initializer_list<VadEvent> expected)
{
  fail_unless_equals_int (events.size (), expected.size ());
  gsize i = 0;
  for (const VadEvent & e : expected) {
    fail_unless (events[i].started == e.started,
        "event %" G_GSIZE_FORMAT " is %s", i,
        events[i].started ? "started" : "stopped");
    fail_unless_equals_int64 (events[i].audio_ms, e.audio_ms);
    i++;
  }
}

/* 1000 ms silence, 1200 ms tone, 1500 ms silence. */
static Samples
one_utterance (double dbfs = -20.0)
{
  Samples pcm;
  append_silence (pcm, 1000);
  append_tone (pcm, 1200, dbfs);
  append_silence (pcm, 1500);
  return pcm;
}

GST_START_TEST (test_level_for_threshold)
{
  fail_unless (EnergyVad::level_dbfs_for_threshold (0.5) == -35.0);
  fail_unless (EnergyVad::level_dbfs_for_threshold (0.0) == -60.0);
  fail_unless (EnergyVad::level_dbfs_for_threshold (1.0) == -10.0);
  fail_unless (
      std::fabs (EnergyVad::level_dbfs_for_threshold (0.2) + 50.0) < 1e-9);
}
GST_END_TEST;

/* The offsets for several settings on the same input: speech frames span
 * 1000..2200 ms. */
GST_START_TEST (test_one_utterance_settings)
{
  const struct
  {
    double threshold;
    gint64 prefix, silence;
    gint64 start, end;
  } cases[] = {
      {0.5, 300, 500, 700, 2700},
      {0.5, 0, 500, 1000, 2700},
      {0.5, 300, 200, 700, 2400},
      {0.5, 0, 200, 1000, 2400},
      {0.2, 300, 500, 700, 2700},
      {0.2, 0, 200, 1000, 2400},
      {0.5, 1500, 500, 0, 2700}, /* prefix clamped at 0 */
      {0.5, 300, 0, 700, 2200},
  };
  Samples pcm = one_utterance ();

  for (const auto & c : cases) {
    EnergyVad vad (settings (c.threshold, c.prefix, c.silence));
    std::vector<VadEvent> events = feed_chunked (vad, pcm);
    assert_events (events, {{true, c.start}, {false, c.end}});
    fail_if (vad.in_speech ());
  }
}
GST_END_TEST;

/* -20 dBFS is below the -15 dBFS of threshold 0.9; -45 dBFS is heard only
 * with threshold 0.2 (-50 dBFS). */
GST_START_TEST (test_threshold_decides)
{
  EnergyVad deaf (settings (0.9, 300, 500));
  fail_unless_equals_int (feed_chunked (deaf, one_utterance ()).size (), 0);

  Samples quiet = one_utterance (-45.0);
  EnergyVad normal (settings (0.5, 300, 500));
  fail_unless_equals_int (feed_chunked (normal, quiet).size (), 0);

  EnergyVad sensitive (settings (0.2, 300, 500));
  assert_events (feed_chunked (sensitive, quiet), {{true, 700}, {false, 2700}});
}
GST_END_TEST;

/* Right at the level: threshold 0.5 is -35 dBFS, an RMS of 582.71 of 32768,
 * so 583 is speech and 582 is not. */
GST_START_TEST (test_threshold_edge)
{
  for (gint16 value : {(gint16) 583, (gint16) 582}) {
    Samples pcm;
    append_silence (pcm, 100);
    append_square (pcm, 100, value);
    append_silence (pcm, 600);
    EnergyVad vad;
    std::vector<VadEvent> events = feed_chunked (vad, pcm);
    if (value == 583)
      assert_events (events, {{true, 0}, {false, 700}});
    else
      fail_unless_equals_int (events.size (), 0);
  }
}
GST_END_TEST;

/* A tone starting and ending 5 ms into a frame makes the whole frame speech:
 * offsets stay on the 10 ms grid. */
GST_START_TEST (test_unaligned_tone)
{
  Samples pcm;
  append_silence (pcm, 1005);
  append_tone (pcm, 1200);
  append_silence (pcm, 1000);
  EnergyVad vad (settings (0.5, 300, 500));
  assert_events (feed_chunked (vad, pcm), {{true, 700}, {false, 2710}});
}
GST_END_TEST;

GST_START_TEST (test_two_utterances)
{
  /* A long pause: each start has its own prefix padding. */
  Samples pcm;
  append_silence (pcm, 1000);
  append_tone (pcm, 600);     /* 1000..1600 */
  append_silence (pcm, 1000); /* ..2600 */
  append_tone (pcm, 600);     /* ..3200 */
  append_silence (pcm, 1000);
  EnergyVad vad (settings (0.5, 300, 500));
  assert_events (feed_chunked (vad, pcm),
      {{true, 700}, {false, 2100}, {true, 2300}, {false, 3700}});

  /* A pause just longer than silence_duration: the second start's padding
   * stops at the end of the first utterance. */
  pcm.clear ();
  append_silence (pcm, 1000);
  append_tone (pcm, 600);    /* 1000..1600 */
  append_silence (pcm, 700); /* ..2300, stop at 2100 */
  append_tone (pcm, 600);    /* ..2900 */
  append_silence (pcm, 1000);
  EnergyVad vad2 (settings (0.5, 300, 500));
  assert_events (feed_chunked (vad2, pcm),
      {{true, 700}, {false, 2100}, {true, 2100}, {false, 3400}});
}
GST_END_TEST;

/* A pause shorter than silence_duration_ms does not end the turn. */
GST_START_TEST (test_short_pause_is_one_utterance)
{
  Samples pcm;
  append_silence (pcm, 1000);
  append_tone (pcm, 600);    /* 1000..1600 */
  append_silence (pcm, 490); /* ..2090 */
  append_tone (pcm, 600);    /* ..2690 */
  append_silence (pcm, 1000);
  EnergyVad vad (settings (0.5, 300, 500));
  assert_events (feed_chunked (vad, pcm), {{true, 700}, {false, 3190}});

  /* The same pause ends it with a shorter silence_duration_ms. */
  EnergyVad vad2 (settings (0.5, 300, 480));
  assert_events (feed_chunked (vad2, pcm),
      {{true, 700}, {false, 2080}, {true, 2080}, {false, 3170}});
}
GST_END_TEST;

GST_START_TEST (test_reset_speech)
{
  Samples pcm;
  append_silence (pcm, 1000);
  append_tone (pcm, 1000); /* 1000..2000 */
  append_silence (pcm, 1000);
  EnergyVad vad (settings (0.5, 300, 500));

  /* Reset while idle changes nothing observable. */
  vad.reset_speech ();
  fail_if (vad.in_speech ());

  std::vector<VadEvent> events = feed_chunked (vad, pcm, 0, 1500 * 24);
  assert_events (events, {{true, 700}});
  fail_unless (vad.in_speech ());

  /* Cleared mid-speech: no stop for the first, and the next start cannot
   * reach back before the reset (1500 - 300 would be 1200). */
  vad.reset_speech ();
  fail_if (vad.in_speech ());
  fail_unless_equals_int64 (vad.timeline_ms (), 1500);
  events = feed_chunked (vad, pcm, 1500 * 24);
  assert_events (events, {{true, 1500}, {false, 2500}});
  fail_unless_equals_int64 (vad.timeline_ms (), 3000);
}
GST_END_TEST;

GST_START_TEST (test_configure_mid_stream)
{
  Samples pcm = one_utterance (); /* speech 1000..2200 */

  /* Deaf until 1500 ms, then normal: speech starts at the 1500 ms frame. */
  EnergyVad vad (settings (0.9, 300, 500));
  std::vector<VadEvent> events = feed_chunked (vad, pcm, 0, 1500 * 24);
  fail_unless_equals_int (events.size (), 0);
  vad.configure (settings (0.5, 300, 500));
  events = feed_chunked (vad, pcm, 1500 * 24, 2500 * 24);
  assert_events (events, {{true, 1200}});

  /* 300 ms into the silence, a longer silence_duration_ms postpones the
   * stop. */
  vad.configure (settings (0.5, 300, 800));
  events = feed_chunked (vad, pcm, 2500 * 24);
  assert_events (events, {{false, 3000}});

  /* A shorter one ends it at the next frame, with the new duration. */
  EnergyVad vad2 (settings (0.5, 300, 500));
  events = feed_chunked (vad2, pcm, 0, 2500 * 24);
  assert_events (events, {{true, 700}});
  vad2.configure (settings (0.5, 300, 200));
  events = feed_chunked (vad2, pcm, 2500 * 24, 2510 * 24);
  assert_events (events, {{false, 2400}});
  fail_unless_equals_int64 (vad2.settings ().silence_duration_ms, 200);
}
GST_END_TEST;

GST_START_TEST (test_timeline_ms)
{
  EnergyVad vad;
  std::vector<VadEvent> events;
  Samples pcm (48000, 0);

  fail_unless_equals_int64 (vad.timeline_ms (), 0);
  vad.feed (pcm.data (), 23, events);
  fail_unless_equals_int64 (vad.timeline_ms (), 0);
  vad.feed (pcm.data (), 14, events);
  fail_unless_equals_int64 (vad.timeline_ms (), 1); /* 37 samples */
  vad.feed (pcm.data (), 24000 - 37, events);
  fail_unless_equals_int64 (vad.timeline_ms (), 1000);
  vad.feed (pcm.data (), 0, events);
  fail_unless_equals_int64 (vad.timeline_ms (), 1000);
  vad.feed (pcm.data (), 24001, events);
  fail_unless_equals_int64 (vad.timeline_ms (), 2000);
  fail_unless_equals_int (events.size (), 0);
}
GST_END_TEST;

/* Sample by sample: the stop comes exactly when the timeline reaches
 * audio_end_ms (or the frame boundary after it), never before; and the
 * chunking does not change anything. */
GST_START_TEST (test_stop_emitted_when_reached)
{
  Samples pcm = one_utterance ();

  for (gint64 silence : {(gint64) 500, (gint64) 205}) {
    EnergyVad vad (settings (0.5, 300, silence));
    std::vector<VadEvent> events;
    gint64 stop_seen_at = -1;
    for (gsize i = 0; i < pcm.size (); i++) {
      gsize n = events.size ();
      vad.feed (&pcm[i], 1, events);
      if (events.size () > n && !events.back ().started) {
        stop_seen_at = vad.timeline_ms ();
        fail_unless (stop_seen_at >= events.back ().audio_ms);
      }
    }
    gint64 expected_end = 2200 + silence;
    assert_events (events, {{true, 700}, {false, expected_end}});
    gint64 expected_at = (expected_end + 9) / 10 * 10;
    fail_unless_equals_int64 (stop_seen_at, expected_at);

    /* All at once gives the same result. */
    EnergyVad whole (settings (0.5, 300, silence));
    std::vector<VadEvent> all;
    whole.feed (pcm.data (), pcm.size (), all);
    assert_events (all, {{true, 700}, {false, expected_end}});
  }

  /* The stop is pending until the audio arrives. */
  EnergyVad vad (settings (0.5, 300, 500));
  std::vector<VadEvent> events = feed_chunked (vad, pcm, 0, 2690 * 24);
  assert_events (events, {{true, 700}});
  fail_unless (vad.in_speech ());
  events = feed_chunked (vad, pcm, 2690 * 24, 2700 * 24);
  assert_events (events, {{false, 2700}});
}
GST_END_TEST;

static Suite *
sim_vad_suite (void)
{
  Suite * s = suite_create ("sim-vad");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_level_for_threshold);
  tcase_add_test (tc, test_one_utterance_settings);
  tcase_add_test (tc, test_threshold_decides);
  tcase_add_test (tc, test_threshold_edge);
  tcase_add_test (tc, test_unaligned_tone);
  tcase_add_test (tc, test_two_utterances);
  tcase_add_test (tc, test_short_pause_is_one_utterance);
  tcase_add_test (tc, test_reset_speech);
  tcase_add_test (tc, test_configure_mid_stream);
  tcase_add_test (tc, test_timeline_ms);
  tcase_add_test (tc, test_stop_emitted_when_reached);
  return s;
}

GST_CHECK_MAIN (sim_vad);
