/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* A server that sends what a client cannot read: each fault of the
 * simulator's (a frame that is not JSON, an event of an unknown type, an
 * audio delta that is not base64, every event twice) costs at most a
 * warning; the conversation goes on — the reply still ends (response done),
 * EOS comes, no ERROR. */
#include "realtimebin-helpers.h"

using namespace rtb;
using realtime::sim::FaultOptions;

static const std::string kLogDir =
    std::string (SIM_LOG_DIR) + "/realtimebin-hostile";

static const char * kScenario = R"({"turns":[
  {"user":"Hello?","assistant":"Still here.",
   "audio":{"type":"tone","frequency":440,"duration_ms":1000}}]})";

static const char * kS16Mono24k =
    "audio/x-raw,format=S16LE,rate=24000,channels=1,layout=interleaved";

/* One turn against a simulator with @faults; returns the warnings posted by
 * realtimebin. Fails on any ERROR (BusLog does) or a missing reply. */
static std::vector<std::string>
turn_with_faults (const char * name, const FaultOptions & faults,
    guint64 * audio_samples)
{
  SimulatorOptions o = sim_options (kLogDir, name, kScenario, 0);
  o.faults = faults;
  auto sim = start_simulator (std::move (o));
  Run run (pipeline_text (*sim, "appsrc name=src"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.push (to_s16 (render_signal (24000, 1, 3000, {{500, 1500}})), 0);
  run.end_of_stream ();
  run.wait_eos ();

  gsize started = 0, done = 0;
  for (const GstStructure * s : run.messages ("realtime-response")) {
    started += str_field (s, "event") == "started";
    done += str_field (s, "event") == "done";
  }
  fail_unless (done == 1 && started == 1,
      "%s: %zu responses started, %zu "
      "done (one of each expected)",
      name, started, done);

  std::vector<std::string> warned = warnings (run);
  std::lock_guard<std::mutex> g (run.audio.lock);
  *audio_samples = 0;
  for (const auto & b : run.audio.buffers)
    *audio_samples += gst_buffer_get_size (b.buffer) / 2;
  return warned;
}

/* A frame that is not JSON, mid-reply: one warning naming the skipped
 * event; the reply's audio still comes out whole (the bad frame was not an
 * audio delta). */
GST_START_TEST (test_malformed_frame_skipped)
{
  FaultOptions f;
  f.malformed_after_events = 20;
  guint64 samples = 0;
  auto warnings = turn_with_faults ("malformed", f, &samples);
  fail_unless_equals_int (warnings.size (), 1);
  fail_unless (warnings[0].find ("skipped") != std::string::npos, "%s",
      warnings[0].c_str ());
  fail_unless_equals_int (samples, 24000);
}
GST_END_TEST;

/* An event of a type the GA protocol does not have: ignored without even a
 * warning (servers add events), the reply whole. */
GST_START_TEST (test_unknown_event_ignored)
{
  FaultOptions f;
  f.unknown_event_after_events = 20;
  guint64 samples = 0;
  auto warnings = turn_with_faults ("unknown", f, &samples);
  fail_unless_equals_int (warnings.size (), 0);
  fail_unless_equals_int (samples, 24000);
}
GST_END_TEST;

/* The first audio delta of the reply is not base64: that delta is skipped
 * with one warning, the rest of the reply still plays. */
GST_START_TEST (test_invalid_base64_delta_skipped)
{
  FaultOptions f;
  f.invalid_base64_delta = true;
  guint64 samples = 0;
  auto warnings = turn_with_faults ("base64", f, &samples);
  fail_unless_equals_int (warnings.size (), 1);
  fail_unless (samples > 0 && samples < 24000, "%" G_GUINT64_FORMAT " samples",
      samples);
}
GST_END_TEST;

/* Every event arrives twice (a replaying proxy): the repeats are dropped
 * by event id, so the reply plays once, whole, with one response started
 * and done, and no warning. */
GST_START_TEST (test_duplicate_events_dropped)
{
  FaultOptions f;
  f.duplicate_events = true;
  guint64 samples = 0;
  auto warnings = turn_with_faults ("duplicates", f, &samples);
  fail_unless_equals_int (warnings.size (), 0);
  fail_unless_equals_int (samples, 24000);
}
GST_END_TEST;

static Suite *
realtimebin_hostile_suite (void)
{
  Suite * s = suite_create ("realtimebin-hostile");
  clear_log_dir (kLogDir);
  TCase * tc = tcase_create ("hostile");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_malformed_frame_skipped);
  tcase_add_test (tc, test_unknown_event_ignored);
  tcase_add_test (tc, test_invalid_base64_delta_skipped);
  tcase_add_test (tc, test_duplicate_events_dropped);
  return s;
}

GST_CHECK_MAIN (realtimebin_hostile);
