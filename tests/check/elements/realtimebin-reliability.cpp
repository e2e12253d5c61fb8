/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Reliability (issue 6, docs/reliability.md): realtimebin against the
 * simulator's network faults. A dropped or stalled connection, or an HTTP
 * 429 at the handshake, is reconnected with the conversation replayed as
 * text and the input captured during the outage sent after it (up to
 * input-backlog-ms); 401 and close 4000 are errors without a retry; the
 * session cap is met by a rollover that loses no input. Everything is
 * checked through the bus, the src pads and the simulator's frame log. */
#include "realtimebin-helpers.h"

#include <cstring>
#include <map>

using namespace rtb;
using realtime::sim::FaultOptions;

static const std::string kLogDir =
    std::string (SIM_LOG_DIR) + "/realtimebin-reliability";

/* Every answer is 300 ms: 3 deltas of 100 ms, so a fault after the 5th
 * delta of a connection cuts its second answer in the middle. (All turns
 * alike: the simulator counts replayed user items as turns too.) */
static const char * kScenario = R"({"turns":[
  {"user":"Ping","assistant":"Pong.",
   "audio":{"type":"tone","frequency":440,"duration_ms":300}}]})";

static const char * kS16Mono24k =
    "audio/x-raw,format=S16LE,rate=24000,channels=1,layout=interleaved";

/* Fast retries, so that tests do not wait for the default back-off. */
static const char * kFastRetry =
    "reconnect-initial-delay-ms=20 reconnect-max-delay-ms=100";

static std::string
log_path (const char * name)
{
  return kLogDir + "/" + name + ".jsonl";
}

/* One user turn: 500 ms of speech, then enough silence (800 ms) for the
 * server's VAD (500 ms) to end it. 1300 ms: whole 50 ms input chunks. */
static Pcm
speech_turn ()
{
  return to_s16 (render_signal (24000, 1, 1300, {{100, 600}}));
}

static bool
always_false (GstMessage *)
{
  return false;
}

/* Element messages @name (with @field == @value) posted so far. */
static gsize
count_messages (Run & run, const char * name, const char * field = nullptr,
    const char * value = nullptr)
{
  auto pred = is_element_msg (run.bin, name, field, value);
  gsize n = 0;
  for (GstMessage * m : run.bus->messages)
    n += pred (m) ? 1 : 0;
  return n;
}

/* Waits until @n such messages were posted; an ERROR fails the test. */
static void
wait_messages (Run & run, gsize n, const char * name,
    const char * field = nullptr, const char * value = nullptr,
    guint timeout_ms = 10000)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
  for (;;) {
    gsize got = count_messages (run, name, field, value);
    if (got >= n)
      return;
    fail_unless (g_get_monotonic_time () < deadline,
        "%zu of %zu %s %s=%s within %u ms", got, n, name, field ? field : "",
        value ? value : "", timeout_ms);
    run.bus->wait (always_false, 20);
  }
}

/* WebSocket handshakes the simulator saw (accepted or refused). */
static gsize
handshakes (const char * name)
{
  gsize n = 0;
  for (const LogLine & l : SimLog (log_path (name)).lines)
    n += l.note == "open" || l.note == "refused";
  return n;
}

/* What realtimebin sent on each connection of a log, in order. */
static std::map<guint, std::vector<JsonObject *>>
client_events_by_connection (const SimLog & log)
{
  std::map<guint, std::vector<JsonObject *>> out;
  for (const LogLine & l : log.lines)
    if (l.event && l.dir == "in")
      out[l.conn].push_back (l.event);
  return out;
}

/* "user: text" / "assistant: text" of the conversation.item.create events
 * realtimebin sent before its first append on a connection. */
static std::vector<std::string>
replayed_items (const std::vector<JsonObject *> & events)
{
  std::vector<std::string> out;
  for (JsonObject * e : events) {
    const char * type = json_object_get_string_member (e, "type");
    if (g_strcmp0 (type, "input_audio_buffer.append") == 0)
      break;
    if (g_strcmp0 (type, "conversation.item.create") != 0)
      continue;
    JsonObject * item = json_object_get_object_member (e, "item");
    JsonObject * part =
        json_array_get_object_element (json_object_get_array_member (item,
                                           "content"),
            0);
    out.push_back (std::string (json_object_get_string_member (item, "role")) +
        ": " + json_object_get_string_member (part, "text"));
  }
  return out;
}

