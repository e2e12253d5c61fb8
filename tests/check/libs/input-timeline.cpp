/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>
#include <gst/realtime/input-timeline.h>

using realtime::InputTimeline;

static constexpr guint64 MS = 1000000; /* ns */

GST_START_TEST (test_contiguous_input)
{
  InputTimeline t;
  fail_unless_equals_uint64 (t.running_time_at_ms (0), InputTimeline::NO_TIME);

  /* 20 ms chunks from running time 5 s, back to back: one segment. */
  for (int i = 0; i < 100; i++)
    t.append (5000 * MS + i * 20 * MS, 480);
  fail_unless_equals_int (t.segment_count (), 1);
  fail_unless_equals_uint64 (t.appended_samples (), 48000);
  fail_unless_equals_uint64 (t.running_time_at_ms (0), 5000 * MS);
  fail_unless_equals_uint64 (t.running_time_at_ms (1234), 6234 * MS);
  fail_unless_equals_uint64 (t.running_time_at_ms (2000), 7000 * MS);
  /* Not appended yet, or before the start: no answer, not a guess. */
  fail_unless_equals_uint64 (t.running_time_at_ms (2001),
      InputTimeline::NO_TIME);
  fail_unless_equals_uint64 (t.running_time_at_ms (-1), InputTimeline::NO_TIME);
}
GST_END_TEST;

/* Chunk timestamps rounded to the ns (e.g. from a 44.1 kHz source through a
 * resampler) still count as contiguous. */
GST_START_TEST (test_rounding_is_contiguous)
{
  InputTimeline t;
  guint64 samples = 0;
  for (int i = 0; i < 1000; i++) {
    guint64 n = 441 + (i % 3);                            /* odd chunk sizes */
    guint64 pts = samples * 1000000000 / 24000 + (i % 2); /* ±1 ns jitter */
    t.append (pts, n);
    samples += n;
  }
  fail_unless_equals_int (t.segment_count (), 1);
}
GST_END_TEST;

GST_START_TEST (test_gaps_and_discontinuities)
{
  InputTimeline t;
  t.append (0, 24000);         /* 0..1 s */
  t.append (3000 * MS, 24000); /* input gap: 1 s of audio at 3 s */
  t.append (2500 * MS, 12000); /* backwards (a new segment upstream) */
  fail_unless_equals_int (t.segment_count (), 3);

  fail_unless_equals_uint64 (t.running_time_at_ms (500), 500 * MS);
  /* 1000 ms of appended audio is the first sample of the second run. */
  fail_unless_equals_uint64 (t.running_time_at_ms (1000), 3000 * MS);
  fail_unless_equals_uint64 (t.running_time_at_ms (1999), 3999 * MS);
  fail_unless_equals_uint64 (t.running_time_at_ms (2000), 2500 * MS);
  fail_unless_equals_uint64 (t.running_time_at_ms (2500), 3000 * MS);
  fail_unless_equals_uint64 (t.running_time_at_ms (2501),
      InputTimeline::NO_TIME);
}
GST_END_TEST;

GST_START_TEST (test_forget_and_reset)
{
  InputTimeline t;
  for (int i = 0; i < 10; i++)
    t.append (i * 2000 * MS, 24000); /* 1 s every 2 s: 10 segments */
  fail_unless_equals_int (t.segment_count (), 10);

  t.forget_before_ms (4500); /* inside the fifth segment */
  fail_unless_equals_int (t.segment_count (), 6);
  fail_unless_equals_uint64 (t.running_time_at_ms (4000),
      InputTimeline::NO_TIME);
  fail_unless_equals_uint64 (t.running_time_at_ms (4500), 8500 * MS);
  fail_unless_equals_uint64 (t.running_time_at_ms (9999), 18999 * MS);

  t.reset ();
  fail_unless_equals_uint64 (t.appended_samples (), 0);
  fail_unless_equals_uint64 (t.running_time_at_ms (0), InputTimeline::NO_TIME);
  t.append (42 * MS, 240);
  fail_unless_equals_uint64 (t.running_time_at_ms (10), 52 * MS);
}
GST_END_TEST;

GST_START_TEST (test_empty_and_untimed_input)
{
  InputTimeline t;
  t.append (100 * MS, 0);
  fail_unless_equals_int (t.segment_count (), 0);

  /* Untimed audio was sent all the same: it moves the timeline on. */
  t.append (InputTimeline::NO_TIME, 480);
  t.append (InputTimeline::NO_TIME, 480);
  t.append (1000 * MS, 480);
  fail_unless_equals_uint64 (t.appended_samples (), 1440);
  fail_unless_equals_int (t.segment_count (), 2);
  fail_unless_equals_uint64 (t.running_time_at_ms (30), InputTimeline::NO_TIME);
  fail_unless_equals_uint64 (t.running_time_at_ms (40), 1000 * MS);
  fail_unless_equals_uint64 (t.running_time_at_ms (50), 1010 * MS);
}
GST_END_TEST;

static Suite *
input_timeline_suite (void)
{
  Suite * s = suite_create ("input-timeline");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_contiguous_input);
  tcase_add_test (tc, test_rounding_is_contiguous);
  tcase_add_test (tc, test_gaps_and_discontinuities);
  tcase_add_test (tc, test_forget_and_reset);
  tcase_add_test (tc, test_empty_and_untimed_input);
  return s;
}

GST_CHECK_MAIN (input_timeline);
