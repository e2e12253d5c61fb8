/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

/* The facade that wires the engine's parts for realtimebin: it owns them,
 * routes the server's events to them, and turns the bin's entry points
 * into calls under a Guard (docs/architecture.md, "The engine"). */

#include "gstrealtimeconversation.h"
#include "engine/core.h"
#include "engine/link.h"
#include "engine/playout.h"
#include "engine/turns.h"
#include "engine/uplink.h"
#include "engine/voice.h"
#include "gstrealtimeelements.h"
#include "gstrealtimeprices.h"

#include <gst/realtime/client-events.h>
#include <gst/realtime/json-util.h>

#include <thread>

#define GST_CAT_DEFAULT gst_realtime_debug

using realtime::ServerEvent;
using realtime::ServerEventType;

/* Lock: Core::lock guards `config` and every part. The parts reference
 * fields of `config` (the session settings, text roles), which change only
 * under that lock. */
struct RealtimeConversation::State : engine::Core, engine::LinkListener
{
  State (GstElement * bin, GstRealtimeInput * input_element,
      GstRealtimeOutput * audio, GstRealtimeOutput * text,
      RealtimeConversationConfig conf)
      : Core (bin, input_element), audio_output (audio), text_output (text),
        config (std::move (conf)),
        link (*this, config.link, *this,
            [writes = writes] (gint64 delay_us) { writes->record (delay_us); }),
        uplink (*this, link, writes, config.session, config.chunk_ms,
            config.input_backlog_ms),
        voice (*this, uplink, config.session, config.text_roles, text),
        playout (*this, audio, text, config.interrupt_flush),
        turns (*this, config, link, uplink, voice, playout)
  {}

  GstRealtimeOutput * const audio_output;
  GstRealtimeOutput * const text_output;
  RealtimeConversationConfig config;
  const std::shared_ptr<engine::InputWrites> writes =
      std::make_shared<engine::InputWrites> ();
  engine::Link link;
  engine::Uplink uplink;
  engine::Voice voice;
  engine::Playout playout;
  engine::Turns turns;
  guint64 carried = 0; /* input handed to the next session */

  /* --- Core --- */
  void on_failed () override { turns.stop_eos_timeout (); }
  bool idle_again () override { return turns.idle_again (); }
  void wake_outputs () override
  {
    gst_realtime_output_wake (audio_output);
    gst_realtime_output_wake (text_output);
  }

  /* --- LinkListener --- */
  std::string session_update (const std::string & id, GError ** error) override
  {
    return realtime::build_session_update (config.session, id, error);
  }
  void on_session_ready (bool reconnected) override
  {
    turns.session_ready (reconnected);
  }
  void on_event (const ServerEvent & ev) override;
  void after_event () override { turns.check_eos (); }
  void on_outage (bool was_ready) override
  {
    uplink.on_outage (was_ready);
    turns.outage ();
  }
  void on_handover (const std::function<void (std::string)> & send) override
  {
    turns.handover (send);
    carried = uplink.hand_over (send);
  }
  void on_switched () override { turns.switched (carried); }
  bool busy () const override { return turns.any_response_active (); }
  bool quiet () const override { return turns.quiet (); }
  bool ending () const override { return turns.eos_started (); }
  bool finished () const override { return turns.eos_finished (); }
};

/* Server events of the current session, on the I/O thread. */
void
RealtimeConversation::State::on_event (const ServerEvent & ev)
{
  switch (ev.type) {
    case ServerEventType::Error:
      turns.response_refused (
          ev.error.value_or (realtime::ErrorInfo ()).event_id);
      break;
    case ServerEventType::InputAudioBufferSpeechStarted:
      turns.speech_started (ev);
      break;
    case ServerEventType::InputAudioBufferSpeechStopped:
      turns.speech_stopped (ev);
      break;
    case ServerEventType::InputAudioBufferTimeoutTriggered:
      voice.timeout (ev);
      break;
    case ServerEventType::InputAudioBufferCommitted:
      turns.committed (ev);
      break;
    case ServerEventType::InputAudioTranscriptionDelta:
      turns.user_transcript (ev, false);
      break;
    case ServerEventType::InputAudioTranscriptionCompleted:
      turns.user_transcript (ev, true);
      break;
    case ServerEventType::InputAudioTranscriptionFailed:
      voice.transcription_failed (ev);
      break;
    case ServerEventType::ResponseCreated:
      turns.response_created (ev);
      break;
    case ServerEventType::ResponseDone:
      turns.response_done (ev);
      break;
    case ServerEventType::ResponseOutputAudioDelta:
      turns.audio_delta (ev);
      break;
    case ServerEventType::ResponseOutputAudioTranscriptDelta:
    case ServerEventType::ResponseOutputTextDelta:
      if (!playout.dropped (ev.response_id))
        turns.assistant_transcript (ev, false);
      break;
    case ServerEventType::ResponseOutputAudioTranscriptDone:
    case ServerEventType::ResponseOutputTextDone:
      turns.assistant_transcript (ev, true);
      break;
    case ServerEventType::ResponseOutputItemAdded:
      turns.item_added (ev);
      break;
    case ServerEventType::ResponseFunctionCallArgumentsDone:
      turns.function_call (ev);
      break;
    case ServerEventType::RateLimitsUpdated:
      post (realtime_message_rate_limits (GST_OBJECT (bin), ev.rate_limits));
      break;
    case ServerEventType::Unknown:
      GST_DEBUG_OBJECT (bin, "ignoring server event of unknown type %s",
          ev.type_name.c_str ());
      break;
    default:
      GST_LOG_OBJECT (bin, "%s", ev.type_name.c_str ());
      break;
  }
}

