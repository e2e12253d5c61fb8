/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* libFuzzer target: sequences of server events through a real realtimebin.
 *
 * LLVMFuzzerInitialize starts GStreamer (realtimebin registered from the
 * linked plugin, the four system plugins it needs loaded by file: no
 * registry scan), a FakeServer on 127.0.0.1, and one live pipeline
 *
 *   appsrc (S16LE 24 kHz mono, live) ! realtimebin url=ws://127.0.0.1:PORT
 *   rt.src_audio ! fakesink   rt.src_text ! fakesink
 *
 * that lives across inputs (a connection per input would cost more than
 * the input). Each input is a script (event-script.h): its frames go to
 * the element's connection, its actions are emitted on the element, a
 * little live audio goes in, and a sentinel ends it: an `error` event whose
 * error.event_id is unique, which realtimebin posts as a WARNING with that
 * `event-id` once it has handled every frame before it. No sentinel within
 * kSentinelTimeoutS is a hang: abort (a finding). An ERROR from the element
 * (the beta protocol; a close it gives up on) is the contract, not a
 * finding: the pipeline restarts and the next input gets a new session.
 * When the element reconnects or opens the next session by itself, the
 * frames follow it to the newest connection. */
#include "event-script.h"
#include "fake-server.h"

#include <gst/gst.h>
#include <gst/realtime/base64.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

/* From the linked plugin (GST_PLUGIN_DEFINE). */
extern "C" void gst_plugin_realtime_register (void);

namespace {

constexpr gint64 kSentinelTimeoutS = 10;
constexpr gint64 kConnectTimeoutS = 10;
/* Live input: at most this much audio per input, the rest is a gap. */
constexpr GstClockTime kMaxAudioPerInput = 200 * GST_MSECOND;
constexpr GstClockTime kBufferDuration = 10 * GST_MSECOND;

FakeServer * server;
GstElement *pipeline, *bin, *src;
GstBus * bus;
guint64 conn; /* the server connection the element uses */
bool restart_needed;
GstClockTime next_pts = GST_CLOCK_TIME_NONE;
guint64 sentinel_serial;

/* What happened, for the summary at exit and the self-test. */
guint64 inputs, restarts, responses_done;
std::atomic<guint64> audio_buffers;

[[noreturn]] void
die (const char * what, const std::string & detail = {})
{
  fprintf (stderr, "fuzz-conversation: %s%s%s\n", what,
      detail.empty () ? "" : ": ", detail.c_str ());
  abort ();
}

/* The application's answer to a function call: synchronous for call_1,
 * left to send-function-result for the others (both paths run). */
gchar *
on_function_call (GstElement *, const gchar * call_id, const gchar *,
    const gchar *, gpointer)
{
  if (g_strcmp0 (call_id, "call_1") == 0)
    return g_strdup ("{\"time\":\"12:00\"}");
  return nullptr;
}

void
check_utf8 (const char * text, const char * what)
{
  if (text != nullptr && !g_utf8_validate (text, -1, nullptr))
    die ("realtimebin posted text that is not UTF-8 in", what);
}

/* Every frame the server sent was UTF-8, so everything realtimebin posts
 * must be too (applications and bindings read it as text). */
void
check_posted_text (GstMessage * m)
{
  if (GST_MESSAGE_SRC (m) != GST_OBJECT (bin))
    return;
  GError * err = nullptr;
  gchar * debug = nullptr;
  switch (GST_MESSAGE_TYPE (m)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (m, &err, &debug);
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (m, &err, &debug);
      break;
    default:
      return;
  }
  check_utf8 (err->message, "an error or warning message");
  check_utf8 (debug, "an error or warning's debug text");
  g_error_free (err);
  g_free (debug);
}

/* Pops one message (waiting at most @timeout); an ERROR from anywhere marks
 * the pipeline for a restart. Returns the message (caller unrefs) or null. */
GstMessage *
pop (GstClockTime timeout)
{
  GstMessage * m = gst_bus_timed_pop (bus, timeout);
  if (m == nullptr)
    return nullptr;
  check_posted_text (m);
  if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
    restart_needed = true;
  if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT &&
      gst_message_has_name (m, "realtime-response") &&
      g_strcmp0 (gst_structure_get_string (gst_message_get_structure (m),
                     "event"),
          "done") == 0)
    responses_done++;
  return m;
}

GstPadProbeReturn
count_audio (GstPad *, GstPadProbeInfo *, gpointer)
{
  audio_buffers++;
  return GST_PAD_PROBE_OK;
}

