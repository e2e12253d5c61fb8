/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "turns.h"

#include "gstrealtimeelements.h"
#include "gstrealtimeenums.h"
#include "gstrealtimeprices.h"

#include <gst/realtime/json-util.h>
#include <gst/realtime/realtime-error.h>

#define GST_CAT_DEFAULT gst_realtime_debug

using realtime::ServerEvent;

namespace engine {

Turns::Turns (Core & core, const RealtimeConversationConfig & config,
    Link & link, Uplink & uplink, Voice & voice, Playout & playout)
    : core_ (core), config_ (config), link_ (link), uplink_ (uplink),
      voice_ (voice), playout_ (playout), eos_timeout_ (core)
{
  history_.set_max_turns (config.replay_turns);
}

/* --- the user's turns ---------------------------------------------------- */

void
Turns::speech_started (const ServerEvent & ev)
{
  GstClockTime rt = voice_.speech_started (ev);
  /* Barge-in: the user talks over audio the listener is still hearing —
   * often after response.done, as audio arrives faster than it plays. */
  std::string target = interrupt_target ();
  if (config_.session.interrupt_response && !target.empty ()) {
    /* Live: the listener heard up to now, less what sinks still hold.
     * Non-live: the conversation's time is the input's, so the user spoke
     * over the reply only if the speech starts inside it. */
    if (core_.live () || !GST_CLOCK_TIME_IS_VALID (rt)) {
      interrupt (target, core_.now (), playout_.render_latency ());
    } else {
      /* server_vad's audio_start_ms includes prefix_padding_ms of audio
       * before the speech: the user spoke that much later. */
      GstClockTime spoke = rt;
      if (config_.session.turn_detection == realtime::TurnDetection::ServerVad)
        spoke += (guint64) config_.session.vad_prefix_padding_ms * GST_MSECOND;
      interrupt (target, spoke, 0);
    }
  }
}

void
Turns::speech_stopped (const ServerEvent & ev)
{
  GstClockTime rt = voice_.speech_stopped (ev);
  /* The service's audio_end_ms includes the silence that ended the turn. */
  GstClockTime speech_end = rt;
  guint64 silence =
      (guint64) config_.session.vad_silence_duration_ms * GST_MSECOND;
  if (config_.session.turn_detection == realtime::TurnDetection::ServerVad &&
      GST_CLOCK_TIME_IS_VALID (rt) && rt >= silence)
    speech_end = rt - silence;
  mark_turn_end (rt, speech_end);
  if (config_.session.create_response)
    awaiting_ = true;
}

void
Turns::committed (const ServerEvent & ev)
{
  uplink_.forget_recent (); /* in a committed item now */
  history_.add (realtime::ConversationHistory::Role::User, ev.item_id);
  voice_.committed (ev.item_id, turn_end_);
}

void
Turns::user_transcript (const ServerEvent & ev, bool final)
{
  std::optional<std::string> text = voice_.user_transcript (ev, final);
  if (text)
    history_.set_text (realtime::ConversationHistory::Role::User, ev.item_id,
        *text);
}

void
Turns::mark_turn_end (GstClockTime end, GstClockTime speech_stop)
{
  turn_end_ = end;
  speech_end_ = speech_stop;
  turn_unanswered_ = true;
  uplink_.set_uncommitted_samples (0);
}

void
Turns::commit ()
{
  uplink_.commit ();
  mark_turn_end (uplink_.input_end (), uplink_.input_end ());
}

void
Turns::send_text (const gchar * text)
{
  realtime::JsonObjectPtr item = realtime::make_user_text_item (text);
  link_.send (realtime::build_conversation_item_create (item.get ()));
  history_.add_text (realtime::ConversationHistory::Role::User, text);
  turn_unanswered_ = false;
  request_response ({});
}

/* --- responses ----------------------------------------------------------- */

void
Turns::request_response (const realtime::ResponseOptions & options)
{
  std::string id = link_.next_event_id ("response");
  std::string ev = realtime::build_response_create (options, id);
  response_event_ids_.insert (id);
  if (any_response_active ()) {
    deferred_ = std::move (ev);
    return;
  }
  awaiting_ = true;
  link_.send (std::move (ev));
  link_.arm_stall ();
}

void
Turns::send_deferred ()
{
  if (deferred_ && !any_response_active ()) {
    awaiting_ = true;
    link_.send (std::move (*deferred_));
    deferred_.reset ();
    link_.arm_stall ();
  }
}

/* The function's output, then a response once the current one is done. */
void
Turns::submit_function_result (const std::string & call_id,
    const std::string & output)
{
  realtime::JsonObjectPtr item =
      realtime::make_function_call_output_item (call_id, output);
  link_.send (realtime::build_conversation_item_create (item.get ()));
  request_response ({});
}

void
Turns::response_refused (const std::string & event_id)
{
  if (response_event_ids_.erase (event_id))
    awaiting_ = false;
}

void
Turns::response_created (const ServerEvent & ev)
{
  awaiting_ = false;
  ResponsePlacement & r = responses_[ev.response->id];
  /* Our oldest response.create is answered (or the server's VAD made this
   * one); either way the set must not grow with every turn. */
  if (!response_event_ids_.empty ())
    response_event_ids_.erase (response_event_ids_.begin ());
  /* Non-live input: the answer goes where the turn that caused it ended
   * (or, for a text turn, where the input is now). */
  r.earliest = turn_unanswered_ ? turn_end_ : uplink_.input_end ();
  r.speech_end = turn_unanswered_ ? speech_end_ : GST_CLOCK_TIME_NONE;
  turn_unanswered_ = false;
  core_.post (
      realtime_message_response_started (GST_OBJECT (core_.bin), *ev.response));
}

void
Turns::response_done (const ServerEvent & ev)
{
  const realtime::Response & resp = *ev.response;
  GstClockTime latency = GST_CLOCK_TIME_NONE;
  auto it = responses_.find (resp.id);
  if (it != responses_.end ()) {
    latency = it->second.first_audio_latency;
    responses_.erase (it);
  }
  cancel_sent_.erase (resp.id);
  response_items_.erase (resp.id);
  playout_.response_done (resp.id);
  core_.stats.responses++;
  std::optional<double> cost;
  if (resp.usage) {
    /* The model the server says it runs (an Azure deployment name in the
     * URL may hide it), else the one asked for. */
    const GstStructure * over = config_.prices.get ();
    std::optional<realtime::Prices> prices =
        realtime_effective_prices (link_.server_model (), over);
    if (!prices)
      prices = realtime_effective_prices (config_.link.model, over);
    if (prices) {
      cost = realtime::estimate_cost_usd (*resp.usage, *prices);
      core_.stats.estimated_cost_usd =
          core_.stats.estimated_cost_usd.value_or (0) + *cost;
    }
  }
  core_.post (realtime_message_response_done (GST_OBJECT (core_.bin), resp,
      latency, cost));
  if (resp.status == "failed") {
    core_.warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
        "The Realtime API could not complete a response: " +
            (resp.status_error.message.empty () ? resp.status_reason
                                                : resp.status_error.message),
        "response " + resp.id + " failed",
        realtime_error_details (resp.status_error));
  }
  send_deferred ();
}