RealtimeConversation::RealtimeConversation (GstElement * bin,
    GstRealtimeInput * input, GstRealtimeOutput * audio_output,
    GstRealtimeOutput * text_output, RealtimeConversationConfig config)
    : state_ (std::make_shared<State> (bin, input, audio_output, text_output,
          std::move (config)))
{
  /* Socket callbacks hold the Link weakly through the whole state. */
  state_->link.bind (std::shared_ptr<engine::Link> (state_, &state_->link));
}

RealtimeConversation::~RealtimeConversation ()
{
  State * st = state_.get ();
  {
    engine::Guard lk (*st);
    st->closing = true;
    st->post_closed (st->link.session_id (), "stopped");
  }
  /* The timers first (the EOS timeout uses the socket), then the socket,
   * whose callbacks stop when it is gone. */
  st->io->invoke_sync ([st] () {
    std::lock_guard<std::mutex> lk (st->lock);
    st->turns.stop_eos_timeout ();
    st->link.stop_timers ();
  });
  std::vector<std::unique_ptr<realtime::WebSocketClient>> sockets;
  std::vector<std::unique_ptr<realtime::ClientSecretFetch>> fetches;
  {
    std::lock_guard<std::mutex> lk (st->lock);
    st->link.release (sockets, fetches);
  }
  if (st->io->is_current ()) {
    /* An application tore the bin down from a sync bus handler on the I/O
     * thread: another thread waits for the sockets, keeping the state
     * alive until the callback we are in has returned. */
    std::thread ([sockets = std::move (sockets), fetches = std::move (fetches),
                     keep = state_] () mutable {
      fetches.clear ();
      sockets.clear ();
      keep.reset ();
    }).detach ();
  } else {
    fetches.clear ();
    sockets.clear ();
  }
  st->discard_posts ();
}

bool
RealtimeConversation::start (GError ** error)
{
  State * st = state_.get ();
  /* Settings that cannot make a session fail the state change, not later. */
  realtime::JsonObjectPtr session =
      realtime::build_session_object (st->config.session, error);
  if (!session)
    return false;
  engine::Guard lk (*st);
  st->link.open ();
  return true;
}

/* --- streaming thread --- */

GstFlowReturn
RealtimeConversation::push_audio (GstBuffer * buffer, GstClockTime running_time,
    gint64 entered_us)
{
  State * st = state_.get ();
  GstFlowReturn ret = GST_FLOW_OK;
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_ERROR;
  st->uplink.wait_for_room ();
  {
    engine::Guard lk (*st);
    if (st->failed)
      ret = GST_FLOW_ERROR;
    else if (!st->turns.eos_started ())
      st->uplink.push (map.data, map.size, running_time, entered_us);
  }
  gst_buffer_unmap (buffer, &map);
  if (ret == GST_FLOW_ERROR)
    st->wait_for_error_posted ();
  return ret;
}

void
RealtimeConversation::input_eos ()
{
  engine::Guard lk (*state_);
  state_->turns.input_eos ();
}

void
RealtimeConversation::input_flushed ()
{
  State * st = state_.get ();
  engine::Guard lk (*st);
  /* Audio from before a flushing seek is stale: do not send it. */
  st->uplink.clear_chunk ();
  /* After the end, the outputs' EOS is stale too: flush them so the next
   * EOS can go out again. */
  if (st->turns.eos_finished ())
    st->playout.flush_outputs ();
}

/* --- applications --- */

void
RealtimeConversation::update_session (
    const realtime::SessionSettings & settings)
{
  State * st = state_.get ();
  engine::Guard lk (*st);
  GError * err = nullptr;
  std::string id = st->link.next_event_id ("update");
  std::string update = realtime::build_session_update (settings, id, &err);
  if (update.empty ()) {
    st->warn (GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        std::string ("The new session settings are not valid and were "
                     "not sent: ") +
            err->message,
        "");
    g_error_free (err);
    return;
  }
  st->config.session = settings;
  st->link.update_session (id, std::move (update));
}

/* Plain settings: nothing is collected, so a plain lock. */
void
RealtimeConversation::set_text_roles (guint roles)
{
  std::lock_guard<std::mutex> lk (state_->lock);
  state_->config.text_roles = roles;
}

void
RealtimeConversation::set_chunk_ms (guint chunk_ms)
{
  std::lock_guard<std::mutex> lk (state_->lock);
  state_->config.chunk_ms = chunk_ms;
  state_->uplink.set_chunk_ms (chunk_ms);
}

