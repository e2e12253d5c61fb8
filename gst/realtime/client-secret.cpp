/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "client-secret.h"

#include "endpoint.h"
#include "http-session.h"
#include "json-util.h"

#include <libsoup/soup.h>

namespace realtime {

std::string
client_secret_request_body (std::string_view model, guint ttl_seconds)
{
  std::string body = "{\"expires_after\":{\"anchor\":\"created_at\","
                     "\"seconds\":" +
      std::to_string (CLAMP (ttl_seconds, 10u, 7200u)) +
      "},\"session\":{\"type\":\"realtime\",\"model\":";
  json_append_quoted (body, model);
  body += "}}";
  return body;
}

bool
parse_client_secret (std::string_view body, ClientSecret & secret,
    std::string & problem)
{
  GError * error = nullptr;
  JsonNodePtr root = json_parse (body, &error);
  if (!root) {
    problem = "the answer is not JSON";
    g_clear_error (&error);
    return false;
  }
  if (!JSON_NODE_HOLDS_OBJECT (root.get ())) {
    problem = "the answer is not a JSON object";
    return false;
  }
  JsonObject * o = json_node_get_object (root.get ());
  JsonNode * value = json_object_get_member (o, "value");
  if (value == nullptr || !JSON_NODE_HOLDS_VALUE (value) ||
      json_node_get_value_type (value) != G_TYPE_STRING) {
    problem = "the answer has no \"value\" string (the client secret)";
    return false;
  }
  const char * text = json_node_get_string (value);
  /* It goes into an HTTP header: printable ASCII only. */
  bool printable = text[0] != '\0';
  for (const char * c = text; *c; c++)
    printable = printable && *c > ' ' && *c < 0x7f;
  if (!printable) {
    problem = "the client secret is empty or not printable ASCII";
    return false;
  }
  secret.value = text;
  JsonNode * expires = json_object_get_member (o, "expires_at");
  secret.expires_at = expires && JSON_NODE_HOLDS_VALUE (expires) &&
          json_node_get_value_type (expires) == G_TYPE_INT64
      ? json_node_get_int (expires)
      : 0;
  return true;
}

std::string
api_error_message (std::string_view body)
{
  GError * error = nullptr;
  JsonNodePtr root = json_parse (body, &error);
  g_clear_error (&error);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root.get ()))
    return {};
  JsonObject * o = json_node_get_object (root.get ());
  JsonNode * e = json_object_get_member (o, "error");
  if (e == nullptr || !JSON_NODE_HOLDS_OBJECT (e))
    return {};
  const char * message =
      json_object_get_string_member_with_default (json_node_get_object (e),
          "message", nullptr);
  if (message == nullptr)
    return {};
  std::string text = utf8_string (message);
  if (text.size () > 300) {
    /* Cut at a character boundary. */
    gsize cut = 300;
    while (cut > 0 && ((guchar) text[cut] & 0xc0) == 0x80)
      cut--;
    text = text.substr (0, cut) + "…";
  }
  return text;
}

/* ---- the request --------------------------------------------------------- */

namespace {

/* A secret's answer is a few KiB; more is not a secret endpoint. */
constexpr gsize kMaxAnswer = 64 * 1024;

} // namespace

struct ClientSecretFetch::State
{
  ClientSecretFetch::Callback callback; /* I/O thread */
  bool alive = true;                    /* I/O thread */
  SoupSession * session = nullptr;      /* I/O thread */
  SoupMessage * message = nullptr;      /* I/O thread */
  GInputStream * body = nullptr;        /* I/O thread, while reading */
  std::string answer;                   /* I/O thread */
  GSource * deadline = nullptr;         /* I/O thread */
  bool timed_out = false;
  guint timeout_s = 0;
  GCancellable * cancellable = g_cancellable_new ();

  ~State () { g_object_unref (cancellable); }
};

namespace {

struct Holder
{
  std::shared_ptr<ClientSecretFetch::State> state;
};

void
stop_deadline (ClientSecretFetch::State * s)
{
  if (s->deadline != nullptr) {
    g_source_destroy (s->deadline);
    g_source_unref (s->deadline);
    s->deadline = nullptr;
  }
}

void
finish (const std::shared_ptr<ClientSecretFetch::State> & s,
    const ClientSecretFetch::Result & result)
{
  stop_deadline (s.get ());
  g_clear_object (&s->body);
  g_clear_object (&s->message);
  if (!s->alive || !s->callback)
    return;
  /* Once only; and the callback may let go of its owner. */
  auto callback = std::move (s->callback);
  s->callback = nullptr;
  callback (result);
}

/* A transport failure (or the overall deadline, reported as a timeout). */
void
fail (const std::shared_ptr<ClientSecretFetch::State> & s, GError * error)
{
  ClientSecretFetch::Result result;
  GError * timeout = nullptr;
  if (s->timed_out) {
    timeout = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
        "no complete answer within %u s", s->timeout_s);
    result.error = timeout;
  } else {
    result.error = error;
  }
  finish (s, result);
  g_clear_error (&timeout);
}

