/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Whether the conversation is idle: nobody speaking, no answer on its way.
 * Scripted lines (--say) wait for that, so they do not cut into a turn. */
#pragma once

#include <gst/gst.h>

namespace assistant {

class TurnTracker
{
public:
  /* A WAV file is being heard: not idle before its end. */
  void input_file_started () { input_file_playing_ = true; }
  void input_file_heard () { input_file_playing_ = false; }

  /* Follows a realtime-* message from realtimebin. */
  void on_message (const GstStructure * s);

  /* send-text was emitted: a response will follow. */
  void text_sent () { response_expected_ = true; }

  /* A function is being answered in the background. */
  void slow_call_started () { slow_calls_++; }
  void slow_call_finished () { slow_calls_--; }

  bool idle () const;

private:
  bool connected_ = false;
  bool input_file_playing_ = false;
  bool speech_open_ = false;
  bool response_expected_ = false;
  bool response_active_ = false;
  int slow_calls_ = 0;
};

} // namespace assistant
