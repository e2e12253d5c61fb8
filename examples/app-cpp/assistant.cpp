/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "assistant.h"

#include "message-printer.h"
#include "tools.h"

#include <glib-unix.h>

#include <algorithm>

namespace assistant {

namespace {

/* Posted by the input file's probe when the whole file was heard. */
const char INPUT_FILE_HEARD[] = "realtime-assistant-input-file-heard";

/* A line from another thread, printed in order with the bus messages. */
const char PRINT[] = "realtime-assistant-print";

/* "function NAME(ARGUMENTS) -> OUTPUT" */
std::string
describe_result (const std::string & name, const std::string & arguments,
    const std::string & result)
{
  return "function " + name + "(" + arguments + ")" + result;
}

} // namespace

/* A function answered from a worker thread, then send-function-result. */
struct Assistant::SlowCall
{
  Assistant * self;
  std::string call_id, name, arguments, output;
};

Assistant::Assistant (Options options)
    : options_ (std::move (options)), loop_ (g_main_loop_new (nullptr, FALSE)),
      slow_calls_ (g_cancellable_new ()),
      say_ (options_.say.begin (), options_.say.end ())
{}

Assistant::~Assistant ()
{
  g_cancellable_cancel (slow_calls_);
  for (guint source : {sigint_, sigterm_, shutdown_timeout_})
    if (source != 0)
      g_source_remove (source);
  if (p_.pipeline)
    gst_element_set_state (p_.pipeline.get (), GST_STATE_NULL);
  g_object_unref (slow_calls_);
  g_main_loop_unref (loop_);
}

int
Assistant::run ()
{
  std::string error;
  if (!build_pipeline (options_, p_, error)) {
    g_printerr ("error: %s\n", error.c_str ());
    return 1;
  }
  GstElement * pipeline = p_.pipeline.get ();

  g_signal_connect (p_.realtimebin.get (), "function-call",
      G_CALLBACK (function_call_callback), this);
  GstPtr<GstBus> bus (gst_element_get_bus (pipeline));
  gst_bus_add_watch (bus.get (), bus_callback, this);
  if (p_.input_file_pad) {
    turns_.input_file_started ();
    gst_pad_add_probe (p_.input_file_pad.get (),
        GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, input_file_probe, pipeline,
        nullptr);
  }

  auto on_signal = [] (gpointer self) -> gboolean {
    static_cast<Assistant *> (self)->interrupt ();
    return G_SOURCE_CONTINUE;
  };
  sigint_ = g_unix_signal_add (SIGINT, on_signal, this);
  sigterm_ = g_unix_signal_add (SIGTERM, on_signal, this);
  stdin_ = std::make_unique<LineReader> ([this] (const std::string & line) {
    if (!shutting_down_)
      send_text (line);
  });

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    GstMessage * message = gst_bus_pop_filtered (bus.get (), GST_MESSAGE_ERROR);
    if (message != nullptr) {
      on_message (message);
      gst_message_unref (message);
    } else {
      g_printerr ("error: the pipeline did not start\n");
    }
    exit_status_ = 1;
  } else {
    g_main_loop_run (loop_);
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus.get ());
  return exit_status_;
}

gboolean
Assistant::bus_callback (GstBus *, GstMessage * message, gpointer self)
{
  static_cast<Assistant *> (self)->on_message (message);
  return G_SOURCE_CONTINUE;
}

void
Assistant::on_message (GstMessage * message)
{
  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR: {
      g_autoptr (GError) error = nullptr;
      gst_message_parse_error (message, &error, nullptr);
      if (g_str_has_prefix (GST_MESSAGE_SRC_NAME (message), "input-file"))
        g_printerr ("error: reading --input %s: %s\n", options_.input.c_str (),
            error->message);
      else
        g_printerr ("error: %s\n", error->message);
      quit (1);
      break;
    }
    case GST_MESSAGE_WARNING: {
      g_autoptr (GError) warning = nullptr;
      gst_message_parse_warning (message, &warning, nullptr);
      g_printerr ("warning: %s\n", warning->message);
      break;
    }
    case GST_MESSAGE_EOS:
      g_print ("end of stream\n");
      quit (0);
      break;
    case GST_MESSAGE_ELEMENT: {
      const GstStructure * s = gst_message_get_structure (message);
      if (GST_MESSAGE_SRC (message) != GST_OBJECT (p_.realtimebin.get ()) ||
          !g_str_has_prefix (gst_structure_get_name (s), "realtime-"))
        break;
      print_realtime_message (s);
      turns_.on_message (s);
      say_next_when_idle ();
      break;
    }
    case GST_MESSAGE_APPLICATION:
      if (gst_message_has_name (message, PRINT)) {
        g_print ("%s\n",
            gst_structure_get_string (gst_message_get_structure (message),
                "line"));
      } else if (gst_message_has_name (message, INPUT_FILE_HEARD)) {
        g_print ("input: end of %s\n", options_.input.c_str ());
        turns_.input_file_heard ();
        say_next_when_idle ();
      }
      break;
    default:
      break;
  }
}

GstPadProbeReturn
Assistant::input_file_probe (GstPad *, GstPadProbeInfo * info,
    gpointer pipeline)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) != GST_EVENT_EOS)
    return GST_PAD_PROBE_OK;
  /* On the bus, so that it is handled in order with realtimebin's
   * messages, on the main loop. */
  gst_element_post_message (GST_ELEMENT (pipeline),
      gst_message_new_application (GST_OBJECT (pipeline),
          gst_structure_new_empty (INPUT_FILE_HEARD)));
  return GST_PAD_PROBE_REMOVE;
}

