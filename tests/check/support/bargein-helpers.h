/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Helpers for realtimebin's barge-in tests (realtimebin-bargein.cpp), on
 * top of realtimebin-helpers.h:
 * - a live pipeline on a GstTestClock with a known latency downstream
 *   (live appsrc min-latency + realtimebin's latency + the sink's
 *   render-delay), so that "what the listener heard" is exact;
 * - a recorder of what a fakesink actually rendered (after its clock wait),
 *   as opposed to PadLog, which sees buffers when they reach the sink pad;
 * - readers for the simulator log's assistant items and client events.
 * Like realtimebin-helpers.h, everything looks at realtimebin from the
 * outside only. */
#pragma once

#include "realtimebin-helpers.h"

#include <gst/check/gsttestclock.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bargein {

using namespace rtb;

/* ---- the simulator's log ----------------------------------------------- */

/* Ids of the assistant output items of @response_id, in output order (the
 * server's response.output_item.added). */
static inline std::vector<std::string>
assistant_items (const SimLog & log, const std::string & response_id)
{
  std::vector<std::string> out;
  for (JsonObject * e : log.events ("out", "response.output_item.added")) {
    if (response_id != json_object_get_string_member (e, "response_id"))
      continue;
    out.push_back (
        json_object_get_string_member (json_object_get_object_member (e,
                                           "item"),
            "id"));
  }
  return out;
}

/* Milliseconds of audio the server sent for @response_id so far. */
static inline double
audio_sent_ms (const SimLog & log, const std::string & response_id)
{
  return log.response_audio (response_id).size () / 24.0;
}

/* Client events realtimebin sent of @type (all when null), from line
 * @from of the log on. */
static inline std::vector<JsonObject *>
sent_from (const SimLog & log, gsize from, const char * type = nullptr)
{
  std::vector<JsonObject *> out;
  for (gsize i = from; i < log.lines.size (); i++)
    if (log.lines[i].event && log.lines[i].dir == "in" &&
        (type == nullptr || log.lines[i].type == type))
      out.push_back (log.lines[i].event);
  return out;
}

/* The server's error events, as "code: message" lines (for failure
 * messages), empty when there were none. */
static inline std::string
server_errors (const SimLog & log)
{
  std::string out;
  for (JsonObject * e : log.events ("out", "error")) {
    JsonObject * err = json_object_get_object_member (e, "error");
    out += std::string (
               json_object_get_string_member_with_default (err, "code", "")) +
        ": " + json_object_get_string_member_with_default (err, "message", "") +
        "\n";
  }
  return out;
}

/* ---- JSON paths with array steps ------------------------------------------ */

/* The node at a dotted @path where a numeric step indexes an array
 * ("item.content.0.text"), or null when a step is missing. */
static inline JsonNode *
node_at (JsonNode * root, const char * path)
{
  g_auto (GStrv) steps = g_strsplit (path, ".", -1);
  JsonNode * node = root;
  for (int i = 0; steps[i] != nullptr && node != nullptr; i++) {
    if (JSON_NODE_HOLDS_ARRAY (node) && g_ascii_isdigit (steps[i][0])) {
      JsonArray * a = json_node_get_array (node);
      guint k = (guint) g_ascii_strtoull (steps[i], nullptr, 10);
      node = k < json_array_get_length (a) ? json_array_get_element (a, k)
                                           : nullptr;
    } else if (JSON_NODE_HOLDS_OBJECT (node)) {
      node = json_object_get_member (json_node_get_object (node), steps[i]);
    } else {
      node = nullptr;
    }
  }
  return node;
}

/* The string at @path of @event (fails if there is none). */
static inline std::string
string_at (JsonObject * event, const char * path)
{
  JsonNode * root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, event);
  JsonNode * n = node_at (root, path);
  bool ok = n != nullptr && JSON_NODE_HOLDS_VALUE (n) &&
      json_node_get_value_type (n) == G_TYPE_STRING;
  std::string v = ok ? json_node_get_string (n) : "";
  json_node_unref (root);
  fail_unless (ok, "no string at %s", path);
  return v;
}

