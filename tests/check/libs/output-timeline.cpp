/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>
#include <gst/realtime/output-timeline.h>

using realtime::OutputTimeline;

static constexpr guint64 MS = 1000000; /* ns */

GST_START_TEST (test_one_response_is_contiguous)
{
  OutputTimeline t;
  OutputTimeline::Placement p[3];
  for (int i = 0; i < 3; i++)
    p[i] = t.place ("resp_1", "item_1", 0, 2400, 1000 * MS);

  fail_unless_equals_uint64 (p[0].pts, 1000 * MS);
  fail_unless_equals_uint64 (p[1].pts, 1100 * MS);
  fail_unless_equals_uint64 (p[2].pts, 1200 * MS);
  for (int i = 0; i < 3; i++) {
    fail_unless_equals_uint64 (p[i].duration, 100 * MS);
    fail_unless_equals_uint64 (p[i].offset, i * 2400);
    fail_unless_equals_uint64 (p[i].offset_end, (i + 1) * 2400);
    fail_unless (p[i].discont == (i == 0));
  }
  fail_unless_equals_uint64 (t.end (), 1300 * MS);
  /* Only the response's first chunk looks at `earliest`. */
  OutputTimeline::Placement late =
      t.place ("resp_1", "item_1", 0, 2400, 9000 * MS);
  fail_unless_equals_uint64 (late.pts, 1300 * MS);
  fail_if (late.discont);
}
GST_END_TEST;

/* Odd chunk sizes (deltas of any length) never drift or overlap. */
GST_START_TEST (test_odd_chunks_do_not_drift)
{
  OutputTimeline t;
  guint64 total = 0, expected_pts = 0;
  for (int i = 0; i < 5000; i++) {
    guint64 n = 997 + (i % 7) * 13;
    OutputTimeline::Placement p = t.place ("resp_1", "item_1", 0, n, 0);
    fail_unless_equals_uint64 (p.pts, expected_pts);
    expected_pts = p.pts + p.duration;
    fail_unless_equals_uint64 (p.offset, total);
    total += n;
  }
  /* The end is exactly the sample count in time, whatever the chunking. */
  fail_unless_equals_uint64 (t.end (), total * 1000000000 / 24000);
}
GST_END_TEST;

GST_START_TEST (test_responses_never_overlap)
{
  OutputTimeline t;
  t.place ("resp_1", "item_1", 0, 24000 * 2, 1000 * MS); /* 1 s .. 3 s */

  /* Wanted to start at 2 s: waits for the first answer to end. */
  OutputTimeline::Placement b =
      t.place ("resp_2", "item_2", 0, 2400, 2000 * MS);
  fail_unless_equals_uint64 (b.pts, 3000 * MS);
  fail_unless (b.discont);
  fail_unless_equals_uint64 (b.offset, 48000);

  /* Later than the end: a gap, marked DISCONT. */
  OutputTimeline::Placement c =
      t.place ("resp_3", "item_3", 0, 2400, 5000 * MS);
  fail_unless_equals_uint64 (c.pts, 5000 * MS);
  fail_unless (c.discont);

  /* No earliest time: right after what was there. */
  OutputTimeline::Placement d =
      t.place ("resp_4", "item_4", 0, 2400, OutputTimeline::NO_TIME);
  fail_unless_equals_uint64 (d.pts, 5100 * MS);
}
GST_END_TEST;

GST_START_TEST (test_flush_restarts_with_discont)
{
  OutputTimeline t;
  t.place ("resp_1", "item_1", 0, 24000 * 4, 0); /* 0 .. 4 s queued */
  t.flush (1500 * MS);                           /* barge-in at 1.5 s */
  fail_unless_equals_uint64 (t.end (), 1500 * MS);

  OutputTimeline::Placement p =
      t.place ("resp_2", "item_2", 0, 2400, 1800 * MS);
  fail_unless_equals_uint64 (p.pts, 1800 * MS);
  fail_unless (p.discont);
  /* Offsets keep counting: they number samples, not positions. */
  fail_unless_equals_uint64 (p.offset, 96000);

  /* Even the same response continues with DISCONT after a flush. */
  t.flush (1900 * MS);
  OutputTimeline::Placement q = t.place ("resp_2", "item_2", 0, 2400, 0);
  fail_unless_equals_uint64 (q.pts, 1900 * MS);
  fail_unless (q.discont);
}
GST_END_TEST;

/* The user speaks 1.5 s into a 4 s answer. */
GST_START_TEST (test_heard_position)
{
  OutputTimeline t;
  for (int i = 0; i < 40; i++)
    t.place ("resp_1", "item_a", 0, 2400, 2000 * MS); /* 2 s .. 6 s */
  fail_unless_equals_int (t.received_ms ("item_a", 0), 4000);

  fail_unless_equals_int (t.heard_ms ("item_a", 0, 3500 * MS, 0), 1500);
  /* A sink 200 ms behind has played 200 ms less. */
  fail_unless_equals_int (t.heard_ms ("item_a", 0, 3500 * MS, 200 * MS), 1300);
  /* Not started yet, or nothing heard: 0 (delete, not truncate). */
  fail_unless_equals_int (t.heard_ms ("item_a", 0, 1000 * MS, 0), 0);
  fail_unless_equals_int (t.heard_ms ("item_a", 0, 2100 * MS, 200 * MS), 0);
  /* Long after: clamped to what was received, never more. */
  fail_unless_equals_int (t.heard_ms ("item_a", 0, 60000 * MS, 0), 4000);
  fail_unless_equals_int (t.heard_ms ("item_zz", 0, 3000 * MS, 0), -1);
  fail_unless_equals_int (t.heard_ms ("item_a", 1, 3000 * MS, 0), -1);
}
GST_END_TEST;

/* A response with two audio items, interrupted during the second. */
GST_START_TEST (test_two_items_in_one_response)
{
  OutputTimeline t;
  t.place ("resp_1", "item_a", 0, 24000, 0); /* 0 .. 1 s */
  t.place ("resp_1", "item_b", 0, 24000, 0); /* 1 .. 2 s */
  fail_unless_equals_int (t.heard_ms ("item_a", 0, 1500 * MS, 0), 1000);
  fail_unless_equals_int (t.heard_ms ("item_b", 0, 1500 * MS, 0), 500);

  auto items = t.items_of ("resp_1");
  fail_unless_equals_int (items.size (), 2);
  fail_unless (items[0].first == "item_a" && items[1].first == "item_b");
  fail_unless_equals_int (t.items_of ("resp_9").size (), 0);

  t.forget_items ();
  fail_unless_equals_int (t.received_ms ("item_a", 0), -1);
}
GST_END_TEST;

static Suite *
output_timeline_suite (void)
{
  Suite * s = suite_create ("output-timeline");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_one_response_is_contiguous);
  tcase_add_test (tc, test_odd_chunks_do_not_drift);
  tcase_add_test (tc, test_responses_never_overlap);
  tcase_add_test (tc, test_flush_restarts_with_discont);
  tcase_add_test (tc, test_heard_position);
  tcase_add_test (tc, test_two_items_in_one_response);
  return s;
}

GST_CHECK_MAIN (output_timeline);
