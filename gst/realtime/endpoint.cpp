/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "endpoint.h"

#include <glib.h>

#include <utility>

namespace realtime {

bool
is_azure_endpoint (std::string_view url)
{
  GUri *uri = g_uri_parse (std::string (url).c_str (), G_URI_FLAGS_NONE,
      nullptr);
  if (uri == nullptr)
    return false;
  std::string host = g_uri_get_host (uri) ? g_uri_get_host (uri) : "";
  g_uri_unref (uri);
  for (char &c : host)
    c = g_ascii_tolower (c);
  for (std::string_view domain : {".openai.azure.com",
          ".cognitiveservices.azure.com", ".services.ai.azure.com"})
    if (host.size () > domain.size ()
        && host.compare (host.size () - domain.size (), domain.size (),
            domain) == 0)
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

}  // namespace realtime
