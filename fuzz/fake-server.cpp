/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fake-server.h"

#include <cstring>

namespace {

const char * const kPath = "/v1/realtime";

/* The session as the GA service describes a fresh one (taken from a
 * simulator frame log); session.created and session.updated carry it. It
 * expires in an hour, as the service's do. */
std::string
session_object (guint64 conn)
{
  gint64 expires_at = g_get_real_time () / G_USEC_PER_SEC + 3600;
  return R"({"type":"realtime","object":"realtime.session","id":"sess_fuzz)" +
      std::to_string (conn) +
      R"(","model":"gpt-realtime-2.1",)"
      R"("expires_at":)" +
      std::to_string (expires_at) +
      ","
      R"("output_modalities":["audio"],)"
      R"("instructions":"","audio":{"input":{"format":{"type":"audio/pcm",)"
      R"("rate":24000},"noise_reduction":null,"transcription":)"
      R"({"model":"gpt-transcribe"},"turn_detection":{"type":"server_vad",)"
      R"("threshold":0.5,"prefix_padding_ms":300,"silence_duration_ms":500,)"
      R"("create_response":true,"interrupt_response":true,)"
      R"("idle_timeout_ms":null}},"output":{"format":{"type":"audio/pcm",)"
      R"("rate":24000},"voice":"marin","speed":1.0}},"tools":[],)"
      R"("tool_choice":"auto","max_output_tokens":"inf","tracing":null,)"
      R"("truncation":"auto","prompt":null,"include":null})";
}

guint64
connection_number (SoupWebsocketConnection * connection)
{
  return GPOINTER_TO_SIZE (
      g_object_get_data (G_OBJECT (connection), "fuzz-conn"));
}

} // namespace

struct FakeServer::Job
{
  enum Kind {
    Send,
    Close,
    Quit
  } kind;
  guint64 conn = 0;
  std::vector<std::string> frames;
  gushort code = 1000;
  std::string reason;
  FakeServer * server = nullptr;
  bool result = false;
  bool done = false;
};

FakeServer::~FakeServer ()
{
  if (thread_ != nullptr) {
    Job quit{Job::Quit};
    invoke (quit);
    g_thread_join (thread_);
  }
  g_clear_pointer (&loop_, g_main_loop_unref);
  g_clear_pointer (&context_, g_main_context_unref);
  g_clear_error (&start_error_);
}

bool
FakeServer::start (GError ** error)
{
  context_ = g_main_context_new ();
  loop_ = g_main_loop_new (context_, FALSE);
  thread_ = g_thread_new ("fuzz-server", thread_main, this);
  {
    std::unique_lock<std::mutex> lk (lock_);
    cond_.wait (lk, [this] { return started_; });
  }
  if (start_error_ != nullptr) {
    g_propagate_error (error, start_error_);
    start_error_ = nullptr;
    g_thread_join (thread_);
    thread_ = nullptr;
    return false;
  }
  return true;
}

std::string
FakeServer::url () const
{
  return "ws://127.0.0.1:" + std::to_string (port_) + kPath;
}

gpointer
FakeServer::thread_main (gpointer data)
{
  auto * self = static_cast<FakeServer *> (data);
  g_main_context_push_thread_default (self->context_);
  self->soup_ = soup_server_new (nullptr, nullptr);
  soup_server_add_websocket_handler (self->soup_, kPath, nullptr, nullptr,
      on_websocket, self, nullptr);

  GError * error = nullptr;
  if (soup_server_listen_local (self->soup_, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
          &error)) {
    GSList * uris = soup_server_get_uris (self->soup_);
    if (uris != nullptr)
      self->port_ = (guint) g_uri_get_port ((GUri *) uris->data);
    g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  }

  {
    std::lock_guard<std::mutex> lk (self->lock_);
    self->start_error_ = error;
    self->started_ = true;
  }
  self->cond_.notify_all ();

  if (error == nullptr)
    g_main_loop_run (self->loop_);

  for (auto & [number, connection] : self->open_) {
    g_signal_handlers_disconnect_by_data (connection, self);
    g_object_unref (connection);
  }
  self->open_.clear ();
  soup_server_disconnect (self->soup_);
  g_clear_object (&self->soup_);
  while (g_main_context_iteration (self->context_, FALSE)) {
  }
  g_main_context_pop_thread_default (self->context_);
  return nullptr;
}

