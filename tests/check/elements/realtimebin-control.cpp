/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtimebin's acceptance tests, second part: what applications control
 * and what the session tests do not cover — live input timing and LATENCY,
 * GAP events, function calls, the action signals, text-roles, output
 * formats, and server audio cut in awkward places (odd-length deltas,
 * several audio items in one response). As in realtimebin-session, the
 * element is only looked at from the outside (pads, properties, signals,
 * bus, and the wire through the simulator's frame log). Every simulator
 * logs to SIM_LOG_DIR/realtimebin-control; the last test validates every
 * client event realtimebin sent in this suite against the strict GA schema.
 *
 * Inputs are non-live and the simulator answers at once (pace 0) unless a
 * test is about live timing or needs a response in flight. */
#include "realtimebin-helpers.h"

#include "gstrealtimelatency.h"

#include <algorithm>
#include <cstring>

using namespace rtb;

static const std::string kLogDir =
    std::string (SIM_LOG_DIR) + "/realtimebin-control";

/* Two scripted turns; the last repeats. */
static const char * kScenario = R"({"turns":[
  {"user":"What time is it?","assistant":"It is noon in Paris.",
   "audio":{"type":"tone","frequency":440,"duration_ms":1200}},
  {"user":"And in Tokyo?","assistant":"Seven in the evening.",
   "audio":{"type":"tone","frequency":660,"duration_ms":800}}]})";

static const char * kS16Mono24k =
    "audio/x-raw,format=S16LE,rate=24000,channels=1,layout=interleaved";

/* One user turn for the default VAD settings (prefix padding 300 ms,
 * silence 500 ms): speech-like bursts from 1.0 s to 2.5 s with 50 ms pauses
 * (one turn), 4 s in all. The turn ends at 3.0 s of input. */
static const std::vector<Span> kBursts = {
    {1000, 1250},
    {1300, 1550},
    {1600, 1850},
    {1900, 2150},
    {2200, 2500},
};

static std::string
log_path (const char * name)
{
  return kLogDir + "/" + name + ".jsonl";
}

static std::unique_ptr<Simulator>
simulator (const char * name, const char * scenario = kScenario,
    double pace = 0)
{
  return start_simulator (sim_options (kLogDir, name, scenario, pace));
}

/* Emits a signal of realtimebin whose return type may be void or
 * gboolean, as send-event's is not fixed by the contract. */
static void
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

/* Index in @log of the @n-th (from 0) event of @type in @dir, or -1. */
static gssize
nth_index (const SimLog & log, const char * dir, const char * type, gsize n)
{
  gssize at = -1;
  for (gsize k = 0; k <= n; k++) {
    at = log.find (dir, type, at + 1);
    if (at < 0)
      return -1;
  }
  return at;
}

/* Waits until realtimebin posted @n realtime-response done messages. */
static void
wait_responses_done (Run & run, gsize n, guint timeout_ms = 5000)
{
  gsize seen = 0;
  fail_unless (run.bus->wait (
                   [&] (GstMessage * m) {
                     if (BusLog::is_element (m, run.bin, "realtime-response") &&
                         str_field (gst_message_get_structure (m), "event") ==
                             "done")
                       seen++;
                     return seen >= n;
                   },
                   timeout_ms) != nullptr,
      "%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
      " realtime-response done within %u ms",
      seen, n, timeout_ms);
}

/* The pipeline's state is PLAYING (its base time is set). */
static void
wait_playing (Run & run)
{
  GstState state;
  fail_unless_equals_int (gst_element_get_state (run.pipeline, &state, nullptr,
                              5 * GST_SECOND),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (state, GST_STATE_PLAYING);
}

/* ---- src_audio as a timeline --------------------------------------------- */

/* What reached a sink, in arrival order, as intervals of running time. */
struct Piece
{
  bool gap;
  GstClockTime start, end;
  gsize index; /* into PadLog::buffers or ::gaps */
};

static std::vector<Piece>
timeline_of (PadLog & log)
{
  std::lock_guard<std::mutex> g (log.lock);
  std::vector<Piece> out;
  gsize b = 0, gp = 0;
  for (const std::string & what : log.sequence) {
    if (what == "buffer") {
      const RecBuffer & r = log.buffers[b];
      fail_unless (GST_CLOCK_TIME_IS_VALID (r.running_time));
      fail_unless (GST_BUFFER_DURATION_IS_VALID (r.buffer));
      out.push_back ({false, r.running_time,
          r.running_time + GST_BUFFER_DURATION (r.buffer), b});
      b++;
    } else if (what == "gap") {
      const RecGap & r = log.gaps[gp];
      fail_unless (GST_CLOCK_TIME_IS_VALID (r.running_time),
          "GAP without a timestamp");
      fail_unless (GST_CLOCK_TIME_IS_VALID (r.duration),
          "GAP without a duration");
      out.push_back ({true, r.running_time, r.running_time + r.duration, gp});
      gp++;
    }
  }
  return out;
}

/* Nothing on the timeline starts before the previous piece ended: no GAP
 * overlaps audio, no audio overlaps a GAP or other audio. */
static void
check_no_overlap (const std::vector<Piece> & t, const char * what)
{
  for (gsize i = 1; i < t.size (); i++)
    fail_unless (t[i].start + 1 >= t[i - 1].end,
        "%s: %s %" G_GSIZE_FORMAT " [%" GST_TIME_FORMAT ", %" GST_TIME_FORMAT
        ") overlaps the %s "
        "before it [%" GST_TIME_FORMAT ", %" GST_TIME_FORMAT ") by %.3f ms",
        what, t[i].gap ? "GAP" : "buffer", t[i].index,
        GST_TIME_ARGS (t[i].start), GST_TIME_ARGS (t[i].end),
        t[i - 1].gap ? "GAP" : "buffer", GST_TIME_ARGS (t[i - 1].start),
        GST_TIME_ARGS (t[i - 1].end), ns_to_ms (t[i - 1].end - t[i].start));
}

/* The pieces up to @until (exclusive index) cover [0, end of the last one)
 * without holes: each starts where the previous ended (±1 ns). */
static void
check_seamless (const std::vector<Piece> & t, gsize until, const char * what)
{
  GstClockTime end = 0;
  for (gsize i = 0; i < until && i < t.size (); i++) {
    gint64 hole = (gint64) t[i].start - (gint64) end;
    fail_unless (ABS (hole) <= 1,
        "%s: %s %" G_GSIZE_FORMAT " starts at %" GST_TIME_FORMAT
        ", the timeline so far ends at %" GST_TIME_FORMAT,
        what, t[i].gap ? "GAP" : "buffer", t[i].index,
        GST_TIME_ARGS (t[i].start), GST_TIME_ARGS (end));
    end = t[i].end;
  }
}

/* Index in @t of the first buffer piece, or t.size (). */
static gsize
first_buffer_piece (const std::vector<Piece> & t)
{
  for (gsize i = 0; i < t.size (); i++)
    if (!t[i].gap)
      return i;
  return t.size ();
}

/* ---- live input ------------------------------------------------------------ */

/* Pushes @pcm (S16LE 24 kHz mono) through appsrc "src" as a live capture
 * does: from the pipeline's running time now, in buffers of @chunk samples
 * stamped with the running time of their first sample, each pushed once
 * the clock has passed its last sample. Returns the running time after the
 * last sample. */
static GstClockTime
push_live (Run & run, const Pcm & pcm, gsize chunk = 480)
{
  GstClock * clock = gst_pipeline_get_clock (GST_PIPELINE (run.pipeline));
  fail_unless (clock != nullptr);
  GstClockTime base = gst_element_get_base_time (run.pipeline);
  GstClockTime t0 = gst_clock_get_time (clock) - base;
  for (gsize i = 0; i < pcm.size (); i += chunk) {
    gsize n = MIN (chunk, pcm.size () - i);
    GstClockTime start = t0 + gst_util_uint64_scale_int (i, GST_SECOND, 24000);
    GstClockTime end =
        t0 + gst_util_uint64_scale_int (i + n, GST_SECOND, 24000);
    GstClockID id = gst_clock_new_single_shot_id (clock, base + end);
    gst_clock_id_wait (id, nullptr);
    gst_clock_id_unref (id);
    GstBuffer * b = gst_buffer_new_memdup (pcm.data () + i, n * 2);
    GST_BUFFER_PTS (b) = start;
    GST_BUFFER_DURATION (b) = end - start;
    GstFlowReturn ret = GST_FLOW_OK;
    g_signal_emit_by_name (run.src, "push-buffer", b, &ret);
    gst_buffer_unref (b);
    fail_unless_equals_int (ret, GST_FLOW_OK);
  }
  gst_object_unref (clock);
  return t0 + gst_util_uint64_scale_int (pcm.size (), GST_SECOND, 24000);
}

/* A live appsrc (format time, stamps set by push_live) with a known
 * latency of 20 ms. */
static const GstClockTime kUpstreamLatency = 20 * GST_MSECOND;

static void
make_live (Run & run)
{
  g_object_set (run.src, "is-live", TRUE, "min-latency",
      (gint64) kUpstreamLatency, "max-latency", (gint64) kUpstreamLatency,
      nullptr);
}

struct Latency
{
  gboolean answered = FALSE, live = FALSE;
  GstClockTime min = GST_CLOCK_TIME_NONE, max = GST_CLOCK_TIME_NONE;
};

/* The LATENCY query on realtimebin's @pad, as downstream asks it. */
static Latency
query_latency (Run & run, const char * pad_name)
{
  GstPad * pad = gst_element_get_static_pad (run.bin, pad_name);
  fail_unless (pad != nullptr);
  GstQuery * q = gst_query_new_latency ();
  Latency l;
  l.answered = gst_pad_query (pad, q);
  if (l.answered)
    gst_query_parse_latency (q, &l.live, &l.min, &l.max);
  gst_query_unref (q);
  gst_object_unref (pad);
  return l;
}

static void
check_live_latency (Run & run, const char * pad, GstClockTime ours,
    const char * when)
{
  Latency l = query_latency (run, pad);
  fail_unless (l.answered, "%s: %s does not answer LATENCY", when, pad);
  fail_unless (l.live,
      "%s: %s answers LATENCY live=FALSE with a live "
      "input (min %" GST_TIME_FORMAT ")",
      when, pad, GST_TIME_ARGS (l.min));
  fail_unless (l.min == kUpstreamLatency + ours,
      "%s: %s LATENCY min is %" GST_TIME_FORMAT
      ", not upstream %" GST_TIME_FORMAT " + latency %" GST_TIME_FORMAT,
      when, pad, GST_TIME_ARGS (l.min), GST_TIME_ARGS (kUpstreamLatency),
      GST_TIME_ARGS (ours));
  fail_unless (!GST_CLOCK_TIME_IS_VALID (l.max) || l.max >= l.min,
      "%s: %s LATENCY max %" GST_TIME_FORMAT " below min", when, pad,
      GST_TIME_ARGS (l.max));
}

/* One turn of 600 ms, answered at twice real time. */
static const char * kHelloScenario = R"({"turns":[{"user":"Hi",
    "assistant":"Hello.",
    "audio":{"type":"tone","frequency":440,"duration_ms":600}}]})";