/* The connection drops in the middle of a response, twenty times in a row:
 * each time realtimebin reconnects, the new session gets the configuration
 * and the conversation so far as text (user turns from their transcripts,
 * the assistant's answers that were heard whole), and the conversation
 * goes on. No error, no EOS until the end. */
GST_START_TEST (test_drop_mid_response_twenty_times)
{
  const guint kDrops = 20;
  SimulatorOptions o = sim_options (kLogDir, "drops", kScenario, 0);
  o.faults.drop_after_deltas = 5; /* 3 of the first answer + 2 */
  o.faults.fault_connections = kDrops;
  auto sim = start_simulator (std::move (o));
  Run run (pipeline_text (*sim, "appsrc name=src", kFastRetry));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();

  /* Per session: the first answer completes, the second is cut. */
  GstClockTime pts = 0;
  for (guint i = 0; i < kDrops; i++) {
    pts = run.push (speech_turn (), pts);
    wait_messages (run, i + 1, "realtime-response", "status", "completed");
    pts = run.push (speech_turn (), pts);
    wait_messages (run, i + 1, "realtime-session", "state", "reconnecting");
    wait_messages (run, i + 2, "realtime-session", "state", "connected");
  }
  pts = run.push (speech_turn (), pts);
  wait_messages (run, kDrops + 1, "realtime-response", "status", "completed");
  run.end_of_stream ();
  run.wait_eos ();

  fail_unless_equals_int (stats_field (run.bin, "reconnects"), kDrops);
  fail_unless_equals_int (sim->connection_count (), kDrops + 1);
  /* Every response the application saw start also ended: a cut one with
   * status failed, reason connection_lost (the server's response.created
   * may itself be lost in the drop: then neither is posted). */
  gsize started = 0, done = 0, lost = 0;
  for (const GstStructure * s : run.messages ("realtime-response")) {
    started += str_field (s, "event") == "started";
    done += str_field (s, "event") == "done";
    lost += str_field (s, "reason") == "connection_lost";
  }
  fail_unless_equals_int (started, done);
  fail_unless_equals_int (done, kDrops + 1 + lost);
  fail_unless (lost > 0 && lost <= kDrops, "%zu responses lost", lost);

  /* Each new session got the conversation before any audio: per earlier
   * session the user's two turns and the first answer; the second answer
   * was cut, so it is not known as text, but it is a turn: replay-turns
   * (20) keeps the last 40 user and assistant items, empty ones
   * included. */
  SimLog log (log_path ("drops"));
  auto by_conn = client_events_by_connection (log);
  fail_unless_equals_int (by_conn.size (), kDrops + 1);
  std::vector<std::string> slots;
  guint c = 0;
  for (auto & [conn, events] : by_conn) {
    fail_unless_equals_string (json_object_get_string_member (events[0],
                                   "type"),
        "session.update");
    std::vector<std::string> expected;
    for (gsize i = slots.size () > 40 ? slots.size () - 40 : 0;
         i < slots.size (); i++)
      if (!slots[i].empty ())
        expected.push_back (slots[i]);
    std::vector<std::string> got = replayed_items (events);
    fail_unless_equals_int (got.size (), expected.size ());
    for (gsize i = 0; i < got.size (); i++)
      fail_unless_equals_string (got[i].c_str (), expected[i].c_str ());
    slots.insert (slots.end (),
        {"user: Ping", "assistant: Pong.", "user: Ping", ""});
    c++;
  }
  fail_unless_equals_int (c, kDrops + 1);
}
GST_END_TEST;

/* Input that arrives while the connection is down waits and goes to the
 * new session first, up to input-backlog-ms (400 ms here); the rest (200
 * ms) is dropped, counted in stats and reported by one warning. */