void
FakeServer::on_websocket (SoupServer *, SoupServerMessage *, const char *,
    SoupWebsocketConnection * connection, gpointer data)
{
  auto * self = static_cast<FakeServer *> (data);
  guint64 conn = self->connections_.load () + 1;
  g_object_set_data (G_OBJECT (connection), "fuzz-conn",
      GSIZE_TO_POINTER (conn));
  /* Client appends may exceed libsoup's 128 KiB default after a backlog. */
  soup_websocket_connection_set_max_incoming_payload_size (connection,
      32 * 1024 * 1024);
  /* The handler's reference ends with it; ours lasts until "closed". */
  self->open_[conn] = (SoupWebsocketConnection *) g_object_ref (connection);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  std::string created = R"({"type":"session.created","event_id":"event_s)" +
      std::to_string (++self->events_sent_) + R"(","session":)" +
      session_object (conn) + "}";
  soup_websocket_connection_send_text (connection, created.c_str ());
  self->connections_ = conn;
  self->update_current ();
}

void
FakeServer::update_current ()
{
  current_ = open_.empty () ? 0 : open_.rbegin ()->first;
}

void
FakeServer::on_message (SoupWebsocketConnection * connection, gint type,
    GBytes * message, gpointer data)
{
  if (type != SOUP_WEBSOCKET_DATA_TEXT ||
      soup_websocket_connection_get_state (connection) !=
          SOUP_WEBSOCKET_STATE_OPEN)
    return;
  gsize size = 0;
  const char * text = (const char *) g_bytes_get_data (message, &size);
  /* Only session.update gets an answer: the element counts them. */
  static const char kUpdate[] = "\"type\":\"session.update\"";
  if (text == nullptr || g_strstr_len (text, (gssize) size, kUpdate) == nullptr)
    return;
  auto * self = static_cast<FakeServer *> (data);
  guint64 conn = connection_number (connection);
  std::string updated = R"({"type":"session.updated","event_id":"event_s)" +
      std::to_string (++self->events_sent_) + R"(","session":)" +
      session_object (conn) + "}";
  soup_websocket_connection_send_text (connection, updated.c_str ());
}

void
FakeServer::on_closed (SoupWebsocketConnection * connection, gpointer data)
{
  auto * self = static_cast<FakeServer *> (data);
  g_signal_handlers_disconnect_by_data (connection, self);
  self->open_.erase (connection_number (connection));
  self->update_current ();
  g_object_unref (connection);
}

gboolean
FakeServer::run_job (gpointer data)
{
  auto * job = static_cast<Job *> (data);
  FakeServer * self = job->server;
  SoupWebsocketConnection * c =
      self->open_.empty () ? nullptr : self->open_.rbegin ()->second;
  bool usable = c != nullptr && connection_number (c) == job->conn &&
      soup_websocket_connection_get_state (c) == SOUP_WEBSOCKET_STATE_OPEN;
  switch (job->kind) {
    case Job::Send:
      if (usable)
        for (const std::string & f : job->frames) {
          /* A text frame must be UTF-8 (RFC 6455), or the client's libsoup
           * drops the connection before the element sees it: invalid
           * bytes become U+FFFD. */
          gchar * valid = g_utf8_make_valid (f.data (), (gssize) f.size ());
          GBytes * bytes = g_bytes_new_take (valid, strlen (valid));
          soup_websocket_connection_send_message (c, SOUP_WEBSOCKET_DATA_TEXT,
              bytes);
          g_bytes_unref (bytes);
        }
      job->result = usable;
      break;
    case Job::Close:
      if (usable)
        soup_websocket_connection_close (c, job->code, job->reason.c_str ());
      job->result = usable;
      break;
    case Job::Quit:
      g_main_loop_quit (self->loop_);
      break;
  }
  {
    std::lock_guard<std::mutex> lk (self->lock_);
    job->done = true;
  }
  self->cond_.notify_all ();
  return G_SOURCE_REMOVE;
}

void
FakeServer::invoke (Job & job)
{
  job.server = this;
  g_main_context_invoke (context_, run_job, &job);
  std::unique_lock<std::mutex> lk (lock_);
  cond_.wait (lk, [&job] { return job.done; });
}

bool
FakeServer::send (guint64 conn, std::vector<std::string> frames)
{
  Job job{Job::Send};
  job.conn = conn;
  job.frames = std::move (frames);
  invoke (job);
  return job.result;
}

void
FakeServer::close (guint64 conn, gushort code, const std::string & reason)
{
  Job job{Job::Close};
  job.conn = conn;
  job.code = code;
  job.reason = reason;
  invoke (job);
}