/* Live appsrc input with a short server-VAD silence, in NULL. */
static std::unique_ptr<Run>
live_run (Simulator & sim)
{
  auto run = std::make_unique<Run> (pipeline_text (sim, "appsrc name=src",
      "vad-prefix-padding-ms=0 vad-silence-duration-ms=200"));
  run->set_input_caps (kS16Mono24k);
  make_live (*run);
  return run;
}

/* The same, PLAYING. */
static std::unique_ptr<Run>
play_live (Simulator & sim)
{
  auto run = live_run (sim);
  run->play ();
  wait_playing (*run);
  return run;
}

/* Live input (docs/realtimebin.md, "Timing"), on the system clock with the
 * simulator at twice real time so that the reply's deltas stay ahead of
 * playback:
 * - once the input flows, src_audio answers LATENCY live=TRUE with min =
 *   upstream's min + the latency property (100 ms by default; 250 ms once
 *   changed);
 * - the reply's first sample is stamped with the running time at which it
 *   reached downstream (within 50 ms), never before the end of the user's
 *   turn (speech-stopped's running time); the reply is the server's audio
 *   with contiguous sample-accurate timestamps;
 * - while no assistant audio flows, src_audio gets GAP events: seamless
 *   from 0 to the reply's first sample, again after the reply while the
 *   pipeline idles, and none overlapping the audio. */
