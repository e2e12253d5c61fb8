/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include <string_view>

namespace realtime {

/* When a Realtime connection that ended should be tried again, and how long to
 * wait (docs/reliability.md, "What is retried"; as the official client does).
 * Never retried: a refused key or permission (401/403), close 4000 (the retired
 * beta interface), quota/billing/key error codes, TLS failures — those need a
 * person, not another attempt. */
struct ReconnectPolicy
{
  guint max_attempts = 5; /* per outage */
  guint initial_delay_ms = 500;
  guint max_delay_ms = 8000;
  double jitter = 0.2; /* ± this fraction of the delay */

  /* 1001 going away (incl. the 60-minute cap), 1005 no status, 1006
   * dropped, 1011 server error, 1012 restart, 1013 try again later. */
  static bool is_retryable_close (gushort code);
  /* A failed handshake: 408, 429, 500, 502, 503, 504. */
  static bool is_retryable_http (guint status);
  /* A handshake that got no HTTP answer (@http_status 0): retried unless
   * TLS refused the peer (a certificate problem does not go away). */
  static bool is_retryable_failure (guint http_status, const GError * error);
  /* `error.code`s that end the conversation for good. */
  static bool is_fatal_error_code (std::string_view code);

  /* Delay before retry number @attempt (1-based): exponential from
   * initial_delay_ms, capped at max_delay_ms, spread by jitter using
   * @random01 in [0, 1) so sessions that dropped together do not return
   * together. */
  guint delay_ms (guint attempt, double random01) const;
  bool may_retry (guint attempt) const { return attempt <= max_attempts; }
};

} // namespace realtime