/* Posted, not printed: the function's result then comes after the
 * realtime-function-call line, which realtimebin posted before calling. */
void
Assistant::print_in_bus_order (const std::string & line)
{
  GstElement * pipeline = p_.pipeline.get ();
  gst_element_post_message (pipeline,
      gst_message_new_application (GST_OBJECT (pipeline),
          gst_structure_new (PRINT, "line", G_TYPE_STRING, line.c_str (),
              nullptr)));
}

void
Assistant::send_text (const std::string & text)
{
  g_print ("user (text): %s\n", text.c_str ());
  g_signal_emit_by_name (p_.realtimebin.get (), "send-text", text.c_str ());
  turns_.text_sent ();
}

void
Assistant::say_next_when_idle ()
{
  if (shutting_down_ || say_.empty () || !turns_.idle ())
    return;
  std::string text = std::move (say_.front ());
  say_.pop_front ();
  send_text (text);
}

/* Runs on realtimebin's I/O thread, shared by every realtimebin of the
 * process: a quick function is answered here, a slow one is handed to the
 * main loop and answered later with send-function-result. */
gchar *
Assistant::function_call_callback (GstElement *, const gchar * call_id,
    const gchar * name, const gchar * arguments, gpointer data)
{
  auto * self = static_cast<Assistant *> (data);
  const std::vector<std::string> & offered = self->options_.tools;
  const Tool * tool = find_tool (name);
  if (tool == nullptr ||
      std::find (offered.begin (), offered.end (), name) == offered.end ()) {
    std::string output = error_output (std::string ("there is no function "
                                                    "called ") +
        name);
    self->print_in_bus_order (
        describe_result (name, arguments, " -> " + output));
    return g_strdup (output.c_str ());
  }

  if (tool->slow) {
    self->print_in_bus_order (
        describe_result (name, arguments, ": answering later"));
    g_idle_add (
        [] (gpointer call) -> gboolean {
          auto * slow_call = static_cast<SlowCall *> (call);
          slow_call->self->start_slow_call (slow_call);
          return G_SOURCE_REMOVE;
        },
        new SlowCall{self, call_id, name, arguments, ""});
    return nullptr;
  }

  std::string output = run_tool (name, arguments, nullptr);
  self->print_in_bus_order (describe_result (name, arguments, " -> " + output));
  return g_strdup (output.c_str ());
}

void
Assistant::start_slow_call (SlowCall * call)
{
  turns_.slow_call_started ();
  GTask * task = g_task_new (
      nullptr, slow_calls_,
      [] (GObject *, GAsyncResult * result, gpointer) {
        GTask * done = G_TASK (result);
        auto * done_call =
            static_cast<SlowCall *> (g_task_get_task_data (done));
        done_call->self->finish_slow_call (done_call,
            g_cancellable_is_cancelled (g_task_get_cancellable (done)));
      },
      nullptr);
  g_task_set_task_data (task, call,
      [] (gpointer c) { delete static_cast<SlowCall *> (c); });
  g_task_run_in_thread (task,
      [] (GTask * t, gpointer, gpointer c, GCancellable * cancellable) {
        auto * worker_call = static_cast<SlowCall *> (c);
        worker_call->output = run_tool (worker_call->name,
            worker_call->arguments.c_str (), cancellable);
        g_task_return_boolean (t, TRUE);
      });
  g_object_unref (task);
}

void
Assistant::finish_slow_call (SlowCall * call, bool cancelled)
{
  turns_.slow_call_finished ();
  if (cancelled)
    return;
  g_print ("%s\n",
      describe_result (call->name, call->arguments, " -> " + call->output)
          .c_str ());
  g_signal_emit_by_name (p_.realtimebin.get (), "send-function-result",
      call->call_id.c_str (), call->output.c_str ());
  say_next_when_idle ();
}

/* Ctrl-C or SIGTERM: the first ends the input, so that realtimebin finishes
 * the answer in progress and ends the stream; the second quits at once. */
void
Assistant::interrupt ()
{
  if (shutting_down_) {
    g_printerr ("quitting at once\n");
    quit (130);
    return;
  }
  shutting_down_ = true;
  g_printerr ("ending the conversation after the answer in progress "
              "(Ctrl-C again quits at once)\n");
  g_cancellable_cancel (slow_calls_);
  gst_element_send_event (p_.pipeline.get (), gst_event_new_eos ());
  /* realtimebin itself waits at most shutdown-timeout (its eos-timeout-ms)
   * for the answer; this is the safety net if the stream never ends. */
  shutdown_timeout_ = g_timeout_add_seconds (
      options_.shutdown_timeout_s + 5,
      [] (gpointer data) -> gboolean {
        auto * self = static_cast<Assistant *> (data);
        self->shutdown_timeout_ = 0;
        g_printerr ("error: the pipeline did not reach end of stream within "
                    "%u s of the interruption; stopping it\n",
            self->options_.shutdown_timeout_s + 5);
        self->quit (1);
        return G_SOURCE_REMOVE;
      },
      this);
}

void
Assistant::quit (int exit_status)
{
  exit_status_ = exit_status;
  g_main_loop_quit (loop_);
}

} // namespace assistant
