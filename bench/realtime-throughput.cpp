/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtime-throughput: how fast realtimebin moves audio when nothing waits
 * on a clock, for the throughput benchmark (docs/performance.md). N
 * sessions in one process, each
 *
 *   appsrc is-live=false (24 kHz mono, 20 ms buffers) ! realtimebin
 *     turn-detection=none ! fakesink sync=false   (src_audio; src_text too)
 *
 * against a simulator that sends each answer at once (--pace 0). Once every
 * session is connected, each runs --rounds turns: it pushes --input-s of
 * input, commits it, asks for an answer, and waits for that answer to be
 * done (with --no-answer: for the server's transcript of the input, which
 * comes once it has the whole turn). --input-s 0 only asks for answers.
 *
 * realtimebin never blocks its input: audio its socket has not written is
 * dropped beyond 10 s. The input of one round is pushed at once and the
 * next round starts only after the server answered this one, so an
 * --input-s under 10 s is all sent; what was dropped anyway (the stats
 * property's dropped-audio-ms) is reported and never counted as sent.
 *
 * Measured from the first round to the last: CPU seconds of this process
 * (and of the simulator, --sim-pid, separately), wall time, input audio
 * sent, output audio received on src_audio (buffer durations). Prints one
 * CSV line (--header prints the column names first).
 */

#include "bench-pipeline.h"
#include "process-usage.h"

#include <gst/gst.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr int RATE = 24000;
constexpr int BUFFER_SAMPLES = RATE / 50; /* 20 ms */
constexpr GstClockTime BUFFER_DURATION = 20 * GST_MSECOND;
/* Downstream event that follows the last input buffer of a round: when it
 * reaches realtimebin's sink_audio, all of the round's input is in. */
constexpr const char * TURN_END = "realtime-throughput-turn-end";

struct Options
{
  gint sessions = 1;
  gint rounds = 5;
  gint input_s = 8;
  gboolean no_answer = FALSE;
  gint timeout_s = 600;
  CommonOptions common; /* --url: a simulator run with --pace 0 */
};

struct Session
{
  GstElement * pipeline = nullptr;
  GstElement * src = nullptr;
  GstElement * rt = nullptr;
  bool connected = false;
  int rounds_done = 0;
  GstClockTime next_pts = 0;  /* main thread */
  guint64 pushed_samples = 0; /* main thread */
  guint responses = 0;
  guint failed_responses = 0;
  /* src_audio at the sink (its streaming thread). */
  std::atomic<guint64> output_ns{0};
  std::atomic<guint64> output_bytes{0};
};

struct Run
{
  Options o;
  std::vector<std::unique_ptr<Session>> sessions;
  std::vector<gint16> tone; /* one 20 ms buffer of input */
  GMainLoop * loop = nullptr;
  int connected = 0;
  int finished = 0;
  double cpu0 = 0, sim0 = 0;
  gint64 t0 = 0;
};

Run run;

/* A steady 300 Hz tone: 480 samples hold exactly six periods, so one
 * buffer repeated is seamless. */
std::vector<gint16>
make_tone ()
{
  std::vector<gint16> pcm (BUFFER_SAMPLES);
  for (int i = 0; i < BUFFER_SAMPLES; i++)
    pcm[i] = (gint16) (0.3 * 32767 * std::sin (2 * M_PI * 300 * i / RATE));
  return pcm;
}

/* Queues one round's input in the appsrc (which pushes it from its own
 * streaming thread as fast as realtimebin takes it), then the marker. */
void
push_input (Session * s)
{
  int buffers = run.o.input_s * 50;
  gsize size = run.tone.size () * sizeof (gint16);
  for (int i = 0; i < buffers; i++) {
    GstBuffer * b = gst_buffer_new_wrapped_full (GST_MEMORY_FLAG_READONLY,
        run.tone.data (), size, 0, size, nullptr, nullptr);
    GST_BUFFER_PTS (b) = s->next_pts;
    GST_BUFFER_DURATION (b) = BUFFER_DURATION;
    GST_BUFFER_OFFSET (b) = s->pushed_samples;
    GST_BUFFER_OFFSET_END (b) = s->pushed_samples + BUFFER_SAMPLES;
    s->next_pts += BUFFER_DURATION;
    s->pushed_samples += BUFFER_SAMPLES;
    GstFlowReturn ret;
    g_signal_emit_by_name (s->src, "push-buffer", b, &ret);
    gst_buffer_unref (b);
    if (ret != GST_FLOW_OK) {
      g_printerr ("realtime-throughput: appsrc refused input: %s\n",
          gst_flow_get_name (ret));
      exit (1);
    }
  }
  gst_element_send_event (s->src,
      gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
          gst_structure_new_empty (TURN_END)));
}

void
start_round (Session * s)
{
  if (run.o.input_s > 0)
    push_input (s); /* the turn ends when the marker is in */
  else
    g_signal_emit_by_name (s->rt, "create-response", nullptr);
}

