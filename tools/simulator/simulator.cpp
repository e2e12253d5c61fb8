/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "simulator.h"

#include "client-secrets.h"
#include "session.h"
#include "simulator-error.h"

#include <gst/realtime/session-settings.h>

#include <libsoup/soup.h>

#include <algorithm>
#include <cstring>
#include <atomic>
#include <condition_variable>
#include <mutex>

namespace realtime::sim {

static constexpr const char * kPath = "/v1/realtime";
static constexpr const char * kAzurePath = "/openai/v1/realtime";
/* The model of a session whose URL names none, and of a client secret
 * asked for without one. */
static constexpr const char * kDefaultModel = "gpt-realtime-2.1";

/* The simulator thread and everything that lives on it. */
class Server
{
public:
  explicit Server (SimulatorOptions options) : options_ (std::move (options)) {}
  ~Server () { stop (); }

  gboolean start (GError ** error);
  void stop ();

  guint port () const { return port_; }
  const std::string & host () const { return options_.host; }
  guint connections () const { return connections_.load (); }
  guint sessions () const { return live_sessions_.load (); }
  bool tls () const { return !options_.tls_certificate.empty (); }
  const char * path () const { return options_.azure ? kAzurePath : kPath; }

private:
  static gpointer thread_main (gpointer data);
  static void on_request (SoupServer *, SoupServerMessage * msg, const char *,
      GHashTable * query, gpointer data);
  static void on_client_secrets (SoupServer *, SoupServerMessage * msg,
      const char *, GHashTable * query, gpointer data);
  bool key_matches (SoupMessageHeaders * headers, guint attempt,
      const char ** presented);
  static void on_websocket (SoupServer *, SoupServerMessage * msg, const char *,
      SoupWebsocketConnection * connection, gpointer data);
  static gboolean quit_in_thread (gpointer data);
  bool faults_apply (guint attempt) const;
  void remove_session (Session * session);

  SimulatorOptions options_;
  FrameLog log_;
  GMainContext * context_ = nullptr;
  GMainLoop * loop_ = nullptr;
  GThread * thread_ = nullptr;
  SoupServer * soup_ = nullptr;
  std::vector<std::unique_ptr<Session>> sessions_; /* simulator thread only */
  guint attempts_ = 0;                             /* simulator thread only */
  ClientSecrets secrets_;                          /* simulator thread only */
  std::atomic<guint> connections_{0};
  std::atomic<guint> live_sessions_{0};
  guint port_ = 0;

