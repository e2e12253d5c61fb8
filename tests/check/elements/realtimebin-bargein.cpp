/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtimebin's barge-in acceptance tests (issue 5): interrupting the
 * assistant, by the user's speech (server VAD, interrupt-response) and by
 * the cancel-response signal, checked from the outside only — the wire
 * (the simulator's frame log), src_audio, what the audio sink rendered,
 * and the bus — plus the round trips that lead to and follow an
 * interruption: push-to-talk, a text-only session, function calls. (Text
 * turns and queued responses are in realtimebin-control.)
 *
 * The interruption tests that need "what the listener heard" run a live
 * pipeline on a GstTestClock (bargein-helpers.h: LiveRig): the clock only
 * moves when the test moves it, so the running time at which realtimebin
 * handles a server event is exact, and the downstream latency is known
 * (live appsrc 20 ms + realtimebin's 100 ms + the sink's 50 ms
 * render-delay = 170 ms). A sample stamped T is heard at T + 170 ms.
 *
 * Every simulator writes its log to SIM_LOG_DIR/realtimebin-bargein; the
 * last test validates every client event realtimebin sent in this suite
 * against the strict GA schema. */
#include "bargein-helpers.h"

#include <algorithm>
#include <cstring>

using namespace bargein;

static const std::string kLogDir =
    std::string (SIM_LOG_DIR) + "/realtimebin-bargein";

static const char * kS16Mono24k =
    "audio/x-raw,format=S16LE,rate=24000,channels=1,layout=interleaved";

/* A 4 s answer (then a short one for any later turn). */
static const char * kLong = R"({"turns":[
  {"user":"Tell me a story.",
   "assistant":"Once upon a time there was a very long answer.",
   "audio":{"type":"tone","frequency":440,"duration_ms":4000}},
  {"user":"Stop.","assistant":"Sure.",
   "audio":{"type":"tone","frequency":660,"duration_ms":800}}]})";

static std::string
log_path (const char * name)
{
  return kLogDir + "/" + name + ".jsonl";
}

static std::unique_ptr<Simulator>
simulator (const char * name, const char * scenario = kLong, double pace = 0)
{
  return start_simulator (sim_options (kLogDir, name, scenario, pace));
}

/* Waits until the server answered every truncate/delete realtimebin sent
 * (with the item event or an error). Call it after a wire_barrier(), so
 * that all realtimebin sent is in the log. */
static SimLog
wait_item_edits_answered (const std::string & path)
{
  fail_unless (wait_for_log (path,
                   [] (const SimLog & l) {
                     gsize asked =
                         l.count ("in", "conversation.item.truncate") +
                         l.count ("in", "conversation.item.delete");
                     gsize answered =
                         l.count ("out", "conversation.item.truncated") +
                         l.count ("out", "conversation.item.deleted") +
                         l.count ("out", "error");
                     return answered >= asked;
                   }),
      "the server did not answer the truncate/delete");
  return SimLog (path);
}

/* The one realtime-interrupted message (fails unless exactly one). */
static const GstStructure *
the_interruption (Run & run)
{
  std::vector<const GstStructure *> m = drained (run, "realtime-interrupted");
  fail_unless_equals_int (m.size (), 1);
  return m[0];
}

/* Speech for a live test (a speech-like signal, well above the VAD
 * threshold from its first 10 ms frame). */
static Pcm
speech (gint64 ms)
{
  return to_s16 (render_signal (24000, 1, ms, {{0, ms}}));
}

/* ---- barge-in on a live pipeline -------------------------------------------- */

/* The user speaks 1.5 s into a 4 s answer that is still streaming (the
 * simulator at real time). On the test clock the reply's first sample
 * (PTS F) is heard at F + 170 ms; the user starts speaking when the clock
 * reads F + 170 ms + 1500 ms, so the listener heard exactly 1500 ms:
 * - realtimebin received the LATENCY event of the whole pipeline (170 ms);
 * - it sends one conversation.item.truncate for the reply's item,
 *   content_index 0, audio_end_ms 1500 ± 20 (not 1500 + 170: the latency
 *   downstream is accounted for), which the simulator accepts
 *   (conversation.item.truncated, no error event);
 * - the server cancelled the response itself (turn_detected), so
 *   realtimebin sends no response.cancel;
 * - one realtime-interrupted: the item, played-ms = audio_end_ms,
 *   action truncated; stats count one interruption;
 * - src_audio is flushed (FLUSH_START, then a FLUSH_STOP that does not
 *   reset running time) at the audio sink;
 * - playback stops within one buffer: the sink rendered up to the heard
 *   position (+ its render-delay) and at most one buffer more, and even
 *   after the clock runs on past the end of the 4 s answer, nothing else
 *   of that response reaches src_audio: what came out is the start of the
 *   server's audio, no more than one buffer beyond what was rendered. */