/* All of the round's input is in realtimebin: the user's turn ends. On the
 * main thread, where an application would emit these. */
gboolean
end_turn (gpointer data)
{
  auto * s = static_cast<Session *> (data);
  g_signal_emit_by_name (s->rt, "commit-input");
  if (!run.o.no_answer)
    g_signal_emit_by_name (s->rt, "create-response", nullptr);
  return G_SOURCE_REMOVE;
}

GstPadProbeReturn
on_input_event (GstPad *, GstPadProbeInfo * info, gpointer data)
{
  GstEvent * ev = GST_PAD_PROBE_INFO_EVENT (info);
  if (GST_EVENT_TYPE (ev) != GST_EVENT_CUSTOM_DOWNSTREAM ||
      !gst_event_has_name (ev, TURN_END))
    return GST_PAD_PROBE_OK;
  g_main_context_invoke (nullptr, end_turn, data);
  return GST_PAD_PROBE_DROP; /* ours, not realtimebin's */
}

GstPadProbeReturn
on_output (GstPad *, GstPadProbeInfo * info, gpointer data)
{
  auto * s = static_cast<Session *> (data);
  GstBuffer * b = GST_PAD_PROBE_INFO_BUFFER (info);
  if (GST_BUFFER_DURATION_IS_VALID (b))
    s->output_ns += GST_BUFFER_DURATION (b);
  s->output_bytes += gst_buffer_get_size (b);
  return GST_PAD_PROBE_OK;
}

void
start_measuring ()
{
  run.cpu0 = cpu_seconds_self ();
  run.sim0 = cpu_seconds_of (run.o.common.sim_pid);
  run.t0 = g_get_monotonic_time ();
  for (auto & s : run.sessions)
    start_round (s.get ());
}

void
round_done (Session * s)
{
  if (++s->rounds_done < run.o.rounds) {
    start_round (s);
    return;
  }
  if (++run.finished == run.o.sessions)
    g_main_loop_quit (run.loop);
}

bool
has_string (const GstStructure * st, const char * field, const char * value)
{
  return g_strcmp0 (gst_structure_get_string (st, field), value) == 0;
}

gboolean
on_bus (GstBus *, GstMessage * m, gpointer data)
{
  auto * s = static_cast<Session *> (data);
  report_problem (m);
  if (GST_MESSAGE_TYPE (m) != GST_MESSAGE_ELEMENT)
    return G_SOURCE_CONTINUE;
  const GstStructure * st = gst_message_get_structure (m);
  if (gst_structure_has_name (st, "realtime-session")) {
    if (has_string (st, "state", "connected") && !s->connected) {
      s->connected = true;
      if (++run.connected == run.o.sessions)
        start_measuring ();
    }
  } else if (gst_structure_has_name (st, "realtime-response") &&
      has_string (st, "event", "done")) {
    s->responses++;
    if (!has_string (st, "status", "completed"))
      s->failed_responses++;
    round_done (s);
  } else if (run.o.no_answer &&
      gst_structure_has_name (st, "realtime-transcript") &&
      has_string (st, "role", "user")) {
    /* Without answers, the server's transcript of the committed input
     * says it has the whole turn. */
    gboolean final = FALSE;
    gst_structure_get_boolean (st, "final", &final);
    if (final)
      round_done (s);
  }
  return G_SOURCE_CONTINUE;
}

gboolean
on_timeout (gpointer)
{
  g_printerr ("realtime-throughput: not done after %d s: %d of %d sessions "
              "connected, %d finished\n",
      run.o.timeout_s, run.connected, run.o.sessions, run.finished);
  for (size_t i = 0; i < run.sessions.size (); i++)
    g_printerr ("  session %zu: %d rounds done, %u responses\n", i,
        run.sessions[i]->rounds_done, run.sessions[i]->responses);
  exit (1);
}

std::string
pipeline_text (const Options & o)
{
  return "appsrc name=in is-live=false format=time block=false max-bytes=0 "
         "caps=audio/x-raw,format=S16LE,rate=24000,channels=1,"
         "layout=interleaved ! realtimebin name=rt turn-detection=none url=" +
      std::string (o.common.url) +
      " rt.src_audio ! fakesink name=audio "
      "sync=false rt.src_text ! fakesink sync=false async=false";
}

guint64
stats_field (GstElement * rt, const char * name)
{
  GstStructure * st = nullptr;
  guint64 v = 0;
  g_object_get (rt, "stats", &st, nullptr);
  if (st != nullptr) {
    gst_structure_get_uint64 (st, name, &v);
    gst_structure_free (st);
  }
  return v;
}

} // namespace

