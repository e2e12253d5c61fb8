/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "audio-synth.h"
#include "frame-log.h"
#include "simulator.h"
#include "vad.h"

#include <gst/realtime/json-util.h>

#include <libsoup/soup.h>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace realtime::sim {

/* Partial session.update: `audio`, `audio.input` and `audio.output` merge;
 * every other member (turn_detection, transcription, tools…) is replaced
 * whole, as the service treats them as values. */
void merge_session_update (JsonObject * base, JsonObject * update);

/* The full session object of a new session with the service's defaults,
 * as its session.created shows them. */
JsonObjectPtr service_session_object (const std::string & model,
    const std::string & id, gint64 expires_at);

/* One simulated Realtime session: the protocol behaviour behind one WebSocket
 * connection (docs/simulator.md: "Events", "Responses", as far as it makes
 * sense without a model). Lives on the simulator thread. */
class Session
{
public:
  struct Context
  {
    const SimulatorOptions * options;
    FrameLog * log;
    GMainContext * main_context;
    guint connection;  /* 1-based connection number */
    bool faults;       /* whether options->faults apply here */
    std::string model; /* from ?model= */
    bool beta_header;  /* the client sent OpenAI-Beta */
    /* The session of the client secret the connection opened with, if
     * any: merged over the defaults. */
    std::shared_ptr<JsonObject> initial_session;
  };

  /* @on_closed runs once when the connection is gone, from the simulator
   * thread; the owner then destroys the session. */
  Session (Context context, SoupWebsocketConnection * connection,
      std::function<void (Session *)> closed_callback);
  ~Session ();

  /* Closes the connection (1001, going away), e.g. at server shutdown. */
  void shutdown ();

private:
  /* Conversation items, as far as the simulator keeps them. */
  struct Item
  {
    std::string id;
    std::string type; /* message, function_call, function_call_output */
    std::string role; /* message */
    std::string
        content_type; /* input_audio, input_text, output_audio, output_text */
    std::string text; /* text, or transcript of the audio */
    gint64 audio_ms = 0; /* audio length (assistant: what was generated) */
    std::string call_id;
    std::string name;
    std::string arguments;
    std::string output;
    std::string status = "completed";
  };

  struct Response;

  /* Incoming frames. */
  static void on_message (SoupWebsocketConnection *, SoupWebsocketDataType,
      GBytes *, gpointer self);
  static void on_closed (SoupWebsocketConnection *, gpointer self);
  void handle (std::string_view text);
  void handle_session_update (JsonObject * event);
  void handle_append (JsonObject * event);
  void handle_commit ();
  void handle_clear ();
  void handle_item_create (JsonObject * event);
  void handle_item_truncate (JsonObject * event);
  void handle_item_delete (JsonObject * event);
  void handle_item_retrieve (JsonObject * event);
  void handle_response_create (JsonObject * event);
  void handle_response_cancel (JsonObject * event);

  /* Input audio. */
  void on_vad_event (const VadEvent & event);
  void commit_user_audio (gint64 start_ms, gint64 end_ms);
  void configure_vad ();

  /* Responses. */
  void start_response (JsonObject * params);
  void open_output_item (Response * r);
  Item close_output_item (Response * r, bool completed);
  void schedule_stream (Response * r, gint64 delay_ms);
  static gboolean stream_tick (gpointer data);
  bool stream_next (Response * r);
  void finish_response (Response * r, const char * status, const char * reason);
  void cancel_default_response (const char * reason);
  Response * default_response ();
  /* @item: the output item when the response is done (then with usage). */
  JsonObject * response_object (const Response & r, const char * status,
      const char * reason, const Item * item);
  JsonObject * item_object (const Item & item) const;
  JsonObject * usage_object (const Response & r) const;

  /* Sending, with the fault injection that goes with it. */
  void send (JsonObject * event); /* takes ownership; sets event_id */
  void send_error (const std::string & code, const std::string & message,
      const std::string & param, const std::string & client_event_id,
      const char * type = "invalid_request_error");
  void send_text (const std::string & text, bool fault);
  void after_sent ();
  void after_delta ();
  void stall ();
  void flush_stalled ();
  void drop_connection (const char * why);
  void close_connection (int code, const std::string & reason);
  void arm_timer (GSource *& slot, gint64 ms, GSourceFunc func);
  void disarm_timers ();

  std::string new_id (const char * prefix);
  Item * find_item (const std::string & id);
  std::string last_item_id () const;
  std::string previous_item_of (const std::string & id) const;
  JsonObject * session_object () const;

  Context ctx_;
  SoupWebsocketConnection * connection_;
  std::function<void (Session *)> on_closed_cb_;
  bool closed_ = false;

  /* The effective session config, as session.updated echoes it. */
  JsonObjectPtr session_;
  std::string session_id_;
  gint64 expires_at_ = 0;
  bool transcription_session_ = false;
  bool audio_was_produced_ = false;

  EnergyVad vad_;
  bool vad_enabled_ = true;
  bool create_response_ = true;
  bool interrupt_response_ = true;
  std::string speech_item_id_; /* id announced by speech_started */
  gint64 speech_start_ms_ = 0;
  gint64 buffer_start_ms_ = 0; /* input timeline where the buffer begins */
  int leftover_byte_ = -1;     /* an odd byte awaiting its sample partner */

  std::vector<Item> items_;
  gsize user_turns_ = 0; /* user items so far (audio or text) */
  gsize next_turn_ = 0;  /* scenario turn of the next answer */
  bool function_call_pending_ = false;
  std::vector<std::unique_ptr<Response>> responses_;
  gint64 context_tokens_ = 0; /* input tokens of the conversation so far */
  gint64 cached_tokens_ = 0;  /* of which already seen by a response */

  guint64 counter_ = 0;
  gint64 events_sent_ = 0;
  gint64 deltas_sent_ = 0;
  bool stalled_ = false;
  std::deque<std::pair<std::string, bool>> stalled_frames_;

  GSource * expiry_timer_ = nullptr;
  GSource * drop_timer_ = nullptr;
  GSource * delta_drop_timer_ = nullptr;
  GSource * close_timer_ = nullptr;
  GSource * stall_timer_ = nullptr;
};

} // namespace realtime::sim