/* The boolean at @path of @event (fails if there is none). */
static inline bool
bool_at (JsonObject * event, const char * path)
{
  JsonNode * root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, event);
  JsonNode * n = node_at (root, path);
  bool ok = n != nullptr && JSON_NODE_HOLDS_VALUE (n) &&
      json_node_get_value_type (n) == G_TYPE_BOOLEAN;
  bool v = ok && json_node_get_boolean (n);
  json_node_unref (root);
  fail_unless (ok, "no boolean at %s", path);
  return v;
}

/* ---- signals ------------------------------------------------------------ */

/* send-event, whose return type the contract does not fix. */
static inline void
emit_send_event (GstElement * bin, const char * json)
{
  guint id = g_signal_lookup ("send-event", G_OBJECT_TYPE (bin));
  fail_unless (id != 0, "no send-event signal");
  GSignalQuery q;
  g_signal_query (id, &q);
  if (q.return_type == G_TYPE_BOOLEAN) {
    gboolean ok = FALSE;
    g_signal_emit_by_name (bin, "send-event", json, &ok);
  } else {
    g_signal_emit_by_name (bin, "send-event", json);
  }
}

/* A barrier on the wire: sends a harmless client event (an empty
 * session.update with a recognisable event_id) and waits until the
 * simulator logged it. Events go out in order on one socket, so anything
 * realtimebin sent before it is in the log too, and anything absent was
 * not sent. Returns the marker's line index in the log. Not for a test
 * that then ends its input with EOS: realtimebin counts session.updated
 * answers to know when the server has seen all the input. */
static inline gssize
wire_barrier (GstElement * bin, const std::string & log_path, const char * tag)
{
  std::string id = std::string ("barrier_") + tag;
  std::string ev = R"({"type":"session.update","event_id":")" + id +
      R"(","session":{"type":"realtime"}})";
  emit_send_event (bin, ev.c_str ());
  gssize at = -1;
  fail_unless (wait_for_log (log_path,
                   [&] (const SimLog & l) {
                     for (gsize i = 0; i < l.lines.size (); i++)
                       if (l.lines[i].event && l.lines[i].dir == "in" &&
                           id ==
                               json_object_get_string_member_with_default (
                                   l.lines[i].event, "event_id", "")) {
                         at = (gssize) i;
                         return true;
                       }
                     return false;
                   }),
      "the barrier event %s did not reach the server", id.c_str ());
  return at;
}

/* ---- the bus ------------------------------------------------------------ */

/* Waits until realtimebin posted @n element messages @name (with
 * @field=@value when given). */
static inline void
wait_element_count (Run & run, const char * name, gsize n,
    const char * field = nullptr, const char * value = nullptr,
    guint timeout_ms = 5000)
{
  auto pred = is_element_msg (run.bin, name, field, value);
  gsize seen = 0;
  /* Called for each new message, once it is in run.bus->messages: recount
   * them all. */
  GstMessage * m = run.bus->wait (
      [&] (GstMessage *) {
        seen = 0;
        for (GstMessage * k : run.bus->messages)
          if (pred (k))
            seen++;
        return seen >= n;
      },
      timeout_ms);
  fail_unless (m != nullptr,
      "%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
      " %s messages%s%s%s within %u ms",
      seen, n, name, field ? " with " : "", field ? field : "",
      field ? "=…" : "", timeout_ms);
}

/* Element messages @name from realtimebin, counted after draining the bus. */
static inline std::vector<const GstStructure *>
drained (Run & run, const char * name)
{
  run.bus->drain ();
  return run.messages (name);
}

static inline std::string
joined (const std::vector<std::string> & v)
{
  std::string out;
  for (const std::string & s : v)
    out += s + "\n";
  return out;
}

/* ---- flush events at a pad ------------------------------------------------ */

/* Records the FLUSH_START / FLUSH_STOP events reaching a pad, in order
 * ("flush-start", "flush-stop", or "flush-stop reset-time" when the stop
 * resets running time). The probe goes away with the object, so it may be
 * destroyed before the pipeline. */