GST_START_TEST (test_live_bargein_truncates_where_heard)
{
  auto sim = simulator ("live-1500", kLong, 1.0);
  const std::string path = log_path ("live-1500");
  LiveRig rig (*sim);
  Run & run = *rig.run;
  FlushProbe flushes;
  GstElement * asink = gst_bin_get_by_name (GST_BIN (run.pipeline), "asink");
  flushes.attach (asink);
  gst_object_unref (asink);
  rig.start ();

  GstClockTime first = rig.first_turn (2500);
  const std::string rid = wait_audio_sent (path, 2000);
  fail_unless (flushes.get ().empty (), "flushed before the barge-in:\n%s",
      flushes.text ().c_str ());

  /* The listener has heard 1500 ms of the reply; the sink has rendered all
   * that was due by then. */
  const double heard_to = ns_to_ms (first) + 1500;
  const double t_speech = heard_to + ns_to_ms (kPipelineLatency);
  rig.set_time_ms (t_speech);
  wait_rendered_to (rig, heard_to);
  rig.push_silence_until (t_speech);
  rig.push (speech (600));

  fail_unless (run.bus->wait (is_element_msg (run.bin, "realtime-interrupted"),
                   5000) != nullptr,
      "no realtime-interrupted after the user spoke over the reply");
  wire_barrier (run.bin, path, "interrupted");
  SimLog log = wait_item_edits_answered (path);
  fail_unless_equals_int (log.count ("out",
                              "input_audio_buffer.speech_started"),
      2);
  const std::vector<std::string> items = assistant_items (log, rid);
  fail_unless_equals_int (items.size (), 1);

  /* The truncate: the item that was playing, where it was heard. */
  std::vector<JsonObject *> truncates =
      log.events ("in", "conversation.item.truncate");
  fail_unless_equals_int (truncates.size (), 1);
  fail_unless_equals_int (log.count ("in", "conversation.item.delete"), 0);
  fail_unless_equals_str (json_object_get_string_member (truncates[0],
                              "item_id"),
      items[0]);
  fail_unless_equals_int (json_object_get_int_member (truncates[0],
                              "content_index"),
      0);
  gint64 end_ms = json_object_get_int_member (truncates[0], "audio_end_ms");
  fail_unless (std::llabs (end_ms - 1500) <= 20,
      "audio_end_ms %" G_GINT64_FORMAT
      " for 1500 ms heard (the LATENCY event said %" GST_TIME_FORMAT
      ", the pipeline's latency is %" GST_TIME_FORMAT ")",
      end_ms, GST_TIME_ARGS (rig.latency_event ()),
      GST_TIME_ARGS (kPipelineLatency));
  fail_unless_equals_int (log.count ("out", "conversation.item.truncated"), 1);
  fail_unless_equals_int (log.count ("out", "error"), 0);

  /* The server cancelled the response on its own; no response.cancel. */
  JsonObject * done = log.response_done (rid);
  fail_unless_equals_str (json_object_get_string_member (done, "status"),
      "cancelled");
  fail_unless_equals_str (
      json_object_get_string_member (json_object_get_object_member (done,
                                         "status_details"),
          "reason"),
      "turn_detected");
  fail_unless_equals_int (log.count ("in", "response.cancel"), 0);

  const GstStructure * m = the_interruption (run);
  fail_unless_equals_str (str_field (m, "item-id"), items[0]);
  fail_unless_equals_uint64 (u64_field (m, "played-ms"), (guint64) end_ms);
  fail_unless_equals_str (str_field (m, "action"), "truncated");
  fail_unless_equals_uint64 (stats_field (run.bin, "interruptions"), 1);

  /* Playback stops now, so src_audio is flushed: a FLUSH_START and then a
   * FLUSH_STOP reach the audio sink's pad, and the FLUSH_STOP does not
   * reset running time (the conversation's clock goes on). */
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (
      flushes.count ("flush-stop") == 0 && g_get_monotonic_time () < deadline)
    g_usleep (5000);
  std::vector<std::string> ev = flushes.get ();
  fail_unless (ev.size () >= 2 && ev[0] == "flush-start",
      "no FLUSH_START then FLUSH_STOP at the audio sink:\n%s",
      joined (ev).c_str ());
  fail_unless (flushes.count ("flush-stop") >= 1, "no FLUSH_STOP:\n%s",
      joined (ev).c_str ());
  fail_unless_equals_int (flushes.count ("flush-stop reset-time"), 0);
  fail_unless_equals_int (flushes.count ("flush-start"),
      flushes.count ("flush-stop"));

  /* Let the clock run past the end of the whole answer. */
  rig.set_time_ms (ns_to_ms (first + kPipelineLatency) + 6000);
  g_usleep (300 * 1000);
  run.bus->drain ();
  fail_unless_equals_int (run.bus->index_of (is_type (GST_MESSAGE_ERROR)), -1);

  /* Playback stopped within one buffer of what was heard. */
  GstClockTime buffer_ms = 0;
  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 1);
  for (const RecBuffer & b : runs[0].buffers)
    buffer_ms = MAX (buffer_ms, GST_BUFFER_DURATION (b.buffer));
  const double one_buffer = ns_to_ms (buffer_ms);
  const double render_delay = ns_to_ms (kRenderDelay);
  double rendered_to = ns_to_ms (rig.rendered.end ());
  fail_unless (rendered_to >= heard_to, "rendered to %.1f ms < heard %.1f ms",
      rendered_to, heard_to);
  fail_unless (rendered_to <= heard_to + render_delay + one_buffer,
      "the sink rendered the reply up to %.1f ms: more than one buffer "
      "(%.0f ms) after the heard position %.1f ms (+ %.0f ms render-delay)",
      rendered_to, one_buffer, heard_to, render_delay);

  /* Nothing later of that response reached src_audio: what came out is
   * the start of the server's audio, up to the buffer the sink was waiting
   * with when the flush came. */
  Pcm out = pcm_of_run (runs[0]);
  Pcm sent = log.response_audio (rid);
  fail_unless (out.size () <= sent.size ());
  gssize diff =
      first_difference (out, Pcm (sent.begin (), sent.begin () + out.size ()));
  fail_unless (diff < 0,
      "src_audio differs from the reply at sample %" G_GSSIZE_FORMAT, diff);
  double out_end = ns_to_ms (first) + out.size () / 24.0;
  GST_INFO (
      "reply from %.1f ms, heard to %.1f ms, truncated at %" G_GINT64_FORMAT
      " ms, rendered to %.1f ms, src_audio to %.1f ms, buffers of %.1f ms",
      ns_to_ms (first), heard_to, end_ms, rendered_to, out_end, one_buffer);
  fail_unless (out_end <= heard_to + render_delay + 2 * one_buffer,
      "src_audio carried the reply up to %.1f ms, heard to %.1f ms: later "
      "samples of the interrupted response came out",
      out_end, heard_to);

  /* The LATENCY event realtimebin got is the pipeline's. */
  fail_unless_equals_uint64 (rig.latency_event (), kPipelineLatency);
}
GST_END_TEST;

/* Runs the live first turn of a 4 s answer that the simulator sends at
 * once (pace 0), and waits until realtimebin has all of it (its
 * realtime-response done). Returns the reply's first PTS; @rid gets the
 * response id. */
static GstClockTime
live_reply_received (LiveRig & rig, const std::string & path, std::string & rid)
{
  GstClockTime first = rig.first_turn (2500);
  wait_element_count (*rig.run, "realtime-response", 1, "event", "done");
  rid = wait_audio_sent (path, 1);
  return first;
}

/* The user starts speaking at running time @at_ms (the clock set there
 * first): silence up to it, then 600 ms of speech, which stays an open
 * turn (no end, so no second response). Waits until realtimebin posted
 * the second realtime-vad speech-started, i.e. handled it, and then until
 * everything it sent meanwhile reached the server. */
static SimLog
user_speaks_at (LiveRig & rig, const std::string & path, double at_ms)
{
  rig.set_time_ms (at_ms);
  rig.push_silence_until (at_ms);
  rig.push (speech (600));
  wait_element_count (*rig.run, "realtime-vad", 2, "event", "speech-started");
  wire_barrier (rig.run->bin, path, "speech");
  return wait_item_edits_answered (path);
}

/* Interrupted before the listener heard the first sample: the reply (all
 * received) is stamped F and heard from F + 170 ms; the user speaks at
 * F + 85 ms. The item is deleted (conversation.item.delete, accepted), not
 * truncated (a truncate at 0 is what the service refuses, "Only model
 * output audio messages can be truncated"); realtime-interrupted says
 * deleted, played-ms 0; the sink renders none of the reply, even after the
 * clock runs past its end. */
GST_START_TEST (test_live_bargein_before_first_sample)
{
  auto sim = simulator ("live-before-first");
  const std::string path = log_path ("live-before-first");
  LiveRig rig (*sim);
  Run & run = *rig.run;
  rig.start ();
  std::string rid;
  GstClockTime first = live_reply_received (rig, path, rid);

  SimLog log =
      user_speaks_at (rig, path, ns_to_ms (first + kPipelineLatency / 2));
  const std::vector<std::string> items = assistant_items (log, rid);
  fail_unless_equals_int (items.size (), 1);
  std::vector<JsonObject *> deletes =
      log.events ("in", "conversation.item.delete");
  fail_unless_equals_int (deletes.size (), 1);
  fail_unless_equals_str (json_object_get_string_member (deletes[0], "item_id"),
      items[0]);
  fail_unless_equals_int (log.count ("in", "conversation.item.truncate"), 0);
  fail_unless_equals_int (log.count ("out", "conversation.item.deleted"), 1);
  fail_unless_equals_int (log.count ("in", "response.cancel"), 0);
  fail_unless (log.count ("out", "error") == 0, "server errors:\n%s",
      server_errors (log).c_str ());

  const GstStructure * m = the_interruption (run);
  fail_unless_equals_str (str_field (m, "item-id"), items[0]);
  fail_unless_equals_uint64 (u64_field (m, "played-ms"), 0);
  fail_unless_equals_str (str_field (m, "action"), "deleted");

  rig.set_time_ms (ns_to_ms (first + kPipelineLatency) + 6000);
  g_usleep (300 * 1000);
  fail_unless_equals_int (rig.rendered.samples (), 0);
}
GST_END_TEST;

/* Interrupted before any audio of the reply arrived: the server created
 * the response but its first delta comes 2 s later; the user speaks
 * meanwhile. The server cancels the response (turn_detected) before it
 * produced audio. Nothing of it may be truncated — the item has no audio
 * and the service refuses that ("Only assistant messages with audio can be
 * truncated") — so no truncate is sent, no error comes back, no
 * response.cancel is sent (the server cancelled), and no audio of the
 * response comes out. */
