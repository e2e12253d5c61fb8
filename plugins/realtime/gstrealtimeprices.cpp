/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstrealtimeprices.h"

#include <cmath>

namespace {

struct Field
{
  const char * name;
  double realtime::Prices::*member;
  bool required; /* without a published price */
};

constexpr Field kFields[] = {
    {"text-input", &realtime::Prices::text_input, true},
    {"text-cached-input", &realtime::Prices::text_cached_input, true},
    {"text-output", &realtime::Prices::text_output, true},
    {"audio-input", &realtime::Prices::audio_input, true},
    {"audio-cached-input", &realtime::Prices::audio_cached_input, true},
    {"audio-output", &realtime::Prices::audio_output, true},
    {"image-input", &realtime::Prices::image_input, false},
    {"image-cached-input", &realtime::Prices::image_cached_input, false},
};

/* A number field as a double (gst-launch parses "32" as an int). */
std::optional<double>
number (const GstStructure * s, const char * name)
{
  const GValue * v = gst_structure_get_value (s, name);
  if (v == nullptr)
    return std::nullopt;
  GValue d = G_VALUE_INIT;
  g_value_init (&d, G_TYPE_DOUBLE);
  if (!g_value_type_transformable (G_VALUE_TYPE (v), G_TYPE_DOUBLE) ||
      G_VALUE_TYPE (v) == G_TYPE_STRING || G_VALUE_TYPE (v) == G_TYPE_BOOLEAN ||
      !g_value_transform (v, &d))
    return std::nullopt;
  double out = g_value_get_double (&d);
  g_value_unset (&d);
  return out;
}

} // namespace

bool
realtime_prices_valid (const GstStructure * prices, std::string & problem)
{
  for (gint i = 0; i < gst_structure_n_fields (prices); i++) {
    const gchar * name = gst_structure_nth_field_name (prices, i);
    /* What reading the property adds: a read value can be set back. */
    if (g_str_equal (name, "model") || g_str_equal (name, "as-of"))
      continue;
    bool known = false;
    for (const Field & f : kFields)
      known = known || g_str_equal (name, f.name);
    if (!known) {
      problem = std::string ("unknown field \"") + name +
          "\" (known: "
          "text-input, text-cached-input, text-output, audio-input, "
          "audio-cached-input, audio-output, image-input, "
          "image-cached-input)";
      return false;
    }
    std::optional<double> v = number (prices, name);
    if (!v || !std::isfinite (*v) || *v < 0) {
      problem = std::string ("field \"") + name +
          "\" must be a number of "
          "USD per million tokens, 0 or more";
      return false;
    }
  }
  return true;
}

std::optional<realtime::Prices>
realtime_effective_prices (const std::string & model,
    const GstStructure * override)
{
  std::optional<realtime::Prices> prices = realtime::published_prices (model);
  bool published = prices.has_value ();
  if (!published)
    prices = realtime::Prices ();
  for (const Field & f : kFields) {
    std::optional<double> v =
        override ? number (override, f.name) : std::nullopt;
    if (v)
      (*prices).*f.member = *v;
    else if (!published && f.required)
      return std::nullopt;
  }
  return prices;
}

std::shared_ptr<const GstStructure>
realtime_prices_share (const GstStructure * prices)
{
  if (prices == nullptr)
    return nullptr;
  return std::shared_ptr<const GstStructure> (gst_structure_copy (prices),
      [] (const GstStructure * s) {
        gst_structure_free (const_cast<GstStructure *> (s));
      });
}

GstStructure *
realtime_prices_structure (const std::string & model,
    const GstStructure * override)
{
  std::optional<realtime::Prices> prices =
      realtime_effective_prices (model, override);
  if (!prices)
    return override ? gst_structure_copy (override) : nullptr;
  GstStructure * s = gst_structure_new ("realtime-prices", "model",
      G_TYPE_STRING, model.c_str (), nullptr);
  for (const Field & f : kFields)
    gst_structure_set (s, f.name, G_TYPE_DOUBLE, (*prices).*f.member, nullptr);
  if (realtime::published_prices (model))
    gst_structure_set (s, "as-of", G_TYPE_STRING, realtime::kPricesAsOf,
        nullptr);
  return s;
}
