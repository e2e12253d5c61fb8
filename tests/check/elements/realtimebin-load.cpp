/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Load (issue 6): LOAD_SESSIONS realtimebins (100 by default) in one
 * process, one shared I/O thread, talking to one simulator that cuts every
 * connection 4-12 s after it opened. Every session must keep recovering:
 * no error, every session reconnected and answered after a reconnect, EOS
 * on all of them at the end (no deadlock), and — in the sanitizer build —
 * no leak and no memory error.
 *
 * The sessions talk for LOAD_SECONDS (60 by default: endurance), and in
 * any case until every one of them has answered after a reconnect. How
 * long that may take is derived from the drop and back-off settings below,
 * not from the wall clock: kRecoveryBoundMs leaves room for the first
 * connection, its drop and kChances more connections, each at their
 * longest. A session that has not answered by then is stuck; one that is
 * only slow (a starved machine) answers later than usual, and passes. On
 * failure the session's timeline (ms from the start: state/reason,
 * response status) says which it was.
 *
 * The sanitizer build runs LOAD_SESSIONS=20 and LOAD_SECONDS=0: it looks
 * for memory errors and leaks in concurrent sessions, drops, reconnects
 * and teardown, not for endurance. Under ASan (with the slow unwinder
 * LeakSanitizer's suppressions need) 100 sessions want more than the one
 * core a shared 2-core machine with one busy loop leaves: the simulator
 * and I/O threads fell 12-32 s behind and sessions "answered" only after
 * the old 30 s window. 20 sessions take about 0.45 core and still put
 * dozens of drops and reconnects through the one I/O thread. */
#include "realtimebin-helpers.h"

#include <gst/realtime/websocket-client.h>

#include <algorithm>
#include <atomic>
#include <thread>

using namespace rtb;

static const char * kScenario = R"({"turns":[
  {"user":"Status?","assistant":"All quiet.",
   "audio":{"type":"tone","frequency":440,"duration_ms":500}}]})";

static const char * kS16Mono24k =
    "audio/x-raw,format=S16LE,rate=24000,channels=1,layout=interleaved";

/* The faults and the element's reconnect settings the bounds come from. */
static const guint kDropAfterMs = 4000;
static const guint kDropJitterMs = 8000;
static const guint kReconnectInitialMs = 200;
static const guint kReconnectMaxMs = 2000;
static const guint kReconnectAttempts = 10;
static const guint kEosTimeoutMs = 10000;
/* Each session says something for 600 ms every kTurnPeriodMs. */
static const guint kTurnPeriodMs = 4000;
/* The longest a connection lives, plus the longest wait before the next. */
static const guint kCycleMs = kDropAfterMs + kDropJitterMs + kReconnectMaxMs;
/* Whole connections a reconnected session gets to answer in. A connection
 * lives at least kDropAfterMs, and a turn (600 ms of speech, the server's
 * 500 ms of silence, a 500 ms reply) fits in almost every one; three
 * misses in a row would be a session that does not recover. */
static const guint kChances = 3;
/* From the start: the first connection, its drop, and kChances more. */
static const guint kRecoveryBoundMs = (1 + kChances) * kCycleMs + kTurnPeriodMs;

static guint
env_uint (const char * name, guint fallback)
{
  const char * env = g_getenv (name);
  return env ? (guint) g_ascii_strtoull (env, nullptr, 10) : fallback;
}

static guint
load_seconds ()
{
  return env_uint ("LOAD_SECONDS", 60);
}

static guint
load_sessions ()
{
  return env_uint ("LOAD_SESSIONS", 100);
}

/* What one session has been through, as the test saw it. */
struct Progress
{
  gsize seen = 0;             /* bus messages looked at */
  bool responding = false;    /* a response in progress */
  gsize at = 0;               /* where in its turn the user is */
  gint64 reconnected_ms = -1; /* first "reconnected", from the start */
  gint64 answered_ms = -1;    /* first completed answer after it */
  guint connections = 1;
  gint64 down_since_ms = -1; /* "reconnecting" posted, not connected yet */
  gint64 longest_outage_ms = 0;
  std::string timeline; /* for a failure: what happened when */
};