void
RealtimeConversation::set_latency (GstClockTime latency)
{
  std::lock_guard<std::mutex> lk (state_->lock);
  state_->config.latency = latency;
}

void
RealtimeConversation::set_eos_timeout_ms (guint ms)
{
  std::lock_guard<std::mutex> lk (state_->lock);
  state_->config.eos_timeout_ms = ms;
}

void
RealtimeConversation::set_prices (const GstStructure * prices)
{
  std::lock_guard<std::mutex> lk (state_->lock);
  state_->config.prices = realtime_prices_share (prices);
}

void
RealtimeConversation::commit_input ()
{
  State * st = state_.get ();
  engine::Guard lk (*st);
  guint64 uncommitted = st->uplink.uncommitted_samples ();
  if (uncommitted < engine::MIN_COMMIT_SAMPLES) {
    st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
        "commit-input ignored: " +
            std::to_string (uncommitted * 1000 / realtime::AUDIO_RATE) +
            " ms of audio since the last "
            "commit or clear; the Realtime API needs at least 100 ms.",
        "commit of less than 100 ms not sent");
    return;
  }
  st->turns.commit ();
}

void
RealtimeConversation::clear_input ()
{
  engine::Guard lk (*state_);
  state_->uplink.clear ();
}

void
RealtimeConversation::create_response (const gchar * instructions)
{
  realtime::ResponseOptions options;
  if (instructions)
    options.instructions = instructions;
  engine::Guard lk (*state_);
  state_->turns.request_response (options);
}

void
RealtimeConversation::cancel_response ()
{
  engine::Guard lk (*state_);
  state_->turns.cancel ();
}

void
RealtimeConversation::send_text (const gchar * text)
{
  engine::Guard lk (*state_);
  state_->turns.send_text (text);
}

void
RealtimeConversation::send_function_result (const gchar * call_id,
    const gchar * output)
{
  engine::Guard lk (*state_);
  state_->turns.submit_function_result (call_id, output);
}

void
RealtimeConversation::send_event (const gchar * json)
{
  State * st = state_.get ();
  engine::Guard lk (*st);
  GError * err = nullptr;
  realtime::JsonNodePtr node = realtime::json_parse (json, &err);
  if (!node || !JSON_NODE_HOLDS_OBJECT (node.get ()) ||
      !json_object_has_member (json_node_get_object (node.get ()), "type")) {
    st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
        "send-event needs a JSON object with a \"type\"; nothing was sent.",
        err ? err->message : "not an object with a type");
    g_clear_error (&err);
    return;
  }
  JsonObject * obj = json_node_get_object (node.get ());
  if (!json_object_has_member (obj, "event_id"))
    json_object_set_string_member (obj, "event_id",
        st->link.next_event_id ("event").c_str ());
  st->link.send (realtime::json_object_to_string (obj));
}

/* --- pads: the outputs' tasks and queries; reads only, so plain locks
 * (a drain here could flush the very task that asks) --- */

gboolean
RealtimeConversation::answer_latency (GstQuery * query)
{
  State * st = state_.get ();
  /* Ask upstream now: pipelines compute latency at PLAYING, before any
   * input has flowed. */
  gst_realtime_input_query_latency (st->input);
  gboolean live = gst_realtime_input_is_live (st->input);
  GstClockTime upstream = gst_realtime_input_upstream_latency (st->input);
  GstClockTime ours;
  {
    std::lock_guard<std::mutex> lk (st->lock);
    ours = st->config.latency;
  }
  gst_query_set_latency (query, live, upstream + ours, GST_CLOCK_TIME_NONE);
  return TRUE;
}

GstClockTime
RealtimeConversation::idle_horizon ()
{
  State * st = state_.get ();
  if (!st->live ())
    return GST_CLOCK_TIME_NONE;
  {
    /* A response in progress continues where its audio ends, however late
     * its next delta is: that time is not idle. */
    std::lock_guard<std::mutex> lk (st->lock);
    if (st->turns.any_response_active ())
      return GST_CLOCK_TIME_NONE;
  }
  /* Any later response is stamped at the time it arrives, so up to now
   * nothing more can come. */
  return st->now ();
}

void
RealtimeConversation::set_render_latency (GstClockTime latency)
{
  std::lock_guard<std::mutex> lk (state_->lock);
  state_->playout.set_render_latency (latency);
}

std::string
RealtimeConversation::session_id ()
{
  std::lock_guard<std::mutex> lk (state_->lock);
  return state_->link.session_id ();
}

GstStructure *
RealtimeConversation::stats ()
{
  std::lock_guard<std::mutex> lk (state_->lock);
  RealtimeStats s = state_->stats;
  state_->uplink.fill_stats (s);
  state_->playout.fill_stats (s);
  return realtime_stats_structure (s);
}

void
RealtimeConversation::audio_delivered (gint64 delay_us)
{
  state_->playout.delivered (delay_us);
}