class FlushProbe
{
public:
  ~FlushProbe ()
  {
    if (pad_) {
      gst_pad_remove_probe (pad_, id_);
      gst_object_unref (pad_);
    }
  }

  void attach (GstElement * element, const char * pad_name = "sink")
  {
    pad_ = gst_element_get_static_pad (element, pad_name);
    fail_unless (pad_ != nullptr, "no pad %s", pad_name);
    id_ = gst_pad_add_probe (pad_,
        (GstPadProbeType) (GST_PAD_PROBE_TYPE_EVENT_FLUSH |
            GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
        probe, this, nullptr);
  }

  std::vector<std::string> get ()
  {
    std::lock_guard<std::mutex> g (lock_);
    return events_;
  }

  gsize count (const char * prefix)
  {
    std::lock_guard<std::mutex> g (lock_);
    return std::count_if (events_.begin (), events_.end (),
        [prefix] (const std::string & e) {
          return g_str_has_prefix (e.c_str (), prefix);
        });
  }

  std::string text () { return joined (get ()); }

private:
  static GstPadProbeReturn probe (GstPad *, GstPadProbeInfo * info,
      gpointer data)
  {
    auto * self = static_cast<FlushProbe *> (data);
    GstEvent * e = GST_PAD_PROBE_INFO_EVENT (info);
    if (e == nullptr)
      return GST_PAD_PROBE_OK;
    std::lock_guard<std::mutex> g (self->lock_);
    if (GST_EVENT_TYPE (e) == GST_EVENT_FLUSH_START) {
      self->events_.push_back ("flush-start");
    } else if (GST_EVENT_TYPE (e) == GST_EVENT_FLUSH_STOP) {
      gboolean reset = FALSE;
      gst_event_parse_flush_stop (e, &reset);
      self->events_.push_back (reset ? "flush-stop reset-time" : "flush-stop");
    }
    return GST_PAD_PROBE_OK;
  }

  std::mutex lock_;
  std::vector<std::string> events_;
  GstPad * pad_ = nullptr;
  gulong id_ = 0;
};

/* ---- what a sink rendered ------------------------------------------------- */

/* Buffers a fakesink rendered: its "handoff" signal, emitted after the
 * sink's clock wait, i.e. when the sample would go to the device. A buffer
 * dropped by a flush while the sink waited for its time never shows up
 * here. */
class Rendered
{
public:
  struct Buf
  {
    GstClockTime pts, duration;
    gsize samples;
  };

  void attach (GstElement * fakesink)
  {
    g_object_set (fakesink, "signal-handoffs", TRUE, nullptr);
    g_signal_connect (fakesink, "handoff", G_CALLBACK (on_handoff), this);
  }

  std::vector<Buf> get ()
  {
    std::lock_guard<std::mutex> g (lock_);
    return bufs_;
  }

  /* End (PTS + duration) of the last buffer rendered; 0 when none. */
  GstClockTime end ()
  {
    std::lock_guard<std::mutex> g (lock_);
    GstClockTime e = 0;
    for (const Buf & b : bufs_)
      e = MAX (e, b.pts + b.duration);
    return e;
  }

  gsize samples ()
  {
    std::lock_guard<std::mutex> g (lock_);
    gsize n = 0;
    for (const Buf & b : bufs_)
      n += b.samples;
    return n;
  }

private:
  static void on_handoff (GstElement *, GstBuffer * b, GstPad *, gpointer data)
  {
    auto * self = static_cast<Rendered *> (data);
    std::lock_guard<std::mutex> g (self->lock_);
    /* The segment starts at 0 at rate 1: PTS is running time. */
    self->bufs_.push_back ({GST_BUFFER_PTS (b), GST_BUFFER_DURATION (b),
        gst_buffer_get_size (b) / 2});
  }