void
Turns::audio_delta (const ServerEvent & ev)
{
  if (playout_.dropped (ev.response_id))
    return; /* late audio of an interrupted response */
  /* Audio of a response we never saw created still plays; it just has no
   * placement of its own. */
  ResponsePlacement unknown;
  auto found = responses_.find (ev.response_id);
  ResponsePlacement & r = found != responses_.end () ? found->second : unknown;
  playout_.push_audio (ev, r, link_.frame_arrived_us ());
}

void
Turns::assistant_transcript (const ServerEvent & ev, bool final)
{
  GstClockTime pts, duration;
  auto it = responses_.find (ev.response_id);
  playout_.text_times (ev, it != responses_.end () ? &it->second : nullptr,
      &pts, &duration);
  const std::string & text =
      final ? (ev.transcript.empty () ? ev.text : ev.transcript) : ev.delta;
  core_.post (realtime_message_transcript (GST_OBJECT (core_.bin), "assistant",
      ev.item_id, text, final, pts));
  bool dropped = playout_.dropped (ev.response_id);
  /* What an interrupted item said is not known as text: not replayed. */
  if (final && dropped)
    history_.remove (ev.item_id);
  else if (final)
    history_.set_text (realtime::ConversationHistory::Role::Assistant,
        ev.item_id, text);
  /* An interrupted response's text is not what the listener heard. */
  if (final && (config_.text_roles & GST_REALTIME_TEXT_ROLES_ASSISTANT) &&
      !dropped)
    playout_.push_text (text, pts, duration);
}

void
Turns::item_added (const ServerEvent & ev)
{
  if (ev.item && ev.item->type == "function_call")
    call_names_[ev.item->id] = ev.item->name;
  else if (ev.item && ev.item->type == "message") {
    response_items_[ev.response_id].push_back (ev.item->id);
    history_.add (realtime::ConversationHistory::Role::Assistant, ev.item->id);
  }
}