GST_START_TEST (test_live_input_timing)
{
  auto sim = simulator ("live", kHelloScenario, 2.0);
  /* The plugin's pools: the test's own copy of the code has its own. */
  realtime::LatencyHistogram * inputs =
      realtime::LatencyHistogram::plugin_process_input ();
  realtime::LatencyHistogram * outputs =
      realtime::LatencyHistogram::plugin_process_output ();
  fail_unless (inputs != nullptr && outputs != nullptr);
  guint64 inputs_before = inputs->count ();
  guint64 outputs_before = outputs->count ();
  auto run_owner = play_live (*sim);
  Run & run = *run_owner;
  run.wait_connected ();

  /* 1.2 s of live input: speech from 200 to 700 ms, so the turn ends at
   * 900 ms of input (200 ms of silence). */
  Pcm input = to_s16 (render_signal (24000, 1, 1200, {{200, 700}}));
  push_live (run, input);
  check_live_latency (run, "src_audio", 100 * GST_MSECOND,
      "with the input flowing");
  wait_responses_done (run, 1);
  /* Idle after the reply: GAPs go on. */
  push_live (run, realtime::sim::make_silence (400));

  g_object_set (run.bin, "latency", 250u, nullptr);
  check_live_latency (run, "src_audio", 250 * GST_MSECOND, "after latency=250");
  run.end_of_stream ();
  run.wait_eos ();
  sim->stop ();
  SimLog log (log_path ("live"));

  /* The turn ended where the input says. */
  std::vector<const GstStructure *> vad = run.messages ("realtime-vad");
  fail_unless_equals_int (vad.size (), 2);
  GstClockTime turn_end = u64_field (vad[1], "running-time");
  fail_unless (GST_CLOCK_TIME_IS_VALID (turn_end));

  std::vector<std::string> rids = log.response_ids ();
  fail_unless_equals_int (rids.size (), 1);
  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 1);
  fail_unless (pcm_of_run (runs[0]) == log.response_audio (rids[0]),
      "src_audio is not the server's audio");
  check_run_timestamps (runs[0], 24000, 2);

  const RecBuffer & first = runs[0].buffers[0];
  fail_unless (GST_CLOCK_TIME_IS_VALID (first.arrival));
  /* At arrival, not arrival + latency: the latency goes into the LATENCY
   * answer, and sinks add it when they render. */
  check_time_near (first.running_time, ns_to_ms (first.arrival), 50,
      "live: the reply's first PTS vs the running time it reached the sink");
  fail_unless (first.running_time >= turn_end,
      "the reply starts at %" GST_TIME_FORMAT
      ", before the user's turn ended (%" GST_TIME_FORMAT ")",
      GST_TIME_ARGS (first.running_time), GST_TIME_ARGS (turn_end));

  std::vector<Piece> t = timeline_of (run.audio);
  check_no_overlap (t, "live src_audio");
  gsize fb = first_buffer_piece (t);
  fail_unless (fb > 0 && fb < t.size (), "no GAP before the reply");
  check_seamless (t, fb + 1, "live src_audio up to the reply");
  GstClockTime reply_end = t[fb].start +
      gst_util_uint64_scale_int (runs[0].samples, GST_SECOND, 24000);
  bool gap_after = false;
  for (const Piece & p : t)
    gap_after = gap_after || (p.gap && p.start >= reply_end);
  fail_unless (gap_after, "no idle GAP after the reply");

  /* What the element adds to the audio's way is measured both ways (no
   * bound is asserted: that is the benchmark's job): appends of the live
   * input sent to the open session, and every buffer of the reply. */
  GstStructure * stats = nullptr;
  g_object_get (run.bin, "stats", &stats, nullptr);
  guint64 in50 = u64_field (stats, "input-latency-p50-us");
  guint64 in99 = u64_field (stats, "input-latency-p99-us");
  fail_unless (in50 > 0 && in50 <= in99,
      "input latency p50 %" G_GUINT64_FORMAT " µs, p99 %" G_GUINT64_FORMAT
      " µs",
      in50, in99);
  fail_unless (u64_field (stats, "output-latency-p50-us") <=
      u64_field (stats, "output-latency-p99-us"));
  gst_structure_free (stats);
  fail_unless (inputs->count () > inputs_before);
  fail_unless_equals_uint64 (outputs->count () - outputs_before,
      runs[0].buffers.size ());
}
GST_END_TEST;

/* first-audio-latency with live input, against what the test controls:
 * the server's VAD waits 200 ms of silence (vad-silence-duration-ms) and
 * the simulator holds the reply's first delta back by a scripted 600 ms
 * (first_delta_delay_ms, at pace 1). The latency runs from the end of the
 * speech (speech-stopped's running time less the silence) to the reply's
 * first sample on the pipeline clock, so:
 * - it is exactly what src_audio shows: the first buffer's running time
 *   less the end of the speech;
 * - it is at least silence + delay: the server cannot see the silence
 *   before the clock has passed it (the input is live), and then waits
 *   the delay before its first delta;
 * - it is at most that plus kOverheadMs: one input chunk (50 ms), the
 *   wire both ways and the scheduling of three threads on a loaded
 *   machine. */
GST_START_TEST (test_live_first_audio_latency)
{
  /* Measured over silence + delay: 2-6 ms on a 2-core machine at a load
   * of 14; the bound leaves room for a scheduling hiccup or two. */
  const GstClockTime kSilence = 200 * GST_MSECOND;
  const GstClockTime kDelay = 600 * GST_MSECOND;
  const GstClockTime kOverhead = 150 * GST_MSECOND;
  const char * scenario = R"({"turns":[{"user":"Hi","assistant":"Hello.",
      "audio":{"type":"tone","frequency":440,"duration_ms":300},
      "first_delta_delay_ms":600}]})";
  auto sim = simulator ("live-first-audio", scenario, 1.0);
  auto run_owner = play_live (*sim);
  Run & run = *run_owner;
  run.wait_connected ();
  /* Speech from 200 to 700 ms; the input goes on (live) until the reply
   * has come. */
  push_live (run, to_s16 (render_signal (24000, 1, 1200, {{200, 700}})));
  for (int i = 0; i < 40 && run.messages ("realtime-response").size () < 2;
       i++) {
    push_live (run, realtime::sim::make_silence (100));
    run.bus->drain ();
  }
  wait_responses_done (run, 1);
  run.end_of_stream ();
  run.wait_eos ();

  std::vector<const GstStructure *> vad = run.messages ("realtime-vad");
  fail_unless_equals_int (vad.size (), 2);
  fail_unless_equals_str (str_field (vad[1], "event"), "speech-stopped");
  const GstClockTime turn_end = u64_field (vad[1], "running-time");
  fail_unless (GST_CLOCK_TIME_IS_VALID (turn_end) && turn_end >= kSilence);
  const GstClockTime speech_end = turn_end - kSilence;

  const GstStructure * done = nullptr;
  for (const GstStructure * s : run.messages ("realtime-response"))
    if (str_field (s, "event") == "done")
      done = s;
  fail_unless (done != nullptr);
  const GstClockTime latency = u64_field (done, "first-audio-latency");
  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 1);
  /* (Not named `first`: fail_unless_equals_uint64 has a local of that
   * name.) */
  const GstClockTime first_sample = runs[0].buffers[0].running_time;
  GST_INFO ("first-audio-latency %" GST_TIME_FORMAT ", over silence + delay "
            "by %.1f ms",
      GST_TIME_ARGS (latency),
      ns_to_ms (latency) - ns_to_ms (kSilence + kDelay));
  fail_unless (
      GST_CLOCK_TIME_IS_VALID (first_sample) && first_sample >= speech_end);
  fail_unless_equals_uint64 (latency, first_sample - speech_end);
  fail_unless (latency >= kSilence + kDelay,
      "first-audio-latency %" GST_TIME_FORMAT " is less than the silence + "
      "the scripted delay",
      GST_TIME_ARGS (latency));
  fail_unless (latency <= kSilence + kDelay + kOverhead,
      "first-audio-latency %" GST_TIME_FORMAT
      " is over silence + delay + %" GST_TIME_FORMAT,
      GST_TIME_ARGS (latency), GST_TIME_ARGS (kOverhead));
}
GST_END_TEST;

/* A live pipeline computes its latency when it goes to PLAYING, before any
 * data flows: src_audio (and src_text) must already answer LATENCY
 * live=TRUE with min = upstream's min (20 ms) + latency (100 ms) then,
 * or the sinks render the assistant without realtimebin's latency. */
GST_START_TEST (test_live_latency_before_input)
{
  auto sim = simulator ("live-latency");
  Run run (pipeline_text (*sim, "appsrc name=src"));
  run.set_input_caps (kS16Mono24k);
  make_live (run);
  run.play ();
  wait_playing (run);
  run.wait_connected ();
  check_live_latency (run, "src_audio", 100 * GST_MSECOND,
      "right after PLAYING, before any input");
  check_live_latency (run, "src_text", 100 * GST_MSECOND,
      "right after PLAYING, before any input");
}
GST_END_TEST;

/* Live input and a server whose audio stalls mid-response (a network
 * hiccup: 400 ms with nothing, then the rest at once). Whatever the element
 * does with the hole — audio later than planned, a GAP, a new DISCONT run —
 * nothing on src_audio may overlap: no GAP covering time that audio is
 * then stamped in, no audio overlapping audio. */
