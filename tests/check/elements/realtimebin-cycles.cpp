/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtimebin through many state cycles against one in-process simulator:
 * every cycle connects (realtime-session connected) and closes (the
 * server's session ends), and nothing is left behind. Leaks are checked
 * with GStreamer's leaks tracer when it is loaded (tests/meson.build sets
 * GST_TRACERS=leaks for this test): every GstObject and GstMiniObject
 * created during the cycles must be gone after them. LeakSanitizer runs
 * cover plain allocations. */
#include "realtimebin-helpers.h"

#include <cstring>
#include <map>
#include <set>

using namespace rtb;

static const std::string kLogDir =
    std::string (SIM_LOG_DIR) + "/realtimebin-cycles";

static const char * kScenario = R"({"turns":[
  {"user":"Hello?","assistant":"Hello there, this reply takes a while.",
   "audio":{"type":"tone","frequency":440,"duration_ms":3000}}]})";

static const char * kS16Mono24k =
    "audio/x-raw,format=S16LE,rate=24000,channels=1,layout=interleaved";

/* ---- the leaks tracer --------------------------------------------------- */

/* Objects created during a tracked stretch and still alive, counted by
 * address over the checkpoints (created minus removed). */
class LeakWatch
{
public:
  LeakWatch ()
  {
    GList * tracers = gst_tracing_get_active_tracers ();
    for (GList * l = tracers; l; l = l->next)
      if (tracer_ == nullptr &&
          g_str_equal (G_OBJECT_TYPE_NAME (l->data), "GstLeaksTracer"))
        tracer_ = GST_TRACER (gst_object_ref (l->data));
    g_list_free_full (tracers, gst_object_unref);
  }

  ~LeakWatch ()
  {
    if (tracer_) {
      if (tracking_)
        g_signal_emit_by_name (tracer_, "activity-stop-tracking");
      gst_object_unref (tracer_);
    }
  }

  bool active () const { return tracer_ != nullptr; }

  /* When the environment asks for the tracer, it must be there. */
  void require_if_requested () const
  {
    const char * env = g_getenv ("GST_TRACERS");
    if (env && strstr (env, "leaks"))
      fail_unless (active (), "GST_TRACERS=%s but no leaks tracer is active",
          env);
    if (!active ())
      GST_INFO ("no leaks tracer: leaks are not counted");
  }

  void start ()
  {
    require_if_requested ();
    if (!tracer_)
      return;
    g_signal_emit_by_name (tracer_, "activity-start-tracking");
    tracking_ = true;
  }

  /* Fails when objects created since start() are still alive, waiting up to
   * @timeout_ms for objects released late by other threads. */
  void check (guint timeout_ms = 3000)
  {
    if (!tracer_)
      return;
    gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
    for (;;) {
      checkpoint ();
      std::string alive = describe_alive ();
      if (alive.empty ())
        break;
      if (g_get_monotonic_time () >= deadline)
        fail ("objects created during the cycles are still alive: %s",
            alive.c_str ());
      g_usleep (50 * 1000);
    }
    g_signal_emit_by_name (tracer_, "activity-stop-tracking");
    tracking_ = false;
  }

private:
  void checkpoint ()
  {
    GstStructure * s = nullptr;
    g_signal_emit_by_name (tracer_, "activity-get-checkpoint", &s);
    fail_unless (s != nullptr);
    tally (s, "objects-created-list", +1);
    tally (s, "objects-removed-list", -1);
    gst_structure_free (s);
  }

  void tally (const GstStructure * s, const char * list, int sign)
  {
    const GValue * v = gst_structure_get_value (s, list);
    fail_unless (v && GST_VALUE_HOLDS_LIST (v));
    for (guint i = 0; i < gst_value_list_get_size (v); i++) {
      const GstStructure * o =
          gst_value_get_structure (gst_value_list_get_value (v, i));
      std::string addr = gst_structure_get_string (o, "address");
      net_[addr] += sign;
      types_[addr] = gst_structure_get_string (o, "type-name");
    }
  }

  std::string describe_alive () const
  {
    std::map<std::string, int> by_type;
    for (const auto & [addr, n] : net_)
      if (n > 0)
        by_type[types_.at (addr)] += n;
    std::string out;
    for (const auto & [type, n] : by_type)
      out += type + " x" + std::to_string (n) + "; ";
    return out;
  }

  GstTracer * tracer_ = nullptr;
  bool tracking_ = false;
  std::map<std::string, int> net_;
  std::map<std::string, std::string> types_;
};

static std::unique_ptr<Simulator>
simulator (const char * name, double pace = 0)
{
  return start_simulator (sim_options (kLogDir, name, kScenario, pace));
}