void
Turns::function_call (const ServerEvent & ev)
{
  std::string name = ev.name;
  auto it = call_names_.find (ev.item_id);
  if (it != call_names_.end ()) {
    if (name.empty ())
      name = it->second;
    call_names_.erase (it);
  }
  core_.post (realtime_message_function_call (GST_OBJECT (core_.bin),
      ev.call_id, name, ev.arguments));
  if (config_.function_call) {
    /* The application answers without our lock (it may call back in). */
    core_.after ([this, call_id = ev.call_id, name, args = ev.arguments] () {
      std::optional<std::string> output =
          config_.function_call (call_id, name, args);
      if (output) {
        Guard lk (core_);
        submit_function_result (call_id, *output);
      }
    });
  }
}

/* Responses the lost session was producing end here, so applications see
 * every started response done. */
void
Turns::end_responses (const char * reason)
{
  for (const auto & [id, r] : responses_) {
    realtime::Response resp;
    resp.id = id;
    resp.status = "failed";
    resp.status_type = "failed";
    resp.status_reason = reason;
    core_.post (realtime_message_response_done (GST_OBJECT (core_.bin), resp,
        r.first_audio_latency));
  }
  responses_.clear ();
  cancel_sent_.clear ();
  response_items_.clear ();
  awaiting_ = false;
}

bool
Turns::quiet () const
{
  return eos_ == Eos::None && !any_response_active () && !deferred_ &&
      !voice_.speech_active () &&
      (config_.session.turn_detection != realtime::TurnDetection::None ||
          uplink_.uncommitted_samples () * 1000 / realtime::AUDIO_RATE <=
              uplink_.carry_ms ());
}

bool
Turns::idle_again ()
{
  bool active = any_response_active ();
  bool again = was_active_ && !active;
  was_active_ = active;
  return again;
}

/* --- sessions ------------------------------------------------------------ */

/* Server-side state that does not carry over to another session. */
void
Turns::reset ()
{
  voice_.reset ();
  response_event_ids_.clear ();
  playout_.reset ();
  call_names_.clear ();
  uplink_.set_uncommitted_samples (0);
}

void
Turns::session_ready (bool reconnected)
{
  /* After a lost session: the conversation so far (what was said during
   * the outage follows from the backlog). */
  if (reconnected)
    for (std::string & item : history_.replay_events (0, replay_mark_))
      link_.send_now (std::move (item));
  if (eos_ == Eos::Barrier && eos_barrier_ == 0)
    eos_barrier_ = link_.claim_barrier ();
}

/* The session is gone: what it held is forgotten, what the user says
 * meanwhile waits in the backlog for the next one. */
void
Turns::outage ()
{
  replay_mark_ = history_.next_serial ();
  end_responses ("connection_lost");
  reset ();
  resume_eos ();
  send_deferred ();
}

/* The conversation as it is now (answers finished, items deleted or
 * truncated since the next session opened). */
void
Turns::handover (const std::function<void (std::string)> & send)
{
  for (std::string & ev : history_.replay_events ())
    send (std::move (ev));
}

/* The next session took over; @carried samples of uncommitted input went
 * to it. Answers still due are the next session's. */
void
Turns::switched (guint64 carried)
{
  end_responses ("connection_lost");
  reset ();
  uplink_.set_uncommitted_samples (carried);
  resume_eos ();
  send_deferred ();
}

/* --- barge-in (docs/realtimebin.md) -------------------------------------- */

/* Stops what the listener is hearing (see Playout::stop), and tells the
 * server: the item that was playing truncated where it was heard (deleted
 * when nothing was; items that never started playing are deleted). */
void
Turns::interrupt (const std::string & response_id, GstClockTime at,
    GstClockTime latency)
{
  if (playout_.dropped (response_id))
    return; /* interrupted once: that truncate stands */
  std::vector<Playout::Heard> heard;
  switch (playout_.stop (response_id, at, latency, heard)) {
    case Playout::Stop::NoAudio:
      interrupt_unheard (response_id);
      return;
    case Playout::Stop::AllPlayed:
      return;
    case Playout::Stop::Stopped:
      break;
  }
  core_.stats.interruptions++;
  std::string playing = heard.front ().item;
  gint64 playing_heard = 0;
  const char * playing_action = "deleted";
  for (const Playout::Heard & h : heard) {
    const char * action;
    if (h.heard_ms >= h.received_ms) {
      action = "none"; /* an earlier item, heard to its end */
    } else if (h.heard_ms <= 0) {
      action = "deleted";
      link_.send (realtime::build_conversation_item_delete (h.item));
      history_.remove (h.item);
    } else {
      action = "truncated";
      link_.send (realtime::build_conversation_item_truncate (h.item,
          (guint) h.content_index, (guint64) h.heard_ms));
      history_.remove (h.item); /* its text is more than was heard */
    }
    if (h.heard_ms > 0) {
      playing = h.item;
      playing_heard = h.heard_ms;
      playing_action = action;
    }
  }
  core_.post (realtime_message_interrupted (GST_OBJECT (core_.bin), playing,
      playing_heard, playing_action));
}

