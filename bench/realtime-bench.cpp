/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtime-bench: N live full-duplex conversations in one process, for the
 * live-concurrency benchmark (docs/performance.md). Each session is
 *
 *   audiotestsrc is-live (20 ms buffers) ! CAPS ! realtimebin
 *     turn-detection=none ! fakesink sync=true   (src_audio; src_text too)
 *
 * and every --turn-s the bench commits the input and asks for a response,
 * so input audio streams up while answers stream down. --mode floor runs
 * the same pipeline shape with realtimebin replaced by GStreamer's own
 * plumbing: the input converted to 24 kHz mono into a fakesink, and a live
 * 24 kHz source (100 ms buffers, as the answers arrive) converted into a
 * synced fakesink.
 *
 * After --warmup-s it measures for --seconds: CPU of this process (and of
 * the simulator, --sim-pid, separately), RSS, responses, underruns (a gap
 * in src_audio inside a response: a GAP event or a hole between two
 * buffers of one response), late drops (QoS messages of the audio sinks),
 * and the latency realtimebin adds, pooled over all sessions (the
 * plugin's process-wide histograms; see docs/performance.md).
 * Prints one CSV line (--header prints the column names first).
 * --ca-file runs against a wss:// simulator and --input-chunk-ms sets the
 * append size, so the peer clients (bench/peers/) can be matched.
 *
 * --bus says how the bench reads each pipeline's messages. `sync` (the
 * default) handles them in a quick sync handler on the thread that posts
 * them, as an application with hundreds of pipelines should. `watch` adds
 * a bus watch per pipeline on the main loop, as a small application does:
 * every message then costs a main-loop iteration that walks all the
 * pipelines' watches, which grows with the square of the sessions and is
 * counted too.
 */

#include "bench-pipeline.h"
#include "process-usage.h"

#include <gst/gst.h>
#include "gstrealtimelatency.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Options
{
  gint sessions = 10;
  gint seconds = 60;
  gint warmup_s = 5;
  gint turn_s = 3;
  gchar * mode = nullptr;    /* realtimebin (default) or floor */
  gchar * input = nullptr;   /* mono24 (default) or stereo48 */
  CommonOptions common;      /* --url in realtimebin mode */
  gchar * ca_file = nullptr; /* trusted CA for a wss:// simulator */
  gint input_chunk_ms = 0;   /* 0: realtimebin's default */
  gchar * bus = nullptr;     /* sync (default) or watch */
};

/* One session's audio sink probe state (streaming thread). */
struct Session
{
  GstElement * pipeline = nullptr;
  GstElement * rt = nullptr; /* null in floor mode */
  std::atomic<guint> buffers{0};
  std::atomic<guint> underruns{0};
  std::atomic<guint> responses{0};
  std::atomic<guint> late{0};
  GstClockTime last_end = GST_CLOCK_TIME_NONE;
  bool gap_since_buffer = false;
};

std::atomic<bool> measuring{false};

/* The plugin's process-wide latency histograms (null in floor mode). */
struct
{
  realtime::LatencyHistogram * input = nullptr;
  realtime::LatencyHistogram * output = nullptr;
} pools;

/* src_audio reaches the sink: a buffer that continues a response (no
 * DISCONT) after a GAP, or after a hole, is an underrun. */
GstPadProbeReturn
on_audio (GstPad *, GstPadProbeInfo * info, gpointer data)
{
  auto * s = static_cast<Session *> (data);
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent * ev = GST_PAD_PROBE_INFO_EVENT (info);
    if (GST_EVENT_TYPE (ev) == GST_EVENT_GAP)
      s->gap_since_buffer = true;
    else if (GST_EVENT_TYPE (ev) == GST_EVENT_FLUSH_STOP)
      s->last_end = GST_CLOCK_TIME_NONE;
    return GST_PAD_PROBE_OK;
  }
  GstBuffer * b = GST_PAD_PROBE_INFO_BUFFER (info);
  bool discont = GST_BUFFER_IS_DISCONT (b);
  GstClockTime pts = GST_BUFFER_PTS (b);
  if (measuring && !discont && GST_CLOCK_TIME_IS_VALID (s->last_end) &&
      (s->gap_since_buffer ||
          (GST_CLOCK_TIME_IS_VALID (pts) && pts > s->last_end + GST_MSECOND)))
    s->underruns++;
  if (GST_CLOCK_TIME_IS_VALID (pts) && GST_BUFFER_DURATION_IS_VALID (b))
    s->last_end = pts + GST_BUFFER_DURATION (b);
  s->gap_since_buffer = false;
  s->buffers++;
  return GST_PAD_PROBE_OK;
}