static void
follow (Run & r, Progress & p, gint64 now_ms)
{
  for (; p.seen < r.bus->messages.size (); p.seen++) {
    GstMessage * m = r.bus->messages[p.seen];
    const GstStructure * st = gst_message_get_structure (m);
    if (BusLog::is_element (m, r.bin, "realtime-session")) {
      const char * reason = gst_structure_get_string (st, "reason");
      const char * state = gst_structure_get_string (st, "state");
      p.timeline += " " + std::to_string (now_ms) + ":" +
          (state ? state : "?") + "/" + (reason ? reason : "");
      if (g_strcmp0 (state, "reconnecting") == 0 && p.down_since_ms < 0)
        p.down_since_ms = now_ms;
      if (g_strcmp0 (state, "connected") == 0 && p.down_since_ms >= 0) {
        p.longest_outage_ms =
            MAX (p.longest_outage_ms, now_ms - p.down_since_ms);
        p.down_since_ms = -1;
      }
      if (g_strcmp0 (reason, "reconnected") == 0) {
        p.connections++;
        if (p.reconnected_ms < 0)
          p.reconnected_ms = now_ms;
      }
    } else if (BusLog::is_element (m, r.bin, "realtime-response")) {
      const char * status = gst_structure_get_string (st, "status");
      p.timeline += " " + std::to_string (now_ms) + ":response-" +
          (status ? status : "?");
      p.responding = g_strcmp0 (status, "in_progress") == 0;
      if (p.reconnected_ms >= 0 && p.answered_ms < 0 &&
          g_strcmp0 (status, "completed") == 0)
        p.answered_ms = now_ms;
    }
  }
}

