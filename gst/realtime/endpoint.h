/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <string>
#include <string_view>

namespace realtime {

/* Whether @url is an Azure OpenAI endpoint (a host under openai.azure.com,
 * cognitiveservices.azure.com or services.ai.azure.com), which authenticates
 * keys with an `api-key` header (docs/realtimebin.md, "Azure OpenAI"). */
bool is_azure_endpoint (std::string_view url);

/* The HTTP header that carries @key: {"api-key", key} for Azure keys, else
 * {"Authorization", "Bearer " + key} (OpenAI keys, Entra tokens). */
std::pair<std::string, std::string> auth_header (std::string_view key,
    bool api_key_header);

/* @url without its user info, query and fragment, for messages and logs:
 * a token may sit there. */
std::string redact_url (std::string_view url);

/* Whether @url can serve client secrets: http(s):// with a host, and
 * plain http only to this machine (127.0.0.0/8, ::1, localhost), since the
 * device's credential and the secret travel in the clear. Else false, with
 * why in @problem. */
bool check_client_secret_url (std::string_view url, std::string & problem);

} // namespace realtime
