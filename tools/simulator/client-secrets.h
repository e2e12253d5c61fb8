/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include <json-glib/json-glib.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace realtime::sim {

/* The simulator's `POST /v1/realtime/client_secrets` (docs/simulator.md,
 * "Connecting"): ephemeral `ek_…` secrets that open sessions until they expire.
 * Lives on the simulator thread. */
class ClientSecrets
{
public:
  struct Answer
  {
    guint status;     /* 200, or 400 with an OpenAI-style error */
    std::string body; /* JSON */
    gint64 ttl_s = 0; /* on 200 */
  };

  /* Checks @request (the POST body) like the service does and, when it is
   * valid, issues a secret for @model's sessions (or the body's
   * session.model). @now_s: unix seconds. */
  Answer issue (std::string_view request, const std::string & model,
      gint64 now_s);

  /* Whether @value is a secret issued here and not expired at @now_s; its
   * session (the starting configuration of sessions it opens) in
   * @session. */
  bool accept (const std::string & value, gint64 now_s,
      std::shared_ptr<JsonObject> & session);

  gsize size () const { return secrets_.size (); }

private:
  struct Secret
  {
    gint64 expires_at;
    std::shared_ptr<JsonObject> session;
  };
  void forget_expired (gint64 now_s);

  std::map<std::string, Secret> secrets_;
};

} // namespace realtime::sim