GST_START_TEST (test_sessions_with_drops)
{
  const guint sessions = load_sessions ();
  const guint seconds = load_seconds ();
  SimulatorOptions o;
  o.scenario = parse_scenario (kScenario);
  o.pace = 1.0;
  o.faults.drop_after_ms = kDropAfterMs;
  o.faults.drop_jitter_ms = kDropJitterMs;
  auto sim = start_simulator (std::move (o));

  std::string props = "input-chunk-ms=200 reconnect-initial-delay-ms=" +
      std::to_string (kReconnectInitialMs) +
      " reconnect-max-delay-ms=" + std::to_string (kReconnectMaxMs) +
      " reconnect-attempts=" + std::to_string (kReconnectAttempts) +
      " eos-timeout-ms=" + std::to_string (kEosTimeoutMs);
  std::vector<std::unique_ptr<Run>> runs;
  std::vector<Progress> progress (sessions);
  for (guint i = 0; i < sessions; i++) {
    runs.push_back (
        std::make_unique<Run> (pipeline_text (*sim, "appsrc name=src", props)));
    runs.back ()->set_input_caps (kS16Mono24k);
    runs.back ()->play ();
  }

  /* Every kTurnPeriodMs each session says something for 600 ms (sessions
   * offset from each other), pushed at real-time pace, 100 ms at a time.
   * A user lets an answer finish before the next turn (silence meanwhile):
   * on a starved machine an answer can take longer than a turn period, and
   * a user who talked over every answer would cancel them all. */
  const Pcm turn = to_s16 (render_signal (24000, 1, kTurnPeriodMs, {{0, 600}}));
  const gsize step = 2400;
  const gint64 talk_ms = seconds * 1000ll;
  const gint64 bound_ms = MAX (talk_ms, (gint64) kRecoveryBoundMs);
  gint64 start = g_get_monotonic_time ();
  guint recovered = 0;
  gint64 now_ms = 0;
  for (guint64 tick = 0;; tick++) {
    if ((now_ms >= talk_ms && recovered == sessions) || now_ms >= bound_ms)
      break;
    for (guint i = 0; i < sessions; i++) {
      Progress & p = progress[i];
      if (tick == 0)
        p.at = (i * 7 * step) % turn.size ();
      if (p.at == 0 && p.responding) {
        runs[i]->push (Pcm (step, 0), tick * 100 * GST_MSECOND, step);
        continue;
      }
      Pcm part (turn.begin () + p.at, turn.begin () + p.at + step);
      runs[i]->push (part, tick * 100 * GST_MSECOND, step);
      p.at = (p.at + step) % turn.size ();
    }
    now_ms = (g_get_monotonic_time () - start) / 1000;
    recovered = 0;
    for (guint i = 0; i < sessions; i++) {
      runs[i]->bus->drain ();
      follow (*runs[i], progress[i], now_ms);
      recovered += progress[i].answered_ms >= 0;
    }
    gint64 due = start + (gint64) (tick + 1) * 100000;
    gint64 now = g_get_monotonic_time ();
    if (due > now)
      g_usleep (due - now);
  }
  gint64 talked_ms = (g_get_monotonic_time () - start) / 1000;
  gint64 eos_at = g_get_monotonic_time ();
  for (auto & r : runs)
    r->end_of_stream ();

  guint64 reconnects = 0;
  gint64 latest_answer_ms = 0;
  guint most_connections = 0;
  for (guint i = 0; i < sessions; i++) {
    Run & r = *runs[i];
    const Progress & p = progress[i];
    /* BusLog fails the test on any ERROR. */
    for (GstMessage * m : r.bus->messages)
      if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
        g_autoptr (GError) err = nullptr;
        gst_message_parse_error (m, &err, nullptr);
        fail ("session %u: %s", i, err->message);
      }
    fail_unless (p.reconnected_ms >= 0, "session %u never reconnected:%s", i,
        p.timeline.c_str ());
    /* Stuck, not slow: it had kChances whole connections. */
    fail_unless (p.answered_ms >= 0,
        "session %u: no answer after a reconnect in %" G_GINT64_FORMAT " ms:%s",
        i, talked_ms, p.timeline.c_str ());
    latest_answer_ms = MAX (latest_answer_ms, p.answered_ms);
    most_connections = MAX (most_connections, p.connections);
    reconnects += stats_field (r.bin, "reconnects");
    fail_unless (stats_field (r.bin, "responses") > 0,
        "session %u: no response", i);
  }
  /* The bin promises EOS within eos-timeout-ms of its input's; the same
   * again for a starved machine's late timers. */
  for (guint i = 0; i < sessions; i++) {
    gint64 left_ms =
        2 * (gint64) kEosTimeoutMs - (g_get_monotonic_time () - eos_at) / 1000;
    fail_unless (runs[i]->bus->wait (is_type (GST_MESSAGE_EOS),
                     (guint) MAX (left_ms, 0)) != nullptr,
        "session %u: no EOS (deadlock?)", i);
  }
  /* The figures a slow machine shows (see the test log). */
  std::vector<gint64> answers;
  gint64 longest_outage_ms = 0;
  for (const Progress & p : progress) {
    answers.push_back (p.answered_ms);
    longest_outage_ms = MAX (longest_outage_ms, p.longest_outage_ms);
  }
  std::sort (answers.begin (), answers.end ());
  g_print ("%u sessions, talked %" G_GINT64_FORMAT " ms: %" G_GUINT64_FORMAT
           " reconnects, %u connections (at most %u for one session); "
           "answered after a reconnect at %" G_GINT64_FORMAT
           " ms (median), %" G_GINT64_FORMAT
           " ms (last); longest outage %" G_GINT64_FORMAT " ms\n",
      sessions, talked_ms, reconnects, sim->connection_count (),
      most_connections, answers[answers.size () / 2], latest_answer_ms,
      longest_outage_ms);
  runs.clear ();
  /* Torn down, every client has let go of its connection: none waits for
   * the peer longer than CLOSE_WAIT_MS. */
  fail_unless (wait_sessions_closed (*sim,
                   2 * realtime::WebSocketClient::CLOSE_WAIT_MS),
      "sessions left open");
}
GST_END_TEST;

static Suite *
realtimebin_load_suite (void)
{
  Suite * s = suite_create ("realtimebin-load");
  TCase * tc = tcase_create ("load");
  suite_add_tcase (s, tc);
  /* Talking, EOS and teardown, each bounded above; and the set-up. */
  guint talk_s = MAX (load_seconds (), kRecoveryBoundMs / 1000) + 1;
  tcase_set_timeout (tc,
      talk_s + 2 * kEosTimeoutMs / 1000 +
          2 * realtime::WebSocketClient::CLOSE_WAIT_MS / 1000 + 60);
  tcase_add_test (tc, test_sessions_with_drops);
  return s;
}

GST_CHECK_MAIN (realtimebin_load);
