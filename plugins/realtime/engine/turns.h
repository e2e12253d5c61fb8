/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gstrealtimeconversation.h"
#include "core.h"
#include "link.h"
#include "playout.h"
#include "uplink.h"
#include "voice.h"

#include <gst/realtime/client-events.h>
#include <gst/realtime/conversation-history.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace engine {

/* A conversation's turns: the user's turns and the responses to them, in
 * order (one response.create at a time, later requests merged), barge-in
 * (what was heard is truncated, the rest deleted), function calls, the
 * conversation replayed into a new session, and the EOS barrier (the end
 * waits until the server has answered everything sent). Uses the other
 * parts; called with the Core's lock held (through a Guard). */
class Turns
{
public:
  Turns (Core & core, const RealtimeConversationConfig & config, Link & link,
      Uplink & uplink, Voice & voice, Playout & playout);

  /* Server events (the facade's dispatch). */
  void speech_started (const realtime::ServerEvent & ev);
  void speech_stopped (const realtime::ServerEvent & ev);
  void committed (const realtime::ServerEvent & ev);
  void user_transcript (const realtime::ServerEvent & ev, bool final);
  void response_created (const realtime::ServerEvent & ev);
  void response_done (const realtime::ServerEvent & ev);
  void response_refused (const std::string & event_id);
  void audio_delta (const realtime::ServerEvent & ev);
  void assistant_transcript (const realtime::ServerEvent & ev, bool final);
  void item_added (const realtime::ServerEvent & ev);
  void function_call (const realtime::ServerEvent & ev);

  /* Link lifecycle. */
  void session_ready (bool reconnected);
  void outage ();
  void handover (const std::function<void (std::string)> & send);
  void switched (guint64 carried);

  /* Application requests. */
  void request_response (const realtime::ResponseOptions & options);
  void submit_function_result (const std::string & call_id,
      const std::string & output);
  /* The input so far, committed as the user's turn. */
  void commit ();
  void send_text (const gchar * text);
  void cancel ();

  /* The input ended. */
  void input_eos ();
  void check_eos ();
  bool eos_started () const { return eos_ != Eos::None; }
  bool eos_finished () const { return eos_ == Eos::Finished; }
  void stop_eos_timeout () { eos_timeout_.stop (); }

  /* A response is due or active. */
  bool any_response_active () const
  {
    return !responses_.empty () || awaiting_;
  }
  /* Nothing would be cut by changing sessions now. */
  bool quiet () const;
  /* Whether idle time began since the last look (at each drain). */
  bool idle_again ();

private:
  enum class Eos {
    None,
    Barrier,
    Waiting,
    Finished
  };

  void mark_turn_end (GstClockTime end, GstClockTime speech_stop);
  void send_deferred ();
  void interrupt (const std::string & response_id, GstClockTime at,
      GstClockTime latency);
  void interrupt_unheard (const std::string & response_id);
  std::string interrupt_target () const;
  void end_responses (const char * reason);
  void reset ();
  void send_eos_barrier ();
  void resume_eos ();
  void finish (const std::string & reason);

  Core & core_;
  const RealtimeConversationConfig & config_;
  Link & link_;
  Uplink & uplink_;
  Voice & voice_;
  Playout & playout_;

  /* Turns */
  GstClockTime turn_end_ = GST_CLOCK_TIME_NONE; /* input running time */
  GstClockTime speech_end_ = GST_CLOCK_TIME_NONE;
  bool turn_unanswered_ = false; /* a turn ended since the last response */
  bool awaiting_ = false;        /* a response is due to be created */
  bool was_active_ = false;      /* as idle_again() last saw it */

  /* Responses */
  std::map<std::string, ResponsePlacement> responses_; /* active ones */
  /* Active responses a response.cancel was sent for: a second cancel of
   * the same response would only earn response_cancel_not_active. */
  std::set<std::string> cancel_sent_;
  std::map<std::string, std::vector<std::string>>
      response_items_; /* active ones' message items */
  std::set<std::string> response_event_ids_;
  /* response.create waiting for the active response to end; requests made
   * meanwhile merge into one (the latest options win). */
  std::optional<std::string> deferred_;
  std::map<std::string, std::string> call_names_; /* item id -> name */
  realtime::ConversationHistory history_;
  guint64 replay_mark_ = 0; /* history before the outage */

  /* EOS */
  Eos eos_ = Eos::None;
  guint64 eos_barrier_ = 0;
  guint64 eos_events_mark_ = 0; /* events queued after the barrier */
  Timer eos_timeout_;
};

} // namespace engine
