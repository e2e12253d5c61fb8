/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gstrealtimeconversation.h"

#include <gst/gst.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

/* What exists only while realtimebin runs: its conversation, from
 * READY->PAUSED to PAUSED->READY, and what the last one left behind. Any
 * thread. Entry points copy the conversation pointer and let go, so a
 * state change may drop it while a signal still uses its copy. */
class GstRealtimeBinState
{
public:
  GstRealtimeBinState () = default;
  ~GstRealtimeBinState ();
  GstRealtimeBinState (const GstRealtimeBinState &) = delete;
  GstRealtimeBinState & operator= (const GstRealtimeBinState &) = delete;

  /* The running conversation, or NULL. */
  std::shared_ptr<RealtimeConversation> conversation ();
  void set_conversation (std::shared_ptr<RealtimeConversation> conversation);
  /* Drops the conversation, which closes its session (not on the I/O
   * thread), and keeps its stats and session id. */
  void stop ();

  /* The session-id and stats properties: of the running conversation, else
   * of the last one. */
  void get_session_id (GValue * value);
  void get_stats (GValue * value);

  /* When the buffer now on its way through the input converters entered
   * sink_audio (monotonic µs; the streaming thread's own). */
  std::atomic<gint64> input_entered_us{0};

private:
  std::mutex lock_; /* guards the fields below */
  std::shared_ptr<RealtimeConversation> conversation_;
  GstStructure * last_stats_ = nullptr; /* of the previous conversation */
  std::string last_session_id_;
};