/* The whole answer has arrived. */
void
answered (const std::shared_ptr<ClientSecretFetch::State> & s)
{
  ClientSecretFetch::Result result;
  result.http_status = soup_message_get_status (s->message);
  if (SOUP_STATUS_IS_SUCCESSFUL (result.http_status))
    parse_client_secret (s->answer, result.secret, result.problem);
  else
    result.server_message = api_error_message (s->answer);
  finish (s, result);
}

void
on_read (GObject * source, GAsyncResult * async, gpointer data)
{
  std::unique_ptr<Holder> holder (static_cast<Holder *> (data));
  auto s = holder->state;
  GError * error = nullptr;
  GBytes * bytes =
      g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), async, &error);
  if (bytes == nullptr) {
    fail (s, error);
    g_clear_error (&error);
    return;
  }
  gsize size = g_bytes_get_size (bytes);
  s->answer.append ((const char *) g_bytes_get_data (bytes, nullptr), size);
  g_bytes_unref (bytes);
  if (size == 0) {
    answered (s);
    return;
  }
  if (s->answer.size () > kMaxAnswer) {
    ClientSecretFetch::Result result;
    result.http_status = soup_message_get_status (s->message);
    result.problem = "the answer is larger than 64 KiB";
    finish (s, result);
    return;
  }
  g_input_stream_read_bytes_async (s->body, 16 * 1024, G_PRIORITY_DEFAULT,
      s->cancellable, on_read, new Holder{s});
}

void
on_sent (GObject * source, GAsyncResult * async, gpointer data)
{
  std::unique_ptr<Holder> holder (static_cast<Holder *> (data));
  auto s = holder->state;
  GError * error = nullptr;
  GInputStream * body =
      soup_session_send_finish (SOUP_SESSION (source), async, &error);
  if (body == nullptr) {
    fail (s, error);
    g_clear_error (&error);
    return;
  }
  s->body = body;
  guint status = soup_message_get_status (s->message);
  if (SOUP_STATUS_IS_REDIRECTION (status)) {
    /* Not followed: a POST would not survive it, and the credential must
     * not go where the user did not point it. */
    ClientSecretFetch::Result result;
    result.http_status = status;
    const char * location =
        soup_message_headers_get_one (soup_message_get_response_headers (
                                          s->message),
            "Location");
    result.location = location ? redact_url (location) : "";
    finish (s, result);
    return;
  }
  g_input_stream_read_bytes_async (s->body, 16 * 1024, G_PRIORITY_DEFAULT,
      s->cancellable, on_read, new Holder{s});
}

} // namespace

ClientSecretFetch::ClientSecretFetch (std::shared_ptr<IoThread> thread,
    Callback callback)
    : thread_ (std::move (thread)), state_ (std::make_shared<State> ())
{
  state_->callback = std::move (callback);
}

ClientSecretFetch::~ClientSecretFetch ()
{
  auto s = state_;
  thread_->invoke_sync ([s] {
    s->alive = false;
    s->callback = nullptr;
    stop_deadline (s.get ());
    g_cancellable_cancel (s->cancellable);
    if (s->session != nullptr)
      soup_session_abort (s->session);
    g_clear_object (&s->session);
  });
}

void
ClientSecretFetch::start (Options options)
{
  auto s = state_;
  thread_->invoke ([s, options = std::move (options)] {
    if (!s->alive)
      return;
    GError * error = nullptr;
    g_clear_object (&s->session);
    s->session = http_session_new (options.ca_file, options.timeout_s, &error);
    GUri * uri = s->session ? g_uri_parse (options.url.c_str (),
                                  (GUriFlags) SOUP_HTTP_URI_FLAGS, &error)
                            : nullptr;
    if (uri == nullptr) {
      fail (s, error);
      g_clear_error (&error);
      return;
    }
    s->message = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
    g_uri_unref (uri);
    soup_message_add_flags (s->message, SOUP_MESSAGE_NO_REDIRECT);
    SoupMessageHeaders * headers =
        soup_message_get_request_headers (s->message);
    for (const auto & [name, value] : options.headers)
      soup_message_headers_replace (headers, name.c_str (), value.c_str ());
    GBytes * body = g_bytes_new (options.body.data (), options.body.size ());
    soup_message_set_request_body_from_bytes (s->message, "application/json",
        body);
    g_bytes_unref (body);
    /* The I/O timeout is per read; this bounds the whole request. */
    s->timeout_s = options.timeout_s;
    s->deadline = g_timeout_source_new_seconds (options.timeout_s);
    std::weak_ptr<State> weak = s;
    g_source_set_callback (
        s->deadline,
        [] (gpointer data) -> gboolean {
          auto * w = static_cast<std::weak_ptr<State> *> (data);
          if (auto st = w->lock ()) {
            st->timed_out = true;
            g_cancellable_cancel (st->cancellable);
          }
          return G_SOURCE_CONTINUE;
        },
        new std::weak_ptr<State> (weak),
        [] (gpointer data) {
          delete static_cast<std::weak_ptr<State> *> (data);
        });
    g_source_attach (s->deadline, g_main_context_get_thread_default ());
    soup_session_send_async (s->session, s->message, G_PRIORITY_DEFAULT,
        s->cancellable, on_sent, new Holder{s});
  });
}

} // namespace realtime