GST_START_TEST (test_live_server_stall_no_overlap)
{
  const char * scenario = R"({"turns":[{"user":"Hi","assistant":"Hello.",
      "audio":{"type":"tone","frequency":440,"duration_ms":1000}}]})";
  SimulatorOptions o = sim_options (kLogDir, "live-stall", scenario, 1.0);
  /* With send-text below the server sends session.created,
   * session.updated, item added/done, response.created, rate_limits,
   * output_item.added, item.added, content_part.added, the first delta
   * (10), the transcript's only word (11) and the second delta (12): the
   * stall starts 200 ms into the reply. */
  o.faults.stall_after_events = 12;
  o.faults.stall_ms = 400;
  auto sim = start_simulator (o);
  /* Silence only: no VAD turn, no commit at EOS; send-text asks. */
  Run run (pipeline_text (*sim, "appsrc name=src"));
  run.set_input_caps (kS16Mono24k);
  make_live (run);
  run.play ();
  wait_playing (run);
  run.wait_connected ();
  push_live (run, realtime::sim::make_silence (200));
  g_signal_emit_by_name (run.bin, "send-text", "Hi");
  push_live (run, realtime::sim::make_silence (1900));
  wait_responses_done (run, 1);
  run.end_of_stream ();
  run.wait_eos ();
  sim->stop ();

  SimLog log (log_path ("live-stall"));
  bool stalled = false;
  for (const LogLine & l : log.lines)
    stalled = stalled || l.note == "stall";
  fail_unless (stalled, "the simulator did not stall");
  std::vector<std::string> rids = log.response_ids ();
  fail_unless_equals_int (rids.size (), 1);
  /* All of the reply came out. */
  Pcm out;
  for (const AudioRun & r : split_at_discont (run.audio)) {
    check_run_timestamps (r, 24000, 2);
    Pcm p = pcm_of_run (r);
    out.insert (out.end (), p.begin (), p.end ());
  }
  fail_unless (out == log.response_audio (rids[0]));
  check_no_overlap (timeline_of (run.audio), "src_audio around a stall");
}
GST_END_TEST;

/* ---- idle GAPs start promptly ---------------------------------------------- */

/* The pipeline clock's running time now. */
static GstClockTime
running_time_now (Run & run)
{
  GstClockTime now = clock_running_time (run.pipeline);
  fail_unless (GST_CLOCK_TIME_IS_VALID (now), "the pipeline is not PLAYING");
  return now;
}

/* The first GAP of @log covering time from @from on: when it reached the
 * sink (GST_CLOCK_TIME_NONE: none yet). */
static GstClockTime
first_gap_arrival (PadLog & log, GstClockTime from)
{
  std::lock_guard<std::mutex> g (log.lock);
  for (const RecGap & gap : log.gaps)
    if (GST_CLOCK_TIME_IS_VALID (gap.arrival) && gap.running_time >= from)
      return gap.arrival;
  return GST_CLOCK_TIME_NONE;
}

/* Live input: the outputs do not poll for idle time, they are woken when
 * it begins (PLAYING with live input, the end of a response). The input is
 * known to be live while PAUSED, so the tasks have gone to sleep for their
 * fallback look (1 s) when PLAYING comes: both src pads' first idle GAP
 * must arrive within 500 ms of PLAYING, and src_audio's first GAP after
 * the reply within 500 ms of the reply's end. */
GST_START_TEST (test_idle_gaps_start_promptly)
{
  auto sim = simulator ("idle-gaps", kHelloScenario, 2.0);
  auto run_owner = live_run (*sim);
  Run & run = *run_owner;
  fail_if (gst_element_set_state (run.pipeline, GST_STATE_PAUSED) ==
      GST_STATE_CHANGE_FAILURE);
  Latency l = query_latency (run, "src_audio");
  fail_unless (l.answered && l.live, "src_audio's LATENCY: not live");
  g_usleep (200 * 1000);
  run.play ();
  wait_playing (run);
  GstClockTime playing = running_time_now (run);
  run.wait_connected ();
  while (running_time_now (run) < playing + 700 * GST_MSECOND)
    g_usleep (20 * 1000);
  for (PadLog * log : {&run.audio, &run.text}) {
    GstClockTime first = first_gap_arrival (*log, 0);
    fail_unless (GST_CLOCK_TIME_IS_VALID (first),
        "%s: no idle GAP 700 ms "
        "after PLAYING",
        log == &run.audio ? "src_audio" : "src_text");
    fail_unless (first < playing + 500 * GST_MSECOND,
        "%s: the first idle "
        "GAP came %" GST_TIME_FORMAT " after PLAYING",
        log == &run.audio ? "src_audio" : "src_text",
        GST_TIME_ARGS (first - MIN (first, playing)));
  }

  /* A turn (speech 200-700 ms, the turn ends at 900 ms), its reply, then
   * idle again. */
  push_live (run, to_s16 (render_signal (24000, 1, 1200, {{200, 700}})));
  wait_responses_done (run, 1);
  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 1);
  GstClockTime reply_end = runs[0].buffers[0].running_time +
      gst_util_uint64_scale_int (runs[0].samples, GST_SECOND, 24000);
  while (running_time_now (run) < reply_end + 700 * GST_MSECOND)
    g_usleep (20 * 1000);
  GstClockTime after = first_gap_arrival (run.audio, reply_end);
  fail_unless (GST_CLOCK_TIME_IS_VALID (after),
      "no idle GAP 700 ms after "
      "the reply");
  fail_unless (after < reply_end + 500 * GST_MSECOND,
      "the first idle GAP "
      "after the reply came %" GST_TIME_FORMAT " after its end",
      GST_TIME_ARGS (after - MIN (after, reply_end)));
}
GST_END_TEST;

/* ---- non-live GAPs --------------------------------------------------------- */

/* Non-live input, two turns (replies at 2.5 s for 1.2 s and at 6.0 s):
 * before each reply, which starts later than the last data, one GAP event
 * covers [previous end, reply PTS) — [0, 2.5 s) and [3.7 s, 6.0 s) — and
 * nothing overlaps. */
