/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "session.h"

#include "client-validation.h"
#include "json-object-builder.h"

#include <gst/realtime/base64.h>
#include <gst/realtime/session-settings.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <cmath>

namespace realtime::sim {

namespace {

constexpr gint64 kSamplesPerMs = AUDIO_RATE / 1000;
constexpr gint64 kMinCommitMs = 100;
constexpr gint64 kInputAudioTokensPerS = 10;
constexpr gint64 kOutputAudioTokensPerS = 20;
constexpr const char * kExpiredReason =
    "Your session hit the maximum duration of 60 minutes.";

gint64
text_tokens (const std::string & text)
{
  return (gint64) (text.size () + 3) / 4;
}

std::vector<std::string>
split_words (const std::string & text)
{
  /* Each word keeps its leading space, so the deltas concatenate back to
   * the text exactly. */
  std::vector<std::string> words;
  std::string current;
  for (char c : text) {
    if (c == ' ' && !current.empty () && current.back () != ' ') {
      words.push_back (current);
      current.clear ();
    }
    current.push_back (c);
  }
  if (!current.empty ())
    words.push_back (current);
  return words;
}

const char *
member_string (JsonObject * o, const char * name, const char * fallback = "")
{
  JsonNode * n = o ? json_object_get_member (o, name) : nullptr;
  if (n && JSON_NODE_HOLDS_VALUE (n) &&
      json_node_get_value_type (n) == G_TYPE_STRING)
    return json_node_get_string (n);
  return fallback;
}

JsonObject *
member_object (JsonObject * o, const char * name)
{
  JsonNode * n = o ? json_object_get_member (o, name) : nullptr;
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : nullptr;
}

/* See merge_session_update(). */
void
merge_session (JsonObject * base, JsonObject * update, int depth)
{
  JsonObjectIter iter;
  const gchar * name;
  JsonNode * value;
  json_object_iter_init (&iter, update);
  while (json_object_iter_next (&iter, &name, &value)) {
    bool nested = (depth == 0 && strcmp (name, "audio") == 0) ||
        (depth == 1 &&
            (strcmp (name, "input") == 0 || strcmp (name, "output") == 0));
    JsonObject * existing = member_object (base, name);
    if (nested && existing && JSON_NODE_HOLDS_OBJECT (value))
      merge_session (existing, json_node_get_object (value), depth + 1);
    else
      json_object_set_member (base, name, json_node_copy (value));
  }
}

} // namespace

void
merge_session_update (JsonObject * base, JsonObject * update)
{
  merge_session (base, update, 0);
}

JsonObjectPtr
service_session_object (const std::string & model, const std::string & id,
    gint64 expires_at)
{
  /* The service's defaults, as its session.created shows them. */
  SessionSettings defaults;
  defaults.instructions = "You are a helpful, witty and friendly AI.";
  defaults.input_transcription_model = "";
  defaults.vad_silence_duration_ms = 500;
  JsonObjectPtr session = build_session_object (defaults, nullptr);
  json_object_set_string_member (session.get (), "object", "realtime.session");
  json_object_set_string_member (session.get (), "id", id.c_str ());
  json_object_set_string_member (session.get (), "model", model.c_str ());
  json_object_set_int_member (session.get (), "expires_at", expires_at);
  json_object_set_null_member (session.get (), "tracing");
  json_object_set_string_member (session.get (), "truncation", "auto");
  json_object_set_null_member (session.get (), "prompt");
  json_object_set_null_member (session.get (), "include");
  return session;
}

/* A response being generated. */
struct Session::Response
{
  Session * session;
  std::string id;
  bool in_conversation = true; /* false: out-of-band ("none") */
  bool text_only = false;
  bool function_call = false;
  Turn turn;
  std::string item_id; /* the output item being streamed */
  std::string call_id;
  gint64 output_index = 0; /* its index in the response's output */
  Pcm audio;
  gsize samples_sent = 0; /* whole samples of `audio` sent */
  gsize bytes_sent = 0;   /* bytes of `audio` sent */
  std::vector<std::string> words;
  gsize words_sent = 0;
  std::string text_sent;     /* of the current output item */
  std::string all_text_sent; /* of the whole response (usage) */
  /* The turn's audio_items: where each output item's audio (in samples)
   * and words end; one entry when there is a single item. */
  std::vector<gsize> item_sample_ends;
  std::vector<gsize> item_word_ends;
  gsize item_first_sample = 0; /* where the current item's audio begins */
  gsize item_first_word = 0;
  std::vector<Item> done_items; /* earlier output items of the response */
  bool odd_deltas = false;      /* fault: odd byte counts per delta */
  gsize odd_cuts = 0;
  gint64 delta_index = 0;
  gint64 started_us = 0;
  gint64 first_delta_delay_ms = 0;
  gint64 max_output_tokens = 0; /* 0: inf */
  bool limited = false;         /* cut by max_output_tokens */
  bool content_started = false;
  bool invalid_delta_pending = false;
  gint64 input_tokens = 0;
  gint64 cached_tokens = 0;
  JsonObjectPtr metadata;
  GSource * timer = nullptr;
};

Session::Session (Context context, SoupWebsocketConnection * connection,
    std::function<void (Session *)> closed_callback)
    : ctx_ (std::move (context)), connection_ (connection),
      on_closed_cb_ (std::move (closed_callback))
{
  g_object_ref (connection_);
  /* The protocol has no size limit on client frames (appends are up to
   * 15 MiB of base64); libsoup's default is 128 KiB. */
  soup_websocket_connection_set_max_incoming_payload_size (connection_,
      32 * 1024 * 1024);
  g_signal_connect (connection_, "message", G_CALLBACK (on_message), this);
  g_signal_connect (connection_, "closed", G_CALLBACK (on_closed), this);

  ctx_.log->note (ctx_.connection, "open", ctx_.model);

  if (ctx_.beta_header) {
    /* What the service does since the beta was retired. */
    send_error ("beta_api_shape_disabled",
        "The OpenAI-Beta: realtime=v1 header selects the retired beta "
        "interface, which is no longer available. Remove the header and use "
        "the GA interface.",
        "", "");
    close_connection (4000, "beta_api_shape_disabled");
    return;
  }

  session_id_ = new_id ("sess");
  expires_at_ =
      g_get_real_time () / G_USEC_PER_SEC + ctx_.options->session_lifetime_s;

  session_ = service_session_object (ctx_.model, session_id_, expires_at_);
  /* A client secret's session is the starting configuration (§9). */
  if (ctx_.initial_session) {
    JsonObjectPtr initial (json_object_new ());
    json_object_merge (initial.get (), ctx_.initial_session.get ());
    for (const char * fixed : {"model", "type", "id", "object", "expires_at"})
      json_object_remove_member (initial.get (), fixed);
    merge_session_update (session_.get (), initial.get ());
  }
  configure_vad ();

  send (Obj ()
            .str ("type", "session.created")
            .obj ("session", json_object_ref (session_object ()))
            .take ());

  const FaultOptions & f = ctx_.options->faults;
  if (ctx_.faults && f.drop_after_ms >= 0)
    arm_timer (drop_timer_,
        f.drop_after_ms +
            (f.drop_jitter_ms > 0
                    ? g_random_int_range (0,
                          (gint32) MIN (f.drop_jitter_ms, (gint64) G_MAXINT32))
                    : 0),
        [] (gpointer data) -> gboolean {
          auto * self = static_cast<Session *> (data);
          self->drop_timer_ = nullptr;
          self->drop_connection ("drop-after-ms");
          return G_SOURCE_REMOVE;
        });
  if (ctx_.faults && f.close_after_ms >= 0)
    arm_timer (close_timer_, f.close_after_ms, [] (gpointer data) -> gboolean {
      auto * self = static_cast<Session *> (data);
      self->close_timer_ = nullptr;
      const FaultOptions & f = self->ctx_.options->faults;
      self->close_connection (f.close_code, f.close_reason);
      return G_SOURCE_REMOVE;
    });
  arm_timer (expiry_timer_, ctx_.options->session_lifetime_s * 1000,
      [] (gpointer data) -> gboolean {
        auto * self = static_cast<Session *> (data);
        self->expiry_timer_ = nullptr;
        self->close_connection (1001, kExpiredReason);
        return G_SOURCE_REMOVE;
      });
}

Session::~Session ()
{
  disarm_timers ();
  g_signal_handlers_disconnect_by_data (connection_, this);
  if (soup_websocket_connection_get_state (connection_) ==
      SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (connection_, 1001, "server shutting down");
  g_object_unref (connection_);
}

void
Session::shutdown ()
{
  close_connection (1001, "server shutting down");
}

/* ---- plumbing ---------------------------------------------------------- */

std::string
Session::new_id (const char * prefix)
{
  /* Unique per process, recognisable per connection. */
  static std::atomic<guint64> serial{0};
  return std::string (prefix) + "_sim" + std::to_string (ctx_.connection) +
      "x" + std::to_string (++serial);
}

/* Timers: the main context owns each source; a slot borrows the pointer
 * until the source fires (the callback clears the slot first) or is
 * destroyed here. */
static GSource *
attach_timeout (GMainContext * context, gint64 ms, GSourceFunc func,
    gpointer data)
{
  GSource * source = g_timeout_source_new ((guint) CLAMP (ms, 0, G_MAXUINT));
  g_source_set_callback (source, func, data, nullptr);
  g_source_attach (source, context);
  g_source_unref (source);
  return source;
}

static void
destroy_timer (GSource *& slot)
{
  if (slot != nullptr) {
    g_source_destroy (slot);
    slot = nullptr;
  }
}

void
Session::arm_timer (GSource *& slot, gint64 ms, GSourceFunc func)
{
  destroy_timer (slot);
  slot = attach_timeout (ctx_.main_context, ms, func, this);
}

void
Session::disarm_timers ()
{
  for (GSource ** slot : {&expiry_timer_, &drop_timer_, &close_timer_,
           &stall_timer_, &delta_drop_timer_})
    destroy_timer (*slot);
  for (auto & r : responses_)
    destroy_timer (r->timer);
}

void
Session::on_closed (SoupWebsocketConnection *, gpointer data)
{
  auto * self = static_cast<Session *> (data);
  if (self->closed_)
    return;
  self->closed_ = true;
  self->disarm_timers ();
  self->ctx_.log->note (self->ctx_.connection, "closed");
  /* The owner deletes us; nothing may touch `self` afterwards. */
  self->on_closed_cb_ (self);
}

void
Session::drop_connection (const char * why)
{
  if (closed_)
    return;
  ctx_.log->note (ctx_.connection, "dropped", why);
  /* Abort the transport: the client sees the connection vanish (1006). */
  GIOStream * stream = soup_websocket_connection_get_io_stream (connection_);
  g_io_stream_close (stream, nullptr, nullptr);
}

void
Session::close_connection (int code, const std::string & reason)
{
  if (closed_ ||
      soup_websocket_connection_get_state (connection_) !=
          SOUP_WEBSOCKET_STATE_OPEN)
    return;
  ctx_.log->note (ctx_.connection, "close",
      std::to_string (code) + " " + reason);
  soup_websocket_connection_close (connection_, (gushort) code,
      reason.c_str ());
}

void
Session::send_text (const std::string & text, bool fault)
{
  if (closed_ ||
      soup_websocket_connection_get_state (connection_) !=
          SOUP_WEBSOCKET_STATE_OPEN)
    return;
  if (stalled_) {
    stalled_frames_.emplace_back (text, fault);
    return;
  }
  ctx_.log->write (ctx_.connection, FrameLog::Direction::Out, text, !fault,
      fault);
  soup_websocket_connection_send_text (connection_, text.c_str ());
  if (ctx_.faults && ctx_.options->faults.duplicate_events && !fault) {
    ctx_.log->write (ctx_.connection, FrameLog::Direction::Out, text, true,
        true);
    soup_websocket_connection_send_text (connection_, text.c_str ());
  }
}

void
Session::send (JsonObject * event)
{
  JsonObjectPtr owned (event);
  if (closed_)
    return;
  std::string id = "event_" + std::to_string (++counter_) + "s" +
      std::to_string (ctx_.connection);
  json_object_set_string_member (event, "event_id", id.c_str ());
  send_text (json_object_to_string (event), false);
  after_sent ();
}

void
Session::send_error (const std::string & code, const std::string & message,
    const std::string & param, const std::string & client_event_id,
    const char * type)
{
  send (Obj ()
            .str ("type", "error")
            .obj ("error",
                Obj ()
                    .str ("type", type)
                    .str_or_null ("code", code)
                    .str ("message", message)
                    .str_or_null ("param", param)
                    .str_or_null ("event_id", client_event_id))
            .take ());
}

/* Event-counted faults fire right after the Nth server event. */
void
Session::after_sent ()
{
  events_sent_++;
  if (!ctx_.faults)
    return;
  const FaultOptions & f = ctx_.options->faults;
  const gint64 n = events_sent_;

  if (n == f.malformed_after_events)
    send_text ("{\"type\":\"response.output_audio.delta\",\"event_id\":", true);
  if (n == f.unknown_event_after_events)
    send_text ("{\"type\":\"simulator.unknown_event\",\"event_id\":\"event_u" +
            std::to_string (n) + "\",\"payload\":{\"x\":1}}",
        true);
  if (n == f.oversized_after_events) {
    std::string big = "{\"type\":\"simulator.oversized_event\","
                      "\"event_id\":\"event_big\",\"padding\":\"";
    big.append (f.oversized_bytes, 'x');
    big += "\"}";
    send_text (big, true);
  }
  if (n == f.stall_after_events)
    stall ();
  if (n == f.close_after_events)
    close_connection (f.close_code, f.close_reason);
  if (n == f.drop_after_events)
    drop_connection ("drop-after-events");
}

/* Delta-counted faults fire right after the Nth audio delta. */
void
Session::after_delta ()
{
  deltas_sent_++;
  if (!ctx_.faults)
    return;
  const FaultOptions & f = ctx_.options->faults;
  if (deltas_sent_ == f.stall_after_deltas)
    stall ();
  if (deltas_sent_ == f.drop_after_deltas && !delta_drop_timer_) {
    /* Cut once what was sent has left (nothing more is sent meanwhile):
     * the client has seen exactly the first N deltas and what came
     * before, which makes the fault repeatable. */
    stalled_ = true;
    arm_timer (delta_drop_timer_, 100, [] (gpointer data) -> gboolean {
      auto * self = static_cast<Session *> (data);
      self->delta_drop_timer_ = nullptr;
      self->drop_connection ("drop-after-deltas");
      return G_SOURCE_REMOVE;
    });
  }
}

void
Session::stall ()
{
  const FaultOptions & f = ctx_.options->faults;
  if (f.stall_ms <= 0 || stalled_)
    return;
  ctx_.log->note (ctx_.connection, "stall", std::to_string (f.stall_ms));
  stalled_ = true;
  arm_timer (stall_timer_, f.stall_ms, [] (gpointer data) -> gboolean {
    auto * self = static_cast<Session *> (data);
    self->stall_timer_ = nullptr;
    self->flush_stalled ();
    return G_SOURCE_REMOVE;
  });
}

void
Session::flush_stalled ()
{
  stalled_ = false;
  ctx_.log->note (ctx_.connection, "stall-end");
  while (!stalled_frames_.empty () && !stalled_) {
    auto [text, fault] = std::move (stalled_frames_.front ());
    stalled_frames_.pop_front ();
    send_text (text, fault);
  }
}

/* ---- incoming ---------------------------------------------------------- */

void
Session::on_message (SoupWebsocketConnection *, SoupWebsocketDataType type,
    GBytes * message, gpointer data)
{
  auto * self = static_cast<Session *> (data);
  gsize size = 0;
  const char * bytes = (const char *) g_bytes_get_data (message, &size);
  if (type != SOUP_WEBSOCKET_DATA_TEXT) {
    self->ctx_.log->write (self->ctx_.connection, FrameLog::Direction::In,
        "<binary frame>", false);
    self->send_error ("invalid_event",
        "Binary frames are not supported; "
        "send JSON events as text frames.",
        "", "");
    return;
  }
  self->handle (std::string_view (bytes, size));
}

void
Session::handle (std::string_view text)
{
  ClientEventError error;
  JsonNodePtr root = validate_client_event (text, error);
  ctx_.log->write (ctx_.connection, FrameLog::Direction::In, text,
      root != nullptr || error.code != "invalid_json");
  if (!root) {
    send_error (error.code, error.message, error.param, error.event_id,
        error.type.c_str ());
    return;
  }

  JsonObject * event = json_node_get_object (root.get ());
  const std::string type = member_string (event, "type");
  if (type == "input_audio_buffer.append")
    handle_append (event);
  else if (type == "session.update")
    handle_session_update (event);
  else if (type == "input_audio_buffer.commit")
    handle_commit ();
  else if (type == "input_audio_buffer.clear")
    handle_clear ();
  else if (type == "conversation.item.create")
    handle_item_create (event);
  else if (type == "conversation.item.truncate")
    handle_item_truncate (event);
  else if (type == "conversation.item.delete")
    handle_item_delete (event);
  else if (type == "conversation.item.retrieve")
    handle_item_retrieve (event);
  else if (type == "response.create")
    handle_response_create (event);
  else if (type == "response.cancel")
    handle_response_cancel (event);
  else if (type == "output_audio_buffer.clear")
    send_error ("invalid_value",
        "output_audio_buffer.clear is only supported "
        "for WebRTC and SIP sessions; over WebSocket the client owns the "
        "playout buffer.",
        "type", member_string (event, "event_id"));
}

/* ---- session ----------------------------------------------------------- */

JsonObject *
Session::session_object () const
{
  return session_.get ();
}

void
Session::configure_vad ()
{
  JsonObject * input =
      member_object (member_object (session_.get (), "audio"), "input");
  JsonNode * td_node =
      input ? json_object_get_member (input, "turn_detection") : nullptr;
  JsonObject * td = td_node && JSON_NODE_HOLDS_OBJECT (td_node)
      ? json_node_get_object (td_node)
      : nullptr;

  vad_enabled_ = td != nullptr && !transcription_session_;
  if (td == nullptr) {
    vad_.reset_speech ();
    speech_item_id_.clear ();
    return;
  }

  /* Echo every field, as the service's session.updated does. */
  const std::string type = member_string (td, "type", "server_vad");
  auto set_default_int = [td] (const char * name, gint64 value) {
    if (!json_object_has_member (td, name) ||
        JSON_NODE_HOLDS_NULL (json_object_get_member (td, name)))
      json_object_set_int_member (td, name, value);
  };
  auto set_default_bool = [td] (const char * name, bool value) {
    if (!json_object_has_member (td, name) ||
        JSON_NODE_HOLDS_NULL (json_object_get_member (td, name)))
      json_object_set_boolean_member (td, name, value);
  };
  set_default_bool ("create_response", true);
  set_default_bool ("interrupt_response", true);

  VadSettings vs;
  if (type == "semantic_vad") {
    /* No model to judge the end of a thought: eagerness picks the silence. */
    if (!json_object_has_member (td, "eagerness"))
      json_object_set_string_member (td, "eagerness", "auto");
    std::string eagerness = member_string (td, "eagerness", "auto");
    vs.silence_duration_ms = eagerness == "low" ? 1500
        : eagerness == "high"                   ? 300
                                                : 800;
    vs.prefix_padding_ms = 300;
    vs.threshold = 0.5;
  } else {
    if (!json_object_has_member (td, "threshold") ||
        JSON_NODE_HOLDS_NULL (json_object_get_member (td, "threshold")))
      json_object_set_double_member (td, "threshold", 0.5);
    set_default_int ("prefix_padding_ms", 300);
    set_default_int ("silence_duration_ms", 500);
    if (!json_object_has_member (td, "idle_timeout_ms"))
      json_object_set_null_member (td, "idle_timeout_ms");
    vs.threshold = json_object_get_double_member (td, "threshold");
    vs.prefix_padding_ms = json_object_get_int_member (td, "prefix_padding_ms");
    vs.silence_duration_ms =
        json_object_get_int_member (td, "silence_duration_ms");
  }
  create_response_ = json_object_get_boolean_member (td, "create_response");
  interrupt_response_ =
      json_object_get_boolean_member (td, "interrupt_response");
  vad_.configure (vs);
}

void
Session::handle_session_update (JsonObject * event)
{
  const std::string event_id = member_string (event, "event_id");
  JsonObject * update = member_object (event, "session");

  /* What the schema cannot say, the service checks itself. */
  JsonNode * modalities = json_object_get_member (update, "output_modalities");
  if (modalities && JSON_NODE_HOLDS_ARRAY (modalities) &&
      json_array_get_length (json_node_get_array (modalities)) > 1) {
    send_error ("invalid_value",
        "Invalid value for 'output_modalities': "
        "only one of [\"audio\"] or [\"text\"] is supported.",
        "session.output_modalities", event_id);
    return;
  }
  JsonNode * max_tokens = json_object_get_member (update, "max_output_tokens");
  if (max_tokens && JSON_NODE_HOLDS_VALUE (max_tokens) &&
      json_node_get_value_type (max_tokens) == G_TYPE_INT64 &&
      (json_node_get_int (max_tokens) < 1 ||
          json_node_get_int (max_tokens) > MAX_OUTPUT_TOKENS_LIMIT)) {
    send_error ("invalid_value",
        "Invalid 'max_output_tokens': integer "
        "below 1 or above 4096; use \"inf\" for no limit.",
        "session.max_output_tokens", event_id);
    return;
  }
  JsonObject * output =
      member_object (member_object (update, "audio"), "output");
  if (audio_was_produced_ && output &&
      json_object_has_member (output, "voice") &&
      g_strcmp0 (member_string (output, "voice", nullptr),
          member_string (member_object (member_object (session_.get (),
                                            "audio"),
                             "output"),
              "voice", nullptr)) != 0) {
    send_error ("cannot_update_voice",
        "Cannot update a conversation's voice "
        "if assistant audio is present.",
        "session.audio.output.voice", event_id);
    return;
  }

  const std::string type = member_string (update, "type");
  if (type == "transcription") {
    transcription_session_ = true;
    json_object_set_string_member (session_.get (), "type", "transcription");
  }
  /* The model is fixed by the URL for the life of the connection. */
  JsonObjectPtr copy (json_object_new ());
  json_object_merge (copy.get (), update);
  json_object_remove_member (copy.get (), "model");
  merge_session_update (session_.get (), copy.get ());
  configure_vad ();

  send (Obj ()
            .str ("type", "session.updated")
            .obj ("session", json_object_ref (session_object ()))
            .take ());
}

/* ---- input audio ------------------------------------------------------- */

void
Session::handle_append (JsonObject * event)
{
  const char * audio = member_string (event, "audio");
  std::vector<guint8> bytes;
  if (leftover_byte_ >= 0)
    bytes.push_back ((guint8) leftover_byte_);
  g_autoptr (GError) error = nullptr;
  if (!base64_decode_append (audio, bytes, &error)) {
    send_error ("invalid_value",
        std::string ("Invalid 'audio': expected "
                     "base64-encoded PCM16 audio (") +
            error->message + ").",
        "audio", member_string (event, "event_id"));
    return;
  }
  /* A chunk may end in the middle of a sample: keep the odd byte. */
  leftover_byte_ = bytes.size () % 2 ? bytes.back () : -1;
  gsize samples = bytes.size () / 2;
  if (samples == 0)
    return;

  std::vector<gint16> pcm (samples);
  for (gsize i = 0; i < samples; i++)
    pcm[i] = (gint16) (bytes[2 * i] | (bytes[2 * i + 1] << 8));

  std::vector<VadEvent> events;
  vad_.feed (pcm.data (), samples, events);
  if (vad_enabled_)
    for (const VadEvent & e : events)
      on_vad_event (e);
}

void
Session::on_vad_event (const VadEvent & e)
{
  if (e.started) {
    speech_item_id_ = new_id ("item");
    speech_start_ms_ = e.audio_ms;
    send (Obj ()
              .str ("type", "input_audio_buffer.speech_started")
              .num ("audio_start_ms", e.audio_ms)
              .str ("item_id", speech_item_id_)
              .take ());
    if (interrupt_response_)
      cancel_default_response ("turn_detected");
    return;
  }
  if (speech_item_id_.empty ())
    return;
  send (Obj ()
            .str ("type", "input_audio_buffer.speech_stopped")
            .num ("audio_end_ms", e.audio_ms)
            .str ("item_id", speech_item_id_)
            .take ());
  commit_user_audio (speech_start_ms_, e.audio_ms);
  if (create_response_ && !transcription_session_ &&
      default_response () == nullptr)
    start_response (nullptr);
}

void
Session::commit_user_audio (gint64 start_ms, gint64 end_ms)
{
  Item item;
  item.id = speech_item_id_.empty () ? new_id ("item") : speech_item_id_;
  speech_item_id_.clear ();
  item.type = "message";
  item.role = "user";
  item.content_type = "input_audio";
  item.audio_ms = MAX (end_ms - start_ms, 0);
  item.text = ctx_.options->scenario.turn (user_turns_).user_transcript;
  user_turns_++;
  buffer_start_ms_ = end_ms;

  const std::string previous = last_item_id ();
  send (Obj ()
            .str ("type", "input_audio_buffer.committed")
            .str_or_null ("previous_item_id", previous)
            .str ("item_id", item.id)
            .take ());

  items_.push_back (item);
  context_tokens_ += item.audio_ms * kInputAudioTokensPerS / 1000;
  for (const char * type :
      {"conversation.item.added", "conversation.item.done"})
    send (Obj ()
              .str ("type", type)
              .str_or_null ("previous_item_id", previous)
              .obj ("item", item_object (items_.back ()))
              .take ());

  /* Input transcription, when the session asks for it. */
  JsonObject * input =
      member_object (member_object (session_.get (), "audio"), "input");
  if (member_object (input, "transcription") != nullptr &&
      !item.text.empty ()) {
    const std::string & t = item.text;
    for (const std::string & w : split_words (t))
      send (
          Obj ()
              .str ("type", "conversation.item.input_audio_transcription.delta")
              .str ("item_id", item.id)
              .num ("content_index", 0)
              .str ("delta", w)
              .take ());
    send (Obj ()
              .str ("type",
                  "conversation.item.input_audio_transcription.completed")
              .str ("item_id", item.id)
              .num ("content_index", 0)
              .str ("transcript", t)
              .obj ("usage",
                  Obj ()
                      .str ("type", "duration")
                      .real ("seconds", item.audio_ms / 1000.0))
              .take ());
  }
}

void
Session::handle_commit ()
{
  gint64 now_ms = vad_.timeline_ms ();
  gint64 buffered = now_ms - buffer_start_ms_;
  if (buffered < kMinCommitMs) {
    send_error ("input_audio_buffer_commit_empty",
        "Error committing input audio buffer: buffer too small. Expected at "
        "least 100ms of audio, but buffer only has " +
            std::to_string (MAX (buffered, 0)) + "ms of audio.",
        "", "");
    return;
  }
  vad_.reset_speech ();
  commit_user_audio (buffer_start_ms_, now_ms);
}

void
Session::handle_clear ()
{
  vad_.reset_speech ();
  speech_item_id_.clear ();
  buffer_start_ms_ = vad_.timeline_ms ();
  send (Obj ().str ("type", "input_audio_buffer.cleared").take ());
}

/* ---- conversation items ------------------------------------------------ */

Session::Item *
Session::find_item (const std::string & id)
{
  for (Item & item : items_)
    if (item.id == id)
      return &item;
  return nullptr;
}

std::string
Session::previous_item_of (const std::string & id) const
{
  for (gsize i = 1; i < items_.size (); i++)
    if (items_[i].id == id)
      return items_[i - 1].id;
  return {};
}

std::string
Session::last_item_id () const
{
  return items_.empty () ? std::string () : items_.back ().id;
}

JsonObject *
Session::item_object (const Item & item) const
{
  Obj o;
  o.str ("id", item.id)
      .str ("object", "realtime.item")
      .str ("type", item.type)
      .str ("status", item.status);
  if (item.type == "message") {
    Obj part;
    part.str ("type", item.content_type);
    if (item.content_type == "input_audio" ||
        item.content_type == "output_audio")
      part.str_or_null ("transcript", item.text);
    else
      part.str ("text", item.text);
    o.str ("role", item.role).arr ("content", array_of ({part.take ()}));
  } else if (item.type == "function_call") {
    o.str ("call_id", item.call_id)
        .str ("name", item.name)
        .str ("arguments", item.arguments);
  } else if (item.type == "function_call_output") {
    o.str ("call_id", item.call_id).str ("output", item.output);
  }
  return o.take ();
}

void
Session::handle_item_create (JsonObject * event)
{
  const std::string event_id = member_string (event, "event_id");
  JsonObject * item_json = member_object (event, "item");
  const std::string type = member_string (item_json, "type");
  const std::string previous = member_string (event, "previous_item_id");

  if (!previous.empty () && previous != "root" && !find_item (previous)) {
    send_error ("invalid_value",
        "Previous item with id '" + previous + "' not found.",
        "previous_item_id", event_id);
    return;
  }
  Item item;
  item.id = member_string (item_json, "id");
  if (item.id.empty ())
    item.id = new_id ("item");
  else if (find_item (item.id)) {
    send_error ("invalid_value",
        "Item with id '" + item.id + "' already exists.", "item.id", event_id);
    return;
  }
  item.type = type;

  if (type == "message") {
    item.role = member_string (item_json, "role");
    JsonNode * content = json_object_get_member (item_json, "content");
    JsonArray * parts = content && JSON_NODE_HOLDS_ARRAY (content)
        ? json_node_get_array (content)
        : nullptr;
    JsonObject * part = parts && json_array_get_length (parts) > 0
        ? json_array_get_object_element (parts, 0)
        : nullptr;
    item.content_type = member_string (part, "type", "input_text");
    item.text =
        member_string (part, "text", member_string (part, "transcript"));
    if (item.role == "assistant" && item.content_type == "output_audio") {
      send_error ("invalid_value",
          "Assistant audio items cannot be created "
          "by the client; replay them as output_text.",
          "item.content", event_id);
      return;
    }
    if (item.role == "user")
      user_turns_++;
    context_tokens_ += text_tokens (item.text);
  } else if (type == "function_call") {
    item.call_id = member_string (item_json, "call_id");
    item.name = member_string (item_json, "name");
    item.arguments = member_string (item_json, "arguments");
  } else if (type == "function_call_output") {
    item.call_id = member_string (item_json, "call_id");
    item.output = member_string (item_json, "output");
    bool known = false;
    for (const Item & i : items_)
      known = known || (i.type == "function_call" && i.call_id == item.call_id);
    if (!known) {
      send_error ("invalid_value",
          "No tool call found for function call "
          "output with call_id " +
              item.call_id + ".",
          "item.call_id", event_id);
      return;
    }
    context_tokens_ += text_tokens (item.output);
  } else {
    send_error ("invalid_value",
        "The simulator does not support items of "
        "type '" +
            type + "'.",
        "item.type", event_id);
    return;
  }

  /* Insert where asked; the echo names the item before it. */
  std::string after;
  if (previous == "root") {
    items_.insert (items_.begin (), item);
  } else if (!previous.empty ()) {
    auto it = std::find_if (items_.begin (), items_.end (),
        [&previous] (const Item & i) { return i.id == previous; });
    after = previous;
    items_.insert (it + 1, item);
  } else {
    after = last_item_id ();
    items_.push_back (item);
  }
  Item * stored = find_item (item.id);
  for (const char * t : {"conversation.item.added", "conversation.item.done"})
    send (Obj ()
              .str ("type", t)
              .str_or_null ("previous_item_id", after)
              .obj ("item", item_object (*stored))
              .take ());
}

void
Session::handle_item_truncate (JsonObject * event)
{
  const std::string event_id = member_string (event, "event_id");
  const std::string id = member_string (event, "item_id");
  gint64 end_ms = json_object_get_int_member (event, "audio_end_ms");
  gint64 content_index = json_object_get_int_member (event, "content_index");
  Item * item = find_item (id);

  if (item == nullptr) {
    send_error ("invalid_value", "Item with id '" + id + "' not found.",
        "item_id", event_id);
    return;
  }
  /* An item still streaming has what was generated so far. */
  for (const auto & r : responses_)
    if (r->item_id == id)
      item->audio_ms =
          (gint64) (r->samples_sent - r->item_first_sample) / kSamplesPerMs;
  if (item->role != "assistant" || item->content_type != "output_audio") {
    send_error ("invalid_value",
        "Only assistant messages with audio can be "
        "truncated.",
        "item_id", event_id);
    return;
  }
  if (content_index != 0) {
    send_error ("invalid_value",
        "Invalid 'content_index': the item has one "
        "content part (index 0).",
        "content_index", event_id);
    return;
  }
  if (end_ms > item->audio_ms) {
    /* The service's wording for the most common barge-in mistake. */
    send_error ("invalid_value",
        "Audio content of " + std::to_string (item->audio_ms) +
            "ms is already shorter than " + std::to_string (end_ms) + "ms",
        "audio_end_ms", event_id);
    return;
  }
  item->audio_ms = end_ms;
  item->text.clear (); /* unheard text leaves the model's context */
  send (Obj ()
            .str ("type", "conversation.item.truncated")
            .str ("item_id", id)
            .num ("content_index", 0)
            .num ("audio_end_ms", end_ms)
            .take ());
}

void
Session::handle_item_delete (JsonObject * event)
{
  const std::string id = member_string (event, "item_id");
  auto it = std::find_if (items_.begin (), items_.end (),
      [&id] (const Item & i) { return i.id == id; });
  if (it == items_.end ()) {
    send_error ("invalid_value",
        "Error deleting item: the item with id '" + id + "' does not exist.",
        "item_id", member_string (event, "event_id"));
    return;
  }
  items_.erase (it);
  send (Obj ()
            .str ("type", "conversation.item.deleted")
            .str ("item_id", id)
            .take ());
}

void
Session::handle_item_retrieve (JsonObject * event)
{
  const std::string id = member_string (event, "item_id");
  Item * item = find_item (id);
  if (item == nullptr) {
    send_error ("invalid_value", "Item with id '" + id + "' not found.",
        "item_id", member_string (event, "event_id"));
    return;
  }
  send (Obj ()
            .str ("type", "conversation.item.retrieved")
            .obj ("item", item_object (*item))
            .take ());
}

/* ---- responses --------------------------------------------------------- */

Session::Response *
Session::default_response ()
{
  for (auto & r : responses_)
    if (r->in_conversation)
      return r.get ();
  return nullptr;
}

void
Session::handle_response_create (JsonObject * event)
{
  JsonObject * params = member_object (event, "response");
  bool out_of_band =
      g_strcmp0 (member_string (params, "conversation", "auto"), "none") == 0;
  if (!out_of_band && default_response () != nullptr) {
    send_error ("conversation_already_has_active_response",
        "Conversation already has an active response in progress: " +
            default_response ()->id +
            ". Wait until the response is finished "
            "before creating a new one.",
        "", member_string (event, "event_id"));
    return;
  }
  start_response (params);
}

void
Session::handle_response_cancel (JsonObject * event)
{
  const std::string wanted = member_string (event, "response_id");
  for (auto & r : responses_) {
    if (wanted.empty () ? r->in_conversation : r->id == wanted) {
      finish_response (r.get (), "cancelled", "client_cancelled");
      return;
    }
  }
  send_error ("response_cancel_not_active",
      "Cancellation failed: no active response found", "",
      member_string (event, "event_id"));
}

void
Session::cancel_default_response (const char * reason)
{
  if (Response * r = default_response ())
    finish_response (r, "cancelled", reason);
}

JsonObject *
Session::usage_object (const Response & r) const
{
  gint64 audio_tokens = r.text_only
      ? 0
      : (gint64) r.samples_sent * kOutputAudioTokensPerS / AUDIO_RATE;
  gint64 out_text = text_tokens (r.all_text_sent) +
      (r.function_call ? text_tokens (r.turn.function_call->arguments) : 0);
  gint64 input = r.input_tokens;
  gint64 input_audio = 0;
  for (const Item & i : items_)
    if (i.content_type == "input_audio")
      input_audio += i.audio_ms * kInputAudioTokensPerS / 1000;
  input_audio = MIN (input_audio, input);
  /* The cached prefix is the older part of the conversation: counted as
   * its audio first. */
  gint64 cached_audio = MIN (r.cached_tokens, input_audio);
  return Obj ()
      .num ("total_tokens", input + audio_tokens + out_text)
      .num ("input_tokens", input)
      .num ("output_tokens", audio_tokens + out_text)
      .obj ("input_token_details",
          Obj ()
              .num ("text_tokens", input - input_audio)
              .num ("audio_tokens", input_audio)
              .num ("image_tokens", 0)
              .num ("cached_tokens", r.cached_tokens)
              .obj ("cached_tokens_details",
                  Obj ()
                      .num ("text_tokens", r.cached_tokens - cached_audio)
                      .num ("audio_tokens", cached_audio)
                      .num ("image_tokens", 0)))
      .obj ("output_token_details",
          Obj ()
              .num ("text_tokens", out_text)
              .num ("audio_tokens", audio_tokens))
      .take ();
}

JsonObject *
Session::response_object (const Response & r, const char * status,
    const char * reason, const Item * item)
{
  const bool with_usage = item != nullptr;
  Obj o;
  o.str ("id", r.id).str ("object", "realtime.response").str ("status", status);
  if (strcmp (status, "in_progress") == 0)
    o.null ("status_details");
  else if (reason == nullptr)
    o.obj ("status_details", Obj ().str ("type", status));
  else
    o.obj ("status_details",
        Obj ().str ("type", status).str ("reason", reason));

  JsonArray * output = json_array_new ();
  if (item != nullptr) {
    for (const Item & done : r.done_items)
      json_array_add_object_element (output, item_object (done));
    json_array_add_object_element (output, item_object (*item));
  }
  o.arr ("output", output);
  o.str_or_null ("conversation_id",
      r.in_conversation ? "conv_" + session_id_ : std::string ());
  JsonArray * modalities = json_array_new ();
  json_array_add_string_element (modalities, r.text_only ? "text" : "audio");
  o.arr ("output_modalities", modalities);
  if (r.max_output_tokens > 0)
    o.num ("max_output_tokens", r.max_output_tokens);
  else
    o.str ("max_output_tokens", "inf");
  JsonObject * session_output =
      member_object (member_object (session_.get (), "audio"), "output");
  o.obj ("audio",
      Obj ().obj ("output",
          Obj ()
              .obj ("format",
                  Obj ().str ("type", "audio/pcm").num ("rate", AUDIO_RATE))
              .str ("voice",
                  member_string (session_output, "voice", "marin"))));
  if (r.metadata)
    o.obj ("metadata", json_object_ref (r.metadata.get ()));
  else
    o.null ("metadata");
  if (with_usage)
    o.obj ("usage", usage_object (r));
  else
    o.null ("usage");
  return o.take ();
}

void
Session::start_response (JsonObject * params)
{
  auto owned = std::make_unique<Response> ();
  Response * r = owned.get ();
  r->session = this;
  r->id = new_id ("resp");
  r->in_conversation =
      g_strcmp0 (member_string (params, "conversation", "auto"), "none") != 0;

  /* Modality: the response's override, else the session's. */
  JsonNode * mods = json_object_get_member (params ? params : session_.get (),
      "output_modalities");
  if (mods == nullptr)
    mods = json_object_get_member (session_.get (), "output_modalities");
  r->text_only = mods && JSON_NODE_HOLDS_ARRAY (mods) &&
      json_array_get_length (json_node_get_array (mods)) > 0 &&
      g_strcmp0 (json_array_get_string_element (json_node_get_array (mods), 0),
          "text") == 0;

  JsonNode * max_tokens =
      json_object_get_member (params ? params : session_.get (),
          "max_output_tokens");
  if (max_tokens == nullptr)
    max_tokens = json_object_get_member (session_.get (), "max_output_tokens");
  if (max_tokens && JSON_NODE_HOLDS_VALUE (max_tokens) &&
      json_node_get_value_type (max_tokens) == G_TYPE_INT64)
    r->max_output_tokens = json_node_get_int (max_tokens);
  if (JsonObject * metadata = member_object (params, "metadata")) {
    r->metadata.reset (json_object_new ());
    json_object_merge (r->metadata.get (), metadata);
  }

  r->turn = ctx_.options->scenario.turn (next_turn_);
  r->function_call =
      r->turn.function_call.has_value () && !function_call_pending_;
  r->output_index = 0;
  r->input_tokens = context_tokens_;
  r->cached_tokens = MIN (cached_tokens_, context_tokens_);
  cached_tokens_ = context_tokens_;

  if (!r->function_call) {
    r->words = split_words (r->turn.assistant_text);
    if (!r->text_only) {
      g_autoptr (GError) error = nullptr;
      if (!Scenario::render_audio (r->turn, r->audio, &error)) {
        send_error ("server_error",
            std::string ("The simulator could not "
                         "render the scenario audio: ") +
                error->message,
            "", "", "server_error");
        return;
      }
      /* max_output_tokens caps the audio at 20 tokens per second. */
      if (r->max_output_tokens > 0) {
        gsize cap =
            (gsize) r->max_output_tokens * AUDIO_RATE / kOutputAudioTokensPerS;
        if (r->audio.size () > cap) {
          r->audio.resize (cap);
          r->limited = true;
        }
      }
    }
  }
  /* audio_items: the audio and the words are split into that many output
   * items, in order; each item after the first starts without the space
   * that separated it from the previous one. */
  const gsize n_items = r->function_call || r->text_only
      ? 1
      : (gsize) MAX (r->turn.audio_items, 1);
  for (gsize k = 1; k <= n_items; k++) {
    r->item_sample_ends.push_back (r->audio.size () * k / n_items);
    r->item_word_ends.push_back (r->words.size () * k / n_items);
  }
  for (gsize k = 0; k + 1 < n_items; k++) {
    gsize w = r->item_word_ends[k];
    if (w < r->item_word_ends[k + 1]) {
      std::string & word = r->words[w];
      word.erase (0, MIN (word.find_first_not_of (' '), word.size ()));
    }
  }
  r->invalid_delta_pending =
      ctx_.faults && ctx_.options->faults.invalid_base64_delta;
  r->odd_deltas = ctx_.faults && ctx_.options->faults.odd_delta_bytes;
  r->first_delta_delay_ms = r->turn.first_delta_delay_ms;

  responses_.push_back (std::move (owned));
  send (Obj ()
            .str ("type", "response.created")
            .obj ("response",
                response_object (*r, "in_progress", nullptr, nullptr))
            .take ());
  send (Obj ()
            .str ("type", "rate_limits.updated")
            .arr ("rate_limits",
                array_of (
                    {Obj ().str ("name", "requests")
                            .num ("limit", 10000)
                            .num ("remaining", 9999)
                            .real ("reset_seconds", 0.006)
                            .take (),
                        Obj ()
                            .str ("name", "tokens")
                            .num ("limit", 2000000)
                            .num ("remaining", 2000000 - 4096)
                            .real ("reset_seconds", 0.122)
                            .take ()}))
            .take ());

  /* The output item and its content part open the stream. */
  open_output_item (r);

  schedule_stream (r, r->first_delta_delay_ms);
}

/* Opens @r's next output item (at r->output_index): output_item.added and,
 * in the conversation, conversation.item.added. Its content part opens with
 * its first delta. */
void
Session::open_output_item (Response * r)
{
  Item item;
  item.id = new_id ("item");
  r->item_id = item.id;
  r->content_started = false;
  r->text_sent.clear ();
  r->item_first_sample = r->samples_sent;
  r->item_first_word = r->words_sent;
  item.status = "in_progress";
  if (r->function_call) {
    item.type = "function_call";
    item.call_id = new_id ("call");
    item.name = r->turn.function_call->name;
    r->call_id = item.call_id;
  } else {
    item.type = "message";
    item.role = "assistant";
    item.content_type = r->text_only ? "output_text" : "output_audio";
  }
  const std::string previous = last_item_id ();
  if (r->in_conversation)
    items_.push_back (item);
  JsonObject * added = item_object (item);
  if (item.type == "message")
    json_object_set_array_member (added, "content", json_array_new ());
  if (item.type == "function_call")
    json_object_set_string_member (added, "arguments", "");
  send (Obj ()
            .str ("type", "response.output_item.added")
            .str ("response_id", r->id)
            .num ("output_index", r->output_index)
            .obj ("item", json_object_ref (added))
            .take ());
  if (r->in_conversation)
    send (Obj ()
              .str ("type", "conversation.item.added")
              .str_or_null ("previous_item_id", previous)
              .obj ("item", json_object_ref (added))
              .take ());
  json_object_unref (added);
}

void
Session::schedule_stream (Response * r, gint64 delay_ms)
{
  const double pace = ctx_.options->pace;
  if (pace <= 0) {
    /* Instant: the whole response now. */
    while (stream_next (r)) {
    }
    return;
  }
  r->started_us = g_get_monotonic_time () + (gint64) (delay_ms * 1000 / pace);
  destroy_timer (r->timer);
  r->timer = attach_timeout (ctx_.main_context, (gint64) (delay_ms / pace),
      stream_tick, r);
}

gboolean
Session::stream_tick (gpointer data)
{
  auto * r = static_cast<Response *> (data);
  Session * self = r->session;
  r->timer = nullptr;

  if (!self->stream_next (r))
    return G_SOURCE_REMOVE; /* finished: `r` is gone */

  /* Deadlines from the start, so timer latency does not accumulate. */
  const double pace = self->ctx_.options->pace;
  gint64 due_us = r->started_us +
      (gint64) (r->delta_index * self->ctx_.options->delta_ms * 1000 / pace);
  gint64 wait_ms = MAX ((due_us - g_get_monotonic_time ()) / 1000, 0);
  r->timer = attach_timeout (self->ctx_.main_context, wait_ms, stream_tick, r);
  return G_SOURCE_REMOVE;
}

/* Sends the next piece of @r; returns false once the response is done. */
bool
Session::stream_next (Response * r)
{
  if (closed_)
    return false;
  const std::string & rid = r->id;

  if (r->function_call) {
    const std::string & args = r->turn.function_call->arguments;
    gsize half = args.size () / 2;
    for (const std::string & piece :
        {args.substr (0, half), args.substr (half)})
      send (Obj ()
                .str ("type", "response.function_call_arguments.delta")
                .str ("response_id", rid)
                .str ("item_id", r->item_id)
                .num ("output_index", 0)
                .str ("call_id", r->call_id)
                .str ("delta", piece)
                .take ());
    send (Obj ()
              .str ("type", "response.function_call_arguments.done")
              .str ("response_id", rid)
              .str ("item_id", r->item_id)
              .num ("output_index", 0)
              .str ("call_id", r->call_id)
              .str ("name", r->turn.function_call->name)
              .str ("arguments", args)
              .take ());
    if (Item * item = find_item (r->item_id))
      item->arguments = args;
    finish_response (r, "completed", nullptr);
    return false;
  }

  if (!r->content_started) {
    r->content_started = true;
    send (Obj ()
              .str ("type", "response.content_part.added")
              .str ("response_id", rid)
              .str ("item_id", r->item_id)
              .num ("output_index", r->output_index)
              .num ("content_index", 0)
              .obj ("part",
                  r->text_only
                      ? Obj ().str ("type", "text").str ("text", "")
                      : Obj ().str ("type", "audio").str ("transcript", ""))
              .take ());
  }

  const char * text_delta = r->text_only
      ? "response.output_text.delta"
      : "response.output_audio_transcript.delta";
  /* The current output item's audio and words. */
  const gsize item_end = r->item_sample_ends[r->output_index];
  const gsize item_words_end = r->item_word_ends[r->output_index];
  gsize words_due;
  if (r->text_only) {
    words_due = r->words_sent + 1;
  } else {
    const gsize chunk_bytes =
        (gsize) (ctx_.options->delta_ms * kSamplesPerMs) * 2;
    const gsize left = item_end * 2 - r->bytes_sent;
    gsize n = MIN (chunk_bytes, left);
    if (r->odd_deltas && n > 0) {
      /* Fault: cuts of chunk - 1, chunk + 1, chunk - 1… bytes. An item's
       * audio is whole samples, so when an even count is left for its last
       * delta, one byte stays behind for one more. */
      n = MIN (r->odd_cuts++ % 2 == 0 ? chunk_bytes - 1 : chunk_bytes + 1,
          left);
      if (n % 2 == 0)
        n--;
    }
    if (n > 0) {
      std::string delta =
          base64_encode ((const guint8 *) r->audio.data () + r->bytes_sent, n);
      if (r->invalid_delta_pending) {
        r->invalid_delta_pending = false;
        delta.replace (0, 4, "*!*!");
      }
      /* Hand-built: the audio delta is the hot path of every response. */
      std::string text = "{\"type\":\"response.output_audio.delta\","
                         "\"event_id\":\"event_" +
          std::to_string (++counter_) + "s" + std::to_string (ctx_.connection) +
          "\",\"response_id\":\"" + rid + "\",\"item_id\":\"" + r->item_id +
          "\",\"output_index\":" + std::to_string (r->output_index) +
          ",\"content_index\":0,\"delta\":\"" + delta + "\"}";
      send_text (text, false);
      after_sent ();
      if (!closed_)
        after_delta ();
      if (closed_)
        return false;
      r->bytes_sent += n;
      r->samples_sent = r->bytes_sent / 2;
      audio_was_produced_ = true;
    }
    /* Words keep up with the item's audio. */
    const gsize w0 = r->item_first_word, a0 = r->item_first_sample;
    words_due = item_end == a0 ? item_words_end
                               : w0 +
            ((item_words_end - w0) * (r->samples_sent - a0) + item_end - a0 -
                1) /
                (item_end - a0);
  }
  while (r->words_sent < MIN (words_due, item_words_end)) {
    const std::string & w = r->words[r->words_sent++];
    r->text_sent += w;
    r->all_text_sent += w;
    send (Obj ()
              .str ("type", text_delta)
              .str ("response_id", rid)
              .str ("item_id", r->item_id)
              .num ("output_index", r->output_index)
              .num ("content_index", 0)
              .str ("delta", w)
              .take ());
  }
  r->delta_index++;

  bool item_done = r->words_sent >= item_words_end &&
      (r->text_only || r->bytes_sent >= item_end * 2);
  if (item_done && (gsize) r->output_index + 1 < r->item_sample_ends.size ()) {
    /* On to the next audio item of the response. */
    r->done_items.push_back (close_output_item (r, true));
    r->output_index++;
    open_output_item (r);
    return !closed_;
  }
  if (item_done) {
    finish_response (r, r->limited ? "incomplete" : "completed",
        r->limited ? "max_output_tokens" : nullptr);
    return false;
  }
  return true;
}

/* Closes @r's current output item: the .done events of its content, then
 * response.output_item.done and conversation.item.done. Returns the item as
 * it ends, for response.done. */
Session::Item
Session::close_output_item (Response * r, bool completed)
{
  const std::string & rid = r->id;
  const gint64 oi = r->output_index;

  Item * item = r->in_conversation ? find_item (r->item_id) : nullptr;
  Item local;
  if (item == nullptr) {
    local.id = r->item_id;
    item = &local;
    item->type = r->function_call ? "function_call" : "message";
    item->role = "assistant";
    item->content_type = r->text_only ? "output_text" : "output_audio";
    item->call_id = r->call_id;
    item->name = r->function_call ? r->turn.function_call->name : "";
  }
  item->status = completed ? "completed" : "incomplete";

  if (!r->function_call) {
    item->text = r->text_sent;
    item->audio_ms =
        (gint64) (r->samples_sent - r->item_first_sample) / kSamplesPerMs;
    if (!r->content_started)
      r->content_started = true; /* .done events close what was opened */
    if (r->text_only) {
      send (Obj ()
                .str ("type", "response.output_text.done")
                .str ("response_id", rid)
                .str ("item_id", r->item_id)
                .num ("output_index", oi)
                .num ("content_index", 0)
                .str ("text", r->text_sent)
                .take ());
    } else {
      send (Obj ()
                .str ("type", "response.output_audio.done")
                .str ("response_id", rid)
                .str ("item_id", r->item_id)
                .num ("output_index", oi)
                .num ("content_index", 0)
                .take ());
      send (Obj ()
                .str ("type", "response.output_audio_transcript.done")
                .str ("response_id", rid)
                .str ("item_id", r->item_id)
                .num ("output_index", oi)
                .num ("content_index", 0)
                .str ("transcript", r->text_sent)
                .take ());
    }
    send (Obj ()
              .str ("type", "response.content_part.done")
              .str ("response_id", rid)
              .str ("item_id", r->item_id)
              .num ("output_index", oi)
              .num ("content_index", 0)
              .obj ("part",
                  r->text_only
                      ? Obj ().str ("type", "text").str ("text", r->text_sent)
                      : Obj ()
                            .str ("type", "audio")
                            .str ("transcript", r->text_sent))
              .take ());
    context_tokens_ += text_tokens (r->text_sent) +
        item->audio_ms * kOutputAudioTokensPerS / 1000;
  } else {
    item->arguments = r->turn.function_call->arguments;
    context_tokens_ += text_tokens (item->arguments);
  }

  send (Obj ()
            .str ("type", "response.output_item.done")
            .str ("response_id", rid)
            .num ("output_index", oi)
            .obj ("item", item_object (*item))
            .take ());
  if (r->in_conversation)
    send (Obj ()
              .str ("type", "conversation.item.done")
              .str_or_null ("previous_item_id", previous_item_of (item->id))
              .obj ("item", item_object (*item))
              .take ());
  return *item;
}

void
Session::finish_response (Response * r, const char * status,
    const char * reason)
{
  destroy_timer (r->timer);
  const bool completed = strcmp (status, "completed") == 0;
  const Item item = close_output_item (r, completed);

  /* A function call waits for its output; anything else ends the turn. */
  if (r->in_conversation) {
    if (r->function_call && completed) {
      function_call_pending_ = true;
    } else {
      function_call_pending_ = false;
      next_turn_++;
    }
  }

  send (Obj ()
            .str ("type", "response.done")
            .obj ("response", response_object (*r, status, reason, &item))
            .take ());

  auto it = std::find_if (responses_.begin (), responses_.end (),
      [r] (const std::unique_ptr<Response> & p) { return p.get () == r; });
  if (it != responses_.end ())
    responses_.erase (it);
}

} // namespace realtime::sim
