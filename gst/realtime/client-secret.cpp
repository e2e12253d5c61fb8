/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "client-secret.h"

#include "http-session.h"
#include "json-util.h"

#include <libsoup/soup.h>

namespace realtime {

std::string
client_secret_request_body (std::string_view model, guint ttl_seconds)
{
  std::string body = "{\"expires_after\":{\"anchor\":\"created_at\","
      "\"seconds\":" + std::to_string (CLAMP (ttl_seconds, 10u, 7200u))
      + "},\"session\":{\"type\":\"realtime\",\"model\":";
  json_append_quoted (body, model);
  body += "}}";
  return body;
}

bool
parse_client_secret (std::string_view body, ClientSecret &secret,
    std::string &problem)
{
  GError *error = nullptr;
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
  JsonObject *o = json_node_get_object (root.get ());
  JsonNode *value = json_object_get_member (o, "value");
  if (value == nullptr || !JSON_NODE_HOLDS_VALUE (value)
      || json_node_get_value_type (value) != G_TYPE_STRING) {
    problem = "the answer has no \"value\" string (the client secret)";
    return false;
  }
  const char *text = json_node_get_string (value);
  /* It goes into an HTTP header: printable ASCII only. */
  bool printable = text[0] != '\0';
  for (const char *c = text; *c; c++)
    printable = printable && *c > ' ' && *c < 0x7f;
  if (!printable) {
    problem = "the client secret is empty or not printable ASCII";
    return false;
  }
  secret.value = text;
  JsonNode *expires = json_object_get_member (o, "expires_at");
  secret.expires_at = expires && JSON_NODE_HOLDS_VALUE (expires)
      && json_node_get_value_type (expires) == G_TYPE_INT64 ?
      json_node_get_int (expires) : 0;
  return true;
}

std::string
api_error_message (std::string_view body)
{
  GError *error = nullptr;
  JsonNodePtr root = json_parse (body, &error);
  g_clear_error (&error);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root.get ()))
    return {};
  JsonObject *o = json_node_get_object (root.get ());
  JsonNode *e = json_object_get_member (o, "error");
  if (e == nullptr || !JSON_NODE_HOLDS_OBJECT (e))
    return {};
  const char *message = json_object_get_string_member_with_default
      (json_node_get_object (e), "message", nullptr);
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

struct ClientSecretFetch::State {
  ClientSecretFetch::Callback callback;  /* I/O thread */
  bool alive = true;                     /* I/O thread */
  SoupSession *session = nullptr;        /* I/O thread */
  SoupMessage *message = nullptr;        /* I/O thread */
  GCancellable *cancellable = g_cancellable_new ();

  ~State ()
  {
    g_object_unref (cancellable);
  }
};

namespace {

struct Holder {
  std::shared_ptr<ClientSecretFetch::State> state;
};

void
finish (const std::shared_ptr<ClientSecretFetch::State> &s,
    const ClientSecretFetch::Result &result)
{
  if (!s->alive || !s->callback)
    return;
  /* Once only; and the callback may destroy its owner. */
  auto callback = std::move (s->callback);
  s->callback = nullptr;
  callback (result);
}

void
on_sent (GObject *source, GAsyncResult *async, gpointer data)
{
  std::unique_ptr<Holder> holder (static_cast<Holder *> (data));
  auto s = holder->state;
  GError *error = nullptr;
  GBytes *bytes = soup_session_send_and_read_finish (SOUP_SESSION (source),
      async, &error);
  guint status = s->message && bytes ? soup_message_get_status (s->message)
      : 0;
  g_clear_object (&s->message);

  ClientSecretFetch::Result result;
  result.http_status = status;
  result.error = error;
  if (bytes != nullptr) {
    gsize size = 0;
    const char *data = (const char *) g_bytes_get_data (bytes, &size);
    std::string_view body (data ? data : "", size);
    if (status == SOUP_STATUS_OK)
      parse_client_secret (body, result.secret, result.problem);
    else
      result.server_message = api_error_message (body);
    g_bytes_unref (bytes);
  }
  finish (s, result);
  g_clear_error (&error);
}

}  // namespace

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
        Result failure;
        GError *error = nullptr;
        g_clear_object (&s->session);
        s->session = http_session_new (options.ca_file, options.timeout_s,
            &error);
        GUri *uri = s->session ? g_uri_parse (options.url.c_str (),
            (GUriFlags) SOUP_HTTP_URI_FLAGS, &error) : nullptr;
        if (uri != nullptr && g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
            && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) {
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
              "not an http:// or https:// URL");
          g_clear_pointer (&uri, g_uri_unref);
        }
        if (uri == nullptr) {
          failure.error = error;
          finish (s, failure);
          g_clear_error (&error);
          return;
        }
        s->message = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
        g_uri_unref (uri);
        SoupMessageHeaders *headers =
            soup_message_get_request_headers (s->message);
        for (const auto &[name, value] : options.headers)
          soup_message_headers_replace (headers, name.c_str (), value.c_str ());
        GBytes *body = g_bytes_new (options.body.data (), options.body.size ());
        soup_message_set_request_body_from_bytes (s->message,
            "application/json", body);
        g_bytes_unref (body);
        soup_session_send_and_read_async (s->session, s->message,
            G_PRIORITY_DEFAULT, s->cancellable, on_sent, new Holder {s});
      });
}

}  // namespace realtime
