/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "server-events.h"

#include <optional>
#include <utility>
#include <string>
#include <string_view>

namespace realtime {

/* USD per million tokens of one model (OpenAI's per-model price pages). */
struct Prices
{
  double text_input = 0, text_cached_input = 0, text_output = 0;
  double audio_input = 0, audio_cached_input = 0, audio_output = 0;
  double image_input = 0, image_cached_input = 0;
};

/* When the built-in prices were read from OpenAI's model pages
 * (developers.openai.com/api/docs/models/MODEL), as YYYY-MM-DD. */
extern const char * const kPricesAsOf;

/* The published prices of @model, or of the model a dated snapshot
 * (`gpt-realtime-2025-08-28`) is billed as; none for models we have no
 * prices for (Azure deployment names, new models, the first preview). */
std::optional<Prices> published_prices (std::string_view model);

/* What @usage costs at @prices, in USD. Cached input is billed at the
 * cached price; when the server does not say how the cached tokens split
 * into text, audio and image, they are split in proportion to the input
 * tokens of each kind. */
double estimate_cost_usd (const Usage & usage, const Prices & prices);

} // namespace realtime
