/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* A Realtime client for tests, built on the protocol library: connects to
 * the in-process simulator, sends client events and collects server events
 * (parsed with realtime::parse_server_event, so the parser is exercised
 * against the simulator too). Runs on the test thread's own main context. */
#pragma once

#include <gst/check/gstcheck.h>
#include <gst/realtime/client-events.h>
#include <gst/realtime/server-events.h>
#include <libsoup/soup.h>

#include <string>
#include <vector>

class TestClient
{
public:
  TestClient () : context_ (g_main_context_new ())
  {
    g_main_context_push_thread_default (context_);
  }

  ~TestClient ()
  {
    if (ws_) {
      g_signal_handlers_disconnect_by_data (ws_, this);
      if (soup_websocket_connection_get_state (ws_) ==
          SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ws_, 1000, nullptr);
      g_object_unref (ws_);
    }
    g_clear_object (&session_);
    while (g_main_context_iteration (context_, FALSE)) {
    }
    g_main_context_pop_thread_default (context_);
    g_main_context_unref (context_);
  }

  /* Connects; returns FALSE and the HTTP status when the handshake fails. */
  gboolean connect (const std::string & url, const char * api_key = nullptr,
      guint * http_status = nullptr,
      const std::vector<std::pair<std::string, std::string>> & headers = {})
  {
    session_ = soup_session_new ();
    SoupMessage * msg = soup_message_new (SOUP_METHOD_GET, url.c_str ());
    if (api_key) {
      std::string auth = std::string ("Bearer ") + api_key;
      soup_message_headers_replace (soup_message_get_request_headers (msg),
          "Authorization", auth.c_str ());
    }
    for (const auto & [name, value] : headers)
      soup_message_headers_replace (soup_message_get_request_headers (msg),
          name.c_str (), value.c_str ());
    done_ = false;
    soup_session_websocket_connect_async (session_, msg, nullptr, nullptr,
        G_PRIORITY_DEFAULT, nullptr, on_connected, this);
    iterate_until ([this] { return done_; }, 5000);
    if (http_status)
      *http_status = soup_message_get_status (msg);
    g_object_unref (msg);
    if (ws_ == nullptr)
      return FALSE;
    soup_websocket_connection_set_max_incoming_payload_size (ws_,
        64 * 1024 * 1024);
    g_signal_connect (ws_, "message", G_CALLBACK (on_message), this);
    g_signal_connect (ws_, "closed", G_CALLBACK (on_closed), this);
    return TRUE;
  }

  void send (const std::string & text)
  {
    fail_unless (ws_ != nullptr);
    soup_websocket_connection_send_text (ws_, text.c_str ());
  }

  /* Appends @ms of PCM16 24 kHz in 20 ms events, as a live mic would. */
  void append_pcm (const std::vector<gint16> & pcm, gsize chunk_samples = 480)
  {
    for (gsize i = 0; i < pcm.size (); i += chunk_samples) {
      gsize n = MIN (chunk_samples, pcm.size () - i);
      send (realtime::build_input_audio_buffer_append (
          (const guint8 *) (pcm.data () + i), n * 2));
    }
  }

  /* Waits for the next event of @type after the ones already returned by
   * earlier waits; fails the test after @timeout_ms. A copy: events_ grows
   * (and moves) while the caller holds it. */
  realtime::ServerEvent wait_for (const char * type, guint timeout_ms = 5000)
  {
    gsize found = G_MAXSIZE;
    iterate_until (
        [&] {
          for (gsize i = cursor_; i < events_.size (); i++)
            if (events_[i].type_name == type) {
              found = i;
              return true;
            }
          return false;
        },
        timeout_ms);
    fail_unless (found != G_MAXSIZE,
        "no %s within %u ms (got %" G_GSIZE_FORMAT " events; closed=%d)", type,
        timeout_ms, events_.size (), closed_);
    cursor_ = found + 1;
    return events_[found];
  }

  /* Whether an event of @type arrives within @ms (does not fail). */
  bool receives (const char * type, guint ms)
  {
    bool seen = false;
    iterate_until (
        [&] {
          for (gsize i = cursor_; i < events_.size (); i++)
            if (events_[i].type_name == type) {
              cursor_ = i + 1;
              seen = true;
            }
          return seen;
        },
        ms);
    return seen;
  }

  void wait_closed (guint timeout_ms = 5000)
  {
    iterate_until ([this] { return closed_; }, timeout_ms);
    fail_unless (closed_, "connection not closed within %u ms", timeout_ms);
  }

  /* Runs the loop for @ms, collecting whatever arrives. */
  void pump (guint ms)
  {
    iterate_until ([] { return false; }, ms);
  }

  std::vector<realtime::ServerEvent> events_;
  std::vector<std::string> parse_errors_; /* frames the parser refused */
  std::vector<gint64> arrival_us_;        /* per event, monotonic */
  gsize cursor_ = 0;
  bool closed_ = false;
  gushort close_code_ = 0;
  std::string close_reason_;
  gsize largest_frame_ = 0;

private:
  /* Iterates our context as the thread default: libsoup schedules its
   * follow-up work on the thread-default context, and several clients may
   * share this thread. */
  template<typename F> void iterate_until (F done, guint timeout_ms)
  {
    g_main_context_push_thread_default (context_);
    iterate_until_inner (done, timeout_ms);
    g_main_context_pop_thread_default (context_);
  }

  template<typename F> void iterate_until_inner (F done, guint timeout_ms)
  {
    gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
    while (!done () && g_get_monotonic_time () < deadline) {
      GSource * tick = g_timeout_source_new (10);
      g_source_set_callback (
          tick, [] (gpointer) -> gboolean { return G_SOURCE_REMOVE; }, nullptr,
          nullptr);
      g_source_attach (tick, context_);
      g_main_context_iteration (context_, TRUE);
      g_source_destroy (tick);
      g_source_unref (tick);
    }
  }

  static void on_connected (GObject * source, GAsyncResult * result,
      gpointer data)
  {
    auto * self = static_cast<TestClient *> (data);
    g_autoptr (GError) error = nullptr;
    self->ws_ = soup_session_websocket_connect_finish (SOUP_SESSION (source),
        result, &error);
    self->done_ = true;
  }

  static void on_message (SoupWebsocketConnection *, SoupWebsocketDataType,
      GBytes * message, gpointer data)
  {
    auto * self = static_cast<TestClient *> (data);
    gsize size = 0;
    const char * text = (const char *) g_bytes_get_data (message, &size);
    self->largest_frame_ = MAX (self->largest_frame_, size);
    g_autoptr (GError) error = nullptr;
    std::optional<realtime::ServerEvent> ev =
        realtime::parse_server_event (std::string_view (text, size), &error);
    if (ev) {
      self->events_.push_back (std::move (*ev));
      self->arrival_us_.push_back (g_get_monotonic_time ());
    } else {
      self->parse_errors_.push_back (error->message);
    }
  }

  static void on_closed (SoupWebsocketConnection * ws, gpointer data)
  {
    auto * self = static_cast<TestClient *> (data);
    self->closed_ = true;
    /* libsoup reports 0 when no close frame came: the connection dropped. */
    gushort code = soup_websocket_connection_get_close_code (ws);
    self->close_code_ = code != 0 ? code : 1006;
    const char * reason = soup_websocket_connection_get_close_data (ws);
    self->close_reason_ = reason ? reason : "";
  }

  GMainContext * context_;
  SoupSession * session_ = nullptr;
  SoupWebsocketConnection * ws_ = nullptr;
  bool done_ = false;
};
