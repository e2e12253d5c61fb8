/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pricing.h"

#include <algorithm>

namespace realtime {

const char *const kPricesAsOf = "2026-11-22";

namespace {

struct Published {
  const char *model;
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

/* "-YYYY-MM-DD" at the end of a snapshot name. */
bool
is_date_suffix (std::string_view s)
{
  if (s.size () != 11 || s[0] != '-' || s[5] != '-' || s[8] != '-')
    return false;
  for (size_t i : {1, 2, 3, 4, 6, 7, 9, 10})
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

}  // namespace

std::optional<Prices>
published_prices (std::string_view model)
{
  for (const Published &p : kPublished)
    if (model == p.model)
      return p.prices;
  if (model.size () > 11 && is_date_suffix (model.substr (model.size () - 11)))
    return published_prices (model.substr (0, model.size () - 11));
  return std::nullopt;
}

double
estimate_cost_usd (const Usage &u, const Prices &p)
{
  double cached_text = (double) u.input_cached_text_tokens;
  double cached_audio = (double) u.input_cached_audio_tokens;
  double cached_image = (double) u.input_cached_image_tokens;
  if (!u.has_cached_details && u.input_cached_tokens > 0) {
    double in = (double) (u.input_text_tokens + u.input_audio_tokens
        + u.input_image_tokens);
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
  auto fresh = [] (gint64 all, double cached) {
    return (double) all - cached;
  };
  double micro_usd =
      fresh (u.input_text_tokens, cached_text) * p.text_input
      + cached_text * p.text_cached_input
      + fresh (u.input_audio_tokens, cached_audio) * p.audio_input
      + cached_audio * p.audio_cached_input
      + fresh (u.input_image_tokens, cached_image) * p.image_input
      + cached_image * p.image_cached_input
      + u.output_text_tokens * p.text_output
      + u.output_audio_tokens * p.audio_output;
  return micro_usd / 1e6;
}

}  // namespace realtime
