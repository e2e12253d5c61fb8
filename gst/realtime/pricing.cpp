/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "pricing.h"

#include <algorithm>

namespace realtime {

const char * const kPricesAsOf = "2026-11-22";

namespace {

struct Published
{
  const char * model;
  Prices prices;
};

/* text in / cached / out, audio in / cached / out, image in / cached;
 * docs/realtimebin.md ("Cost") lists them with their sources. */
constexpr Published kPublished[] = {
    {"gpt-realtime-2.1", {4, 0.4, 24, 32, 0.4, 64, 5, 0.5}},
    {"gpt-realtime-2.1-mini", {0.6, 0.06, 2.4, 10, 0.3, 20, 0.8, 0.08}},
    {"gpt-realtime-2", {4, 0.4, 24, 32, 0.4, 64, 5, 0.5}},
    {"gpt-realtime-1.5", {4, 0.4, 16, 32, 0.4, 64, 5, 0.5}},
    {"gpt-realtime", {4, 0.4, 16, 32, 0.4, 64, 5, 0.5}},
    {"gpt-realtime-mini", {0.6, 0.06, 2.4, 10, 0.3, 20, 0.8, 0.08}},
    {"gpt-4o-realtime-preview", {5, 2.5, 20, 40, 2.5, 80, 0, 0}},
    {"gpt-4o-mini-realtime-preview", {0.6, 0.3, 2.4, 10, 0.3, 20, 0, 0}},
};

/* Dated snapshots billed like their model. Not every snapshot is: the
 * first preview (gpt-4o-realtime-preview-2024-10-01) cost more, so only
 * the ones known to match are listed. */
constexpr std::pair<const char *, const char *> kSnapshots[] = {
    {"gpt-realtime-2025-08-28", "gpt-realtime"},
    {"gpt-realtime-mini-2025-10-06", "gpt-realtime-mini"},
    {"gpt-realtime-mini-2025-12-15", "gpt-realtime-mini"},
    {"gpt-4o-realtime-preview-2024-12-17", "gpt-4o-realtime-preview"},
    {"gpt-4o-realtime-preview-2025-06-03", "gpt-4o-realtime-preview"},
    {"gpt-4o-mini-realtime-preview-2024-12-17", "gpt-4o-mini-realtime-preview"},
};

} // namespace

std::optional<Prices>
published_prices (std::string_view model)
{
  for (const Published & p : kPublished)
    if (model == p.model)
      return p.prices;
  for (const auto & [snapshot, base] : kSnapshots)
    if (model == snapshot)
      return published_prices (base);
  return std::nullopt;
}

double
estimate_cost_usd (const Usage & usage, const Prices & p)
{
  Usage u = usage;
  /* Totals without the per-kind details: counted as text (the cheaper
   * kind, so the estimate errs low rather than invent audio). */
  if (u.input_text_tokens + u.input_audio_tokens + u.input_image_tokens == 0)
    u.input_text_tokens = u.input_tokens;
  if (u.output_text_tokens + u.output_audio_tokens == 0)
    u.output_text_tokens = u.output_tokens;
  double cached_text = (double) u.input_cached_text_tokens;
  double cached_audio = (double) u.input_cached_audio_tokens;
  double cached_image = (double) u.input_cached_image_tokens;
  if (!u.has_cached_details && u.input_cached_tokens > 0) {
    double in = (double) (u.input_text_tokens + u.input_audio_tokens +
        u.input_image_tokens);
    double cached = (double) u.input_cached_tokens;
    if (in > 0) {
      cached_text = cached * u.input_text_tokens / in;
      cached_audio = cached * u.input_audio_tokens / in;
      cached_image = cached * u.input_image_tokens / in;
    } else {
      cached_text = cached;
    }
  }
  /* Cached tokens are part of the input: never more of a kind than
   * there was. */
  cached_text = std::min (cached_text, (double) u.input_text_tokens);
  cached_audio = std::min (cached_audio, (double) u.input_audio_tokens);
  cached_image = std::min (cached_image, (double) u.input_image_tokens);
  auto fresh = [] (gint64 all, double cached) { return (double) all - cached; };
  double micro_usd = fresh (u.input_text_tokens, cached_text) * p.text_input +
      cached_text * p.text_cached_input +
      fresh (u.input_audio_tokens, cached_audio) * p.audio_input +
      cached_audio * p.audio_cached_input +
      fresh (u.input_image_tokens, cached_image) * p.image_input +
      cached_image * p.image_cached_input +
      u.output_text_tokens * p.text_output +
      u.output_audio_tokens * p.audio_output;
  return micro_usd / 1e6;
}

} // namespace realtime
