/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>
#include "gstrealtimelatency.h"

#include <thread>
#include <vector>

using realtime::LatencyHistogram;

/* Every value falls in a bucket whose range holds it: exact below 32 µs,
 * at most 1/16 of the value wide above; buckets go up with the value. */
GST_START_TEST (test_buckets_hold_their_values)
{
  for (gint64 us = 0; us < 32; us++)
    fail_unless_equals_int64 (LatencyHistogram::bucket_upper (
                                  LatencyHistogram::bucket_of (us)),
        us);
  int last = -1;
  for (gint64 us = 1; us < ((gint64) 1 << 31); us += 1 + us / 97) {
    int b = LatencyHistogram::bucket_of (us);
    fail_unless (b >= last, "bucket of %" G_GINT64_FORMAT " went down", us);
    last = b;
    gint64 upper = LatencyHistogram::bucket_upper (b);
    gint64 lower = b == 0 ? 0 : LatencyHistogram::bucket_upper (b - 1) + 1;
    fail_unless (lower <= us && us <= upper,
        "%" G_GINT64_FORMAT " not in [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
        "]",
        us, lower, upper);
    fail_unless (upper - lower + 1 <= MAX (1, us / 16 + 1),
        "bucket of %" G_GINT64_FORMAT " is %" G_GINT64_FORMAT " wide", us,
        upper - lower + 1);
  }
  /* Beyond the range: the last bucket, not out of bounds. */
  fail_unless_equals_int (LatencyHistogram::bucket_of (G_MAXINT64),
      LatencyHistogram::BUCKETS - 1);
  fail_unless_equals_int (LatencyHistogram::bucket_of (-5), 0);
}
GST_END_TEST;

GST_START_TEST (test_percentiles)
{
  LatencyHistogram h;
  fail_unless_equals_int64 (h.percentile (0.5), 0);
  fail_unless_equals_uint64 (h.count (), 0);

  /* 1..100 µs, and one outlier of 50 ms. */
  for (gint64 us = 1; us <= 100; us++)
    h.record (us);
  h.record (50000);
  fail_unless_equals_uint64 (h.count (), 101);
  /* The 51st smallest is 51 µs: its bucket is [48, 51]. */
  fail_unless_equals_int64 (h.percentile (0.5), 51);
  /* The 100th is 100 µs ([96, 103]); the 101st, the outlier. */
  fail_unless_equals_int64 (h.percentile (0.99), 103);
  gint64 top = h.percentile (1.0);
  fail_unless (top >= 50000 && top <= 50000 + 50000 / 16,
      "max %" G_GINT64_FORMAT, top);
  fail_unless_equals_int64 (h.percentile (0.0), 1);

  h.reset ();
  fail_unless_equals_uint64 (h.count (), 0);
  fail_unless_equals_int64 (h.percentile (0.99), 0);
}
GST_END_TEST;

/* Recording takes no lock: four threads at once lose no sample. */
GST_START_TEST (test_concurrent_records)
{
  LatencyHistogram h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++)
    threads.emplace_back ([&h, t] {
      for (int i = 0; i < 100000; i++)
        h.record (t * 1000 + i % 7);
    });
  for (auto & t : threads)
    t.join ();
  fail_unless_equals_uint64 (h.count (), 400000);
  /* The first quarter is thread 0's 0..6 µs; the next starts at 1000, in
   * the bucket [992, 1023]. */
  fail_unless_equals_int64 (h.percentile (0.25), 6);
  fail_unless_equals_int64 (h.percentile (0.26), 1023);
}
GST_END_TEST;

/* The process-wide histograms are two, and stay the same objects. */
GST_START_TEST (test_process_histograms)
{
  LatencyHistogram & in = LatencyHistogram::process_input ();
  LatencyHistogram & out = LatencyHistogram::process_output ();
  fail_unless (&in != &out);
  fail_unless (&in == &LatencyHistogram::process_input ());
  in.reset ();
  in.record (10);
  fail_unless_equals_uint64 (LatencyHistogram::process_input ().count (), 1);
  in.reset ();
}
GST_END_TEST;

static Suite *
latency_histogram_suite (void)
{
  Suite * s = suite_create ("latency-histogram");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_buckets_hold_their_values);
  tcase_add_test (tc, test_percentiles);
  tcase_add_test (tc, test_concurrent_records);
  tcase_add_test (tc, test_process_histograms);
  return s;
}

GST_CHECK_MAIN (latency_histogram);
