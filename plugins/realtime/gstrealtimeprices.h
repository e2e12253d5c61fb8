/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/gst.h>
#include <gst/realtime/pricing.h>

#include <memory>
#include <optional>
#include <string>

/* realtimebin's `prices` property: a `realtime-prices` structure of USD
 * per million tokens (text-input, text-cached-input, text-output,
 * audio-input, audio-cached-input, audio-output, image-input,
 * image-cached-input) over the published prices of the model. */

/* Whether @prices only has those fields, each a number >= 0; else why
 * not in @problem. */
bool realtime_prices_valid (const GstStructure * prices, std::string & problem);

/* The prices responses of @model are billed at: the published ones with
 * @override's fields over them; none when @model has no published
 * prices and @override does not give the text and audio ones. */
std::optional<realtime::Prices>
realtime_effective_prices (const std::string & model,
    const GstStructure * override);

/* A shared copy of @prices (empty for NULL), for the conversation. */
std::shared_ptr<const GstStructure> realtime_prices_share (
    const GstStructure * prices);

/* What the property reads back: the effective prices for @model with
 * `model` and, for published ones, `as-of`; else a copy of @override;
 * NULL when there is neither. */
GstStructure * realtime_prices_structure (const std::string & model,
    const GstStructure * override);