GST_START_TEST (test_live_bargein_before_any_audio)
{
  const char * late = R"({"turns":[{"user":"Hi","assistant":"Hello there.",
      "audio":{"type":"tone","frequency":440,"duration_ms":1000},
      "first_delta_delay_ms":2000}]})";
  auto sim = simulator ("live-before-audio", late, 1.0);
  const std::string path = log_path ("live-before-audio");
  LiveRig rig (*sim);
  Run & run = *rig.run;
  rig.start ();
  rig.speak_first_turn (2500);
  fail_unless (run.bus->wait (is_element_msg (run.bin, "realtime-response",
                                  "event", "started"),
                   5000) != nullptr,
      "no response started");
  SimLog log = user_speaks_at (rig, path, 3000);
  wait_element_count (run, "realtime-response", 1, "event", "done");
  wire_barrier (run.bin, path, "done");
  log = wait_item_edits_answered (path);

  std::vector<std::string> rids = log.response_ids ();
  fail_unless_equals_int (rids.size (), 1);
  fail_unless_equals_str (json_object_get_string_member (log.response_done (
                                                             rids[0]),
                              "status"),
      "cancelled");
  fail_unless_equals_int (log.response_audio (rids[0]).size (), 0);
  fail_unless_equals_int (log.count ("in", "conversation.item.truncate"), 0);
  fail_unless_equals_int (log.count ("in", "response.cancel"), 0);
  fail_unless (log.count ("out", "error") == 0, "server errors:\n%s",
      server_errors (log).c_str ());
  rig.set_time_ms (8000);
  g_usleep (200 * 1000);
  std::lock_guard<std::mutex> g (run.audio.lock);
  fail_unless_equals_int (run.audio.buffers.size (), 0);
}
GST_END_TEST;

/* The user speaks after the whole 4 s reply was heard (at F + 170 ms +
 * 4200 ms): nothing to interrupt. No truncate, no delete, no
 * response.cancel, no realtime-interrupted (barge-in is speech over audio
 * the listener has not finished hearing), stats count no interruption, and
 * the sink rendered the whole reply. */
GST_START_TEST (test_live_speech_after_all_heard)
{
  auto sim = simulator ("live-all-heard");
  const std::string path = log_path ("live-all-heard");
  LiveRig rig (*sim);
  Run & run = *rig.run;
  rig.start ();
  std::string rid;
  GstClockTime first = live_reply_received (rig, path, rid);
  rig.set_time_ms (ns_to_ms (first + kPipelineLatency) + 4200);
  wait_rendered_to (rig, ns_to_ms (first) + 4000);

  SimLog log =
      user_speaks_at (rig, path, ns_to_ms (first + kPipelineLatency) + 4200);
  fail_unless_equals_int (log.count ("in", "conversation.item.truncate"), 0);
  fail_unless_equals_int (log.count ("in", "conversation.item.delete"), 0);
  fail_unless_equals_int (log.count ("in", "response.cancel"), 0);
  fail_unless_equals_int (log.count ("out", "error"), 0);
  fail_unless_equals_int (drained (run, "realtime-interrupted").size (), 0);
  fail_unless_equals_uint64 (stats_field (run.bin, "interruptions"), 0);
  fail_unless_equals_int (rig.rendered.samples (), 4000 * 24);
}
GST_END_TEST;

/* Two audio items in one response (the scenario's audio_items: 2, 2 s
 * each), all received; the user speaks 3 s into it, i.e. 1 s into the
 * second item. The first item was heard to its end: nothing is sent for
 * it. The second is truncated at 1000 ± 20 ms (accepted by the server);
 * realtime-interrupted names the second item, the one that was playing. */
GST_START_TEST (test_live_bargein_during_second_item)
{
  const char * two = R"({"turns":[{"user":"Two things.",
      "assistant":"First thing here. Second thing there.",
      "audio":{"type":"tone","frequency":440,"duration_ms":4000},
      "audio_items":2}]})";
  auto sim = simulator ("live-second-item", two);
  const std::string path = log_path ("live-second-item");
  LiveRig rig (*sim);
  Run & run = *rig.run;
  rig.start ();
  std::string rid;
  GstClockTime first = live_reply_received (rig, path, rid);

  SimLog log =
      user_speaks_at (rig, path, ns_to_ms (first + kPipelineLatency) + 3000);
  const std::vector<std::string> items = assistant_items (log, rid);
  fail_unless_equals_int (items.size (), 2);
  std::vector<JsonObject *> truncates =
      log.events ("in", "conversation.item.truncate");
  fail_unless_equals_int (truncates.size (), 1);
  fail_unless_equals_str (json_object_get_string_member (truncates[0],
                              "item_id"),
      items[1]);
  gint64 end_ms = json_object_get_int_member (truncates[0], "audio_end_ms");
  fail_unless (std::llabs (end_ms - 1000) <= 20,
      "second item truncated at %" G_GINT64_FORMAT " ms, heard 1000 ms",
      end_ms);
  fail_unless_equals_int (log.count ("in", "conversation.item.delete"), 0);
  fail_unless_equals_int (log.count ("out", "conversation.item.truncated"), 1);
  fail_unless (log.count ("out", "error") == 0, "server errors:\n%s",
      server_errors (log).c_str ());

  const GstStructure * m = the_interruption (run);
  fail_unless_equals_str (str_field (m, "item-id"), items[1]);
  fail_unless_equals_uint64 (u64_field (m, "played-ms"), (guint64) end_ms);
  fail_unless_equals_str (str_field (m, "action"), "truncated");
}
GST_END_TEST;

/* The same two-item response interrupted 1 s into the FIRST item: that
 * item is truncated at 1000 ± 20 ms, and the second, received but never
 * heard, is deleted (otherwise the model would believe it said it); both
 * accepted. realtime-interrupted names the first item (the one playing). */
GST_START_TEST (test_live_bargein_during_first_of_two_items)
{
  const char * two = R"({"turns":[{"user":"Two things.",
      "assistant":"First thing here. Second thing there.",
      "audio":{"type":"tone","frequency":440,"duration_ms":4000},
      "audio_items":2}]})";
  auto sim = simulator ("live-first-of-two", two);
  const std::string path = log_path ("live-first-of-two");
  LiveRig rig (*sim);
  Run & run = *rig.run;
  rig.start ();
  std::string rid;
  GstClockTime first = live_reply_received (rig, path, rid);

  SimLog log =
      user_speaks_at (rig, path, ns_to_ms (first + kPipelineLatency) + 1000);
  const std::vector<std::string> items = assistant_items (log, rid);
  fail_unless_equals_int (items.size (), 2);
  std::vector<JsonObject *> truncates =
      log.events ("in", "conversation.item.truncate");
  fail_unless_equals_int (truncates.size (), 1);
  fail_unless_equals_str (json_object_get_string_member (truncates[0],
                              "item_id"),
      items[0]);
  gint64 end_ms = json_object_get_int_member (truncates[0], "audio_end_ms");
  fail_unless (std::llabs (end_ms - 1000) <= 20,
      "first item truncated at %" G_GINT64_FORMAT " ms, heard 1000 ms", end_ms);
  std::vector<JsonObject *> deletes =
      log.events ("in", "conversation.item.delete");
  fail_unless_equals_int (deletes.size (), 1);
  fail_unless_equals_str (json_object_get_string_member (deletes[0], "item_id"),
      items[1]);
  fail_unless (log.count ("out", "error") == 0, "server errors:\n%s",
      server_errors (log).c_str ());

  const GstStructure * m = the_interruption (run);
  fail_unless_equals_str (str_field (m, "item-id"), items[0]);
  fail_unless_equals_uint64 (u64_field (m, "played-ms"), (guint64) end_ms);
  fail_unless_equals_str (str_field (m, "action"), "truncated");
}
GST_END_TEST;

/* ---- recording a live conversation (interrupt-flush) ---------------------- */

/* A live conversation recorded with a real filesink on src_audio, through
 * the barge-in of test_live_bargein_truncates_where_heard (the user speaks
 * when the listener has heard 1500 ms of the 4 s reply). */
