/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "client-secrets.h"

#include "client-validation.h"
#include "json-object-builder.h"
#include "session.h"

#include <gst/realtime/json-util.h>

#include <cstring>

namespace realtime::sim {

namespace {

constexpr gint64 kDefaultTtlS = 600;
constexpr gint64 kMinTtlS = 10;
constexpr gint64 kMaxTtlS = 7200;

ClientSecrets::Answer
refuse (const std::string & code, const std::string & message,
    const std::string & param)
{
  JsonObject * error = Obj ()
                           .str ("message", message.c_str ())
                           .str ("type", "invalid_request_error")
                           .take ();
  if (param.empty ())
    json_object_set_null_member (error, "param");
  else
    json_object_set_string_member (error, "param", param.c_str ());
  json_object_set_string_member (error, "code", code.c_str ());
  JsonObjectPtr body (Obj ().obj ("error", error).take ());
  return {400, json_object_to_string (body.get ())};
}

std::shared_ptr<JsonObject>
share (JsonObject * object)
{
  return std::shared_ptr<JsonObject> (json_object_ref (object),
      json_object_unref);
}

} // namespace

ClientSecrets::Answer
ClientSecrets::issue (std::string_view request, const std::string & model,
    gint64 now_s)
{
  GError * error = nullptr;
  JsonNodePtr root = json_parse (request, &error);
  g_clear_error (&error);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root.get ()))
    return refuse ("invalid_json",
        "We could not parse the JSON body of your "
        "request. The body must be a JSON object.",
        "");
  JsonObject * o = json_node_get_object (root.get ());

  JsonObjectIter iter;
  const gchar * name;
  JsonNode * value;
  json_object_iter_init (&iter, o);
  while (json_object_iter_next (&iter, &name, &value))
    if (strcmp (name, "expires_after") != 0 && strcmp (name, "session") != 0)
      return refuse ("unknown_parameter",
          std::string ("Unknown parameter: '") + utf8_string (name) + "'.",
          utf8_string (name));

  gint64 ttl = kDefaultTtlS;
  if (JsonNode * e = json_object_get_member (o, "expires_after")) {
    if (!JSON_NODE_HOLDS_OBJECT (e))
      return refuse ("invalid_type",
          "Invalid type for 'expires_after': "
          "expected an object.",
          "expires_after");
    JsonObject * ea = json_node_get_object (e);
    JsonNode * anchor = json_object_get_member (ea, "anchor");
    if (anchor == nullptr ||
        json_node_get_value_type (anchor) != G_TYPE_STRING ||
        strcmp (json_node_get_string (anchor), "created_at") != 0)
      return refuse ("invalid_value",
          "Invalid 'expires_after.anchor': "
          "expected 'created_at'.",
          "expires_after.anchor");
    if (JsonNode * seconds = json_object_get_member (ea, "seconds")) {
      if (json_node_get_value_type (seconds) != G_TYPE_INT64)
        return refuse ("invalid_type",
            "Invalid type for "
            "'expires_after.seconds': expected an integer.",
            "expires_after.seconds");
      ttl = json_node_get_int (seconds);
      if (ttl < kMinTtlS || ttl > kMaxTtlS)
        return refuse ("invalid_value",
            "Invalid 'expires_after.seconds': "
            "must be between 10 and 7200.",
            "expires_after.seconds");
    }
  }

  /* The session is checked as the strict schema checks session.update's. */
  JsonObjectPtr session (json_object_new ());
  if (JsonNode * s = json_object_get_member (o, "session")) {
    if (!JSON_NODE_HOLDS_OBJECT (s))
      return refuse ("invalid_type",
          "Invalid type for 'session': expected "
          "an object.",
          "session");
    JsonObjectPtr event (Obj ().str ("type", "session.update").take ());
    json_object_set_member (event.get (), "session", json_node_copy (s));
    ClientEventError invalid;
    if (!validate_client_event (json_object_to_string (event.get ()), invalid))
      return refuse (invalid.code, invalid.message, invalid.param);
    json_object_merge (session.get (), json_node_get_object (s));
  }
  const char * type =
      json_object_get_string_member_with_default (session.get (), "type",
          "realtime");
  if (strcmp (type, "realtime") != 0)
    return refuse ("invalid_value",
        "The simulator issues client secrets for "
        "realtime sessions only.",
        "session.type");

  forget_expired (now_s);
  std::string secret = "ek_sim";
  for (int i = 0; i < 4; i++) {
    char part[9];
    g_snprintf (part, sizeof part, "%08x", g_random_int ());
    secret += part;
  }
  std::string session_model =
      json_object_get_string_member_with_default (session.get (), "model",
          model.c_str ());
  secrets_[secret] = {now_s + ttl, share (session.get ())};

  /* The answer shows the full effective session, as the service does. */
  JsonObjectPtr full = service_session_object (session_model,
      "sess_secret" + secret.substr (6, 8), now_s + 3600);
  JsonObjectPtr overlay (json_object_new ());
  json_object_merge (overlay.get (), session.get ());
  json_object_remove_member (overlay.get (), "model");
  merge_session_update (full.get (), overlay.get ());
  JsonObjectPtr answer (Obj ()
                            .str ("value", secret.c_str ())
                            .num ("expires_at", now_s + ttl)
                            .take ());
  json_object_set_object_member (answer.get (), "session",
      json_object_ref (full.get ()));
  return {200, json_object_to_string (answer.get ()), ttl};
}

bool
ClientSecrets::accept (const std::string & value, gint64 now_s,
    std::shared_ptr<JsonObject> & session)
{
  forget_expired (now_s);
  auto it = secrets_.find (value);
  if (it == secrets_.end ())
    return false;
  session = it->second.session;
  return true;
}

void
ClientSecrets::forget_expired (gint64 now_s)
{
  for (auto it = secrets_.begin (); it != secrets_.end ();)
    it = it->second.expires_at <= now_s ? secrets_.erase (it) : std::next (it);
}

} // namespace realtime::sim
