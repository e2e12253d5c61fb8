/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "endpoint.h"

#include <gio/gio.h>

#include <utility>

namespace realtime {

bool
is_azure_endpoint (std::string_view url)
{
  GUri * uri =
      g_uri_parse (std::string (url).c_str (), G_URI_FLAGS_NONE, nullptr);
  if (uri == nullptr)
    return false;
  std::string host = g_uri_get_host (uri) ? g_uri_get_host (uri) : "";
  g_uri_unref (uri);
  for (char & c : host)
    c = g_ascii_tolower (c);
  for (std::string_view domain : {".openai.azure.com",
           ".cognitiveservices.azure.com", ".services.ai.azure.com"})
    if (host.size () > domain.size () &&
        host.compare (host.size () - domain.size (), domain.size (), domain) ==
            0)
      return true;
  return false;
}

std::pair<std::string, std::string>
auth_header (std::string_view key, bool api_key_header)
{
  if (api_key_header)
    return {"api-key", std::string (key)};
  return {"Authorization", "Bearer " + std::string (key)};
}

std::string
redact_url (std::string_view url)
{
  GUri * uri =
      g_uri_parse (std::string (url).c_str (), G_URI_FLAGS_NONE, nullptr);
  if (uri == nullptr)
    return "(not a URL)";
  GUri * bare = g_uri_build (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), nullptr,
      g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_path (uri), nullptr,
      nullptr);
  gchar * text = g_uri_to_string (bare);
  std::string out = text;
  g_free (text);
  g_uri_unref (bare);
  g_uri_unref (uri);
  return out;
}

bool
check_client_secret_url (std::string_view url, std::string & problem)
{
  GError * error = nullptr;
  GUri * uri =
      g_uri_parse (std::string (url).c_str (), G_URI_FLAGS_NONE, &error);
  if (uri == nullptr) {
    problem = "not a URL (" + std::string (error->message) + ")";
    g_error_free (error);
    return false;
  }
  std::string scheme = g_uri_get_scheme (uri);
  std::string host = g_uri_get_host (uri) ? g_uri_get_host (uri) : "";
  g_uri_unref (uri);
  for (char & c : scheme)
    c = g_ascii_tolower (c);
  if ((scheme != "http" && scheme != "https") || host.empty ()) {
    problem = "not an http:// or https:// URL";
    return false;
  }
  if (scheme == "http") {
    GInetAddress * address = g_inet_address_new_from_string (host.c_str ());
    bool loopback = address && g_inet_address_get_is_loopback (address);
    g_clear_object (&address);
    if (!loopback && g_ascii_strcasecmp (host.c_str (), "localhost") != 0) {
      problem =
          "plain http:// to another machine would send the device's "
          "credential and the secret unencrypted; use https:// (http:// is "
          "allowed to this machine only)";
      return false;
    }
  }
  return true;
}

} // namespace realtime