  /* Start-up handshake with the owner thread. */
  std::mutex lock_;
  std::condition_variable started_cond_;
  bool started_ = false;
  GError * start_error_ = nullptr;
};

bool
Server::faults_apply (guint attempt) const
{
  gint64 n = options_.faults.fault_connections;
  return n < 0 || (gint64) attempt <= n;
}

gboolean
Server::start (GError ** error)
{
  /* Speech is synthesized here, before the first session, not on the
   * simulator's thread while responses stream. */
  if (!options_.scenario.prepare_speech (error))
    return FALSE;
  if (!options_.log_path.empty () && !log_.open (options_.log_path, error))
    return FALSE;

  context_ = g_main_context_new ();
  loop_ = g_main_loop_new (context_, FALSE);
  thread_ = g_thread_new ("rt-simulator", thread_main, this);

  std::unique_lock<std::mutex> lk (lock_);
  started_cond_.wait (lk, [this] { return started_; });
  if (start_error_ != nullptr) {
    g_propagate_error (error, start_error_);
    start_error_ = nullptr;
    lk.unlock ();
    g_thread_join (thread_);
    thread_ = nullptr;
    return FALSE;
  }
  return TRUE;
}

gpointer
Server::thread_main (gpointer data)
{
  auto * self = static_cast<Server *> (data);
  g_main_context_push_thread_default (self->context_);

  /* libsoup objects are created and used on this thread only. */
  self->soup_ =
      soup_server_new ("server-header", "gst-realtime-simulator", nullptr);
  soup_server_add_handler (self->soup_, self->path (), on_request, self,
      nullptr);
  soup_server_add_websocket_handler (self->soup_, self->path (), nullptr,
      nullptr, on_websocket, self, nullptr);
  soup_server_add_handler (self->soup_,
      (std::string (self->path ()) + "/client_secrets").c_str (),
      on_client_secrets, self, nullptr);

  GError * error = nullptr;
  SoupServerListenOptions listen = (SoupServerListenOptions) 0;
  if (!self->options_.tls_certificate.empty ()) {
    GTlsCertificate * cert =
        g_tls_certificate_new_from_files (self->options_.tls_certificate
                                              .c_str (),
            self->options_.tls_private_key.c_str (), &error);
    if (cert != nullptr) {
      soup_server_set_tls_certificate (self->soup_, cert);
      g_object_unref (cert);
      listen = SOUP_SERVER_LISTEN_HTTPS;
    } else {
      g_prefix_error (&error, "Cannot load the TLS certificate: ");
    }
  }
  GInetAddress * address = error
      ? nullptr
      : g_inet_address_new_from_string (self->options_.host.c_str ());
  if (error != nullptr) {
    /* reported below */
  } else if (address == nullptr) {
    g_set_error (&error, REALTIME_SIMULATOR_ERROR, REALTIME_SIMULATOR_ERROR_IO,
        "Cannot listen on \"%s\": not an IP address",
        self->options_.host.c_str ());
  } else {
    GSocketAddress * socket_address =
        g_inet_socket_address_new (address, (guint16) self->options_.port);
    /* Our own socket, for a deep accept backlog: hundreds of clients may
     * connect at once (GSocket's default is 10). */
    GSocket * socket = g_socket_new (g_inet_address_get_family (address),
        G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    if (socket != nullptr) {
      g_socket_set_listen_backlog (socket, 1024);
      if (g_socket_bind (socket, socket_address, TRUE, &error) &&
          g_socket_listen (socket, &error) &&
          soup_server_listen_socket (self->soup_, socket, listen, &error)) {
        GSocketAddress * local = g_socket_get_local_address (socket, nullptr);
        if (local != nullptr) {
          self->port_ =
              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
          g_object_unref (local);
        }
      }
      g_object_unref (socket);
    }
    if (error != nullptr)
      g_prefix_error (&error,
          "Cannot listen on %s:%u: ", self->options_.host.c_str (),
          self->options_.port);
    g_object_unref (socket_address);
    g_object_unref (address);
  }

  {
    std::lock_guard<std::mutex> lk (self->lock_);
    self->start_error_ = error;
    self->started_ = true;
  }
  self->started_cond_.notify_all ();

  if (error == nullptr)
    g_main_loop_run (self->loop_);

  /* Tear down on this thread, then let pending callbacks finish. */
  self->sessions_.clear ();
  self->live_sessions_ = 0;
  soup_server_disconnect (self->soup_);
  g_clear_object (&self->soup_);
  while (g_main_context_iteration (self->context_, FALSE)) {
  }
  g_main_context_pop_thread_default (self->context_);
  return nullptr;
}

gboolean
Server::quit_in_thread (gpointer data)
{
  auto * self = static_cast<Server *> (data);
  for (auto & s : self->sessions_)
    s->shutdown ();
  /* Give the close frames a moment to leave before the loop stops. */
  GSource * later = g_timeout_source_new (50);
  g_source_set_callback (
      later,
      [] (gpointer loop) -> gboolean {
        g_main_loop_quit (static_cast<GMainLoop *> (loop));
        return G_SOURCE_REMOVE;
      },
      self->loop_, nullptr);
  g_source_attach (later, self->context_);
  g_source_unref (later);
  return G_SOURCE_REMOVE;
}

void
Server::stop ()
{
  if (thread_ != nullptr) {
    g_assert (!g_main_context_is_owner (context_));
    g_main_context_invoke (context_, quit_in_thread, this);
    g_thread_join (thread_);
    thread_ = nullptr;
  }
  g_clear_pointer (&loop_, g_main_loop_unref);
  g_clear_pointer (&context_, g_main_context_unref);
}

/* An OpenAI-style HTTP error body. */
static std::string
error_body (const char * message, const char * code,
    const char * type = "invalid_request_error")
{
  return std::string ("{\"error\":{\"message\":\"") + message +
      "\",\"type\":\"" + type + "\",\"param\":null,\"code\":" +
      (code ? std::string ("\"") + code + "\"" : "null") + "}}";
}

/* Runs before the WebSocket upgrade: a status set here refuses it. */
void
Server::on_request (SoupServer *, SoupServerMessage * msg, const char *,
    GHashTable *, gpointer data)
{
  auto * self = static_cast<Server *> (data);
  guint attempt = ++self->attempts_;
  g_object_set_data (G_OBJECT (msg), "rt-attempt", GUINT_TO_POINTER (attempt));
  SoupMessageHeaders * headers = soup_server_message_get_request_headers (msg);

  auto refuse = [&] (guint status, const char * type, const char * code,
                    const char * message) {
    std::string body = error_body (message, code, type);
    soup_server_message_set_status (msg, status, nullptr);
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
        body.data (), body.size ());
    self->log_.note (attempt, "refused", std::to_string (status));
  };

  const FaultOptions & f = self->options_.faults;
  if (f.handshake_status != 0 && self->faults_apply (attempt)) {
    refuse (f.handshake_status, "server_error", nullptr,
        "The simulator refused this connection (injected fault).");
    return;
  }
  /* An ephemeral client secret opens the session with its configuration;
   * unknown or expired ones are refused, with or without --api-key. */
  const char * bearer = soup_message_headers_get_one (headers, "Authorization");
  const char * presented = nullptr;
  if (bearer != nullptr && g_str_has_prefix (bearer, "Bearer ek_")) {
    std::shared_ptr<JsonObject> session;
    self->log_.note (attempt, "auth", "client_secret");
    if (!self->secrets_.accept (bearer + strlen ("Bearer "),
            g_get_real_time () / G_USEC_PER_SEC, session)) {
      refuse (SOUP_STATUS_UNAUTHORIZED, "invalid_request_error",
          "invalid_api_key",
          "The client secret is expired or was never "
          "issued. Request a new one from /v1/realtime/client_secrets.");
      return;
    }
    g_object_set_data_full (G_OBJECT (msg), "rt-session",
        new std::shared_ptr<JsonObject> (session), [] (gpointer p) {
          delete static_cast<std::shared_ptr<JsonObject> *> (p);
        });
  } else if (!self->key_matches (headers, attempt, &presented)) {
    /* Never echo what the client sent: it may be a real key. */
    refuse (SOUP_STATUS_UNAUTHORIZED, "invalid_request_error",
        "invalid_api_key",
        presented == nullptr
            ? "You didn't provide an API key. Provide it in an Authorization "
              "header using Bearer auth."
            : "Incorrect API key provided.");
    return;
  }
  if (!soup_websocket_server_check_handshake (msg, nullptr, nullptr, nullptr,
          nullptr))
    refuse (SOUP_STATUS_BAD_REQUEST, "invalid_request_error", nullptr,
        "This endpoint only accepts WebSocket connections.");
}

/* Whether the request carries --api-key (any key when none is set): as
 * Bearer, or in Azure mode also as an api-key header (Azure keys). */
bool
Server::key_matches (SoupMessageHeaders * headers, guint attempt,
    const char ** presented)
{
  if (options_.api_key.empty ())
    return true;
  const char * auth = soup_message_headers_get_one (headers, "Authorization");
  std::string expected = "Bearer " + options_.api_key;
  const char * azure_key = options_.azure
      ? soup_message_headers_get_one (headers, "api-key")
      : nullptr;
  if (azure_key != nullptr && options_.api_key == azure_key)
    auth = expected.c_str ();
  log_.note (attempt, "auth", azure_key ? "api-key" : "bearer");
  *presented = auth;
  return auth != nullptr && expected == auth;
}

/* POST /v1/realtime/client_secrets with the API key: an `ek_…` secret. */
void
Server::on_client_secrets (SoupServer *, SoupServerMessage * msg, const char *,
    GHashTable *, gpointer data)
{
  auto * self = static_cast<Server *> (data);
  /* Not a connection: logged as connection 0, and not counted for
   * --fault-connections. */
  guint attempt = 0;
  auto answer = [&] (guint status, const std::string & body) {
    soup_server_message_set_status (msg, status, nullptr);
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
        body.data (), body.size ());
  };
  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0) {
    answer (SOUP_STATUS_METHOD_NOT_ALLOWED, error_body ("Use POST.", nullptr));
    return;
  }
  SoupMessageHeaders * headers = soup_server_message_get_request_headers (msg);
  const char * presented = nullptr;
  if (!self->key_matches (headers, attempt, &presented)) {
    answer (SOUP_STATUS_UNAUTHORIZED,
        presented == nullptr
            ? error_body ("You didn't provide an API key.", nullptr)
            : error_body ("Incorrect API key provided.", "invalid_api_key"));
    self->log_.note (attempt, "refused", "401");
    return;
  }
  GBytes * bytes =
      soup_message_body_flatten (soup_server_message_get_request_body (msg));
  gsize size = 0;
  const char * text = (const char *) g_bytes_get_data (bytes, &size);
  ClientSecrets::Answer a =
      self->secrets_.issue (std::string_view (text ? text : "", size),
          kDefaultModel, g_get_real_time () / G_USEC_PER_SEC);
  g_bytes_unref (bytes);
  answer (a.status, a.body);
  /* The secret itself is not logged. */
  self->log_.note (attempt, "client_secret",
      a.status == SOUP_STATUS_OK
          ? "issued, valid " + std::to_string (a.ttl_s) + " s"
          : "refused: " + a.body);
}

