/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gstrealtimeinput.h"
#include "gstrealtimeoutput.h"
#include "engine/link.h"

#include <gst/gst.h>
#include <gst/realtime/session-settings.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

/* What realtimebin's properties say about one conversation, copied when it
 * starts. */
struct RealtimeConversationConfig
{
  /* One connection's settings: url, model, key, secrets, reconnect, stall,
   * rollover (engine/link.h). */
  engine::LinkConfig link;
  realtime::SessionSettings session;
  guint text_roles = 0; /* GstRealtimeTextRoles */
  guint chunk_ms = 0;
  GstClockTime latency = 0;
  guint eos_timeout_ms = 0;
  guint input_backlog_ms = 0; /* input kept while it cannot be sent */
  guint replay_turns = 0;     /* conversation replayed into a new session */
  /* The `prices` property: USD per million tokens over the published
   * prices (may be empty). */
  std::shared_ptr<const GstStructure> prices;
  /* Asks the application for a function's output (the bin's function-call
   * signal); called on the I/O thread without locks. No value: the
   * application answers later with send-function-result. */
  std::function<std::optional<std::string> (const std::string & call_id,
      const std::string & name, const std::string & arguments)>
      function_call;
  /* Barge-in on a live output flushes src_audio; false: drops only what
   * is not yet pushed, without FLUSH events (docs/realtimebin.md). */
  bool interrupt_flush = true;
};

/* One conversation with one Realtime session, for one realtimebin between
 * READY->PAUSED and PAUSED->READY: the input audio goes out in chunks, the
 * server's events come back as buffers on the bin's outputs and messages
 * on its bus. Entry points are called from the streaming thread (audio,
 * EOS), from applications (signals, properties) and, inside, from the
 * shared I/O thread (server events); none of them waits on the network. */
class RealtimeConversation
{
public:
  RealtimeConversation (GstElement * bin, GstRealtimeInput * input,
      GstRealtimeOutput * audio_output, GstRealtimeOutput * text_output,
      RealtimeConversationConfig config);
  /* Closes the session with a close frame. Not on the I/O thread. */
  ~RealtimeConversation ();

  RealtimeConversation (const RealtimeConversation &) = delete;
  RealtimeConversation & operator= (const RealtimeConversation &) = delete;

  /* Checks the settings and starts connecting; FALSE with @error when the
   * settings cannot make a session. */
  bool start (GError ** error);

  /* Streaming thread. */
  /* @entered_us: when @buffer entered sink_audio (monotonic), for the
   * input latency. */
  GstFlowReturn push_audio (GstBuffer * buffer, GstClockTime running_time,
      gint64 entered_us = 0);
  void input_eos ();
  void input_flushed ();

  /* Property changes while running. */
  void update_session (const realtime::SessionSettings & settings);
  void set_text_roles (guint roles);
  void set_chunk_ms (guint chunk_ms);
  void set_latency (GstClockTime latency);
  void set_eos_timeout_ms (guint ms);
  /* The `prices` property (copied; NULL: the published prices only). */
  void set_prices (const GstStructure * prices);

  /* Action signals (docs/realtimebin.md, "Action signals"). */
  void commit_input ();
  void clear_input ();
  void create_response (const gchar * instructions);
  void cancel_response ();
  void send_text (const gchar * text);
  void send_function_result (const gchar * call_id, const gchar * output);
  void send_event (const gchar * json);

  /* The LATENCY query of the src pads: upstream's plus ours. */
  gboolean answer_latency (GstQuery * query);
  /* Where idle GAPs may go up to (see GstRealtimeOutputCallbacks). */
  GstClockTime idle_horizon ();
  /* An audio buffer left src_audio @delay_us after its frame arrived. */
  void audio_delivered (gint64 delay_us);
  /* The latency downstream renders with (from its LATENCY event). */
  void set_render_latency (GstClockTime latency);

  std::string session_id ();
  GstStructure * stats ();

  struct State;

private:
  /* Shared with in-flight I/O callbacks (they hold weak references), so a
   * bin torn down from a callback does not free it under that callback. */
  std::shared_ptr<State> state_;
};
