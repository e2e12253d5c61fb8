/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Load (issue 6): 100 realtimebins in one process, one shared I/O thread,
 * talking for LOAD_SECONDS (60 by default) to one simulator that cuts every
 * connection 4-12 s after it opened. Every session must keep recovering:
 * no error, every session reconnected and answered after a reconnect (for
 * runs of 20 s or more), EOS on all of them at the end (no deadlock), and —
 * in the sanitizer build — no leak. */
#include "realtimebin-helpers.h"

#include <atomic>
#include <thread>

using namespace rtb;

static const char * kScenario = R"({"turns":[
  {"user":"Status?","assistant":"All quiet.",
   "audio":{"type":"tone","frequency":440,"duration_ms":500}}]})";

static const char * kS16Mono24k =
    "audio/x-raw,format=S16LE,rate=24000,channels=1,layout=interleaved";

static guint
load_seconds ()
{
  const char * env = g_getenv ("LOAD_SECONDS");
  return env ? (guint) g_ascii_strtoull (env, nullptr, 10) : 60;
}

GST_START_TEST (test_hundred_sessions_with_drops)
{
  const guint kSessions = 100;
  const guint seconds = load_seconds ();
  SimulatorOptions o;
  o.scenario = parse_scenario (kScenario);
  o.pace = 1.0;
  o.faults.drop_after_ms = 4000;
  o.faults.drop_jitter_ms = 8000;
  auto sim = start_simulator (std::move (o));

  std::vector<std::unique_ptr<Run>> runs;
  for (guint i = 0; i < kSessions; i++) {
    runs.push_back (
        std::make_unique<Run> (pipeline_text (*sim, "appsrc name=src",
            "input-chunk-ms=200 "
            "reconnect-initial-delay-ms=200 reconnect-max-delay-ms=2000 "
            "reconnect-attempts=10")));
    runs.back ()->set_input_caps (kS16Mono24k);
    runs.back ()->play ();
  }

  /* Every 4 s each session says something for 600 ms (sessions offset
   * from each other), pushed at real-time pace, 100 ms at a time. */
  const Pcm turn = to_s16 (render_signal (24000, 1, 4000, {{0, 600}}));
  const gsize step = 2400;
  gint64 start = g_get_monotonic_time ();
  for (guint64 tick = 0; tick < seconds * 10ull; tick++) {
    for (guint i = 0; i < kSessions; i++) {
      gsize at = ((tick + i * 7) * step) % turn.size ();
      Pcm part (turn.begin () + at, turn.begin () + at + step);
      runs[i]->push (part, tick * 100 * GST_MSECOND, step);
    }
    for (auto & r : runs)
      r->bus->drain ();
    gint64 due = start + (gint64) (tick + 1) * 100000;
    gint64 now = g_get_monotonic_time ();
    if (due > now)
      g_usleep (due - now);
  }
  for (auto & r : runs)
    r->end_of_stream ();

  guint64 reconnects = 0, min_reconnects = G_MAXUINT64;
  for (guint i = 0; i < kSessions; i++) {
    Run & r = *runs[i];
    /* BusLog fails the test on any ERROR. */
    for (GstMessage * m : r.bus->messages)
      if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
        g_autoptr (GError) err = nullptr;
        gst_message_parse_error (m, &err, nullptr);
        fail ("session %u: %s", i, err->message);
      }
    fail_unless (r.bus->wait (is_type (GST_MESSAGE_EOS), 40000) != nullptr,
        "session %u: no EOS (deadlock?)", i);
    guint64 n = stats_field (r.bin, "reconnects");
    guint64 responses = stats_field (r.bin, "responses");
    reconnects += n;
    min_reconnects = MIN (min_reconnects, n);
    /* Shorter runs (LOAD_SECONDS < 20) only check for errors, deadlocks
     * and leaks: a session may not have had a whole turn yet. */
    if (seconds >= 20)
      fail_unless (responses > 0, "session %u: no response", i);
    /* Recovered: an answer completed after the session was reconnected. */
    bool after_reconnect = false, answered = false;
    for (GstMessage * m : r.bus->messages) {
      const GstStructure * st = gst_message_get_structure (m);
      if (BusLog::is_element (m, r.bin, "realtime-session") &&
          g_strcmp0 (gst_structure_get_string (st, "reason"), "reconnected") ==
              0)
        after_reconnect = true;
      else if (after_reconnect &&
          BusLog::is_element (m, r.bin, "realtime-response") &&
          g_strcmp0 (gst_structure_get_string (st, "status"), "completed") == 0)
        answered = true;
    }
    if (seconds >= 20)
      fail_unless (answered, "session %u: no answer after a reconnect", i);
  }
  GST_INFO ("%u sessions, %u s: %" G_GUINT64_FORMAT " reconnects, %u "
            "connections",
      kSessions, seconds, reconnects, sim->connection_count ());
  if (seconds >= 20)
    fail_unless (min_reconnects >= 1, "a session never reconnected");
  runs.clear ();
  fail_unless (wait_sessions_closed (*sim, 10000), "sessions left open");
}
GST_END_TEST;

static Suite *
realtimebin_load_suite (void)
{
  Suite * s = suite_create ("realtimebin-load");
  TCase * tc = tcase_create ("load");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, load_seconds () + 120);
  tcase_add_test (tc, test_hundred_sessions_with_drops);
  return s;
}

GST_CHECK_MAIN (realtimebin_load);