void
Server::on_websocket (SoupServer *, SoupServerMessage * msg, const char *,
    SoupWebsocketConnection * connection, gpointer data)
{
  auto * self = static_cast<Server *> (data);
  guint attempt =
      GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), "rt-attempt"));
  self->connections_++;

  std::string model = kDefaultModel;
  if (const char * query =
          g_uri_get_query (soup_server_message_get_uri (msg))) {
    GHashTable * form = soup_form_decode (query);
    if (const char * m = (const char *) g_hash_table_lookup (form, "model"))
      model = m;
    g_hash_table_unref (form);
  }
  const char * beta =
      soup_message_headers_get_one (soup_server_message_get_request_headers (
                                        msg),
          "OpenAI-Beta");

  auto * secret_session = static_cast<std::shared_ptr<JsonObject> *> (
      g_object_get_data (G_OBJECT (msg), "rt-session"));
  Session::Context ctx{&self->options_, &self->log_, self->context_, attempt,
      self->faults_apply (attempt), model, beta != nullptr,
      secret_session ? *secret_session : nullptr};
  /* Counted before the session sends session.created: a client that has
   * seen it must see the session counted. */
  self->live_sessions_ = self->sessions_.size () + 1;
  self->sessions_.push_back (std::make_unique<Session> (ctx, connection,
      [self] (Session * s) { self->remove_session (s); }));
  self->live_sessions_ = self->sessions_.size ();
}