  std::mutex lock_;
  std::vector<Buf> bufs_;
};

/* ---- a live pipeline on a test clock --------------------------------------- */

/* Known latencies: the live appsrc reports 20 ms, realtimebin's latency
 * property is left at its documented default of 100 ms, and the audio sink
 * has a render-delay of 50 ms (like an audio device's) and no processing
 * deadline. The pipeline's
 * latency — what the sinks send upstream in the LATENCY event — is their
 * sum: a sample stamped T is heard at running time T + 170 ms. */
static const GstClockTime kUpstreamLatency = 20 * GST_MSECOND;
static const GstClockTime kBinLatency = 100 * GST_MSECOND;
static const GstClockTime kRenderDelay = 50 * GST_MSECOND;
static const GstClockTime kPipelineLatency =
    kUpstreamLatency + kBinLatency + kRenderDelay;

/* appsrc (live, S16LE 24 kHz mono) ! realtimebin ! capsfilter ! fakesink
 * sync=true render-delay=50ms; src_text to a fakesink that does not sync.
 * The pipeline runs on a GstTestClock that only moves when the test says,
 * so running time "now" is whatever the test set: the instant realtimebin
 * handles a server event is known exactly. */
class LiveRig
{
public:
  /* @record_to: src_audio goes to a filesink writing this file instead of
   * the fakesink (same sync and render-delay; `rendered` then stays
   * empty). */
  LiveRig (Simulator & sim, const std::string & rt_props = "",
      const std::string & record_to = "")
  {
    std::string sink = record_to.empty ()
        ? std::string ("fakesink")
        : "filesink location=\"" + record_to + "\"";
    std::string launch =
        "appsrc name=src ! realtimebin name=rt url=" + sim.url () +
        " api-key=" + kTestKey + " " + rt_props +
        " rt.src_audio ! capsfilter caps=\"audio/x-raw,format=S16LE,"
        "rate=24000,channels=1,layout=interleaved\" ! " +
        sink +
        " name=asink "
        "sync=true async=false processing-deadline=0 render-delay=" +
        std::to_string (kRenderDelay) +
        " rt.src_text ! fakesink name=tsink sync=false async=false";
    run = std::make_unique<Run> (launch);
    run->set_input_caps ("audio/x-raw,format=S16LE,rate=24000,channels=1,"
                         "layout=interleaved");
    g_object_set (run->src, "is-live", TRUE, "min-latency",
        (gint64) kUpstreamLatency, "max-latency", (gint64) kUpstreamLatency,
        nullptr);
    if (record_to.empty ()) {
      GstElement * asink =
          gst_bin_get_by_name (GST_BIN (run->pipeline), "asink");
      rendered.attach (asink);
      gst_object_unref (asink);
    }

    /* The LATENCY event the sinks send upstream, as it reaches
     * realtimebin's src_audio. */
    GstPad * pad = gst_element_get_static_pad (run->bin, "src_audio");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, on_upstream,
        this, nullptr);
    gst_object_unref (pad);

    clock = gst_test_clock_new ();
    gst_pipeline_use_clock (GST_PIPELINE (run->pipeline), clock);
    /* A GstTestClock releases a wait only when told to, even one whose
     * time has passed: this thread releases every wait that is due, so
     * the sinks sync to the test's time as they would to a real clock. */
    ticker_ = std::thread ([this] () {
      while (!stop_ticker_) {
        while (GstClockID id = gst_test_clock_process_next_clock_id (
                   GST_TEST_CLOCK (clock)))
          gst_clock_id_unref (id);
        g_usleep (500);
      }
    });
  }

  ~LiveRig ()
  {
    run.reset ();
    stop_ticker_ = true;
    ticker_.join ();
    gst_object_unref (clock);
  }

  /* PLAYING at running time 0, connected. */
  void start ()
  {
    run->play ();
    GstState state;
    fail_unless_equals_int (gst_element_get_state (run->pipeline, &state,
                                nullptr, 5 * GST_SECOND),
        GST_STATE_CHANGE_SUCCESS);
    fail_unless_equals_int (state, GST_STATE_PLAYING);
    base = gst_element_get_base_time (run->pipeline);
    run->wait_connected ();
  }

