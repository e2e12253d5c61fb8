/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <string_view>

namespace realtime {

/* Whether @url is an Azure OpenAI endpoint (a host under
 * openai.azure.com, cognitiveservices.azure.com or services.ai.azure.com),
 * which authenticates keys with an `api-key` header (REFERENCE.md §1). */
bool is_azure_endpoint (std::string_view url);

/* The HTTP header that carries @key: {"api-key", key} for Azure keys, else
 * {"Authorization", "Bearer " + key} (OpenAI keys, Entra tokens). */
std::pair<std::string, std::string> auth_header (std::string_view key,
    bool api_key_header);

}  // namespace realtime