/* An active response none of whose audio has arrived: nothing was heard,
 * so whatever the server generated is dropped here and its items deleted
 * (the model must not believe it said them). */
void
Turns::interrupt_unheard (const std::string & response_id)
{
  if (!responses_.count (response_id))
    return;
  playout_.drop (response_id);
  core_.stats.interruptions++;
  std::string first;
  for (const std::string & item : response_items_[response_id]) {
    link_.send (realtime::build_conversation_item_delete (item));
    history_.remove (item);
    if (first.empty ())
      first = item;
  }
  core_.post (realtime_message_interrupted (GST_OBJECT (core_.bin), first, 0,
      first.empty () ? "none" : "deleted"));
}

/* The response a barge-in stops: the active one, else the latest that
 * still plays. */
std::string
Turns::interrupt_target () const
{
  return responses_.empty () ? playout_.last_audio_response ()
                             : responses_.begin ()->first;
}

void
Turns::cancel ()
{
  if (!responses_.empty ()) {
    const std::string & id = responses_.begin ()->first;
    if (cancel_sent_.insert (id).second)
      link_.send (realtime::build_response_cancel (id));
  }
  std::string target = interrupt_target ();
  if (!target.empty ())
    interrupt (target, core_.now (), playout_.render_latency ());
  deferred_.reset ();
}

/* --- EOS ------------------------------------------------------------------ */

void
Turns::input_eos ()
{
  if (eos_ == Eos::Finished) {
    /* EOS again after a flush: the conversation is over, end again. */
    playout_.push_eos ();
    core_.post_input_eos ();
    return;
  }
  if (eos_ != Eos::None)
    return;
  uplink_.flush_chunk ();
  if (core_.failed || config_.eos_timeout_ms == 0) {
    finish (core_.failed ? "failed" : "end of stream");
    return;
  }
  if (config_.session.turn_detection == realtime::TurnDetection::None &&
      uplink_.uncommitted_samples () >= MIN_COMMIT_SAMPLES) {
    commit ();
    request_response ({});
  }
  send_eos_barrier ();
  eos_timeout_.start (config_.eos_timeout_ms, [this] () {
    if (eos_ == Eos::Finished)
      return;
    core_.warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
        "realtimebin stopped waiting for the last response after "
        "eos-timeout-ms (" +
            std::to_string (config_.eos_timeout_ms) +
            " ms); raise eos-timeout-ms to wait longer for it.",
        "EOS timeout");
    finish ("eos-timeout");
  });
}

/* An empty session.update: its answer means the server has processed
 * every event sent before it (the audio, truncates, deletes). */
void
Turns::send_eos_barrier ()
{
  eos_barrier_ = link_.send_barrier ();
  eos_events_mark_ = link_.events_queued ();
  eos_ = Eos::Barrier;
}

void
Turns::check_eos ()
{
  if (eos_ == Eos::Barrier && eos_barrier_ > 0 &&
      link_.updates_acked () >= eos_barrier_) {
    eos_ = Eos::Waiting;
    /* The server has now seen all our audio; a turn still open at the
     * end of the stream gets its answer. */
    if (voice_.speech_active () &&
        config_.session.turn_detection != realtime::TurnDetection::None) {
      link_.send (realtime::build_input_audio_buffer_commit ());
      voice_.end_speech ();
      mark_turn_end (uplink_.input_end (), uplink_.input_end ());
      if (config_.session.create_response)
        request_response ({});
    }
  }
  if (eos_ == Eos::Waiting && !any_response_active () && !deferred_) {
    /* Events sent since the barrier (a truncate after a barge-in, …)
     * are answered before the session closes. */
    if (link_.events_queued () > eos_events_mark_)
      send_eos_barrier ();
    else
      finish ("end of stream");
  }
}

/* EOS was waiting on the old session: the new one gets a barrier of its
 * own (one already in the backlog stands). */
void
Turns::resume_eos ()
{
  if ((eos_ == Eos::Barrier && eos_barrier_ != 0) || eos_ == Eos::Waiting)
    send_eos_barrier ();
}

void
Turns::finish (const std::string & reason)
{
  if (eos_ == Eos::Finished)
    return;
  eos_ = Eos::Finished;
  GST_DEBUG_OBJECT (core_.bin, "finishing: %s", reason.c_str ());
  stop_eos_timeout ();
  playout_.push_eos ();
  core_.post_input_eos ();
  core_.closing = true;
  link_.close ();
  core_.post_closed (link_.session_id (), reason);
}

} // namespace engine
