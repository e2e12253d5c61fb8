/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* realtime-assistant: one conversation through realtimebin, driven from a
 * GMainLoop: bus messages, function calls, typed and scripted text, and a
 * graceful end on Ctrl-C. */
#pragma once

#include "line-reader.h"
#include "options.h"
#include "pipeline.h"
#include "turn-tracker.h"

#include <deque>
#include <memory>
#include <string>

namespace assistant {

class Assistant
{
public:
  explicit Assistant (Options options);
  ~Assistant ();
  Assistant (const Assistant &) = delete;
  Assistant & operator= (const Assistant &) = delete;

  /* Holds the conversation until it ends; returns the exit status: 0 after
   * end of stream, 1 after an error, 130 after a second Ctrl-C. */
  int run ();

private:
  struct SlowCall;

  void on_message (GstMessage * message);
  void print_in_bus_order (const std::string & line);
  void send_text (const std::string & text);
  void say_next_when_idle ();
  void start_slow_call (SlowCall * call);
  void finish_slow_call (SlowCall * call, bool cancelled);
  void interrupt ();
  void quit (int exit_status);

  static gboolean bus_callback (GstBus * bus, GstMessage * message,
      gpointer self);
  static gchar * function_call_callback (GstElement * rt, const gchar * call_id,
      const gchar * name, const gchar * arguments, gpointer self);
  static GstPadProbeReturn input_file_probe (GstPad * pad,
      GstPadProbeInfo * info, gpointer pipeline);

  Options options_;
  Pipeline p_;
  GMainLoop * loop_;
  GCancellable * slow_calls_;
  TurnTracker turns_;
  std::deque<std::string> say_;
  std::unique_ptr<LineReader> stdin_;
  bool shutting_down_ = false;
  int exit_status_ = 0;
  guint sigint_ = 0, sigterm_ = 0, shutdown_timeout_ = 0;
};

} // namespace assistant