/* src_text is text/x-raw,format=utf8, and every frame the server sent was
 * UTF-8: text that is not is the element's doing. */
GstPadProbeReturn
check_text (GstPad *, GstPadProbeInfo * info, gpointer)
{
  GstBuffer * b = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;
  if (gst_buffer_map (b, &map, GST_MAP_READ)) {
    bool ok = g_utf8_validate_len ((const gchar *) map.data, map.size, nullptr);
    gst_buffer_unmap (b, &map);
    if (!ok)
      die ("src_text pushed a buffer that is not UTF-8");
  }
  return GST_PAD_PROBE_OK;
}

void
print_summary ()
{
  fprintf (stderr,
      "fuzz-conversation: %" G_GUINT64_FORMAT " inputs, %" G_GUINT64_FORMAT
      " connections, %" G_GUINT64_FORMAT " restarts after "
      "an ERROR, %" G_GUINT64_FORMAT " responses done, %" G_GUINT64_FORMAT
      " audio buffers out\n",
      inputs, server->connections (), restarts, responses_done,
      audio_buffers.load ());
}

void
drain_bus ()
{
  while (GstMessage * m = pop (0))
    gst_message_unref (m);
}

/* Waits until the newest open connection is one @usable accepts, and
 * makes it the one frames go to; false if the element posted an ERROR
 * instead. Aborts when neither happens in time. */
template<typename Pred>
bool
wait_connection (Pred usable)
{
  gint64 deadline = g_get_monotonic_time () + kConnectTimeoutS * G_USEC_PER_SEC;
  while (server->current () == 0 || !usable (server->current ())) {
    if (restart_needed)
      return false;
    if (g_get_monotonic_time () > deadline)
      die ("realtimebin did not connect, nor post an ERROR");
    if (GstMessage * m = pop (5 * GST_MSECOND))
      gst_message_unref (m);
  }
  conn = server->current ();
  return true;
}

/* After @gone closed: the element reconnects (a newer connection), goes on
 * with an older one still open (it was opening the next session), or
 * posts an ERROR (false). */
bool
wait_connection_other_than (guint64 gone)
{
  return wait_connection ([gone] (guint64 c) { return c != gone; });
}

void
start_pipeline ()
{
  restart_needed = false;
  next_pts = GST_CLOCK_TIME_NONE;
  /* Connections of the previous run may not have closed yet. */
  guint64 before = server->connections ();
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    die ("the pipeline did not start");
  if (!wait_connection ([before] (guint64 c) { return c > before; }))
    die ("realtimebin failed before connecting");
}

void
restart_pipeline ()
{
  restarts++;
  if (gst_element_set_state (pipeline, GST_STATE_NULL) !=
      GST_STATE_CHANGE_SUCCESS)
    die ("the pipeline did not stop");
  drain_bus ();
  start_pipeline ();
}

/* Live input as a microphone gives it: audio up to now on the pipeline
 * clock, in 10 ms buffers, with a gap when inputs came slowly. */
void
push_audio ()
{
  GstClockTime now = gst_element_get_current_running_time (pipeline);
  if (!GST_CLOCK_TIME_IS_VALID (now))
    return;
  if (!GST_CLOCK_TIME_IS_VALID (next_pts) || now > next_pts + kMaxAudioPerInput)
    next_pts = now > kMaxAudioPerInput ? now - kMaxAudioPerInput : 0;
  while (next_pts + kBufferDuration <= now) {
    gsize samples = 240;
    GstBuffer * b = gst_buffer_new_allocate (nullptr, samples * 2, nullptr);
    gst_buffer_memset (b, 0, 0, samples * 2);
    GST_BUFFER_PTS (b) = next_pts;
    GST_BUFFER_DURATION (b) = kBufferDuration;
    /* appsrc is leaky: a stalled element drops input here, so a finding is
     * never the harness's own queue growing. */
    GstFlowReturn ret = GST_FLOW_OK;
    g_signal_emit_by_name (src, "push-buffer", b, &ret);
    gst_buffer_unref (b);
    next_pts += kBufferDuration;
  }
}

/* Is @m realtimebin's warning for the sentinel @id? */
bool
is_sentinel (GstMessage * m, const std::string & id)
{
  if (GST_MESSAGE_TYPE (m) != GST_MESSAGE_WARNING ||
      GST_MESSAGE_SRC (m) != GST_OBJECT (bin))
    return false;
  const GstStructure * details = nullptr;
  gst_message_parse_warning_details (m, &details);
  const char * got =
      details ? gst_structure_get_string (details, "event-id") : nullptr;
  return got != nullptr && id == got;
}