std::string
pipeline_text (const Options & o)
{
  bool stereo = g_strcmp0 (o.input, "stereo48") == 0;
  std::string caps = stereo ? "audio/x-raw,rate=48000,channels=2"
                            : "audio/x-raw,rate=24000,channels=1";
  std::string samples = stereo ? "960" : "480"; /* 20 ms */
  std::string src = "audiotestsrc is-live=true wave=sine freq=300 "
                    "volume=0.3 samplesperbuffer=" +
      samples + " ! " + caps;
  if (g_strcmp0 (o.mode, "floor") == 0)
    return src +
        " ! audioconvert ! audioresample ! "
        "audio/x-raw,format=S16LE,rate=24000,channels=1 ! "
        "fakesink name=in async=false "
        "audiotestsrc is-live=true wave=silence samplesperbuffer=2400 ! "
        "audio/x-raw,format=S16LE,rate=24000,channels=1 ! audioconvert ! "
        "audioresample ! fakesink name=audio sync=true qos=true "
        "max-lateness=20000000";
  std::string rt = "realtimebin name=rt turn-detection=none url=" +
      std::string (o.common.url);
  if (o.ca_file != nullptr) /* gst-launch syntax: double quotes */
    rt += std::string (" ca-file=\"") + o.ca_file + "\"";
  if (o.input_chunk_ms > 0)
    rt += " input-chunk-ms=" + std::to_string (o.input_chunk_ms);
  return src + " ! " + rt +
      " rt.src_audio ! fakesink name=audio sync=true qos=true "
      "max-lateness=20000000 "
      "rt.src_text ! fakesink async=false";
}

