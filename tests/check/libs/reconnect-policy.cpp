/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>
#include <gst/check/gstcheck.h>
#include <gst/realtime/reconnect-policy.h>

using realtime::ReconnectPolicy;

GST_START_TEST (test_close_codes)
{
  for (gushort code : {1001, 1005, 1006, 1011, 1012, 1013})
    fail_unless (ReconnectPolicy::is_retryable_close (code), "%u", code);
  /* Normal close, protocol/policy errors, too big, the beta refusal. */
  for (gushort code :
      {1000, 1002, 1003, 1007, 1008, 1009, 1010, 1015, 4000, 4001, 0})
    fail_if (ReconnectPolicy::is_retryable_close (code), "%u", code);
}
GST_END_TEST;

GST_START_TEST (test_handshake_failures)
{
  for (guint status : {408, 429, 500, 502, 503, 504})
    fail_unless (ReconnectPolicy::is_retryable_failure (status, nullptr));
  for (guint status : {400, 401, 403, 404, 426, 501})
    fail_if (ReconnectPolicy::is_retryable_failure (status, nullptr));

  /* No HTTP answer: a network problem is retried, TLS is not. */
  g_autoptr (GError) refused = g_error_new_literal (G_IO_ERROR,
      G_IO_ERROR_CONNECTION_REFUSED, "Connection refused");
  fail_unless (ReconnectPolicy::is_retryable_failure (0, refused));
  g_autoptr (GError) tls = g_error_new_literal (G_TLS_ERROR,
      G_TLS_ERROR_BAD_CERTIFICATE, "Unacceptable TLS certificate");
  fail_if (ReconnectPolicy::is_retryable_failure (0, tls));
  g_autoptr (GError) cancelled = g_error_new_literal (G_IO_ERROR,
      G_IO_ERROR_CANCELLED, "Operation was cancelled");
  fail_if (ReconnectPolicy::is_retryable_failure (0, cancelled));
}
GST_END_TEST;

GST_START_TEST (test_fatal_error_codes)
{
  for (const char * code :
      {"invalid_api_key", "insufficient_quota", "account_deactivated",
          "billing_hard_limit_reached", "beta_api_shape_disabled"})
    fail_unless (ReconnectPolicy::is_fatal_error_code (code), "%s", code);
  for (const char * code :
      {"conversation_already_has_active_response", "response_cancel_not_active",
          "input_audio_buffer_commit_empty", "invalid_value", ""})
    fail_if (ReconnectPolicy::is_fatal_error_code (code), "%s", code);
}
GST_END_TEST;

GST_START_TEST (test_backoff)
{
  ReconnectPolicy p; /* 500 ms doubling to 8 s, ±20 %, 5 attempts */
  const guint expected[] = {500, 1000, 2000, 4000, 8000, 8000};
  for (guint a = 1; a <= 6; a++)
    fail_unless_equals_int (p.delay_ms (a, 0.5), expected[a - 1]);
  fail_unless_equals_int (p.delay_ms (1, 0.0), 400);
  fail_unless_equals_int (p.delay_ms (1, 0.999999), 600);
  fail_unless_equals_int (p.delay_ms (4, 0.0), 3200);
  fail_unless_equals_int (p.delay_ms (1000, 0.5), 8000); /* no overflow */
  fail_unless (p.may_retry (5));
  fail_if (p.may_retry (6));

  p.jitter = 0;
  p.initial_delay_ms = 100;
  p.max_delay_ms = 250;
  fail_unless_equals_int (p.delay_ms (3, 0.9), 250);
}
GST_END_TEST;

static Suite *
reconnect_policy_suite (void)
{
  Suite * s = suite_create ("reconnect-policy");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_close_codes);
  tcase_add_test (tc, test_handshake_failures);
  tcase_add_test (tc, test_fatal_error_codes);
  tcase_add_test (tc, test_backoff);
  return s;
}

GST_CHECK_MAIN (reconnect_policy);