GST_START_TEST (test_non_live_gaps)
{
  auto sim = simulator ("gaps");
  Run run (pipeline_text (*sim, "appsrc name=src"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.push (to_s16 (
                render_signal (24000, 1, 7000, {{1000, 2000}, {4500, 5500}})),
      0);
  run.end_of_stream ();
  run.wait_eos ();

  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 2);
  std::vector<Piece> t = timeline_of (run.audio);
  check_no_overlap (t, "non-live src_audio");
  /* Up to the end of the second reply: seamless, GAPs filling the holes. */
  check_seamless (t, t.size (), "non-live src_audio");

  const GstClockTime starts[] = {2500 * GST_MSECOND, 6000 * GST_MSECOND};
  const GstClockTime prev_ends[] = {0, 3700 * GST_MSECOND};
  for (gsize r = 0; r < 2; r++) {
    GstClockTime pts = runs[r].buffers[0].running_time;
    check_time_near (pts, ns_to_ms (starts[r]), 10, "reply start");
    /* The piece before the reply's first buffer is a GAP ending there. */
    gssize at = -1;
    for (gsize i = 0; i < t.size (); i++)
      if (!t[i].gap && t[i].start == pts)
        at = (gssize) i;
    fail_unless (at > 0, "reply %" G_GSIZE_FORMAT " not on the timeline", r);
    const Piece & gap = t[at - 1];
    fail_unless (gap.gap, "no GAP before reply %" G_GSIZE_FORMAT, r + 1);
    fail_unless_equals_uint64 (gap.end, pts);
    check_time_near (gap.start, ns_to_ms (prev_ends[r]), 10,
        "the GAP's start (the previous end)");
  }
}
GST_END_TEST;

/* ---- function calls ---------------------------------------------------- */

/* A turn whose first response calls a function (the tools property
 * declares it):
 * - realtimebin posts realtime-function-call with the server's call-id,
 *   the name and the arguments, a JSON string equal to the scenario's;
 * - the application answers with send-function-result: a
 *   conversation.item.create (function_call_output, that call-id, that
 *   output) goes out, and response.create only after the function-call
 *   response is done;
 * - the second response speaks the scenario's text: on the bus as the
 *   final assistant realtime-transcript, on src_text, and its audio on
 *   src_audio (the function-call response has none). */
GST_START_TEST (test_function_call)
{
  const char * scenario = R"({"turns":[{"user":"What time is it?",
      "assistant":"It is noon in Paris.",
      "function_call":{"name":"get_time","arguments":{"tz":"Europe/Paris"}},
      "audio":{"type":"tone","frequency":500,"duration_ms":600}}]})";
  const char * tools =
      R"([{"type":"function","name":"get_time","description":"Current time","parameters":{"type":"object","properties":{"tz":{"type":"string"}}}}])";
  auto sim = simulator ("function-call", scenario);
  Run run (pipeline_text (*sim, "appsrc name=src"));
  g_object_set (run.bin, "tools", tools, nullptr);
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.push (to_s16 (render_signal (24000, 1, 4000, kBursts)), 0);

  GstMessage * m =
      run.bus->wait (is_element_msg (run.bin, "realtime-function-call"), 5000);
  fail_unless (m != nullptr, "no realtime-function-call");
  const GstStructure * call = gst_message_get_structure (m);
  const std::string call_id = str_field (call, "call-id");
  const char * output = R"({"time":"12:00"})";
  g_signal_emit_by_name (run.bin, "send-function-result", call_id.c_str (),
      output);
  wait_responses_done (run, 2);
  run.end_of_stream ();
  run.wait_eos ();
  sim->stop ();
  SimLog log (log_path ("function-call"));

  /* The message is the server's call. */
  gssize args_at = log.find ("out", "response.function_call_arguments.done");
  fail_unless (args_at >= 0);
  JsonObject * args = log.lines[args_at].event;
  fail_unless_equals_str (call_id,
      json_object_get_string_member (args, "call_id"));
  fail_unless_equals_str (str_field (call, "name"), "get_time");
  const std::string want_args =
      parse_scenario (scenario).turn (0).function_call->arguments;
  fail_unless_equals_str (str_field (call, "arguments"), want_args);
  fail_unless_equals_str (json_object_get_string_member (args, "arguments"),
      want_args);
  fail_unless_equals_int (run.messages ("realtime-function-call").size (), 1);

  /* The answer on the wire: the output item, then response.create after
   * the first response.done. */
  gssize item_at = -1;
  for (gsize i = 0; i < log.lines.size (); i++) {
    const LogLine & l = log.lines[i];
    if (l.dir != "in" || l.type != "conversation.item.create")
      continue;
    JsonObject * item = json_object_get_object_member (l.event, "item");
    if (g_strcmp0 (json_object_get_string_member (item, "type"),
            "function_call_output") != 0)
      continue;
    fail_unless_equals_str (json_object_get_string_member (item, "call_id"),
        call_id);
    fail_unless_equals_str (json_object_get_string_member (item, "output"),
        output);
    item_at = (gssize) i;
  }
  fail_unless (item_at >= 0, "no function_call_output item sent");
  gssize first_done = log.find ("out", "response.done");
  gssize second_create = log.find ("in", "response.create", item_at);
  fail_unless (second_create > item_at,
      "no response.create after the "
      "function output");
  fail_unless (second_create > first_done,
      "response.create was sent while "
      "the function-call response was still active");
  fail_unless_equals_int (log.count ("out", "error"), 0);

  /* The spoken answer. */
  std::vector<std::string> rids = log.response_ids ();
  fail_unless_equals_int (rids.size (), 2);
  fail_unless_equals_int (log.response_audio (rids[0]).size (), 0);
  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 1);
  fail_unless (pcm_of_run (runs[0]) == log.response_audio (rids[1]));
  fail_unless_equals_int (runs[0].samples, 600 * 24);

  std::vector<std::string> finals;
  for (const GstStructure * s : run.messages ("realtime-transcript"))
    if (str_field (s, "role") == "assistant" && bool_field (s, "final"))
      finals.push_back (str_field (s, "text"));
  fail_unless_equals_int (finals.size (), 1);
  fail_unless_equals_str (finals[0], "It is noon in Paris.");
  {
    std::lock_guard<std::mutex> g (run.text.lock);
    fail_unless_equals_int (run.text.buffers.size (), 1);
    fail_unless_equals_str (buffer_text (run.text.buffers[0].buffer),
        "It is noon in Paris.");
    check_time_near (run.text.buffers[0].running_time,
        ns_to_ms (runs[0].buffers[0].running_time), 1, "transcript PTS");
  }
  fail_unless_equals_int (run.bus->index_of (is_type (GST_MESSAGE_WARNING)),
      -1);
}
GST_END_TEST;

/* ---- action signals ------------------------------------------------------- */

/* send-text: a conversation.item.create with a user input_text message of
 * that text, then one response.create, no error; the response comes out on
 * src_audio as the server sent it, with sample-accurate timestamps, and
 * its transcript on src_text. */