struct Recording
{
  Pcm file;      /* what filesink left in its file */
  Pcm src_audio; /* every buffer that left src_audio */
  Pcm reply;     /* the interrupted reply's audio, as the server sent it */
  gint64 truncated_ms;
  guint64 played_ms;
  gint flushes; /* FLUSH_START events that reached the sink */
  double buffer_ms;
};

static Recording
record_bargein (const char * name, bool interrupt_flush)
{
  auto sim = simulator (name, kLong, 1.0);
  const std::string path = log_path (name);
  gchar * file = nullptr;
  gint fd = g_file_open_tmp ("realtimebin-record-XXXXXX.pcm", &file, nullptr);
  fail_unless (fd >= 0, "no temporary file");
  g_close (fd, nullptr);

  Recording rec;
  {
    LiveRig rig (*sim, interrupt_flush ? "" : "interrupt-flush=false", file);
    Run & run = *rig.run;
    rig.start ();
    GstClockTime first = rig.first_turn (2500);
    const std::string rid = wait_audio_sent (path, 2000);

    const double heard_to = ns_to_ms (first) + 1500;
    const double t_speech = heard_to + ns_to_ms (kPipelineLatency);
    rig.set_time_ms (t_speech);
    /* The sink has been given all that was due by then (as
     * wait_rendered_to, which needs a fakesink). */
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    for (;;) {
      GstClockTime end = 0;
      {
        std::lock_guard<std::mutex> g (run.audio.lock);
        for (const RecBuffer & b : run.audio.buffers)
          end = MAX (end, b.running_time + GST_BUFFER_DURATION (b.buffer));
      }
      if (ns_to_ms (end) >= heard_to)
        break;
      fail_unless (g_get_monotonic_time () < deadline,
          "src_audio did not reach the heard position");
      g_usleep (2000);
    }
    rig.push_silence_until (t_speech);
    rig.push (speech (600));
    fail_unless (run.bus->wait (is_element_msg (run.bin,
                                    "realtime-interrupted"),
                     5000) != nullptr,
        "no realtime-interrupted after the user spoke over the reply");
    wire_barrier (run.bin, path, "interrupted");
    SimLog log = wait_item_edits_answered (path);
    std::vector<JsonObject *> truncates =
        log.events ("in", "conversation.item.truncate");
    fail_unless_equals_int (truncates.size (), 1);
    rec.truncated_ms =
        json_object_get_int_member (truncates[0], "audio_end_ms");
    rec.played_ms = u64_field (the_interruption (run), "played-ms");
    rec.reply = log.response_audio (rid);

    /* The clock runs past the end of the whole answer: the sink renders
     * all it was given; then the file is closed. */
    rig.set_time_ms (ns_to_ms (first + kPipelineLatency) + 6000);
    g_usleep (300 * 1000);
    run.bus->drain ();
    fail_unless_equals_int (run.bus->index_of (is_type (GST_MESSAGE_ERROR)),
        -1);
    run.stop ();
    std::vector<AudioRun> runs = split_at_discont (run.audio);
    fail_unless (!runs.empty ());
    rec.buffer_ms = 0;
    for (const AudioRun & r : runs) {
      for (const RecBuffer & b : r.buffers)
        rec.buffer_ms =
            MAX (rec.buffer_ms, ns_to_ms (GST_BUFFER_DURATION (b.buffer)));
      Pcm pcm = pcm_of_run (r);
      rec.src_audio.insert (rec.src_audio.end (), pcm.begin (), pcm.end ());
    }
    std::lock_guard<std::mutex> g (run.audio.lock);
    rec.flushes = (gint) std::count (run.audio.sequence.begin (),
        run.audio.sequence.end (), std::string ("flush-start"));
  }
  gchar * data = nullptr;
  gsize size = 0;
  fail_unless (g_file_get_contents (file, &data, &size, nullptr));
  const gint16 * samples = (const gint16 *) data;
  rec.file.assign (samples, samples + size / 2);
  g_free (data);
  g_unlink (file);
  g_free (file);
  return rec;
}

/* interrupt-flush=false keeps a recording whole: the barge-in sends no
 * FLUSH downstream, so filesink keeps what it wrote; the file is exactly
 * what left src_audio, and begins with the reply as the server sent it, at
 * least the 1500 ms the listener heard. What was pushed counts as heard
 * (it will still play): the truncate is at the heard position or later,
 * by at most what the sink held (its buffer and its render-delay). */
GST_START_TEST (test_live_bargein_recording_kept)
{
  Recording rec = record_bargein ("live-record-kept", false);
  GST_INFO ("truncated at %" G_GINT64_FORMAT " ms, file %zu samples, "
            "src_audio %zu samples, buffers of %.1f ms",
      rec.truncated_ms, rec.file.size (), rec.src_audio.size (), rec.buffer_ms);
  fail_unless_equals_int (rec.flushes, 0);
  fail_unless (rec.truncated_ms >= 1500 - 20,
      "truncated at %" G_GINT64_FORMAT " ms, the listener heard 1500 ms",
      rec.truncated_ms);
  fail_unless (rec.truncated_ms <=
          1500 + ns_to_ms (kRenderDelay) + 2 * rec.buffer_ms + 20,
      "truncated at %" G_GINT64_FORMAT " ms: more than the sink held",
      rec.truncated_ms);
  fail_unless_equals_uint64 (rec.played_ms, (guint64) rec.truncated_ms);
  /* Nothing that never left src_audio counts as heard (1 ms: rounding). */
  fail_unless ((gsize) rec.truncated_ms * 24 <= rec.src_audio.size () + 24,
      "truncated at %" G_GINT64_FORMAT " ms, beyond the %zu samples pushed",
      rec.truncated_ms, rec.src_audio.size ());

  fail_unless_equals_int (rec.file.size (), rec.src_audio.size ());
  fail_unless (first_difference (rec.file, rec.src_audio) < 0,
      "the file differs from what left src_audio");
  const gsize heard = 1500 * 24;
  fail_unless (rec.file.size () >= heard,
      "the file holds %zu samples, less than the 1500 ms heard",
      rec.file.size ());
  fail_unless (first_difference (Pcm (rec.file.begin (),
                                     rec.file.begin () + heard),
                   Pcm (rec.reply.begin (), rec.reply.begin () + heard)) < 0,
      "the file does not begin with the reply");
}
GST_END_TEST;

/* The default (interrupt-flush=true) stops playback at once by flushing
 * src_audio, and filesink truncates its file on FLUSH_STOP: the reply heard
 * before the interruption is not in the recording, which is why
 * interrupt-flush=false exists. */
GST_START_TEST (test_live_bargein_flush_loses_recording)
{
  Recording rec = record_bargein ("live-record-flushed", true);
  fail_unless (rec.flushes >= 1);
  fail_unless (std::llabs (rec.truncated_ms - 1500) <= 20,
      "truncated at %" G_GINT64_FORMAT " ms, heard 1500 ms", rec.truncated_ms);
  fail_unless (rec.src_audio.size () >= 1500 * 24);
  fail_unless (rec.file.size () < 1500 * 24,
      "the file kept %zu samples through the flush", rec.file.size ());
}
GST_END_TEST;

/* ---- barge-in with non-live input ------------------------------------------ */

/* The input of the non-live barge-in tests: turn 1 speech 500-1500 ms
 * (ends at 2000 ms with the 500 ms of silence; the 4 s reply is placed at
 * 2000-6000 ms), turn 2 speech 3800-4800 ms (speech-started at 3500 ms
 * with the 300 ms prefix padding, i.e. 1500 ms into the reply; ends at
 * 5300 ms), silence to 6500 ms. */
static Pcm
nonlive_two_turns ()
{
  return to_s16 (render_signal (24000, 1, 6500, {{500, 1500}, {3800, 4800}}));
}