std::string
sentinel_frame (const std::string & id)
{
  return "{\"type\":\"error\",\"event_id\":\"event_" + id +
      "\",\"error\":"
      "{\"type\":\"invalid_request_error\",\"code\":\"fuzz_sentinel\","
      "\"message\":\"sentinel\",\"param\":null,\"event_id\":\"" +
      id + "\"}}";
}

/* Sends @frames and a sentinel, then waits until the element has handled
 * them all (or has failed, which restarts it before the next input). */
void
send_and_sync (std::vector<std::string> frames)
{
  if (restart_needed)
    return;
  std::string id = "fuzz_sentinel_" + std::to_string (++sentinel_serial);
  frames.push_back (sentinel_frame (id));
  guint64 sent_on = conn;
  if (!server->send (sent_on, std::move (frames)))
    sent_on = 0; /* gone: resent below once there is one */
  gint64 deadline =
      g_get_monotonic_time () + kSentinelTimeoutS * G_USEC_PER_SEC;
  for (;;) {
    GstMessage * m = pop (20 * GST_MSECOND);
    if (m != nullptr) {
      bool done = is_sentinel (m, id);
      gst_message_unref (m);
      if (done)
        return;
    }
    if (restart_needed)
      return;
    /* The element changed connections (a reconnect, the next session):
     * the frames went to the old one, so the sentinel goes to the new. */
    if (server->current () != 0 && server->current () != sent_on) {
      conn = sent_on = server->current ();
      if (!server->send (sent_on, {sentinel_frame (id)}))
        sent_on = 0;
    }
    if (g_get_monotonic_time () > deadline)
      die ("realtimebin did not handle the events sent to it within 10 s "
           "(hang)",
          id);
  }
}

void
run (const ScriptStep & step)
{
  switch (step.kind) {
    case ScriptStep::Frame:
    case ScriptStep::Sync:
      break;
    case ScriptStep::CancelResponse:
      g_signal_emit_by_name (bin, "cancel-response");
      break;
    case ScriptStep::CreateResponse:
      g_signal_emit_by_name (bin, "create-response",
          step.text.empty () ? nullptr : step.text.c_str ());
      break;
    case ScriptStep::CommitInput:
      g_signal_emit_by_name (bin, "commit-input");
      break;
    case ScriptStep::ClearInput:
      g_signal_emit_by_name (bin, "clear-input");
      break;
    case ScriptStep::SendText:
      g_signal_emit_by_name (bin, "send-text", step.text.c_str ());
      break;
    case ScriptStep::SendFunctionResult:
      g_signal_emit_by_name (bin, "send-function-result", step.call_id.c_str (),
          step.text.c_str ());
      break;
    case ScriptStep::ServerClose:
      server->close (conn, step.code, "fuzz");
      break;
  }
}

/* The harness must reach the element, or every input would test nothing:
 * a short reply sent as the fuzzer sends frames has to end in a
 * realtime-response "done" and audio on src_audio. */
void
self_test ()
{
  std::vector<guint8> pcm (4800, 0); /* 100 ms */
  const std::string ids =
      R"("response_id":"resp_selftest","item_id":)"
      R"("item_selftest","output_index":0,"content_index":0)";
  guint64 done_before = responses_done;
  send_and_sync ({
      R"({"type":"response.created","event_id":"st1","response":{"id":)"
      R"("resp_selftest","object":"realtime.response","status":)"
      R"("in_progress","output":[]}})",
      R"({"type":"response.output_item.added","event_id":"st2","response_id":)"
      R"("resp_selftest","output_index":0,"item":{"id":"item_selftest",)"
      R"("object":"realtime.item","type":"message","status":"in_progress",)"
      R"("role":"assistant","content":[]}})",
      R"({"type":"response.output_audio.delta","event_id":"st3",)" + ids +
          R"(,"delta":")" + realtime::base64_encode (pcm.data (), pcm.size ()) +
          "\"}",
      R"({"type":"response.done","event_id":"st4","response":{"id":)"
      R"("resp_selftest","object":"realtime.response","status":)"
      R"("completed","output":[]}})",
  });
  if (restart_needed || responses_done == done_before)
    die ("self-test: realtimebin did not handle a plain reply");
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (audio_buffers.load () == 0) {
    if (g_get_monotonic_time () > deadline)
      die ("self-test: no audio reached src_audio's sink");
    if (GstMessage * m = pop (10 * GST_MSECOND))
      gst_message_unref (m);
  }
}