GST_START_TEST (test_outage_input_kept_up_to_bound)
{
  SimulatorOptions o = sim_options (kLogDir, "outage", kScenario, 0);
  o.faults.drop_after_deltas = 5;
  o.faults.fault_connections = 1;
  auto sim = start_simulator (std::move (o));
  Run run (pipeline_text (*sim, "appsrc name=src",
      "reconnect-initial-delay-ms=1500 reconnect-max-delay-ms=1500 "
      "input-backlog-ms=400"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();

  GstClockTime pts = run.push (speech_turn (), 0);
  wait_messages (run, 1, "realtime-response", "event", "done");
  pts = run.push (speech_turn (), pts);
  wait_messages (run, 1, "realtime-session", "state", "reconnecting");
  /* 600 ms spoken during the outage (the retry waits 1200-1800 ms). */
  Pcm during = to_s16 (render_signal (24000, 1, 600, {{0, 600, 300, 0.2}}));
  pts = run.push (during, pts);
  wait_messages (run, 2, "realtime-session", "state", "connected");
  run.end_of_stream ();
  run.wait_eos ();

  fail_unless_equals_int (stats_field (run.bin, "dropped-audio-ms"), 200);
  gsize backlog_warnings = 0;
  for (const std::string & w : warnings (run))
    backlog_warnings += w.find ("input-backlog-ms") != std::string::npos;
  fail_unless_equals_int (backlog_warnings, 1);

  SimLog log (log_path ("outage"));
  auto by_conn = client_events_by_connection (log);
  fail_unless_equals_int (by_conn.size (), 2);
  Pcm sent = log.appended (by_conn.rbegin ()->first);
  fail_unless_equals_int (sent.size (), 400 * 24);
  fail_unless (std::equal (sent.begin (), sent.end (), during.begin ()),
      "the audio sent after the reconnect is not what was captured during "
      "the outage");
}
GST_END_TEST;

/* A refused key is not retried: one connection, an error naming it. */
GST_START_TEST (test_401_not_retried)
{
  SimulatorOptions o = sim_options (kLogDir, "auth", kScenario, 0);
  o.api_key = "sk-the-right-one";
  auto sim = start_simulator (std::move (o));
  Run run (pipeline_text (*sim, "appsrc name=src", kFastRetry));
  run.set_input_caps (kS16Mono24k);
  fail_unless (gst_element_set_state (run.pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  GstMessage * m = run.bus->wait (is_type (GST_MESSAGE_ERROR), 5000, true);
  fail_unless (m != nullptr, "no error for HTTP 401");
  g_autoptr (GError) err = nullptr;
  gst_message_parse_error (m, &err, nullptr);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
                   GST_RESOURCE_ERROR_NOT_AUTHORIZED),
      "%s", err->message);
  g_usleep (300 * 1000); /* > the retry delay */
  fail_unless_equals_int (handshakes ("auth"), 1);
  fail_unless_equals_int (count_messages (run, "realtime-session", "state",
                              "reconnecting"),
      0);
}
GST_END_TEST;

/* Close code 4000 (the service's answer to the retired beta interface) is
 * an error a person must act on: not retried. */
GST_START_TEST (test_close_4000_not_retried)
{
  SimulatorOptions o = sim_options (kLogDir, "close4000", kScenario, 0);
  o.faults.close_after_events = 1;
  o.faults.close_code = 4000;
  o.faults.close_reason = "beta_api_shape_disabled";
  auto sim = start_simulator (std::move (o));
  Run run (pipeline_text (*sim, "appsrc name=src", kFastRetry));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  GstMessage * m = run.bus->wait (is_type (GST_MESSAGE_ERROR), 5000, true);
  fail_unless (m != nullptr, "no error for close 4000");
  g_autoptr (GError) err = nullptr;
  gst_message_parse_error (m, &err, nullptr);
  fail_unless (strstr (err->message, "4000") != nullptr, "%s", err->message);
  g_usleep (300 * 1000);
  fail_unless_equals_int (sim->connection_count (), 1);
}
GST_END_TEST;

/* HTTP 429 at the handshake (twice) is retried with back-off; the third
 * attempt connects and the conversation works. */
GST_START_TEST (test_429_retried)
{
  SimulatorOptions o = sim_options (kLogDir, "429", kScenario, 0);
  o.faults.handshake_status = 429;
  o.faults.fault_connections = 2;
  auto sim = start_simulator (std::move (o));
  Run run (pipeline_text (*sim, "appsrc name=src", kFastRetry));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();
  fail_unless_equals_int (count_messages (run, "realtime-session", "state",
                              "reconnecting"),
      2);
  for (const GstStructure * s : run.messages ("realtime-session"))
    if (str_field (s, "state") == "reconnecting")
      fail_unless (str_field (s, "reason").find ("HTTP 429") !=
              std::string::npos,
          "%s", str_field (s, "reason").c_str ());
  run.push (speech_turn (), 0);
  run.end_of_stream ();
  run.wait_eos ();
  fail_unless_equals_int (count_messages (run, "realtime-response", "event",
                              "done"),
      1);
  fail_unless_equals_int (handshakes ("429"), 3);
}
GST_END_TEST;

/* The "ms" of a frame-log line (ms since the simulator started). */
static gint64
line_ms (const LogLine & l)
{
  return json_object_get_int_member (json_node_get_object (l.root.get ()),
      "ms");
}

/* The server goes silent in the middle of a response (3 s): after
 * stall-timeout-ms (400 ms) realtimebin takes the connection for dead,
 * reconnects, and the next turn is answered. When: measured on the
 * simulator's side, from the last frame it sent before the stall to the
 * close of that connection, the silence is at least the timeout (the bin
 * did not give up early) and ends well inside the 3 s stall; the bin's own
 * figure in the reason ("no event ... for N ms") is at least the timeout,
 * at most the silence the simulator measured, and at most one more
 * timeout period late (the bin checks once per period). */
GST_START_TEST (test_stall_detected_and_recovered)
{
  const gint64 kTimeoutMs = 400, kStallMs = 3000;
  SimulatorOptions o = sim_options (kLogDir, "stall", kScenario, 0);
  o.faults.stall_after_deltas = 4;
  o.faults.stall_ms = kStallMs;
  o.faults.fault_connections = 1;
  auto sim = start_simulator (std::move (o));
  Run run (pipeline_text (*sim, "appsrc name=src",
      std::string (kFastRetry) +
          " stall-timeout-ms=" + std::to_string (kTimeoutMs)));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();
  GstClockTime pts = run.push (speech_turn (), 0);
  wait_messages (run, 1, "realtime-response", "event", "done");
  pts = run.push (speech_turn (), pts);
  wait_messages (run, 1, "realtime-session", "state", "reconnecting",
      (guint) kStallMs);
  gint64 reported_ms = -1;
  for (const GstStructure * s : run.messages ("realtime-session"))
    if (str_field (s, "state") == "reconnecting") {
      const std::string reason = str_field (s, "reason");
      gsize at = reason.find ("no event from the Realtime API for ");
      fail_unless (at != std::string::npos, "%s", reason.c_str ());
      reported_ms = g_ascii_strtoll (reason.c_str () + at +
              strlen ("no event from the Realtime API for "),
          nullptr, 10);
    }
  wait_messages (run, 2, "realtime-session", "state", "connected");
  pts = run.push (speech_turn (), pts);
  wait_messages (run, 3, "realtime-response", "event", "done");
  run.end_of_stream ();
  run.wait_eos ();
  fail_unless_equals_int (stats_field (run.bin, "reconnects"), 1);
  sim->stop ();

  /* The first connection, seen from the simulator. */
  SimLog log (log_path ("stall"));
  gint64 last_out_ms = -1, stall_ms = -1, closed_ms = -1, stall_end_ms = -1;
  for (const LogLine & l : log.lines) {
    if (l.conn != 1)
      continue;
    if (l.dir == "out" && stall_ms < 0)
      last_out_ms = line_ms (l);
    if (l.note == "stall")
      stall_ms = line_ms (l);
    if (l.note == "stall-end")
      stall_end_ms = line_ms (l);
    if (l.note == "closed" || l.note == "dropped")
      closed_ms = closed_ms < 0 ? line_ms (l) : closed_ms;
  }
  fail_unless (stall_ms >= 0, "the simulator did not stall");
  fail_unless (closed_ms >= 0, "the stalled connection was not closed");
  fail_unless (stall_end_ms < 0 || stall_end_ms >= closed_ms,
      "the stall ended (%" G_GINT64_FORMAT " ms) before the connection was "
      "closed (%" G_GINT64_FORMAT " ms)",
      stall_end_ms, closed_ms);
  const gint64 silence_ms = closed_ms - last_out_ms;
  GST_INFO ("silence before the close: %" G_GINT64_FORMAT
            " ms (simulator), %" G_GINT64_FORMAT " ms (realtimebin)",
      silence_ms, reported_ms);
  /* The log's ms are truncated: a difference may read 1 ms short. */
  fail_unless (silence_ms >= kTimeoutMs - 1,
      "the connection was closed after %" G_GINT64_FORMAT " ms of silence, "
      "before stall-timeout-ms (%" G_GINT64_FORMAT ")",
      silence_ms, kTimeoutMs);
  fail_unless (closed_ms - stall_ms < kStallMs,
      "the close came after the stall was over");
  fail_unless (reported_ms >= kTimeoutMs && reported_ms <= silence_ms + 1 &&
          reported_ms <= 2 * kTimeoutMs,
      "realtimebin reports %" G_GINT64_FORMAT " ms without an event; the "
      "simulator measured %" G_GINT64_FORMAT
      " ms of silence; the timeout is %" G_GINT64_FORMAT " ms",
      reported_ms, silence_ms, kTimeoutMs);
}
GST_END_TEST;

/* A frame over max-incoming-payload closes the connection (1009): one
 * warning, a reconnect, the conversation goes on. */
GST_START_TEST (test_oversized_frame_reconnects)
{
  SimulatorOptions o = sim_options (kLogDir, "oversized", kScenario, 0);
  o.faults.oversized_after_events = 2;
  o.faults.oversized_bytes = 2 * 1024 * 1024;
  o.faults.fault_connections = 1;
  auto sim = start_simulator (std::move (o));
  Run run (pipeline_text (*sim, "appsrc name=src",
      std::string (kFastRetry) + " max-incoming-payload=1048576"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  wait_messages (run, 1, "realtime-session", "state", "reconnecting");
  wait_messages (run, 2, "realtime-session", "state", "connected");
  run.push (speech_turn (), 0);
  run.end_of_stream ();
  run.wait_eos ();
  fail_unless_equals_int (count_messages (run, "realtime-response", "event",
                              "done"),
      1);
  gsize oversized = 0;
  for (const std::string & w : warnings (run))
    oversized += w.find ("max-incoming-payload") != std::string::npos;
  fail_unless_equals_int (oversized, 1);
}
GST_END_TEST;

/* Sessions that expire after 4 s, input at real-time pace for 7 s with a
 * turn in it: realtimebin opens the next session 3 s before expires_at
 * (while the answer is still being produced) and switches when nobody
 * speaks and no response plays. Each session gets a contiguous stretch of
 * the input, the next one starting with the old one's uncommitted last
 * 800 ms at most (the VAD's prefix padding + 500 ms, so speech the old
 * server had not noticed is not cut), and together they cover all of it in
 * order; the session that takes over knows the finished exchange; the
 * answer comes out whole with sample-accurate, contiguous timestamps. */
GST_START_TEST (test_rollover_loses_no_input)
{
  SimulatorOptions o = sim_options (kLogDir, "rollover", kScenario, 1.0);
  o.session_lifetime_s = 4;
  auto sim = start_simulator (std::move (o));
  Run run (pipeline_text (*sim, "appsrc name=src",
      std::string (kFastRetry) + " rollover-margin-s=3"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();

  Pcm input = to_s16 (render_signal (24000, 1, 7000, {{1000, 1500}}));
  /* Faint noise (about -50 dBFS, below the VAD's threshold) everywhere, so
   * that every stretch of the input is unique and can be found again. */
  guint32 noise = 1;
  for (gint16 & v : input) {
    noise = noise * 1664525u + 1013904223u;
    v = (gint16) CLAMP (v + (gint) (noise >> 24) - 128, -32768, 32767);
  }
  const gsize step = 1200; /* 50 ms */
  GstClockTime pts = 0;
  gint64 start = g_get_monotonic_time ();
  for (gsize i = 0; i < input.size (); i += step) {
    Pcm part (input.begin () + i,
        input.begin () + MIN (i + step, input.size ()));
    pts = run.push (part, pts);
    gint64 due = start + (gint64) ((i + step) / 24) * 1000;
    gint64 now = g_get_monotonic_time ();
    if (due > now)
      g_usleep (due - now);
  }
  run.end_of_stream ();
  run.wait_eos (15000);

  guint64 rollovers = stats_field (run.bin, "rollovers");
  fail_unless (rollovers >= 1, "no rollover in 7 s of 4 s sessions");
  fail_unless_equals_int (stats_field (run.bin, "reconnects"), 0);
  gsize said = 0;
  for (const GstStructure * s : run.messages ("realtime-session"))
    if (const char * reason = gst_structure_get_string (s, "reason"))
      said += str_field (s, "state") == "connected" &&
          g_str_has_prefix (reason, "rolled over");
  fail_unless_equals_int (said, rollovers);
  fail_unless_equals_int (stats_field (run.bin, "dropped-audio-ms"), 0);

  SimLog log (log_path ("rollover"));
  auto by_conn = client_events_by_connection (log);
  gsize covered = 0; /* input samples sent so far, in order */
  const gsize max_overlap = 850 * 24;
  for (auto & [conn, events] : by_conn) {
    Pcm part = log.appended (conn);
    bool placed = false;
    for (gsize overlap = 0; overlap <= MIN (covered, max_overlap) && !placed;
         overlap++) {
      gsize from = covered - overlap;
      placed = from + part.size () <= input.size () &&
          std::equal (part.begin (), part.end (), input.begin () + from);
      if (placed)
        covered = from + part.size ();
    }
    fail_unless (placed,
        "connection %u's audio (%zu samples) is not the "
        "input that followed the previous session's (%zu samples so far)",
        conn, part.size (), covered);
  }
  fail_unless_equals_int (covered, input.size ());
  /* The answer was in flight when the next session opened; it still
   * reached the sessions after. */
  std::vector<std::string> last = replayed_items (by_conn.rbegin ()->second);
  fail_unless (std::find (last.begin (), last.end (), "assistant: Pong.") !=
          last.end (),
      "the last session does not know the answer");

  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 1);
  fail_unless_equals_int (runs[0].samples, 300 * 24);
  check_run_timestamps (runs[0], 24000, 2);
}
GST_END_TEST;

/* An answer the user talked over (truncated: its final transcript had
 * already arrived, as audio comes faster than it plays) is not replayed in
 * full after a reconnect: the model would believe it said what was never
 * heard. */
GST_START_TEST (test_truncated_answer_not_replayed)
{
  static const char * scenario = R"({"turns":[
    {"user":"Tell me a story.",
     "assistant":"Once upon a time there was a very long answer.",
     "audio":{"type":"tone","frequency":440,"duration_ms":4000}},
    {"user":"Stop.","assistant":"Sure.",
     "audio":{"type":"tone","frequency":660,"duration_ms":800}}]})";
  SimulatorOptions o = sim_options (kLogDir, "truncated", scenario, 0);
  o.faults.drop_after_deltas = 43; /* 40 of answer 1, 3 of answer 2 */
  o.faults.fault_connections = 1;
  auto sim = start_simulator (std::move (o));
  Run run (pipeline_text (*sim, "appsrc name=src", kFastRetry));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();
  run.push (to_s16 (
                render_signal (24000, 1, 6500, {{500, 1500}, {3800, 4800}})),
      0);
  wait_messages (run, 2, "realtime-session", "state", "connected");
  run.end_of_stream ();
  run.wait_eos ();
  fail_unless_equals_int (count_messages (run, "realtime-interrupted", "action",
                              "truncated"),
      1);
  SimLog log (log_path ("truncated"));
  auto by_conn = client_events_by_connection (log);
  fail_unless_equals_int (by_conn.size (), 2);
  std::vector<std::string> got = replayed_items (by_conn.rbegin ()->second);
  fail_unless_equals_int (got.size (), 2);
  fail_unless_equals_string (got[0].c_str (), "user: Tell me a story.");
  fail_unless_equals_string (got[1].c_str (), "user: Stop.");
}
GST_END_TEST;

/* Every client event sent in this suite, reconnects and replays included,
 * passes the strict GA client schema. */
GST_START_TEST (test_client_events_conform)
{
  check_client_events_conform (kLogDir, 9);
}
GST_END_TEST;

static Suite *
realtimebin_reliability_suite (void)
{
  Suite * s = suite_create ("realtimebin-reliability");
  clear_log_dir (kLogDir);
  TCase * tc = tcase_create ("reliability");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 90);
  tcase_add_test (tc, test_drop_mid_response_twenty_times);
  tcase_add_test (tc, test_outage_input_kept_up_to_bound);
  tcase_add_test (tc, test_401_not_retried);
  tcase_add_test (tc, test_close_4000_not_retried);
  tcase_add_test (tc, test_429_retried);
  tcase_add_test (tc, test_stall_detected_and_recovered);
  tcase_add_test (tc, test_oversized_frame_reconnects);
  tcase_add_test (tc, test_rollover_loses_no_input);
  tcase_add_test (tc, test_truncated_answer_not_replayed);
  tcase_add_test (tc, test_client_events_conform);
  return s;
}

GST_CHECK_MAIN (realtimebin_reliability);