/* A fresh pipeline each cycle: NULL -> PLAYING (connected; a little audio
 * goes through) -> NULL (the server's session ends). Each cycle is a new
 * session with an id of its own. The first cycles warm up process-wide
 * state (plugin loading, the I/O thread, caches); leaks are counted over
 * the rest. */
GST_START_TEST (test_null_playing_null)
{
  auto sim = simulator ("null-playing-null");
  LeakWatch leaks;
  std::set<std::string> ids;
  const int cycles = 60;
  for (int i = 0; i < cycles; i++) {
    if (i == 2)
      leaks.start ();
    Run run (pipeline_text (*sim, "appsrc name=src"));
    run.set_input_caps (kS16Mono24k);
    run.play ();
    run.wait_connected ();
    run.push (realtime::sim::make_silence (200), 0);
    std::string sid =
        str_field (run.messages ("realtime-session").back (), "session-id");
    fail_unless (ids.insert (sid).second, "cycle %d reused session %s", i,
        sid.c_str ());
    run.stop ();
    fail_unless (wait_sessions_closed (*sim),
        "cycle %d: the session is still "
        "open after NULL",
        i);
  }
  fail_unless_equals_int (sim->connection_count (), cycles);
  leaks.check ();
}
GST_END_TEST;

/* One pipeline, READY <-> PLAYING: each PLAYING connects (realtime-session
 * connected), each READY closes (realtime-session closed; the server's
 * session ends). */
GST_START_TEST (test_ready_playing_ready)
{
  auto sim = simulator ("ready-playing-ready");
  LeakWatch leaks;
  const int cycles = 40;
  {
    Run run (pipeline_text (*sim, "appsrc name=src"));
    run.set_input_caps (kS16Mono24k);
    fail_unless_equals_int (gst_element_set_state (run.pipeline,
                                GST_STATE_READY),
        GST_STATE_CHANGE_SUCCESS);
    for (int i = 0; i < cycles; i++) {
      if (i == 2)
        leaks.start ();
      run.bus->clear ();
      run.play ();
      run.wait_connected ();
      fail_unless_equals_int (gst_element_set_state (run.pipeline,
                                  GST_STATE_READY),
          GST_STATE_CHANGE_SUCCESS);
      fail_unless (wait_sessions_closed (*sim),
          "cycle %d: the session is "
          "still open in READY",
          i);
      fail_unless (run.bus->wait (is_element_msg (run.bin, "realtime-session",
                                      "state", "closed"),
                       5000) != nullptr,
          "cycle %d: no realtime-session closed after PLAYING->READY", i);
    }
    run.bus->clear ();
  }
  fail_unless_equals_int (sim->connection_count (), cycles);
  leaks.check ();
}
GST_END_TEST;

/* Teardown while a reply streams (the simulator at real-time pace): speech
 * ends a turn, the response starts, and the pipeline goes to NULL at once.
 * Nothing hangs, the session closes, nothing is left. */
GST_START_TEST (test_teardown_mid_response)
{
  auto sim = simulator ("mid-response", 1.0);
  LeakWatch leaks;
  const int cycles = 10;
  Pcm speech = to_s16 (render_signal (24000, 1, 1200, {{100, 600}}));
  for (int i = 0; i < cycles; i++) {
    if (i == 2)
      leaks.start ();
    Run run (pipeline_text (*sim, "appsrc name=src"));
    run.set_input_caps (kS16Mono24k);
    run.play ();
    run.push (speech, 0);
    fail_unless (run.bus->wait (is_element_msg (run.bin, "realtime-response",
                                    "event", "started"),
                     5000) != nullptr,
        "cycle %d: no response started", i);
    run.stop ();
    fail_unless (wait_sessions_closed (*sim),
        "cycle %d: the session is still "
        "open after NULL",
        i);
  }
  leaks.check ();
}
GST_END_TEST;

/* Everything realtimebin sent in these cycles is valid under the strict
 * GA client schema (the three logs of the tests above). */
GST_START_TEST (test_client_events_conform)
{
  check_client_events_conform (kLogDir, 3);
}
GST_END_TEST;

static Suite *
realtimebin_cycles_suite (void)
{
  Suite * s = suite_create ("realtimebin-cycles");
  clear_log_dir (kLogDir);

  TCase * tc = tcase_create ("cycles");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_null_playing_null);
  tcase_add_test (tc, test_ready_playing_ready);
  tcase_add_test (tc, test_teardown_mid_response);

  TCase * wire = tcase_create ("wire");
  suite_add_tcase (s, wire);
  tcase_set_timeout (wire, 60);
  tcase_add_test (wire, test_client_events_conform);
  return s;
}

GST_CHECK_MAIN (realtimebin_cycles);
