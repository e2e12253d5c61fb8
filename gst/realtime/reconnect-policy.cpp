/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "reconnect-policy.h"

#include <gio/gio.h>

#include <cmath>

namespace realtime {

bool
ReconnectPolicy::is_retryable_close (gushort code)
{
  switch (code) {
    case 1001:
    case 1005:
    case 1006:
    case 1011:
    case 1012:
    case 1013:
      return true;
    default:
      return false;
  }
}

bool
ReconnectPolicy::is_retryable_http (guint status)
{
  switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

bool
ReconnectPolicy::is_retryable_failure (guint http_status, const GError * error)
{
  if (http_status != 0)
    return is_retryable_http (http_status);
  /* Settings, not the network: trying again gives the same answer. */
  if (error != nullptr &&
      (error->domain == G_TLS_ERROR || error->domain == G_URI_ERROR ||
          error->domain == G_FILE_ERROR ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT)))
    return false;
  if (error != nullptr &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return false;
  return true;
}

bool
ReconnectPolicy::is_fatal_error_code (std::string_view code)
{
  static constexpr std::string_view fatal[] = {
      "invalid_api_key",
      "insufficient_quota",
      "account_deactivated",
      "billing_hard_limit_reached",
      "beta_api_shape_disabled",
      "model_not_found",
      "unsupported_country_region_territory",
  };
  for (std::string_view f : fatal)
    if (code == f)
      return true;
  return false;
}

guint
ReconnectPolicy::delay_ms (guint attempt, double random01) const
{
  if (attempt == 0)
    return 0;
  double delay =
      initial_delay_ms * std::ldexp (1.0, (int) MIN (attempt - 1, 30u));
  delay = MIN (delay, (double) max_delay_ms);
  double spread = jitter * (2.0 * CLAMP (random01, 0.0, 1.0) - 1.0);
  return (guint) MAX (0.0, std::round (delay * (1.0 + spread)));
}

} // namespace realtime