/* A GLib or GStreamer warning or critical (a g_return_if_fail that failed,
 * a structure string that is not UTF-8…) is the element misusing an API:
 * print it, then abort. (GLib's own fatal path raises SIGTRAP, which
 * libFuzzer does not catch, so the input would not be saved.) */
GLogWriterOutput
abort_on_warning (GLogLevelFlags level, const GLogField * fields, gsize n,
    gpointer)
{
  GLogWriterOutput out = g_log_writer_default (level, fields, n, nullptr);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return out;
}

} // namespace

extern "C" int
LLVMFuzzerInitialize (int *, char ***)
{
  /* Only the plugins named below: no scan, no registry file, nothing
   * from the environment. */
  g_setenv ("GST_PLUGIN_SYSTEM_PATH_1_0", "", TRUE);
  g_setenv ("GST_PLUGIN_PATH_1_0", "", TRUE);
  g_setenv ("GST_REGISTRY_UPDATE", "no", TRUE);
  g_setenv ("GST_REGISTRY_1_0", "/nonexistent/fuzz-conversation.registry",
      TRUE);
  g_log_set_writer_func (abort_on_warning, nullptr, nullptr);
  gst_init (nullptr, nullptr);
  gst_plugin_realtime_register ();
  for (const char * name :
      {"coreelements", "app", "audioconvert", "audioresample"}) {
    g_autofree gchar * file =
        g_strdup_printf ("%s/libgst%s.so", GST_SYSTEM_PLUGINS_DIR, name);
    g_autoptr (GError) error = nullptr;
    GstPlugin * plugin = gst_plugin_load_file (file, &error);
    if (plugin == nullptr)
      die ("cannot load a system plugin", error ? error->message : file);
    gst_object_unref (plugin);
  }

  server = new FakeServer ();
  g_autoptr (GError) error = nullptr;
  if (!server->start (&error))
    die ("the fake server did not start", error->message);

  std::string launch =
      "appsrc name=src is-live=true format=time "
      "leaky-type=downstream max-bytes=96000 "
      "caps=audio/x-raw,format=S16LE,rate=24000,channels=1,layout=interleaved "
      "! realtimebin name=rt url=" +
      server->url () +
      " text-roles=assistant+user "
      "rt.src_audio ! fakesink name=asink sync=false async=false "
      "rt.src_text ! fakesink name=tsink sync=false async=false";
  pipeline = gst_parse_launch (launch.c_str (), &error);
  if (pipeline == nullptr)
    die ("cannot build the pipeline", error->message);
  bin = gst_bin_get_by_name (GST_BIN (pipeline), "rt");
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  bus = gst_element_get_bus (pipeline);
  g_signal_connect (bin, "function-call", G_CALLBACK (on_function_call),
      nullptr);
  for (auto [name, probe] :
      {std::pair<const char *, GstPadProbeCallback>{"asink", count_audio},
          {"tsink", check_text}}) {
    GstElement * sink = gst_bin_get_by_name (GST_BIN (pipeline), name);
    GstPad * pad = gst_element_get_static_pad (sink, "sink");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, probe, nullptr, nullptr);
    gst_object_unref (pad);
    gst_object_unref (sink);
  }
  start_pipeline ();
  self_test ();
  atexit (print_summary);
  return 0;
}

extern "C" int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  std::vector<ScriptStep> script =
      parse_script (std::string_view ((const char *) data, size), ++inputs);

  drain_bus ();
  if (restart_needed)
    restart_pipeline ();
  push_audio ();

  std::vector<std::string> frames;
  for (const ScriptStep & step : script) {
    if (restart_needed)
      break;
    if (step.kind == ScriptStep::Frame) {
      frames.push_back (step.text);
      continue;
    }
    if (step.kind == ScriptStep::Sync) {
      send_and_sync (std::move (frames));
      frames.clear ();
      continue;
    }
    /* An action goes right after the frames before it are on the wire,
     * without waiting for the element: signals race the I/O thread as
     * they do in applications. */
    if (!frames.empty () && !server->send (conn, std::move (frames)))
      restart_needed = !wait_connection_other_than (conn);
    frames.clear ();
    run (step);
    if (step.kind == ScriptStep::ServerClose)
      restart_needed = !wait_connection_other_than (conn);
  }
  send_and_sync (std::move (frames));
  return 0;
}
