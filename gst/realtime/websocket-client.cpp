/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "websocket-client.h"

#include "http-session.h"

#include <libsoup/soup.h>

#include <atomic>

namespace realtime {

/* Everything the I/O thread touches. `alive` goes false when the owner is
 * destroyed, so late async completions do nothing. */
struct WebSocketClient::State
{
  WebSocketClient::Callbacks callbacks;
  bool alive = true;                      /* I/O thread */
  SoupSession * session = nullptr;        /* I/O thread */
  SoupMessage * message = nullptr;        /* I/O thread, during the handshake */
  SoupWebsocketConnection * ws = nullptr; /* I/O thread */
  /* The stream libsoup writes @ws's frames to, and a watch for it to take
   * more while it cannot (I/O thread; see flush_state()). */
  GPollableOutputStream * output = nullptr;
  GSource * out_watch = nullptr;
  /* Bytes handed to libsoup since @output was last found writable. */
  gsize unchecked_bytes = G_MAXSIZE;
  GCancellable * cancellable = g_cancellable_new ();
  gsize max_payload = 0;

  mutable std::mutex lock; /* guards the fields below */
  std::deque<std::pair<std::string, gint64>> outbox; /* text, since_us */
  bool flush_scheduled = false;
  bool open = false;
  bool finished = false; /* closed or failed: drop new frames */
  guint64 dropped = 0;

  /* Keepalive pings only while the connection is quiet (I/O thread):
   * libsoup's keepalive is a source of its own on the shared context,
   * which every iteration walks, and a connection carrying audio needs no
   * pings. A shared timer looks every keepalive_check_ms. */
  IoThread * thread = nullptr;
  gint64 last_activity_us = 0;
  std::atomic<bool> keepalive_on{false};
  guint64 keepalive_timer = 0;
  guint keepalive_check_ms = 10000;

  /* Set when a close frame went either way (I/O thread): the peer has
   * CLOSE_WAIT_MS to close the TCP connection. */
  guint64 close_timer = 0;

  /* A protocol error libsoup closed the connection for (I/O thread). */
  gushort error_code = 0;
  std::string error_message;