  /* Moves the pipeline clock to running time @ms (forward only). */
  void set_time_ms (double ms)
  {
    gst_test_clock_set_time (GST_TEST_CLOCK (clock), base + ms_to_ns (ms));
  }

  /* Pushes @pcm as captured from running time input_end on. */
  void push (const Pcm & pcm) { input_end = run->push (pcm, input_end); }

  /* Silence from input_end up to running time @ms. */
  void push_silence_until (double ms)
  {
    GstClockTime to = ms_to_ns (ms);
    if (to > input_end)
      push (realtime::sim::make_silence (
          (guint) ((to - input_end) / GST_MSECOND)));
  }

  GstClockTime latency_event ()
  {
    std::lock_guard<std::mutex> g (lock_);
    return latency_;
  }

  /* The input of first_turn(), without waiting for the reply. */
  void speak_first_turn (double reply_at_ms = 2500)
  {
    set_time_ms (reply_at_ms);
    push (to_s16 (render_signal (24000, 1, 1500, {{500, 1500}})));
    push_silence_until (reply_at_ms);
  }

  /* The user's first turn: 1 s of speech from 500 ms, then silence up to
   * @reply_at_ms, with the clock at @reply_at_ms — so the reply, which the
   * server starts once its VAD has seen 500 ms of silence (at 2000 ms of
   * input), arrives at running time @reply_at_ms. Waits until the reply's
   * first buffer reached the sink and returns its PTS. */
  GstClockTime first_turn (double reply_at_ms = 2500)
  {
    speak_first_turn (reply_at_ms);
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    for (;;) {
      {
        std::lock_guard<std::mutex> g (run->audio.lock);
        if (!run->audio.buffers.empty ())
          return run->audio.buffers[0].running_time;
      }
      fail_unless (g_get_monotonic_time () < deadline,
          "no reply reached src_audio's sink within 5 s");
      g_usleep (5000);
    }
  }

  std::unique_ptr<Run> run;
  GstClock * clock = nullptr;
  GstClockTime base = 0;
  GstClockTime input_end = 0;
  Rendered rendered;

private:
  static GstPadProbeReturn on_upstream (GstPad *, GstPadProbeInfo * info,
      gpointer data)
  {
    auto * self = static_cast<LiveRig *> (data);
    GstEvent * e = GST_PAD_PROBE_INFO_EVENT (info);
    if (GST_EVENT_TYPE (e) == GST_EVENT_LATENCY) {
      GstClockTime l;
      gst_event_parse_latency (e, &l);
      std::lock_guard<std::mutex> g (self->lock_);
      self->latency_ = l;
    }
    return GST_PAD_PROBE_OK;
  }

  std::mutex lock_;
  GstClockTime latency_ = GST_CLOCK_TIME_NONE;
  std::atomic<bool> stop_ticker_{false};
  std::thread ticker_;
};

/* The id of the first response the server created, once it has sent at
 * least @ms of its audio. */
static inline std::string
wait_audio_sent (const std::string & path, double ms, guint timeout_ms = 5000)
{
  std::string rid;
  double sent = 0;
  fail_unless (wait_for_log (
                   path,
                   [&] (const SimLog & l) {
                     std::vector<std::string> r = l.response_ids ();
                     if (r.empty ())
                       return false;
                     rid = r[0];
                     sent = audio_sent_ms (l, rid);
                     return sent >= ms;
                   },
                   timeout_ms),
      "the server sent %.0f ms of the reply, not %.0f, "
      "within %u ms",
      sent, ms, timeout_ms);
  return rid;
}

/* Waits until the sink rendered up to running time @ms at least. */
static inline void
wait_rendered_to (LiveRig & rig, double ms)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (rig.rendered.end () < ms_to_ns (ms)) {
    fail_unless (g_get_monotonic_time () < deadline,
        "the sink rendered up "
        "to %.1f ms, not %.1f ms",
        ns_to_ms (rig.rendered.end ()), ms);
    g_usleep (2000);
  }
}

} // namespace bargein
