/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "io-thread.h"

#include <gio/gio.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace realtime {

/* A short-lived client secret (`ek_…`; docs/realtimebin.md, "Ephemeral client
 * secrets"): opens sessions until it expires, so a device that fetches one per
 * connection never holds the account's API key. */
struct ClientSecret
{
  std::string value;
  gint64 expires_at = 0; /* unix seconds; 0 when not given */
};

/* The body of `POST /v1/realtime/client_secrets`: a realtime session of
 * @model, the secret valid for @ttl_seconds (10–7200). A backend that
 * forwards it to OpenAI as is gets a secret for that model. */
std::string client_secret_request_body (std::string_view model,
    guint ttl_seconds);

/* Reads a 200 answer: `{"value": "ek_…", "expires_at": …, "session": …}`.
 * On failure returns false and says why in @problem (never quoting the
 * body: it may hold a secret). */
bool parse_client_secret (std::string_view body, ClientSecret & secret,
    std::string & problem);

/* The `error.message` of an OpenAI-style error body, made valid UTF-8 and
 * cut to a readable length; empty when there is none. */
std::string api_error_message (std::string_view body);

/* One POST to a client-secret URL, made on the shared I/O thread. The
 * callback runs there once (not after the destructor returned). */
class ClientSecretFetch
{
public:
  struct Options
  {
    std::string url;
    /* Request headers (e.g. Authorization for the URL). Never logged. */
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string ca_file;  /* extra trusted CA (PEM); empty: system */
    guint timeout_s = 15; /* for the whole request */
  };

  struct Result
  {
    /* HTTP status when the server answered, else 0 (then @error says
     * why: unreachable, TLS, timeout). */
    guint http_status = 0;
    const GError * error = nullptr;
    /* On 2xx: the secret, or @problem when the answer held none (or was
     * over 64 KiB). */
    ClientSecret secret;
    std::string problem;
    /* On other statuses: the server's error message, if any. */
    std::string server_message;
    /* On a redirect (never followed): where to, without query or user
     * info. */
    std::string location;
  };

  using Callback = std::function<void (const Result & result)>;

  ClientSecretFetch (std::shared_ptr<IoThread> thread, Callback callback);
  /* Cancels a request still running and waits until the I/O thread has
   * let go. Must not run on the I/O thread except from a retired-object
   * clean-up there. */
  ~ClientSecretFetch ();

  ClientSecretFetch (const ClientSecretFetch &) = delete;
  ClientSecretFetch & operator= (const ClientSecretFetch &) = delete;

  void start (Options options);

  struct State;

private:
  std::shared_ptr<IoThread> thread_;
  std::shared_ptr<State> state_;
};

} // namespace realtime