/* interrupt-response=false: the same input, the user's second turn over
 * the reply is not a barge-in. The session says so
 * (turn_detection.interrupt_response false), the server lets the response
 * complete, and realtimebin sends no truncate, delete or cancel and posts
 * no realtime-interrupted; both replies come out whole, the second after
 * the first. */
GST_START_TEST (test_nonlive_no_bargein_without_interrupt_response)
{
  auto sim = simulator ("nonlive-no-interrupt");
  const std::string path = log_path ("nonlive-no-interrupt");
  Run run (pipeline_text (*sim, "appsrc name=src", "interrupt-response=false"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.push (nonlive_two_turns (), 0);
  run.end_of_stream ();
  run.wait_eos ();
  sim->stop ();
  SimLog log (path);

  JsonObject * update = log.events ("in", "session.update").at (0);
  fail_unless (!bool_at (update,
                   "session.audio.input.turn_detection.interrupt_response"),
      "interrupt_response is not false in the session.update");

  fail_unless_equals_int (log.count ("in", "conversation.item.truncate"), 0);
  fail_unless_equals_int (log.count ("in", "conversation.item.delete"), 0);
  fail_unless_equals_int (log.count ("in", "response.cancel"), 0);
  fail_unless_equals_int (log.count ("out", "error"), 0);
  fail_unless_equals_int (run.messages ("realtime-interrupted").size (), 0);

  std::vector<std::string> rids = log.response_ids ();
  fail_unless_equals_int (rids.size (), 2);
  fail_unless_equals_str (json_object_get_string_member (log.response_done (
                                                             rids[0]),
                              "status"),
      "completed");
  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 2);
  for (gsize i = 0; i < 2; i++)
    fail_unless (pcm_of_run (runs[i]) == log.response_audio (rids[i]),
        "reply %" G_GSIZE_FORMAT " is not whole", i + 1);
  check_time_near (runs[1].buffers[0].running_time, 6000, 10,
      "reply 2 after reply 1");
}
GST_END_TEST;

/* Non-live input whose second turn starts after the reply ended on the
 * conversation's time (reply 2000-6000 ms, speech-started at 6100 ms):
 * the listener heard all of it, so nothing is interrupted — no truncate,
 * delete or cancel, no realtime-interrupted — and both replies come out
 * whole. */
GST_START_TEST (test_nonlive_speech_after_reply_end)
{
  auto sim = simulator ("nonlive-after-end");
  const std::string path = log_path ("nonlive-after-end");
  Run run (pipeline_text (*sim, "appsrc name=src"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.push (to_s16 (
                render_signal (24000, 1, 8000, {{500, 1500}, {6400, 7000}})),
      0);
  run.end_of_stream ();
  run.wait_eos ();
  sim->stop ();
  SimLog log (path);

  std::vector<const GstStructure *> vad = run.messages ("realtime-vad");
  fail_unless_equals_int (vad.size (), 4);
  check_time_near (u64_field (vad[2], "running-time"), 6100, 10,
      "second speech-started");
  fail_unless_equals_int (log.count ("in", "conversation.item.truncate"), 0);
  fail_unless_equals_int (log.count ("in", "conversation.item.delete"), 0);
  fail_unless_equals_int (log.count ("in", "response.cancel"), 0);
  fail_unless_equals_int (log.count ("out", "error"), 0);
  fail_unless_equals_int (run.messages ("realtime-interrupted").size (), 0);
  std::vector<std::string> rids = log.response_ids ();
  fail_unless_equals_int (rids.size (), 2);
  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 2);
  for (gsize i = 0; i < 2; i++)
    fail_unless (pcm_of_run (runs[i]) == log.response_audio (rids[i]),
        "reply %" G_GSIZE_FORMAT " is not whole", i + 1);
}
GST_END_TEST;

/* ---- cancel-response -------------------------------------------------------- */

/* cancel-response while idle (connected, no response ever): nothing to
 * cancel, so no client event is sent (a response.cancel would only earn a
 * response_cancel_not_active error), no error event, no warning, no
 * realtime-interrupted. */
GST_START_TEST (test_cancel_response_idle)
{
  auto sim = simulator ("cancel-idle");
  const std::string path = log_path ("cancel-idle");
  Run run (pipeline_text (*sim, "appsrc name=src"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();
  fail_unless (wait_for_log (path,
                   [] (const SimLog & l) {
                     return l.count ("out", "session.updated") >= 1;
                   }),
      "the session was not configured");
  gsize before = SimLog (path).lines.size ();

  g_signal_emit_by_name (run.bin, "cancel-response");
  gssize barrier = wire_barrier (run.bin, path, "idle");
  SimLog log (path);
  std::vector<JsonObject *> sent = sent_from (log, before);
  fail_unless_equals_int (sent.size (), 1); /* the barrier only */
  fail_unless_equals_int (barrier, log.find ("in", "session.update", before));
  fail_unless (wait_for_log (path,
                   [] (const SimLog & l) {
                     return l.count ("out", "session.updated") >= 2;
                   }),
      "the barrier was not answered");
  log = SimLog (path);
  fail_unless_equals_int (log.count ("out", "error"), 0);
  fail_unless (warnings (run).empty (), "warnings:\n%s",
      joined (warnings (run)).c_str ());
  fail_unless_equals_int (run.messages ("realtime-interrupted").size (), 0);
  fail_unless_equals_int (run.bus->index_of (is_type (GST_MESSAGE_ERROR)), -1);
}
GST_END_TEST;

/* cancel-response while the 4 s answer streams (simulator at real time),
 * when the listener has heard 1000 ms of it: response.cancel for that
 * response (the server ends it cancelled / client_cancelled), the item
 * truncated at 1000 ± 20 ms (accepted), one realtime-interrupted, no
 * error; playback stops within one buffer and nothing later of the
 * response reaches src_audio. */
GST_START_TEST (test_cancel_response_active)
{
  auto sim = simulator ("cancel-active", kLong, 1.0);
  const std::string path = log_path ("cancel-active");
  LiveRig rig (*sim);
  Run & run = *rig.run;
  rig.start ();
  GstClockTime first = rig.first_turn (2500);
  const std::string rid = wait_audio_sent (path, 1500);

  const double heard_to = ns_to_ms (first) + 1000;
  rig.set_time_ms (heard_to + ns_to_ms (kPipelineLatency));
  wait_rendered_to (rig, heard_to);
  g_signal_emit_by_name (run.bin, "cancel-response");
  fail_unless (run.bus->wait (is_element_msg (run.bin, "realtime-interrupted"),
                   5000) != nullptr,
      "no realtime-interrupted after cancel-response");
  fail_unless (wait_for_log (path,
                   [&] (const SimLog & l) {
                     for (JsonObject * e : l.events ("out", "response.done"))
                       if (rid ==
                           json_object_get_string_member (
                               json_object_get_object_member (e, "response"),
                               "id"))
                         return true;
                     return false;
                   }),
      "the response did not end");
  wire_barrier (run.bin, path, "interrupted");
  SimLog log = wait_item_edits_answered (path);

  std::vector<JsonObject *> cancels = log.events ("in", "response.cancel");
  fail_unless_equals_int (cancels.size (), 1);
  fail_unless_equals_str (json_object_get_string_member_with_default (
                              cancels[0], "response_id", ""),
      rid);
  JsonObject * done = log.response_done (rid);
  fail_unless_equals_str (json_object_get_string_member (done, "status"),
      "cancelled");
  fail_unless_equals_str (
      json_object_get_string_member (json_object_get_object_member (done,
                                         "status_details"),
          "reason"),
      "client_cancelled");

  const std::vector<std::string> items = assistant_items (log, rid);
  std::vector<JsonObject *> truncates =
      log.events ("in", "conversation.item.truncate");
  fail_unless_equals_int (truncates.size (), 1);
  fail_unless_equals_str (json_object_get_string_member (truncates[0],
                              "item_id"),
      items.at (0));
  gint64 end_ms = json_object_get_int_member (truncates[0], "audio_end_ms");
  fail_unless (std::llabs (end_ms - 1000) <= 20,
      "audio_end_ms %" G_GINT64_FORMAT " for 1000 ms heard", end_ms);
  fail_unless_equals_int (log.count ("out", "conversation.item.truncated"), 1);
  fail_unless (log.count ("out", "error") == 0, "server errors:\n%s",
      server_errors (log).c_str ());

  const GstStructure * m = the_interruption (run);
  fail_unless_equals_str (str_field (m, "item-id"), items[0]);
  fail_unless_equals_uint64 (u64_field (m, "played-ms"), (guint64) end_ms);
  fail_unless_equals_str (str_field (m, "action"), "truncated");

  rig.set_time_ms (ns_to_ms (first + kPipelineLatency) + 6000);
  g_usleep (300 * 1000);
  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 1);
  GstClockTime buffer_ns = 0;
  for (const RecBuffer & b : runs[0].buffers)
    buffer_ns = MAX (buffer_ns, GST_BUFFER_DURATION (b.buffer));
  const double one_buffer = ns_to_ms (buffer_ns);
  double rendered_to = ns_to_ms (rig.rendered.end ());
  fail_unless (rendered_to <= heard_to + ns_to_ms (kRenderDelay) + one_buffer,
      "the sink rendered the reply up to %.1f ms, heard to %.1f ms",
      rendered_to, heard_to);
  double out_end = ns_to_ms (first) + runs[0].samples / 24.0;
  fail_unless (out_end <= heard_to + ns_to_ms (kRenderDelay) + 2 * one_buffer,
      "src_audio carried the reply up to %.1f ms, heard to "
      "%.1f ms",
      out_end, heard_to);
  fail_unless_equals_int (run.bus->index_of (is_type (GST_MESSAGE_ERROR)), -1);
}
GST_END_TEST;

/* cancel-response after the server finished the response (pace 0) while
 * the listener has heard only 1000 ms of it: no response.cancel (no
 * response is active: it would earn response_cancel_not_active), but the
 * local handling all the same — the item truncated at 1000 ± 20 ms
 * (accepted), one realtime-interrupted, playback stopped within one
 * buffer. */
GST_START_TEST (test_cancel_response_after_done)
{
  auto sim = simulator ("cancel-after-done");
  const std::string path = log_path ("cancel-after-done");
  LiveRig rig (*sim);
  Run & run = *rig.run;
  rig.start ();
  std::string rid;
  GstClockTime first = live_reply_received (rig, path, rid);

  const double heard_to = ns_to_ms (first) + 1000;
  rig.set_time_ms (heard_to + ns_to_ms (kPipelineLatency));
  wait_rendered_to (rig, heard_to);
  g_signal_emit_by_name (run.bin, "cancel-response");
  wire_barrier (run.bin, path, "cancel");
  SimLog log = wait_item_edits_answered (path);

  fail_unless_equals_int (log.count ("in", "response.cancel"), 0);
  const std::vector<std::string> items = assistant_items (log, rid);
  std::vector<JsonObject *> truncates =
      log.events ("in", "conversation.item.truncate");
  fail_unless_equals_int (truncates.size (), 1);
  fail_unless_equals_str (json_object_get_string_member (truncates[0],
                              "item_id"),
      items.at (0));
  gint64 end_ms = json_object_get_int_member (truncates[0], "audio_end_ms");
  fail_unless (std::llabs (end_ms - 1000) <= 20,
      "audio_end_ms %" G_GINT64_FORMAT " for 1000 ms heard", end_ms);
  fail_unless (log.count ("out", "error") == 0, "server errors:\n%s",
      server_errors (log).c_str ());
  const GstStructure * m = the_interruption (run);
  fail_unless_equals_str (str_field (m, "action"), "truncated");
  fail_unless_equals_uint64 (u64_field (m, "played-ms"), (guint64) end_ms);

  rig.set_time_ms (ns_to_ms (first + kPipelineLatency) + 6000);
  g_usleep (300 * 1000);
  fail_unless (ns_to_ms (rig.rendered.end ()) <=
          heard_to + ns_to_ms (kRenderDelay) + 100,
      "the sink rendered the reply up to "
      "%.1f ms, heard to %.1f ms",
      ns_to_ms (rig.rendered.end ()), heard_to);
}
GST_END_TEST;

/* Late audio after cancel-response: the application cancels a response
 * right after response.created, before any of its audio arrived, while
 * the server's first delta is already on its way (the simulator stalls
 * its output for 800 ms right after response.created: what it generates
 * meanwhile — the first delta of the answer, then, once the cancel is
 * handled, the .done events — arrives after the cancel, emitted 250 ms
 * into the stall). realtimebin sends
 * response.cancel for the response, and none of that response's audio
 * comes out on src_audio (docs/realtimebin.md, "Barge-in": late deltas of
 * a stopped response are dropped); no error. */
GST_START_TEST (test_cancel_response_drops_late_audio)
{
  SimulatorOptions o = sim_options (kLogDir, "cancel-late-audio", kLong, 1.0);
  /* session.created, session.updated, the user item's .added and .done,
   * response.created: then the stall. */
  o.faults.stall_after_events = 5;
  o.faults.stall_ms = 800;
  auto sim = start_simulator (o);
  const std::string path = log_path ("cancel-late-audio");
  Run run (pipeline_text (*sim, "appsrc name=src"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();
  g_signal_emit_by_name (run.bin, "send-text", "Tell me a story.");
  fail_unless (run.bus->wait (is_element_msg (run.bin, "realtime-response",
                                  "event", "started"),
                   5000) != nullptr,
      "no response started");
  /* Well inside the stall: the server has generated its first deltas. */
  g_usleep (250 * 1000);
  g_signal_emit_by_name (run.bin, "cancel-response");
  wait_element_count (run, "realtime-response", 1, "event", "done");
  wire_barrier (run.bin, path, "done");
  SimLog log (path);

  std::vector<std::string> rids = log.response_ids ();
  fail_unless_equals_int (rids.size (), 1);
  std::vector<JsonObject *> cancels = log.events ("in", "response.cancel");
  fail_unless_equals_int (cancels.size (), 1);
  fail_unless_equals_str (json_object_get_string_member_with_default (
                              cancels[0], "response_id", ""),
      rids[0]);
  fail_unless_equals_str (json_object_get_string_member (log.response_done (
                                                             rids[0]),
                              "status"),
      "cancelled");
  /* The premise: audio of the response did reach realtimebin, after the
   * cancel went out. */
  gssize cancel_at = log.find ("in", "response.cancel");
  gssize late = log.find ("out", "response.output_audio.delta", cancel_at);
  fail_unless (late > cancel_at,
      "no audio delta after the cancel: the test "
      "did not set up late audio");
  fail_unless (log.count ("out", "error") == 0, "server errors:\n%s",
      server_errors (log).c_str ());
  /* ... and none of it was played. */
  std::lock_guard<std::mutex> g (run.audio.lock);
  gsize samples = 0;
  for (const RecBuffer & b : run.audio.buffers)
    samples += gst_buffer_get_size (b.buffer) / 2;
  fail_unless (samples == 0,
      "%.1f ms of the cancelled response's late "
      "audio came out on src_audio",
      samples / 24.0);
}
GST_END_TEST;

/* cancel-response twice in a row (an impatient button), the second 100 ms
 * after the first — less than the 170 ms downstream latency. The first
 * interrupts (truncate at 1000 ms heard); after it, the response's audio
 * is gone, so the second has nothing left to stop: still exactly one
 * truncate, one realtime-interrupted, and no error from the server (a
 * second truncate beyond the first would be refused: "Audio content of
 * 1000ms is already shorter than …"). */
GST_START_TEST (test_cancel_response_twice)
{
  auto sim = simulator ("cancel-twice");
  const std::string path = log_path ("cancel-twice");
  LiveRig rig (*sim);
  Run & run = *rig.run;
  rig.start ();
  std::string rid;
  GstClockTime first = live_reply_received (rig, path, rid);

  const double heard_to = ns_to_ms (first) + 1000;
  rig.set_time_ms (heard_to + ns_to_ms (kPipelineLatency));
  wait_rendered_to (rig, heard_to);
  g_signal_emit_by_name (run.bin, "cancel-response");
  rig.set_time_ms (heard_to + ns_to_ms (kPipelineLatency) + 100);
  g_signal_emit_by_name (run.bin, "cancel-response");
  wire_barrier (run.bin, path, "twice");
  SimLog log = wait_item_edits_answered (path);

  std::string sent;
  for (JsonObject * e : sent_from (log, 0))
    if (g_str_has_prefix (json_object_get_string_member (e, "type"),
            "conversation.item."))
      sent += realtime::json_object_to_string (e) + "\n";
  gsize edits = log.count ("in", "conversation.item.truncate") +
      log.count ("in", "conversation.item.delete");
  fail_unless (edits == 1 && log.count ("out", "error") == 0,
      "%" G_GSIZE_FORMAT " item edits sent:\n%sserver errors:\n%s", edits,
      sent.c_str (), server_errors (log).c_str ());
  fail_unless_equals_int (drained (run, "realtime-interrupted").size (), 1);
}
GST_END_TEST;

/* ---- response sequencing ----------------------------------------------------- */

/* ---- round trips ------------------------------------------------------------ */

/* Push-to-talk (turn-detection=none), by signal:
 * - clear-input sends input_audio_buffer.clear;
 * - commit-input after only 60 ms of audio is not sent (the service would
 *   answer input_audio_buffer_commit_empty): a WARNING instead;
 * - after 1 s more, commit-input sends input_audio_buffer.commit (after all
 *   the audio: 1060 ms appended in all), and create-response a
 *   response.create; the server commits the item and answers;
 * - no VAD event, no error event; the reply comes out on src_audio as the
 *   server sent it and its transcript on src_text. */
GST_START_TEST (test_push_to_talk_round_trip)
{
  auto sim = simulator ("ptt");
  const std::string path = log_path ("ptt");
  Run run (pipeline_text (*sim, "appsrc name=src", "turn-detection=none"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();

  g_signal_emit_by_name (run.bin, "clear-input");
  GstClockTime t = run.push (speech (60), 0);
  fail_unless (wait_for_log (path,
                   [] (const SimLog & l) {
                     return l.appended ().size () >= 50 * 24;
                   }),
      "the first 50 ms were not appended");
  g_signal_emit_by_name (run.bin, "commit-input");
  wire_barrier (run.bin, path, "short");
  fail_unless_equals_int (SimLog (path).count ("in",
                              "input_audio_buffer.commit"),
      0);
  std::vector<std::string> warned = warnings (run);
  fail_unless_equals_int (warned.size (), 1);

  run.push (speech (1000), t);
  fail_unless (wait_for_log (path,
                   [] (const SimLog & l) {
                     return l.appended ().size () >= 1050 * 24;
                   }),
      "the audio was not appended");
  g_signal_emit_by_name (run.bin, "commit-input");
  g_signal_emit_by_name (run.bin, "create-response", nullptr);
  wait_element_count (run, "realtime-response", 1, "event", "done");
  wire_barrier (run.bin, path, "done");
  SimLog log (path);

  gssize clear = log.find ("in", "input_audio_buffer.clear");
  gssize commit = log.find ("in", "input_audio_buffer.commit");
  gssize create = log.find ("in", "response.create");
  fail_unless (clear >= 0 && commit > clear && create > commit,
      "clear, commit, response.create in that order (%" G_GSSIZE_FORMAT
      ", %" G_GSSIZE_FORMAT ", %" G_GSSIZE_FORMAT ")",
      clear, commit, create);
  fail_unless_equals_int (log.count ("in", "input_audio_buffer.commit"), 1);
  /* Everything pushed was appended before the commit. */
  for (gsize i = commit; i < log.lines.size (); i++)
    fail_if (log.lines[i].dir == "in" &&
        log.lines[i].type == "input_audio_buffer.append");
  fail_unless_equals_int (log.appended ().size (), 1060 * 24);
  fail_unless_equals_int (log.count ("out", "input_audio_buffer.committed"), 1);
  fail_unless_equals_int (log.count ("out",
                              "input_audio_buffer.speech_started"),
      0);
  fail_unless_equals_int (run.messages ("realtime-vad").size (), 0);
  fail_unless (log.count ("out", "error") == 0, "server errors:\n%s",
      server_errors (log).c_str ());

  std::vector<std::string> rids = log.response_ids ();
  fail_unless_equals_int (rids.size (), 1);
  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 1);
  fail_unless (pcm_of_run (runs[0]) == log.response_audio (rids[0]));
  std::lock_guard<std::mutex> g (run.text.lock);
  fail_unless_equals_int (run.text.buffers.size (), 1);
  fail_unless_equals_str (buffer_text (run.text.buffers[0].buffer),
      "Once upon a time there was a very long answer.");
}
GST_END_TEST;

/* A text-only session (output-modalities=text): the session.update asks
 * for ["text"]; send-text gets a text answer (response.output_text.*, no
 * audio), which realtimebin puts on src_text (one buffer) and on the bus
 * (realtime-transcript role=assistant, final, the whole text); nothing
 * comes out on src_audio. */
GST_START_TEST (test_text_only_session)
{
  auto sim = simulator ("text-only");
  const std::string path = log_path ("text-only");
  Run run (pipeline_text (*sim, "appsrc name=src", "output-modalities=text"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();
  g_signal_emit_by_name (run.bin, "send-text", "Tell me a story.");
  wait_element_count (run, "realtime-response", 1, "event", "done");
  wire_barrier (run.bin, path, "done");
  SimLog log (path);

  fail_unless_equals_str (string_at (log.events ("in", "session.update").at (0),
                              "session.output_modalities.0"),
      "text");
  fail_unless (log.count ("out", "response.output_text.delta") > 0,
      "the server did not answer in text");
  fail_unless_equals_int (log.count ("out", "response.output_audio.delta"), 0);
  fail_unless (log.count ("out", "error") == 0, "server errors:\n%s",
      server_errors (log).c_str ());

  const char * text = "Once upon a time there was a very long answer.";
  int finals = 0;
  for (const GstStructure * s : drained (run, "realtime-transcript"))
    if (str_field (s, "role") == "assistant" && bool_field (s, "final")) {
      finals++;
      fail_unless_equals_str (str_field (s, "text"), text);
    }
  fail_unless_equals_int (finals, 1);
  {
    std::lock_guard<std::mutex> g (run.text.lock);
    fail_unless_equals_int (run.text.buffers.size (), 1);
    fail_unless_equals_str (buffer_text (run.text.buffers[0].buffer), text);
  }
  std::lock_guard<std::mutex> g (run.audio.lock);
  fail_unless_equals_int (run.audio.buffers.size (), 0);
}
GST_END_TEST;

/* ---- function calls --------------------------------------------------------- */

static const char * kFunctionScenario = R"({"turns":[{"user":"What time is it?",
    "assistant":"It is noon.",
    "audio":{"type":"tone","frequency":550,"duration_ms":700},
    "function_call":{"name":"get_time","arguments":{"tz":"UTC"}}}]})";
static const char * kTools =
    R"([{"type":"function","name":"get_time","description":"The time now","parameters":{"type":"object","properties":{"tz":{"type":"string"}}}}])";
static const char * kFunctionOutput = R"({"time":"12:00"})";

/* Checks a function-call round trip in @log: the first response only
 * called get_time (@call_id); realtimebin then sent the function_call_output
 * item with @call_id and kFunctionOutput, and a response.create after the
 * first response's response.done; the second response speaks ("It is
 * noon.") and its audio came out on src_audio, its transcript on src_text;
 * no error event. */
static void
check_function_round_trip (Run & run, const SimLog & log,
    const std::string & call_id)
{
  std::vector<std::string> rids = log.response_ids ();
  fail_unless_equals_int (rids.size (), 2);
  fail_unless_equals_int (log.response_audio (rids[0]).size (), 0);

  gssize output = -1;
  for (gsize i = 0; i < log.lines.size (); i++) {
    const LogLine & l = log.lines[i];
    if (l.dir != "in" || l.type != "conversation.item.create")
      continue;
    JsonObject * item = json_object_get_object_member (l.event, "item");
    if (g_strcmp0 (json_object_get_string_member (item, "type"),
            "function_call_output") != 0)
      continue;
    fail_unless (output < 0, "two function_call_output items");
    output = (gssize) i;
    fail_unless_equals_str (json_object_get_string_member (item, "call_id"),
        call_id);
    fail_unless_equals_str (json_object_get_string_member (item, "output"),
        kFunctionOutput);
  }
  fail_unless (output >= 0, "no function_call_output item");
  gssize first_done = log.find ("out", "response.done");
  gssize create = log.find ("in", "response.create", output);
  fail_unless (create > output && create > first_done,
      "no response.create "
      "after the output and the first response.done");
  fail_unless_equals_int (log.count ("in", "response.create"), 2);
  fail_unless (log.count ("out", "error") == 0, "server errors:\n%s",
      server_errors (log).c_str ());
  fail_unless_equals_str (json_object_get_string_member (log.response_done (
                                                             rids[1]),
                              "status"),
      "completed");

  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 1);
  fail_unless (pcm_of_run (runs[0]) == log.response_audio (rids[1]),
      "src_audio is not the spoken answer");
  fail_unless_equals_int (runs[0].samples, 700 * 24);
  std::lock_guard<std::mutex> g (run.text.lock);
  fail_unless_equals_int (run.text.buffers.size (), 1);
  fail_unless_equals_str (buffer_text (run.text.buffers[0].buffer),
      "It is noon.");
}

/* The model calls get_time (realtime-function-call: call-id, name,
 * arguments as the server sent them); the application answers with the
 * send-function-result action signal, which leads to the spoken answer. */
GST_START_TEST (test_function_call_by_action_signal)
{
  auto sim = simulator ("function-action", kFunctionScenario);
  const std::string path = log_path ("function-action");
  Run run (pipeline_text (*sim, "appsrc name=src"));
  g_object_set (run.bin, "tools", kTools, nullptr);
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();
  g_signal_emit_by_name (run.bin, "send-text", "What time is it?");
  GstMessage * call =
      run.bus->wait (is_element_msg (run.bin, "realtime-function-call"), 5000);
  fail_unless (call != nullptr, "no realtime-function-call");
  const GstStructure * s = gst_message_get_structure (call);
  const std::string call_id = str_field (s, "call-id");
  fail_unless_equals_str (str_field (s, "name"), "get_time");
  JsonNodePtr args = parse_json_object (str_field (s, "arguments"));
  fail_unless_equals_str (json_string_at (args.get (), "tz"), "UTC");

  g_signal_emit_by_name (run.bin, "send-function-result", call_id.c_str (),
      kFunctionOutput);
  wait_element_count (run, "realtime-response", 2, "event", "done");
  wire_barrier (run.bin, path, "done");
  SimLog log (path);
  JsonObject * fc =
      log.events ("out", "response.function_call_arguments.done").at (0);
  fail_unless_equals_str (json_object_get_string_member (fc, "call_id"),
      call_id);
  check_function_round_trip (run, log, call_id);
}
GST_END_TEST;

struct CallSeen
{
  std::mutex lock;
  int calls = 0;
  std::string call_id, name, arguments;
};

static gchar *
on_function_call (GstElement *, const gchar * call_id, const gchar * name,
    const gchar * arguments, gpointer data)
{
  auto * seen = static_cast<CallSeen *> (data);
  std::lock_guard<std::mutex> g (seen->lock);
  seen->calls++;
  seen->call_id = call_id;
  seen->name = name;
  seen->arguments = arguments;
  return g_strdup (kFunctionOutput);
}

/* The same round trip answered from the function-call signal: the handler
 * is called once with the call's id, name and arguments, and the output it
 * returns is sent as the function_call_output, leading to the spoken
 * answer — the application emits nothing. */
GST_START_TEST (test_function_call_by_signal_return)
{
  auto sim = simulator ("function-signal", kFunctionScenario);
  const std::string path = log_path ("function-signal");
  Run run (pipeline_text (*sim, "appsrc name=src"));
  g_object_set (run.bin, "tools", kTools, nullptr);
  CallSeen seen;
  g_signal_connect (run.bin, "function-call", G_CALLBACK (on_function_call),
      &seen);
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();
  g_signal_emit_by_name (run.bin, "send-text", "What time is it?");
  wait_element_count (run, "realtime-response", 2, "event", "done");
  wire_barrier (run.bin, path, "done");
  SimLog log (path);

  JsonObject * fc =
      log.events ("out", "response.function_call_arguments.done").at (0);
  std::string call_id;
  {
    std::lock_guard<std::mutex> g (seen.lock);
    fail_unless_equals_int (seen.calls, 1);
    fail_unless_equals_str (seen.call_id,
        json_object_get_string_member (fc, "call_id"));
    fail_unless_equals_str (seen.name, "get_time");
    JsonNodePtr args = parse_json_object (seen.arguments);
    fail_unless_equals_str (json_string_at (args.get (), "tz"), "UTC");
    call_id = seen.call_id;
  }
  check_function_round_trip (run, log, call_id);
  /* Posted on the bus as well. */
  fail_unless_equals_int (drained (run, "realtime-function-call").size (), 1);
}
GST_END_TEST;

/* ---- the wire ------------------------------------------------------------- */

/* Every client event realtimebin sent in the tests above (the "in" frames
 * of their simulator logs) is valid under the strict GA client schema
 * (ajv): zero violations. */
GST_START_TEST (test_client_events_conform)
{
  check_client_events_conform (kLogDir, 17);
}
GST_END_TEST;

static Suite *
realtimebin_bargein_suite (void)
{
  Suite * s = suite_create ("realtimebin-bargein");
  clear_log_dir (kLogDir);

  TCase * tc = tcase_create ("bargein");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_live_bargein_truncates_where_heard);
  tcase_add_test (tc, test_live_bargein_before_first_sample);
  tcase_add_test (tc, test_live_bargein_before_any_audio);
  tcase_add_test (tc, test_live_speech_after_all_heard);
  tcase_add_test (tc, test_live_bargein_during_second_item);
  tcase_add_test (tc, test_live_bargein_during_first_of_two_items);
  tcase_add_test (tc, test_live_bargein_recording_kept);
  tcase_add_test (tc, test_live_bargein_flush_loses_recording);
  tcase_add_test (tc, test_nonlive_no_bargein_without_interrupt_response);
  tcase_add_test (tc, test_nonlive_speech_after_reply_end);
  tcase_add_test (tc, test_cancel_response_idle);
  tcase_add_test (tc, test_cancel_response_active);
  tcase_add_test (tc, test_cancel_response_after_done);
  tcase_add_test (tc, test_cancel_response_twice);
  tcase_add_test (tc, test_cancel_response_drops_late_audio);
  tcase_add_test (tc, test_push_to_talk_round_trip);
  tcase_add_test (tc, test_text_only_session);
  tcase_add_test (tc, test_function_call_by_action_signal);
  tcase_add_test (tc, test_function_call_by_signal_return);

  /* Last, on its own: reads the logs of everything above. */
  TCase * wire = tcase_create ("wire");
  suite_add_tcase (s, wire);
  tcase_set_timeout (wire, 60);
  tcase_add_test (wire, test_client_events_conform);
  return s;
}

GST_CHECK_MAIN (realtimebin_bargein);
