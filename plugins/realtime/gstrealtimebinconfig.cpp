/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstrealtimebinconfig.h"

#include <gst/realtime/endpoint.h>

#include <string_view>

/* The host of @url, lower case; empty when it has none. */
static std::string
url_host (const std::string & url)
{
  GUri * uri = g_uri_parse (url.c_str (), G_URI_FLAGS_NONE, nullptr);
  if (uri == nullptr)
    return "";
  std::string host = g_uri_get_host (uri) ? g_uri_get_host (uri) : "";
  g_uri_unref (uri);
  for (char & c : host)
    c = g_ascii_tolower (c);
  return host;
}

static bool
is_openai_host (const std::string & host)
{
  std::string_view domain = ".openai.com";
  return host == "openai.com" ||
      (host.size () > domain.size () &&
          host.compare (host.size () - domain.size (), domain.size (),
              domain) == 0);
}

const gchar *
gst_realtime_bin_key_problem (const std::string & url,
    const std::string & api_key, const std::string & client_secret_url)
{
  if (!api_key.empty () || !client_secret_url.empty ())
    return nullptr;
  if (is_openai_host (url_host (url)))
    return "OpenAI's Realtime API needs an API key";
  if (realtime::is_azure_endpoint (url))
    return "Azure OpenAI needs an API key (or a Microsoft Entra token)";
  return nullptr;
}

gboolean
gst_realtime_bin_make_config (GstElement * bin, GstRealtimeSettings & st,
    RealtimeConversationConfig & config)
{
  std::string prices_problem;
  {
    std::lock_guard<std::mutex> lk (st.lock);
    config.link.url = st.url;
    config.link.model = st.model;
    config.link.api_key = st.api_key.value;
    config.link.api_key_explicit = st.api_key.set_on_element;
    config.link.ca_file = st.ca_file;
    config.link.client_secret_url = st.client_secret_url;
    config.link.api_key_header = st.auth == GST_REALTIME_AUTH_API_KEY ||
        (st.auth == GST_REALTIME_AUTH_AUTO &&
            realtime::is_azure_endpoint (st.url));
    config.session = st.session;
    config.text_roles = st.text_roles;
    config.chunk_ms = st.input_chunk_ms;
    config.latency = st.latency_ms * GST_MSECOND;
    config.eos_timeout_ms = st.eos_timeout_ms;
    config.link.reconnect.max_attempts = st.reconnect_attempts;
    config.link.reconnect.initial_delay_ms = st.reconnect_initial_delay_ms;
    config.link.reconnect.max_delay_ms =
        MAX (st.reconnect_max_delay_ms, st.reconnect_initial_delay_ms);
    config.link.stall_timeout_ms = st.stall_timeout_ms;
    config.input_backlog_ms = st.input_backlog_ms;
    config.replay_turns = st.replay_turns;
    config.interrupt_flush = st.interrupt_flush;
    config.link.rollover_margin_s = st.rollover_margin_s;
    config.link.max_incoming_payload = st.max_incoming_payload;
    config.prices = st.prices.structure;
    prices_problem.swap (st.prices.problem);
  }
  if (!prices_problem.empty ())
    GST_ELEMENT_WARNING (bin, LIBRARY, SETTINGS,
        ("The prices property was not changed: %s.", prices_problem.c_str ()),
        (nullptr));

  if (!g_str_has_prefix (config.link.url.c_str (), "ws://") &&
      !g_str_has_prefix (config.link.url.c_str (), "wss://")) {
    GST_ELEMENT_ERROR (bin, RESOURCE, SETTINGS,
        ("The url property must be a ws:// or wss:// URL, not \"%s\".",
            config.link.url.c_str ()),
        (nullptr));
    return FALSE;
  }

  std::string problem;
  if (!config.link.client_secret_url.empty () &&
      !realtime::check_client_secret_url (config.link.client_secret_url,
          problem)) {
    GST_ELEMENT_ERROR (bin, RESOURCE, SETTINGS,
        ("The client-secret-url property \"%s\" cannot be used: %s.",
            realtime::redact_url (config.link.client_secret_url).c_str (),
            problem.c_str ()),
        (nullptr));
    return FALSE;
  }

  /* Refused here rather than by the server: without a key the handshake
   * fails like a network error and would be retried. */
  if (const gchar * why = gst_realtime_bin_key_problem (config.link.url,
          config.link.api_key, config.link.client_secret_url)) {
    GST_ELEMENT_ERROR (bin, RESOURCE, NOT_AUTHORIZED,
        ("No API key was given for %s: %s. Set the api-key property, the "
         "OPENAI_API_KEY environment variable, or client-secret-url (a "
         "backend that hands out client secrets).",
            realtime::redact_url (config.link.url).c_str (), why),
        (nullptr));
    return FALSE;
  }
  return TRUE;
}

void
gst_realtime_bin_apply_change (GstElement * bin, GstRealtimeSettings & st,
    RealtimeConversation & conv, GstRealtimeApply how)
{
  std::unique_lock<std::mutex> lk (st.lock);
  switch (how) {
    case GstRealtimeApply::NONE:
    case GstRealtimeApply::NEXT_START:
      break;
    case GstRealtimeApply::SESSION_UPDATE: {
      realtime::SessionSettings session = st.session;
      lk.unlock ();
      conv.update_session (session);
      break;
    }
    case GstRealtimeApply::TEXT_ROLES:
      conv.set_text_roles (st.text_roles);
      break;
    case GstRealtimeApply::PRICES:
      conv.set_prices (st.prices.structure.get ());
      break;
    case GstRealtimeApply::INPUT_CHUNK:
      conv.set_chunk_ms (st.input_chunk_ms);
      break;
    case GstRealtimeApply::EOS_TIMEOUT:
      conv.set_eos_timeout_ms (st.eos_timeout_ms);
      break;
    case GstRealtimeApply::LATENCY:
      conv.set_latency (st.latency_ms * GST_MSECOND);
      lk.unlock ();
      gst_element_post_message (bin,
          gst_message_new_latency (GST_OBJECT (bin)));
      break;
  }
}