int
main (int argc, char ** argv)
{
  Options & o = run.o;
  GOptionEntry entries[] = {{"sessions", 'n', 0, G_OPTION_ARG_INT, &o.sessions,
                                "Sessions in this process (default 1)", "N"},
      {"rounds", 'r', 0, G_OPTION_ARG_INT, &o.rounds,
          "Turns per session (default 5)", "K"},
      {"input-s", 0, 0, G_OPTION_ARG_INT, &o.input_s,
          "Input audio per turn, in s (default 8; 0: only ask for answers)",
          "S"},
      {"no-answer", 0, 0, G_OPTION_ARG_NONE, &o.no_answer,
          "Commit the input without asking for an answer", nullptr},
      {"timeout-s", 0, 0, G_OPTION_ARG_INT, &o.timeout_s,
          "Give up (exit 1) after S seconds (default 600)", "S"},
      {nullptr}};
  parse_command_line (&argc, &argv, entries, o.common,
      "- realtimebin throughput, non-live");
  if (o.common.url == nullptr || o.sessions < 1 || o.rounds < 1 ||
      o.input_s < 0 || (o.input_s == 0 && o.no_answer)) {
    g_printerr ("realtime-throughput: needs --url, --sessions >= 1, "
                "--rounds >= 1, and input or answers\n");
    return 2;
  }

  run.tone = make_tone ();
  run.loop = g_main_loop_new (nullptr, FALSE);
  std::string text = pipeline_text (o);
  for (int i = 0; i < o.sessions; i++) {
    auto s = std::make_unique<Session> ();
    s->pipeline = launch_pipeline (text, on_bus, s.get ());
    s->src = gst_bin_get_by_name (GST_BIN (s->pipeline), "in");
    s->rt = gst_bin_get_by_name (GST_BIN (s->pipeline), "rt");
    add_probe_on (s->pipeline, "rt", "sink_audio",
        GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_input_event, s.get ());
    add_probe_on (s->pipeline, "audio", "sink", GST_PAD_PROBE_TYPE_BUFFER,
        on_output, s.get ());
    gst_element_set_state (s->pipeline, GST_STATE_PLAYING);
    run.sessions.push_back (std::move (s));
  }
  g_timeout_add_seconds (o.timeout_s, on_timeout, nullptr);
  g_main_loop_run (run.loop);

  double wall = (g_get_monotonic_time () - run.t0) / 1e6;
  double cpu = cpu_seconds_self () - run.cpu0;
  double sim =
      o.common.sim_pid ? cpu_seconds_of (o.common.sim_pid) - run.sim0 : 0;
  double pushed_s = 0, dropped_s = 0, output_s = 0, output_bytes_s = 0;
  guint responses = 0, failed = 0;
  guint64 reconnects = 0;
  for (auto & s : run.sessions) {
    pushed_s += (double) s->pushed_samples / RATE;
    dropped_s += stats_field (s->rt, "dropped-audio-ms") / 1e3;
    reconnects += stats_field (s->rt, "reconnects");
    output_s += s->output_ns / 1e9;
    output_bytes_s += s->output_bytes / (2.0 * RATE); /* S16LE mono */
    responses += s->responses;
    failed += s->failed_responses;
  }
  double input_s = pushed_s - dropped_s;
  /* Buffer durations must agree with the samples they hold. */
  if (std::fabs (output_s - output_bytes_s) > 0.001 * (1 + output_s))
    g_printerr ("realtime-throughput: src_audio durations add up to %.3f s "
                "but the buffers hold %.3f s of samples\n",
        output_s, output_bytes_s);
  if (failed > 0 || reconnects > 0)
    g_printerr (
        "realtime-throughput: %u responses not completed, %" G_GUINT64_FORMAT
        " reconnects\n",
        failed, reconnects);

  if (o.common.header)
    std::printf (
        "sessions,rounds,input_s_per_round,answers,wall_s,cpu_s,"
        "input_audio_s,input_dropped_s,output_audio_s,responses,"
        "input_per_cpu_s,output_per_cpu_s,total_per_cpu_s,realtime_factor,"
        "simulator_cpu_s,peak_rss_mb\n");
  std::printf ("%d,%d,%d,%s,%.2f,%.2f,%.1f,%.1f,%.1f,%u,%.1f,%.1f,%.1f,%.1f,"
               "%.2f,%.1f\n",
      o.sessions, o.rounds, o.input_s, o.no_answer ? "no" : "yes", wall, cpu,
      input_s, dropped_s, output_s, responses, input_s / cpu, output_s / cpu,
      (input_s + output_s) / cpu, (input_s + output_s) / wall, sim,
      peak_rss_kb () / 1024.0);
  std::fflush (stdout);

  for (auto & s : run.sessions) {
    gst_element_set_state (s->pipeline, GST_STATE_NULL);
    gst_object_unref (s->src);
    gst_object_unref (s->rt);
    gst_object_unref (s->pipeline);
  }
  g_main_loop_unref (run.loop);
  return 0;
}