GST_START_TEST (test_send_text)
{
  auto sim = simulator ("send-text");
  Run run (pipeline_text (*sim, "appsrc name=src"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();
  g_signal_emit_by_name (run.bin, "send-text", "What time is it?");
  wait_responses_done (run, 1);
  run.end_of_stream ();
  run.wait_eos ();
  sim->stop ();
  SimLog log (log_path ("send-text"));

  gssize create = log.find ("in", "conversation.item.create");
  fail_unless (create >= 0, "no conversation.item.create");
  JsonObject * item =
      json_object_get_object_member (log.lines[create].event, "item");
  fail_unless_equals_str (json_object_get_string_member (item, "type"),
      "message");
  fail_unless_equals_str (json_object_get_string_member (item, "role"), "user");
  JsonArray * content = json_object_get_array_member (item, "content");
  fail_unless_equals_int (json_array_get_length (content), 1);
  JsonObject * part = json_array_get_object_element (content, 0);
  fail_unless_equals_str (json_object_get_string_member (part, "type"),
      "input_text");
  fail_unless_equals_str (json_object_get_string_member (part, "text"),
      "What time is it?");
  fail_unless (log.find ("in", "response.create", create) > create,
      "no response.create after the item");
  fail_unless_equals_int (log.count ("in", "response.create"), 1);
  fail_unless_equals_int (log.count ("out", "error"), 0);

  std::vector<std::string> rids = log.response_ids ();
  fail_unless_equals_int (rids.size (), 1);
  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 1);
  fail_unless (pcm_of_run (runs[0]) == log.response_audio (rids[0]));
  check_run_timestamps (runs[0], 24000, 2);
  std::lock_guard<std::mutex> g (run.text.lock);
  fail_unless_equals_int (run.text.buffers.size (), 1);
  fail_unless_equals_str (buffer_text (run.text.buffers[0].buffer),
      "It is noon in Paris.");
}
GST_END_TEST;

/* create-response while a response is active is queued until that response is
 * done (docs/realtimebin.md, "Action signals"): each response's first delta
 * comes 300 ms after response.created, and create-response is emitted as soon
 * as realtime-response started is posted. Its response.create goes out only
 * after the active response's response.done, with its instructions, and the
 * server never refuses one (conversation_already_has_active_response).
 * docs/realtimebin.md adds that requests made meanwhile merge into one, the
 * latest instructions winning: two create-response during the next send-text's
 * response give one response.create, with the second one's instructions. */
GST_START_TEST (test_create_response_queued)
{
  const char * scenario = R"({"turns":[{"user":"","assistant":"Wait.",
      "audio":{"type":"tone","duration_ms":100},
      "first_delta_delay_ms":300}]})";
  auto sim = simulator ("create-queued", scenario, 1.0);
  Run run (pipeline_text (*sim, "appsrc name=src", "turn-detection=none"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();

  auto started = [&] (gsize n) {
    gsize seen = 0;
    fail_unless (run.bus->wait (
                     [&] (GstMessage * m) {
                       if (BusLog::is_element (m, run.bin,
                               "realtime-response") &&
                           str_field (gst_message_get_structure (m), "event") ==
                               "started")
                         seen++;
                       return seen >= n;
                     },
                     5000) != nullptr,
        "response %" G_GSIZE_FORMAT " not started", n);
  };
  g_signal_emit_by_name (run.bin, "send-text", "Hello?");
  started (1);
  g_signal_emit_by_name (run.bin, "create-response", "Answer in French.");
  wait_responses_done (run, 2);
  g_signal_emit_by_name (run.bin, "send-text", "Again?");
  started (3);
  g_signal_emit_by_name (run.bin, "create-response", "Answer in French.");
  g_signal_emit_by_name (run.bin, "create-response", "Answer in German.");
  wait_responses_done (run, 4);
  run.stop ();
  sim->stop ();
  SimLog log (log_path ("create-queued"));

  fail_unless_equals_int (log.count ("out", "error"), 0);
  std::vector<std::string> rids = log.response_ids ();
  fail_unless_equals_int (rids.size (), 4);
  fail_unless_equals_int (log.count ("in", "response.create"), 4);
  for (const std::string & rid : rids)
    fail_unless_equals_str (json_object_get_string_member (log.response_done (
                                                               rid),
                                "status"),
        "completed");
  /* response.create 2 and 4 (the queued ones) only after response.done 1
   * and 3, with the (latest) instructions. */
  const struct
  {
    gsize create, done;
    const char * instructions;
  } queued[] = {{1, 0, "Answer in French."}, {3, 2, "Answer in German."}};
  for (const auto & q : queued) {
    gssize create = nth_index (log, "in", "response.create", q.create);
    gssize done = nth_index (log, "out", "response.done", q.done);
    fail_unless (done >= 0 && create > done,
        "response.create %" G_GSIZE_FORMAT
        " went out before response %" G_GSIZE_FORMAT " was done",
        q.create + 1, q.done + 1);
    JsonObject * params =
        json_object_get_object_member (log.lines[create].event, "response");
    fail_unless (params != nullptr, "no response parameters");
    fail_unless_equals_str (json_object_get_string_member_with_default (params,
                                "instructions", ""),
        q.instructions);
  }
}
GST_END_TEST;

/* Push-to-talk by signal (turn-detection=none): clear-input sends
 * input_audio_buffer.clear (the server answers cleared), so the 500 ms
 * sent before it are not part of the turn; commit-input sends
 * input_audio_buffer.commit (committed, no error) for the 300 ms sent
 * after it; create-response gets the answer, whose usage counts those
 * 300 ms only (10 input audio tokens per second). */
GST_START_TEST (test_commit_and_clear_input)
{
  auto sim = simulator ("commit-clear");
  const std::string path = log_path ("commit-clear");
  Run run (pipeline_text (*sim, "appsrc name=src", "turn-detection=none"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();

  /* 500 ms = 10 appends of 50 ms, then clear. */
  Pcm tone = to_s16 (render_signal (24000, 1, 800, {{0, 800, 300}}));
  run.push (Pcm (tone.begin (), tone.begin () + 500 * 24), 0);
  fail_unless (wait_for_log (path,
                   [] (const SimLog & l) {
                     return l.count ("in", "input_audio_buffer.append") >= 10;
                   }),
      "the first 500 ms were not sent");
  g_signal_emit_by_name (run.bin, "clear-input");
  fail_unless (wait_for_log (path,
                   [] (const SimLog & l) {
                     return l.count ("out", "input_audio_buffer.cleared") == 1;
                   }),
      "no input_audio_buffer.cleared");

  /* 300 ms more, then commit. */
  run.push (Pcm (tone.begin () + 500 * 24, tone.end ()), 500 * GST_MSECOND);
  fail_unless (wait_for_log (path,
                   [] (const SimLog & l) {
                     return l.count ("in", "input_audio_buffer.append") >= 16;
                   }),
      "the last 300 ms were not sent");
  g_signal_emit_by_name (run.bin, "commit-input");
  fail_unless (wait_for_log (path,
                   [] (const SimLog & l) {
                     return l.count ("out", "input_audio_buffer.committed") ==
                         1;
                   }),
      "no input_audio_buffer.committed");
  g_signal_emit_by_name (run.bin, "create-response", nullptr);
  wait_responses_done (run, 1);
  run.stop ();
  sim->stop ();
  SimLog log (path);

  fail_unless_equals_int (log.count ("in", "input_audio_buffer.clear"), 1);
  fail_unless_equals_int (log.count ("in", "input_audio_buffer.commit"), 1);
  fail_unless (log.find ("in", "input_audio_buffer.commit") >
      log.find ("in", "input_audio_buffer.clear"));
  fail_unless_equals_int (log.count ("out", "error"), 0);
  fail_unless_equals_int (log.count ("out",
                              "input_audio_buffer.speech_started"),
      0);
  const GstStructure * done = nullptr;
  for (const GstStructure * s : run.messages ("realtime-response"))
    if (str_field (s, "event") == "done")
      done = s;
  fail_unless (done != nullptr);
  fail_unless_equals_int (uint_field (done, "input-audio-tokens"), 3);
}
GST_END_TEST;

/* send-event refuses what is not a JSON object with a "type": text that
 * is not JSON, an object without "type", and a JSON array each post a
 * WARNING from realtimebin and send nothing; a valid event sent after them
 * is the only client event on the wire after the session's configuration. */
GST_START_TEST (test_send_event_invalid)
{
  auto sim = simulator ("send-event-invalid");
  const std::string path = log_path ("send-event-invalid");
  Run run (pipeline_text (*sim, "appsrc name=src"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.wait_connected ();
  fail_unless (wait_for_log (path,
                   [] (const SimLog & l) {
                     return l.count ("out", "session.updated") >= 1;
                   }),
      "session.update not answered");
  gsize before = SimLog (path).events ("in").size ();

  const char * bad[] = {"this is not JSON", R"({"event_id":"evt_no_type"})",
      R"([{"type":"input_audio_buffer.clear"}])"};
  for (const char * b : bad) {
    emit_send_event (run.bin, b);
    GstMessage * w = run.bus->wait (is_type (GST_MESSAGE_WARNING), 2000);
    fail_unless (w != nullptr, "no warning for send-event '%s'", b);
    fail_unless (GST_MESSAGE_SRC (w) == GST_OBJECT (run.bin) ||
            gst_object_has_as_ancestor (GST_MESSAGE_SRC (w),
                GST_OBJECT (run.bin)),
        "the warning is not from realtimebin");
    g_autoptr (GError) err = nullptr;
    gst_message_parse_warning (w, &err, nullptr);
    fail_unless (strstr (err->message, "send-event") != nullptr,
        "the warning does not name send-event: %s", err->message);
    run.bus->clear ();
  }
  emit_send_event (run.bin, R"({"type":"input_audio_buffer.clear"})");
  fail_unless (wait_for_log (path,
                   [] (const SimLog & l) {
                     return l.count ("out", "input_audio_buffer.cleared") == 1;
                   }),
      "the valid event was not sent");
  run.stop ();
  sim->stop ();

  SimLog log (path);
  std::vector<JsonObject *> sent = log.events ("in");
  fail_unless_equals_int (sent.size (), before + 1);
  fail_unless_equals_str (json_object_get_string_member (sent.back (), "type"),
      "input_audio_buffer.clear");
  for (const LogLine & l : log.lines)
    fail_if (l.dir == "in" && !l.json, "a frame that is not JSON was sent");
  fail_unless_equals_int (log.count ("out", "error"), 0);
}
GST_END_TEST;

/* Every action signal emitted without a session (NULL, then READY) posts
 * a WARNING from realtimebin, sends nothing (the simulator sees no
 * connection) and does not crash; the element still works afterwards. */
GST_START_TEST (test_signals_without_session)
{
  auto sim = simulator ("signals-no-session");
  Run run (pipeline_text (*sim, "appsrc name=src"));
  run.set_input_caps (kS16Mono24k);
  const GstState states[] = {GST_STATE_NULL, GST_STATE_READY};
  for (GstState state : states) {
    fail_unless_equals_int (gst_element_set_state (run.pipeline, state),
        GST_STATE_CHANGE_SUCCESS);
    run.bus->drain ();
    run.bus->clear ();
    g_signal_emit_by_name (run.bin, "commit-input");
    g_signal_emit_by_name (run.bin, "clear-input");
    g_signal_emit_by_name (run.bin, "create-response", nullptr);
    g_signal_emit_by_name (run.bin, "create-response", "Be brief.");
    g_signal_emit_by_name (run.bin, "cancel-response");
    g_signal_emit_by_name (run.bin, "send-text", "Hello?");
    g_signal_emit_by_name (run.bin, "send-function-result", "call_1", "{}");
    emit_send_event (run.bin, R"({"type":"input_audio_buffer.clear"})");
    run.bus->drain ();
    guint warnings = 0;
    for (GstMessage * m : run.bus->messages)
      if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING &&
          GST_MESSAGE_SRC (m) == GST_OBJECT (run.bin))
        warnings++;
    fail_unless_equals_int (warnings, 8);
    fail_unless_equals_int (run.bus->index_of (is_type (GST_MESSAGE_ERROR)),
        -1);
  }
  fail_unless_equals_int (sim->connection_count (), 0);

  /* Then a session works as usual. */
  run.play ();
  run.wait_connected ();
  g_signal_emit_by_name (run.bin, "send-text", "Hello?");
  wait_responses_done (run, 1);
  fail_unless_equals_int (sim->connection_count (), 1);
}
GST_END_TEST;

/* ---- text-roles ------------------------------------------------------------ */

/* text-roles=user (without assistant): src_text carries the user's
 * transcript only, over the user's speech; both roles still reach the bus
 * as final realtime-transcript messages. */
GST_START_TEST (test_text_roles_user)
{
  auto sim = simulator ("text-roles-user");
  Run run (pipeline_text (*sim, "appsrc name=src", "text-roles=user"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.push (to_s16 (render_signal (24000, 1, 4000, kBursts)), 0);
  run.end_of_stream ();
  run.wait_eos ();

  std::vector<std::string> final_roles;
  for (const GstStructure * s : run.messages ("realtime-transcript"))
    if (bool_field (s, "final"))
      final_roles.push_back (str_field (s, "role"));
  std::sort (final_roles.begin (), final_roles.end ());
  fail_unless_equals_int (final_roles.size (), 2);
  fail_unless_equals_str (final_roles[0], "assistant");
  fail_unless_equals_str (final_roles[1], "user");

  std::vector<const GstStructure *> vad = run.messages ("realtime-vad");
  fail_unless_equals_int (vad.size (), 2);
  std::lock_guard<std::mutex> g (run.text.lock);
  fail_unless_equals_int (run.text.buffers.size (), 1);
  fail_unless_equals_str (buffer_text (run.text.buffers[0].buffer),
      "What time is it?");
  check_time_near (run.text.buffers[0].running_time,
      ns_to_ms (u64_field (vad[0], "running-time")), 10, "user transcript PTS");
  fail_unless (run.text.eos, "no EOS on src_text");
}
GST_END_TEST;

/* ---- output formats -------------------------------------------------------- */

/* The reply in the format a downstream capsfilter asks for: caps as asked,
 * one DISCONT run at the end of the user's turn (3.0 s), contiguous
 * sample-accurate timestamps and offsets at the new rate, and the reply's
 * 1.2 s to within one buffer. */
static void
run_output_format (const char * name, const char * caps, guint rate,
    guint channels, guint bytes_per_sample)
{
  auto sim = simulator (name);
  Run run (pipeline_text (*sim, "appsrc name=src", "", caps));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.push (to_s16 (render_signal (24000, 1, 4000, kBursts)), 0);
  run.end_of_stream ();
  run.wait_eos ();

  fail_unless (run.audio.caps != nullptr);
  GstCaps * want = gst_caps_from_string (caps);
  g_autofree gchar * got = gst_caps_to_string (run.audio.caps);
  fail_unless (gst_caps_is_subset (run.audio.caps, want), "%s: caps %s", name,
      got);
  gst_caps_unref (want);

  guint bpf = channels * bytes_per_sample;
  std::vector<AudioRun> runs = split_at_discont (run.audio, bpf);
  fail_unless_equals_int (runs.size (), 1);
  check_run_timestamps (runs[0], rate, bpf);
  check_time_near (runs[0].buffers[0].running_time, 3000, 1, "reply start");
  guint64 largest = 0;
  for (const RecBuffer & b : runs[0].buffers)
    largest = MAX (largest, (guint64) gst_buffer_get_size (b.buffer) / bpf);
  gint64 expected = 1200 * (gint64) rate / 1000;
  fail_unless (std::llabs ((gint64) runs[0].samples - expected) <=
          (gint64) largest,
      "%s: %" G_GUINT64_FORMAT " frames for 1.2 s at %u "
      "Hz (one buffer is %" G_GUINT64_FORMAT ")",
      name, runs[0].samples, rate, largest);
}

GST_START_TEST (test_output_s16_8k_mono)
{
  run_output_format ("out-s16-8k",
      "audio/x-raw,format=S16LE,rate=8000,channels=1,layout=interleaved", 8000,
      1, 2);
}
GST_END_TEST;

GST_START_TEST (test_output_f32_48k_stereo)
{
  run_output_format ("out-f32-48k",
      "audio/x-raw,format=F32LE,rate=48000,channels=2,layout=interleaved",
      48000, 2, 4);
}
GST_END_TEST;

/* ---- awkward server audio ------------------------------------------------ */

/* Audio deltas of odd byte counts (the simulator's odd_delta_bytes fault:
 * samples split across deltas), two turns: src_audio's PCM is bit for bit
 * the concatenation of the decoded deltas of each response, with
 * contiguous sample-accurate timestamps, one run per response. */
GST_START_TEST (test_odd_length_deltas)
{
  SimulatorOptions o = sim_options (kLogDir, "odd-deltas", kScenario);
  o.faults.odd_delta_bytes = true;
  auto sim = start_simulator (o);
  Run run (pipeline_text (*sim, "appsrc name=src"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.push (to_s16 (
                render_signal (24000, 1, 7000, {{1000, 2000}, {4500, 5500}})),
      0);
  run.end_of_stream ();
  run.wait_eos ();
  sim->stop ();
  SimLog log (log_path ("odd-deltas"));

  /* The fault is in effect: every delta is odd. */
  std::vector<JsonObject *> deltas =
      log.events ("out", "response.output_audio.delta");
  fail_unless (deltas.size () > 4);
  for (JsonObject * d : deltas) {
    std::vector<guint8> bytes;
    fail_unless (
        realtime::base64_decode_append (json_object_get_string_member (d,
                                            "delta"),
            bytes, nullptr));
    fail_unless (bytes.size () % 2 == 1, "a delta of %" G_GSIZE_FORMAT " bytes",
        bytes.size ());
  }

  std::vector<std::string> rids = log.response_ids ();
  fail_unless_equals_int (rids.size (), 2);
  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 2);
  const guint64 want_samples[] = {1200 * 24, 800 * 24};
  for (gsize i = 0; i < 2; i++) {
    Pcm sent = log.response_audio (rids[i]);
    fail_unless_equals_int (sent.size (), want_samples[i]);
    Pcm got = pcm_of_run (runs[i]);
    gssize diff = first_difference (got, sent);
    fail_unless (diff < 0,
        "reply %" G_GSIZE_FORMAT " differs from the "
        "decoded deltas at sample %" G_GSSIZE_FORMAT " (%" G_GSIZE_FORMAT
        " vs %" G_GSIZE_FORMAT " samples)",
        i + 1, diff, got.size (), sent.size ());
    check_run_timestamps (runs[i], 24000, 2);
  }
}
GST_END_TEST;

/* One response with two assistant audio items (the scenario's
 * audio_items: 2, 600 ms each): src_audio carries both items' audio
 * back to back — one run with one DISCONT at the response's start,
 * contiguous timestamps, the server's audio of both items in order — and
 * each item's transcript is posted final on the bus with its item id and
 * goes to src_text over its own audio (at 3.0 s and 3.6 s, 600 ms each). */
GST_START_TEST (test_two_audio_items)
{
  const char * scenario = R"({"turns":[{"user":"What time is it?",
      "assistant":"It is noon in Paris.", "audio_items":2,
      "audio":{"type":"tone","frequency":440,"duration_ms":1200}}]})";
  auto sim = simulator ("audio-items", scenario);
  Run run (pipeline_text (*sim, "appsrc name=src"));
  run.set_input_caps (kS16Mono24k);
  run.play ();
  run.push (to_s16 (render_signal (24000, 1, 4000, kBursts)), 0);
  run.end_of_stream ();
  run.wait_eos ();
  sim->stop ();
  SimLog log (log_path ("audio-items"));

  std::vector<std::string> items;
  for (JsonObject * e : log.events ("out", "response.output_item.added"))
    items.push_back (
        json_object_get_string_member (json_object_get_object_member (e,
                                           "item"),
            "id"));
  fail_unless_equals_int (items.size (), 2);
  std::vector<std::string> rids = log.response_ids ();
  fail_unless_equals_int (rids.size (), 1);

  std::vector<AudioRun> runs = split_at_discont (run.audio);
  fail_unless_equals_int (runs.size (), 1);
  Pcm sent = log.response_audio (rids[0]);
  fail_unless_equals_int (sent.size (), 1200 * 24);
  gssize diff = first_difference (pcm_of_run (runs[0]), sent);
  fail_unless (diff < 0,
      "src_audio differs from the two items' audio at "
      "sample %" G_GSSIZE_FORMAT,
      diff);
  check_run_timestamps (runs[0], 24000, 2);
  GstClockTime start = runs[0].buffers[0].running_time;
  check_time_near (start, 3000, 1, "reply start");

  const char * texts[] = {"It is", "noon in Paris."};
  std::vector<const GstStructure *> finals;
  for (const GstStructure * s : run.messages ("realtime-transcript"))
    if (str_field (s, "role") == "assistant" && bool_field (s, "final"))
      finals.push_back (s);
  fail_unless_equals_int (finals.size (), 2);
  for (gsize i = 0; i < 2; i++) {
    fail_unless_equals_str (str_field (finals[i], "item-id"), items[i]);
    fail_unless_equals_str (str_field (finals[i], "text"), texts[i]);
  }

  std::lock_guard<std::mutex> g (run.text.lock);
  fail_unless_equals_int (run.text.buffers.size (), 2);
  for (gsize i = 0; i < 2; i++) {
    const RecBuffer & t = run.text.buffers[i];
    fail_unless_equals_str (buffer_text (t.buffer), texts[i]);
    check_time_near (t.running_time, ns_to_ms (start) + 600.0 * i, 1,
        "item transcript PTS");
    fail_unless (GST_BUFFER_DURATION_IS_VALID (t.buffer));
    check_time_near (GST_BUFFER_DURATION (t.buffer), 600, 1,
        "item transcript duration");
  }
}
GST_END_TEST;

/* ---- the wire ------------------------------------------------------------- */

/* Every client event realtimebin sent in the tests above is valid under
 * the strict GA client schema. */
GST_START_TEST (test_client_events_conform)
{
  check_client_events_conform (kLogDir, 14);
}
GST_END_TEST;

static Suite *
realtimebin_control_suite (void)
{
  Suite * s = suite_create ("realtimebin-control");
  clear_log_dir (kLogDir);

  TCase * tc = tcase_create ("control");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_live_input_timing);
  tcase_add_test (tc, test_live_first_audio_latency);
  tcase_add_test (tc, test_idle_gaps_start_promptly);
  tcase_add_test (tc, test_live_latency_before_input);
  tcase_add_test (tc, test_live_server_stall_no_overlap);
  tcase_add_test (tc, test_non_live_gaps);
  tcase_add_test (tc, test_function_call);
  tcase_add_test (tc, test_send_text);
  tcase_add_test (tc, test_create_response_queued);
  tcase_add_test (tc, test_commit_and_clear_input);
  tcase_add_test (tc, test_send_event_invalid);
  tcase_add_test (tc, test_signals_without_session);
  tcase_add_test (tc, test_text_roles_user);
  tcase_add_test (tc, test_output_s16_8k_mono);
  tcase_add_test (tc, test_output_f32_48k_stereo);
  tcase_add_test (tc, test_odd_length_deltas);
  tcase_add_test (tc, test_two_audio_items);

  /* Last, on its own: reads the logs of everything above. */
  TCase * wire = tcase_create ("wire");
  suite_add_tcase (s, wire);
  tcase_set_timeout (wire, 60);
  tcase_add_test (wire, test_client_events_conform);
  return s;
}

GST_CHECK_MAIN (realtimebin_control);