void
Server::remove_session (Session * session)
{
  /* Not now: we are inside one of the session's own callbacks. */
  struct Removal
  {
    Server * server;
    Session * session;
  };
  GSource * idle = g_idle_source_new ();
  g_source_set_callback (
      idle,
      [] (gpointer data) -> gboolean {
        auto * r = static_cast<Removal *> (data);
        auto & list = r->server->sessions_;
        list.erase (std::remove_if (list.begin (), list.end (),
                        [r] (const std::unique_ptr<Session> & s) {
                          return s.get () == r->session;
                        }),
            list.end ());
        r->server->live_sessions_ = list.size ();
        return G_SOURCE_REMOVE;
      },
      new Removal{this, session},
      [] (gpointer data) { delete static_cast<Removal *> (data); });
  g_source_attach (idle, context_);
  g_source_unref (idle);
}

/* ---- Simulator --------------------------------------------------------- */

Simulator::Simulator (SimulatorOptions options)
    : server_ (std::make_unique<Server> (std::move (options)))
{}

Simulator::~Simulator () = default;

gboolean
Simulator::start (GError ** error)
{
  return server_->start (error);
}

void
Simulator::stop ()
{
  server_->stop ();
}

guint
Simulator::port () const
{
  return server_->port ();
}

std::string
Simulator::url () const
{
  return std::string (server_->tls () ? "wss://" : "ws://") + server_->host () +
      ":" + std::to_string (port ()) + server_->path ();
}

guint
Simulator::connection_count () const
{
  return server_->connections ();
}

guint
Simulator::session_count () const
{
  return server_->sessions ();
}

} // namespace realtime::sim
