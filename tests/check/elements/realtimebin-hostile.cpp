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

#include <algorithm>

using namespace rtb;
using realtime::sim::FaultOptions;

static const std::string kLogDir =
    std::string (SIM_LOG_DIR) + "/realtimebin-hostile";

static const char * kScenario = R"({"turns":[
  {"user":"Hello?","assistant":"Still here.",
   "audio":{"type":"tone","frequency":440,"duration_ms":1000}}]})";

static const char * kS16Mono24k =
    "audio/x-raw,format=S16LE,rate=24000,channels=1,layout=interleaved";

static std::string
log_path (const char * name)
{
  return kLogDir + "/" + name + ".jsonl";
}

/* The frames the simulator sent as injected faults (its log marks them
 * "fault":true), as indices into @log's lines. */
static std::vector<gsize>
fault_lines (const SimLog & log)
{
  std::vector<gsize> out;
  for (gsize i = 0; i < log.lines.size (); i++) {
    JsonObject * o = json_node_get_object (log.lines[i].root.get ());
    if (json_object_get_boolean_member_with_default (o, "fault", FALSE))
      out.push_back (i);
  }
  return out;
}

/* Fails unless line @i of @log lies inside the reply: after its first
 * audio delta and before its response.done (so that the fault hit the
 * reply while it streamed, as each test claims). */
static void
check_mid_reply (const SimLog & log, gsize i, const char * name)
{
  gssize first_delta = log.find ("out", "response.output_audio.delta");
  gssize done = log.find ("out", "response.done");
  fail_unless (first_delta >= 0 && done >= 0, "%s: no reply in the log", name);
  fail_unless ((gssize) i > first_delta && (gssize) i < done,
      "%s: the fault is line %" G_GSIZE_FORMAT ", not inside the reply "
      "(first delta at %" G_GSSIZE_FORMAT ", done at %" G_GSSIZE_FORMAT ")",
      name, i, first_delta, done);
}

/* The reply's audio in samples: the tone of kScenario, 1000 ms at 24 kHz. */
static const guint64 kReplySamples = 24000;

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
 * audio delta). The simulator's log shows the one bad frame, sent while
 * the reply streamed. */
GST_START_TEST (test_malformed_frame_skipped)
{
  FaultOptions f;
  f.malformed_after_events = 20;
  guint64 samples = 0;
  auto warnings = turn_with_faults ("malformed", f, &samples);

  SimLog log (log_path ("malformed"));
  std::vector<gsize> faults = fault_lines (log);
  fail_unless_equals_int (faults.size (), 1);
  const LogLine & bad = log.lines[faults[0]];
  fail_unless_equals_str (bad.dir, "out");
  fail_if (bad.json, "the malformed frame is logged as JSON");
  check_mid_reply (log, faults[0], "malformed");

  fail_unless_equals_int (warnings.size (), 1);
  fail_unless (warnings[0].find ("skipped") != std::string::npos, "%s",
      warnings[0].c_str ());
  fail_unless_equals_uint64 (samples, kReplySamples);
}
GST_END_TEST;

/* An event of a type the GA protocol does not have: ignored without even a
 * warning (servers add events), the reply whole. The log shows that the
 * unknown event was sent, once, mid-reply. */
GST_START_TEST (test_unknown_event_ignored)
{
  FaultOptions f;
  f.unknown_event_after_events = 20;
  guint64 samples = 0;
  auto warnings = turn_with_faults ("unknown", f, &samples);

  SimLog log (log_path ("unknown"));
  std::vector<gsize> faults = fault_lines (log);
  fail_unless_equals_int (faults.size (), 1);
  const LogLine & unknown = log.lines[faults[0]];
  fail_unless_equals_str (unknown.dir, "out");
  /* Fault frames are logged as text: parse it to see the event. */
  fail_unless (JSON_NODE_HOLDS_VALUE (unknown.frame));
  JsonNodePtr event = parse_json_object (json_node_get_string (unknown.frame));
  fail_unless_equals_str (json_string_at (event.get (), "type"),
      "simulator.unknown_event");
  check_mid_reply (log, faults[0], "unknown");

  fail_unless_equals_int (warnings.size (), 0);
  fail_unless_equals_uint64 (samples, kReplySamples);
}
GST_END_TEST;

/* The first audio delta of the reply is not base64: that delta is skipped
 * with one warning, the rest of the reply still plays — exactly the reply
 * less that one delta's samples. (The simulator sends the bad delta as an
 * ordinary frame with its first four base64 characters replaced by
 * "*!*!"; its length still says how much audio it carried.) */
GST_START_TEST (test_invalid_base64_delta_skipped)
{
  FaultOptions f;
  f.invalid_base64_delta = true;
  guint64 samples = 0;
  auto warnings = turn_with_faults ("base64", f, &samples);

  SimLog log (log_path ("base64"));
  std::vector<JsonObject *> deltas =
      log.events ("out", "response.output_audio.delta");
  fail_unless (deltas.size () >= 2, "%" G_GSIZE_FORMAT " deltas",
      deltas.size ());
  gsize bad = 0;
  guint64 bad_samples = 0;
  for (gsize i = 0; i < deltas.size (); i++) {
    const std::string b64 = json_object_get_string_member (deltas[i], "delta");
    if (!g_str_has_prefix (b64.c_str (), "*!*!"))
      continue;
    bad++;
    fail_unless_equals_int (i, 0); /* the first delta of the response */
    /* 4 base64 characters carry 3 bytes; '=' padding carries none. */
    gsize padding = b64.size () - b64.find_last_not_of ('=') - 1;
    bad_samples = (b64.size () / 4 * 3 - padding) / 2;
  }
  fail_unless_equals_int (bad, 1);
  fail_unless (bad_samples > 0);

  fail_unless_equals_int (warnings.size (), 1);
  fail_unless_equals_uint64 (samples, kReplySamples - bad_samples);
}
GST_END_TEST;

/* Every event arrives twice (a replaying proxy): the repeats are dropped
 * by event id, so the reply plays once, whole, with one response started
 * and done, and no warning. The log shows every event the simulator sent
 * followed by its copy. */
GST_START_TEST (test_duplicate_events_dropped)
{
  FaultOptions f;
  f.duplicate_events = true;
  guint64 samples = 0;
  auto warnings = turn_with_faults ("duplicates", f, &samples);

  SimLog log (log_path ("duplicates"));
  std::vector<gsize> faults = fault_lines (log);
  gsize originals = 0;
  for (gsize i = 0; i < log.lines.size (); i++) {
    const LogLine & l = log.lines[i];
    if (l.dir != "out" ||
        std::find (faults.begin (), faults.end (), i) != faults.end ())
      continue;
    originals++;
    /* The next line is its copy, marked as the fault. */
    fail_unless (i + 1 < log.lines.size () &&
            std::find (faults.begin (), faults.end (), i + 1) != faults.end (),
        "event %s (line %" G_GSIZE_FORMAT ") was not repeated", l.type.c_str (),
        i);
    fail_unless_equals_str (realtime::json_to_string (log.lines[i + 1].frame),
        realtime::json_to_string (l.frame));
  }
  fail_unless (originals > 10, "%" G_GSIZE_FORMAT " events", originals);
  fail_unless_equals_int (faults.size (), originals);

  fail_unless_equals_int (warnings.size (), 0);
  fail_unless_equals_uint64 (samples, kReplySamples);
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