gboolean
on_bus (GstBus *, GstMessage * m, gpointer data)
{
  auto * s = static_cast<Session *> (data);
  report_problem (m);
  switch (GST_MESSAGE_TYPE (m)) {
    case GST_MESSAGE_QOS:
      if (measuring)
        s->late++;
      break;
    case GST_MESSAGE_ELEMENT: {
      const GstStructure * st = gst_message_get_structure (m);
      if (measuring && gst_structure_has_name (st, "realtime-response") &&
          g_strcmp0 (gst_structure_get_string (st, "event"), "done") == 0)
        s->responses++;
      break;
    }
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

/* The user's turn ends: commit what was said and ask for the answer. */
gboolean
request_turn (gpointer data)
{
  auto * s = static_cast<Session *> (data);
  g_signal_emit_by_name (s->rt, "commit-input");
  g_signal_emit_by_name (s->rt, "create-response", nullptr);
  return G_SOURCE_CONTINUE;
}

} // namespace

int
main (int argc, char ** argv)
{
  Options o;
  GOptionEntry entries[] = {{"sessions", 'n', 0, G_OPTION_ARG_INT, &o.sessions,
                                "Sessions in this process (default 10)", "N"},
      {"seconds", 's', 0, G_OPTION_ARG_INT, &o.seconds,
          "Measured seconds (default 60)", "S"},
      {"warmup-s", 0, 0, G_OPTION_ARG_INT, &o.warmup_s,
          "Seconds before measuring (default 5)", "S"},
      {"turn-s", 0, 0, G_OPTION_ARG_INT, &o.turn_s,
          "A response requested every S seconds per session (default 3)", "S"},
      {"mode", 0, 0, G_OPTION_ARG_STRING, &o.mode,
          "realtimebin (default) or floor (GStreamer's own plumbing)", "MODE"},
      {"input", 0, 0, G_OPTION_ARG_STRING, &o.input,
          "mono24 (default, 24 kHz mono) or stereo48 (48 kHz stereo)", "IN"},
      {"ca-file", 0, 0, G_OPTION_ARG_FILENAME, &o.ca_file,
          "PEM certificate (absolute path) to trust for a wss:// URL "
          "(realtimebin's ca-file)",
          "PATH"},
      {"input-chunk-ms", 0, 0, G_OPTION_ARG_INT, &o.input_chunk_ms,
          "Audio per input_audio_buffer.append (realtimebin's input-chunk-ms; "
          "default: the element's)",
          "MS"},
      {"bus", 0, 0, G_OPTION_ARG_STRING, &o.bus,
          "How the bench reads each pipeline's bus: sync (default, a sync "
          "handler on the posting thread) or watch (a bus watch per pipeline "
          "on the main loop)",
          "HOW"},
      {nullptr}};
  parse_command_line (&argc, &argv, entries, o.common,
      "- live realtimebin sessions");
  if (o.mode == nullptr)
    o.mode = g_strdup ("realtimebin");
  if (o.input == nullptr)
    o.input = g_strdup ("mono24");
  if (o.bus == nullptr)
    o.bus = g_strdup ("sync");
  if (g_strcmp0 (o.bus, "sync") != 0 && g_strcmp0 (o.bus, "watch") != 0) {
    g_printerr ("realtime-bench: --bus is sync or watch, not %s\n", o.bus);
    return 2;
  }
  BusDelivery delivery =
      g_strcmp0 (o.bus, "watch") == 0 ? BusDelivery::WATCH : BusDelivery::SYNC;
  bool floor = g_strcmp0 (o.mode, "floor") == 0;
  if (!floor && o.common.url == nullptr) {
    g_printerr ("realtime-bench: --url is needed in realtimebin mode\n");
    return 2;
  }

  long rss_before = rss_kb ();
  std::vector<std::unique_ptr<Session>> sessions;
  std::string text = pipeline_text (o);
  for (int i = 0; i < o.sessions; i++) {
    auto s = std::make_unique<Session> ();
    s->pipeline = launch_pipeline (text, on_bus, s.get (), delivery);
    s->rt = gst_bin_get_by_name (GST_BIN (s->pipeline), "rt");
    add_probe_on (s->pipeline, "audio", "sink",
        (GstPadProbeType) (GST_PAD_PROBE_TYPE_BUFFER |
            GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
        on_audio, s.get ());
    gst_element_set_state (s->pipeline, GST_STATE_PLAYING);
    sessions.push_back (std::move (s));
  }

  if (!floor) {
    pools.input = realtime::LatencyHistogram::plugin_process_input ();
    pools.output = realtime::LatencyHistogram::plugin_process_output ();
    if (pools.input == nullptr || pools.output == nullptr) {
      std::fprintf (stderr, "cannot read the realtime plugin's latencies\n");
      return 1;
    }
  }

  GMainLoop * loop = g_main_loop_new (nullptr, FALSE);
  /* Turns: every session commits and asks for an answer every turn_s,
   * spread over the period so they do not all start at once. */
  if (!floor) {
    for (size_t i = 0; i < sessions.size (); i++) {
      Session * s = sessions[i].get ();
      guint offset = (guint) (o.turn_s * 1000 * i / sessions.size ());
      struct Start
      {
        Session * s;
        guint turn_s;
      };
      /* The first turn at its offset, then one every turn_s. */
      g_timeout_add_full (
          G_PRIORITY_DEFAULT, 500 + offset,
          [] (gpointer data) -> gboolean {
            auto * start = static_cast<Start *> (data);
            request_turn (start->s);
            g_timeout_add_seconds (start->turn_s, request_turn, start->s);
            return G_SOURCE_REMOVE;
          },
          new Start{s, (guint) o.turn_s},
          [] (gpointer data) { delete static_cast<Start *> (data); });
    }
  }

  struct Window
  {
    GMainLoop * loop;
    double cpu0 = 0, sim0 = 0;
    gint64 t0 = 0;
    int sim_pid;
  } w{loop, 0, 0, 0, o.common.sim_pid};
  g_timeout_add_seconds (
      o.warmup_s,
      [] (gpointer data) -> gboolean {
        auto * w = static_cast<Window *> (data);
        w->cpu0 = cpu_seconds_self ();
        w->sim0 = cpu_seconds_of (w->sim_pid);
        w->t0 = g_get_monotonic_time ();
        if (pools.input != nullptr) {
          pools.input->reset ();
          pools.output->reset ();
        }
        measuring = true;
        return G_SOURCE_REMOVE;
      },
      &w);
  g_timeout_add_seconds (
      o.warmup_s + o.seconds,
      [] (gpointer data) -> gboolean {
        g_main_loop_quit (static_cast<Window *> (data)->loop);
        return G_SOURCE_REMOVE;
      },
      &w);
  g_main_loop_run (loop);
  measuring = false;

  double wall = (g_get_monotonic_time () - w.t0) / 1e6;
  double cpu = (cpu_seconds_self () - w.cpu0) / wall * 100;
  double sim = o.common.sim_pid
      ? (cpu_seconds_of (o.common.sim_pid) - w.sim0) / wall * 100
      : 0;
  long rss = rss_kb ();
  guint underruns = 0, responses = 0, late = 0, buffers = 0;
  for (auto & s : sessions) {
    underruns += s->underruns;
    responses += s->responses;
    late += s->late;
    buffers += s->buffers;
  }
  if (o.common.header)
    std::printf ("mode,input,sessions,seconds,cpu_percent,"
                 "cpu_percent_per_session,rss_mb,rss_kb_per_session,responses,"
                 "underruns,late_drops,audio_buffers,simulator_cpu_percent,"
                 "out_latency_p50_ms,out_latency_p99_ms,in_latency_p50_ms,"
                 "in_latency_p99_ms,bus\n");
  std::printf ("%s,%s,%d,%.1f,%.1f,%.3f,%.1f,%ld,%u,%u,%u,%u,%.1f", o.mode,
      o.input, o.sessions, wall, cpu, cpu / o.sessions, rss / 1024.0,
      (rss - rss_before) / o.sessions, responses, underruns, late, buffers,
      sim);
  if (floor)
    std::printf (",,,,");
  else
    std::printf (",%.3f,%.3f,%.3f,%.3f", pools.output->percentile (0.5) / 1e3,
        pools.output->percentile (0.99) / 1e3,
        pools.input->percentile (0.5) / 1e3,
        pools.input->percentile (0.99) / 1e3);
  std::printf (",%s\n", o.bus);
  std::fflush (stdout);

  for (auto & s : sessions) {
    gst_element_set_state (s->pipeline, GST_STATE_NULL);
    if (s->rt)
      gst_object_unref (s->rt);
    gst_object_unref (s->pipeline);
  }
  g_main_loop_unref (loop);
  return 0;
}