  ~State () { g_object_unref (cancellable); }
};

namespace {

/* Pings every KEEPALIVE_S seconds once nothing went either way for
 * Options::keepalive_check_ms (idle NAT and proxy mappings must stay
 * open). */
constexpr guint KEEPALIVE_S = 20;

void check_keepalive (const std::weak_ptr<WebSocketClient::State> & weak);

void
schedule_keepalive_check (const std::shared_ptr<WebSocketClient::State> & s)
{
  std::weak_ptr<WebSocketClient::State> weak = s;
  s->keepalive_timer = s->thread->add_timer (s->keepalive_check_ms,
      [weak] { check_keepalive (weak); });
}

void
check_keepalive (const std::weak_ptr<WebSocketClient::State> & weak)
{
  auto s = weak.lock ();
  if (!s || !s->alive || s->ws == nullptr)
    return;
  s->keepalive_timer = 0;
  if (soup_websocket_connection_get_state (s->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  bool quiet = g_get_monotonic_time () - s->last_activity_us >=
      (gint64) s->keepalive_check_ms * 1000;
  if (quiet != s->keepalive_on) {
    s->keepalive_on = quiet;
    soup_websocket_connection_set_keepalive_interval (s->ws,
        quiet ? KEEPALIVE_S : 0);
  }
  schedule_keepalive_check (s);
}

enum class FlushMode {
  kNormal,
  kForce,
};

/* A writable stream is trusted for this many bytes before it is looked at
 * again: one poll() per several frames (50 ms of audio is about 3.3 kB of
 * base64), and libsoup holds at most this much, plus one frame, beyond
 * the socket's send buffer. */
constexpr gsize RECHECK_BYTES = 16 * 1024;

struct Holder
{
  std::shared_ptr<WebSocketClient::State> state;
};

void on_ws_closing (SoupWebsocketConnection * ws, gpointer data);
void arm_close_wait (const std::shared_ptr<WebSocketClient::State> & s);

void
on_ws_message (SoupWebsocketConnection *, SoupWebsocketDataType type,
    GBytes * bytes, gpointer data)
{
  auto & s = static_cast<Holder *> (data)->state;
  if (!s->alive || type != SOUP_WEBSOCKET_DATA_TEXT || !s->callbacks.message)
    return;
  s->last_activity_us = g_get_monotonic_time ();
  gsize size = 0;
  const char * text = (const char *) g_bytes_get_data (bytes, &size);
  s->callbacks.message (std::string_view (text, size));
}

/* libsoup closes the connection itself on a protocol error (e.g. a frame
 * over max-incoming-payload-size: SOUP_WEBSOCKET_CLOSE_TOO_BIG); the code
 * is reported as the close code, which the peer never sent. */
void
on_ws_error (SoupWebsocketConnection *, GError * error, gpointer data)
{
  auto & s = static_cast<Holder *> (data)->state;
  if (error->domain == SOUP_WEBSOCKET_ERROR && s->error_code == 0) {
    s->error_code = (gushort) error->code;
    s->error_message = error->message;
  }
  /* An error closes the connection: at once, or with a close frame and
   * libsoup's close timeout, without a `closing` signal. */
  arm_close_wait (s);
}

/* The watch for room in the output stream, if armed, gone. */
void
stop_out_watch (const std::shared_ptr<WebSocketClient::State> & s)
{
  if (s->out_watch == nullptr)
    return;
  g_source_destroy (s->out_watch);
  g_source_unref (s->out_watch);
  s->out_watch = nullptr;
}

/* The connection is over: drop what was queued and tell the owner. */
void
report_closed (const std::shared_ptr<WebSocketClient::State> & s,
    SoupWebsocketConnection * ws)
{
  if (s->close_timer) {
    s->thread->cancel_timer (s->close_timer);
    s->close_timer = 0;
  }
  stop_out_watch (s);
  {
    std::lock_guard<std::mutex> lk (s->lock);
    s->open = false;
    s->finished = true;
    s->dropped += s->outbox.size ();
    s->outbox.clear ();
  }
  if (!s->alive || !s->callbacks.closed)
    return;
  gushort code = soup_websocket_connection_get_close_code (ws);
  const char * reason = soup_websocket_connection_get_close_data (ws);
  if (code == 0 && s->error_code != 0) {
    s->callbacks.closed (s->error_code, s->error_message);
    return;
  }
  /* No close frame from the peer: the connection dropped. */
  s->callbacks.closed (code != 0 ? code : 1006, reason ? reason : "");
}

void
on_ws_closed (SoupWebsocketConnection * ws, gpointer data)
{
  report_closed (static_cast<Holder *> (data)->state, ws);
}

/* Our handlers off @s->ws, and our reference to it dropped: its dispose
 * stops libsoup's timeouts and closes the I/O stream. */
void
release_ws (const std::shared_ptr<WebSocketClient::State> & s)
{
  if (s->ws == nullptr)
    return;
  for (auto fn : {(gpointer) on_ws_message, (gpointer) on_ws_closed,
           (gpointer) on_ws_error, (gpointer) on_ws_closing})
    g_signal_handlers_disconnect_matched (s->ws, G_SIGNAL_MATCH_FUNC, 0, 0,
        nullptr, fn, nullptr);
  stop_out_watch (s);
  g_clear_object (&s->output);
  g_clear_object (&s->ws);
}

/* The peer had CLOSE_WAIT_MS to close the TCP connection after the close
 * handshake began, and has not: we drop it, as libsoup's own close timeout
 * would a second or more later, but without that timeout's leak. Our timers'
 * source is older than any libsoup source on the context, so even when
 * both are due in one iteration of a late I/O thread, this runs first and
 * the dispose destroys libsoup's timeout before it is dispatched. */
void
close_wait_over (const std::weak_ptr<WebSocketClient::State> & weak)
{
  auto s = weak.lock ();
  if (!s || !s->alive || s->ws == nullptr)
    return;
  s->close_timer = 0;
  if (soup_websocket_connection_get_state (s->ws) ==
      SOUP_WEBSOCKET_STATE_CLOSED)
    return;
  /* The peer's close code, if its close frame came; else 1006. */
  SoupWebsocketConnection * ws =
      (SoupWebsocketConnection *) g_object_ref (s->ws);
  release_ws (s);
  report_closed (s, ws);
  g_object_unref (ws);
}

/* The close handshake began: libsoup waits for the peer to close the TCP
 * connection now, and so do we, CLOSE_WAIT_MS. */
void
arm_close_wait (const std::shared_ptr<WebSocketClient::State> & s)
{
  if (!s->alive || s->close_timer)
    return;
  std::weak_ptr<WebSocketClient::State> weak = s;
  s->close_timer = s->thread->add_timer (WebSocketClient::CLOSE_WAIT_MS,
      [weak] { close_wait_over (weak); });
}

/* A close frame went out or came in. */
void
on_ws_closing (SoupWebsocketConnection *, gpointer data)
{
  arm_close_wait (static_cast<Holder *> (data)->state);
}

/* The connection will not open: drop what was queued and tell the owner. */
void
report_failure (const std::shared_ptr<WebSocketClient::State> & s,
    guint http_status, const GError * error)
{
  {
    std::lock_guard<std::mutex> lk (s->lock);
    s->finished = true;
    s->dropped += s->outbox.size ();
    s->outbox.clear ();
  }
  if (s->alive && s->callbacks.failed)
    s->callbacks.failed (http_status, error);
}

void
free_holder (gpointer data, GClosure *)
{
  delete static_cast<Holder *> (data);
}

void
on_connected (GObject * source, GAsyncResult * result, gpointer data)
{
  std::unique_ptr<Holder> holder (static_cast<Holder *> (data));
  auto & s = holder->state;
  GError * error = nullptr;
  SoupWebsocketConnection * ws =
      soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
          &error);
  guint status = s->message ? soup_message_get_status (s->message) : 0;
  g_clear_object (&s->message);

  if (!s->alive) {
    g_clear_error (&error);
    if (ws) {
      soup_websocket_connection_close (ws, 1000, nullptr);
      g_object_unref (ws);
    }
    return;
  }
  if (ws == nullptr) {
    report_failure (s,
        SOUP_STATUS_IS_SUCCESSFUL (status) ||
                status == SOUP_STATUS_SWITCHING_PROTOCOLS
            ? 0
            : status,
        error);
    g_clear_error (&error);
    return;
  }

  s->ws = ws;
  GOutputStream * output = g_io_stream_get_output_stream (
      soup_websocket_connection_get_io_stream (ws));
  if (G_IS_POLLABLE_OUTPUT_STREAM (output) &&
      g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (output)))
    s->output = G_POLLABLE_OUTPUT_STREAM (g_object_ref (output));
  s->unchecked_bytes = G_MAXSIZE; /* look before the first frame */
  soup_websocket_connection_set_max_incoming_payload_size (ws, s->max_payload);
  /* Keepalive pings keep idle NAT/proxy mappings open; a write to a dead
   * peer then fails sooner. (libsoup 3.2 has no pong timeout: a silent
   * dead peer is found by realtimebin's stall check.) Only quiet
   * connections ping; see check_keepalive(). */
  s->last_activity_us = g_get_monotonic_time ();
  schedule_keepalive_check (s);
  g_signal_connect_data (ws, "message", G_CALLBACK (on_ws_message),
      new Holder{s}, free_holder, (GConnectFlags) 0);
  g_signal_connect_data (ws, "closed", G_CALLBACK (on_ws_closed), new Holder{s},
      free_holder, (GConnectFlags) 0);
  g_signal_connect_data (ws, "error", G_CALLBACK (on_ws_error), new Holder{s},
      free_holder, (GConnectFlags) 0);
  g_signal_connect_data (ws, "closing", G_CALLBACK (on_ws_closing),
      new Holder{s}, free_holder, (GConnectFlags) 0);
  {
    std::lock_guard<std::mutex> lk (s->lock);
    s->open = true;
  }
  if (s->callbacks.opened)
    s->callbacks.opened ();
}

void flush_state (const std::shared_ptr<WebSocketClient::State> & s,
    FlushMode mode);

gboolean
on_output_ready (GObject *, gpointer data)
{
  auto s = static_cast<std::weak_ptr<WebSocketClient::State> *> (data)->lock ();
  if (!s || s->out_watch == nullptr)
    return G_SOURCE_REMOVE;
  /* Ours: the context keeps its own reference while this runs. */
  g_source_unref (s->out_watch);
  s->out_watch = nullptr;
  s->unchecked_bytes = 0; /* writable, or hung up: libsoup will find out */
  flush_state (s, FlushMode::kNormal);
  return G_SOURCE_REMOVE;
}

void
free_weak_state (gpointer data)
{
  delete static_cast<std::weak_ptr<WebSocketClient::State> *> (data);
}

/* Whether libsoup may have a frame: false (and a watch armed to flush
 * again) while its stream cannot take more. */
bool
output_has_room (const std::shared_ptr<WebSocketClient::State> & s)
{
  if (s->out_watch != nullptr)
    return false; /* known full: no syscall until the watch fires */
  if (s->output == nullptr || s->unchecked_bytes < RECHECK_BYTES)
    return true;
  if (g_pollable_output_stream_is_writable (s->output)) {
    s->unchecked_bytes = 0;
    return true;
  }
  s->out_watch = g_pollable_output_stream_create_source (s->output, nullptr);
  g_source_set_callback (s->out_watch,
      (GSourceFunc) (void (*) ()) on_output_ready,
      new std::weak_ptr<WebSocketClient::State> (s), free_weak_state);
  g_source_attach (s->out_watch, s->thread->context ());
  return false;
}

/* Hands queued frames to libsoup, on the I/O thread, while its stream can
 * take them.
 *
 * Why: libsoup 3.2 queues outgoing frames without bound and says neither
 * how much it holds nor when a frame was written (there is no
 * bufferedAmount), so a frame given to it at once would leave our outbox
 * (which pending(), and so realtimebin's non-live hold, counts) at once,
 * into memory, however slow the peer. libsoup writes a frame to its
 * pollable output stream as soon as it is queued and keeps what the stream
 * did not take (a write that would block, a partial frame) for a watch of
 * its own; so while that same stream is not writable, libsoup's queue is
 * non-empty or about to be, and we keep the frame. For wss:// the stream
 * is the TLS connection's: writable means its base socket can take more
 * and no TLS operation holds it, so TLS buffers nothing unbounded either.
 * What libsoup can hold beyond the socket's send buffer is then bounded
 * by RECHECK_BYTES plus one frame (a frame larger than the free space is
 * written in part and its rest queued; we stop until the socket drains),
 * plus its own control frames. libsoup's writes do not race ours: both
 * run on the I/O thread. Watching the GSocket under the connection instead
 * would need the TLS connection's base stream for wss:// and would miss a
 * TLS record glib-networking still holds; the pollable stream covers both.
 *
 * Cost: one poll() of one descriptor per RECHECK_BYTES handed over while
 * the socket has room (measured at 2.8 us, against 11 us for libsoup's
 * send() of one 2 kB frame); none while a watch is armed, which exists
 * only while the socket is full. A watch that fires for a hang-up or an
 * error hands frames over too, so libsoup finds it.
 *
 * kForce hands everything over (before a close frame, as before). */
void
flush_state (const std::shared_ptr<WebSocketClient::State> & s, FlushMode mode)
{
  for (;;) {
    bool usable = s->ws != nullptr &&
        soup_websocket_connection_get_state (s->ws) ==
            SOUP_WEBSOCKET_STATE_OPEN;
    bool check = usable && mode != FlushMode::kForce;
    std::pair<std::string, gint64> frame;
    {
      std::lock_guard<std::mutex> lk (s->lock);
      s->flush_scheduled = false;
      if (!s->open || s->outbox.empty ())
        return; /* opened() will flush */
    }
    /* Checked outside the lock: send() must not wait for a syscall. */
    if (check && !output_has_room (s))
      return; /* on_output_ready() flushes again */
    {
      std::lock_guard<std::mutex> lk (s->lock);
      if (s->outbox.empty ())
        return;
      frame = std::move (s->outbox.front ());
      s->outbox.pop_front ();
    }
    if (!usable)
      continue;
    const auto & [text, since_us] = frame;
    soup_websocket_connection_send_text (s->ws, text.c_str ());
    if (s->unchecked_bytes < RECHECK_BYTES)
      s->unchecked_bytes += text.size ();
    s->last_activity_us = g_get_monotonic_time ();
    if (since_us > 0 && s->alive && s->callbacks.written)
      s->callbacks.written (s->last_activity_us - since_us);
  }
}

} // namespace

WebSocketClient::WebSocketClient (std::shared_ptr<IoThread> thread,
    Callbacks callbacks)
    : thread_ (std::move (thread)), state_ (std::make_shared<State> ())
{
  state_->thread = thread_.get ();
  thread_->connection_added ();
  /* Frames queued before the handshake completes go out right after it. */
  auto opened = std::move (callbacks.opened);
  std::weak_ptr<State> weak = state_;
  callbacks.opened = [weak, opened] {
    if (auto s = weak.lock ()) {
      flush_state (s, FlushMode::kNormal);
      if (opened)
        opened ();
    }
  };
  state_->callbacks = std::move (callbacks);
}

WebSocketClient::~WebSocketClient ()
{
  thread_->connection_removed ();
  auto s = state_;
  thread_->invoke_sync ([s] {
    s->alive = false;
    if (s->keepalive_timer)
      s->thread->cancel_timer (s->keepalive_timer);
    if (s->close_timer)
      s->thread->cancel_timer (s->close_timer);
    g_cancellable_cancel (s->cancellable);
    if (s->ws != nullptr) {
      SoupWebsocketConnection * ws =
          (SoupWebsocketConnection *) g_object_ref (s->ws);
      release_ws (s);
      /* Our last reference goes right after the close frame: the dispose
       * stops libsoup's close timeout before it can fire. */
      if (soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ws, 1000, nullptr);
      g_object_unref (ws);
    }
    if (s->session != nullptr)
      soup_session_abort (s->session);
    g_clear_object (&s->session);
    s->callbacks = {};
  });
}

void
WebSocketClient::connect (Options options)
{
  auto s = state_;
  thread_->invoke ([s, options = std::move (options)] {
    if (!s->alive)
      return;
    s->max_payload = options.max_incoming_payload;
    s->keepalive_check_ms = MAX (options.keepalive_check_ms, 1u);
    g_clear_object (&s->session);
    GError * error = nullptr;
    s->session = http_session_new (options.ca_file, 0, &error);
    if (s->session == nullptr) {
      report_failure (s, 0, error);
      g_error_free (error);
      return;
    }

    GUri * uri = g_uri_parse (options.url.c_str (),
        (GUriFlags) SOUP_HTTP_URI_FLAGS, &error);
    if (uri == nullptr) {
      report_failure (s, 0, error);
      g_error_free (error);
      return;
    }
    s->message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
    g_uri_unref (uri);
    SoupMessageHeaders * headers =
        soup_message_get_request_headers (s->message);
    for (const auto & [name, value] : options.headers)
      soup_message_headers_replace (headers, name.c_str (), value.c_str ());
    soup_session_websocket_connect_async (s->session, s->message, nullptr,
        nullptr, G_PRIORITY_DEFAULT, s->cancellable, on_connected,
        new Holder{s});
  });
}

void
WebSocketClient::send (std::string text, gint64 since_us)
{
  {
    std::lock_guard<std::mutex> lk (state_->lock);
    if (state_->finished) {
      state_->dropped++;
      return;
    }
    state_->outbox.emplace_back (std::move (text), since_us);
    if (state_->flush_scheduled || !state_->open)
      return;
    state_->flush_scheduled = true;
  }
  /* One wakeup of the I/O thread per batch, not per frame. */
  std::weak_ptr<State> weak = state_;
  thread_->invoke ([weak] {
    if (auto s = weak.lock ())
      flush_state (s, FlushMode::kNormal);
  });
}

void
WebSocketClient::close (gushort code, std::string reason)
{
  auto s = state_;
  thread_->invoke ([s, code, reason = std::move (reason)] {
    flush_state (s, FlushMode::kForce);
    if (s->ws != nullptr &&
        soup_websocket_connection_get_state (s->ws) ==
            SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (s->ws, code,
          reason.empty () ? nullptr : reason.c_str ());
    else
      g_cancellable_cancel (s->cancellable);
  });
}

gsize
WebSocketClient::pending () const
{
  std::lock_guard<std::mutex> lk (state_->lock);
  return state_->outbox.size ();
}

bool
WebSocketClient::pinging () const
{
  return state_->keepalive_on;
}

guint64
WebSocketClient::dropped () const
{
  std::lock_guard<std::mutex> lk (state_->lock);
  return state_->dropped;
}

} // namespace realtime
