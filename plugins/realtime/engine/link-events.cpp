/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

/* What arrives on a Link's sockets (events, failures, closes), and what a
 * refused connection or client secret tells the user. */

#include "link.h"

#include "gstrealtimeelements.h"

#include <gst/realtime/endpoint.h>
#include <gst/realtime/realtime-error.h>

#include <algorithm>

#define GST_CAT_DEFAULT gst_realtime_debug

using realtime::ServerEvent;
using realtime::ServerEventType;

/* Server event ids remembered to drop repeated events. */
static constexpr gsize MAX_SEEN_EVENT_IDS = 64;

/* Bad server events are warned about this many times, then only logged. */
static constexpr guint64 MAX_BAD_EVENT_WARNINGS = 3;

namespace engine {

std::string
link_http_failure_text (guint status, bool client_secret)
{
  if (client_secret && (status == 401 || status == 403))
    return "The Realtime API refused the client secret from "
           "client-secret-url (HTTP " +
        std::to_string (status) +
        "). Check "
        "that the backend behind client-secret-url asks OpenAI for secrets "
        "with a valid API key and the model in use.";
  switch (status) {
    case 401:
      return "The Realtime API refused the API key (HTTP 401). Set the "
             "api-key property or OPENAI_API_KEY to a valid key.";
    case 403:
      return "The Realtime API refused access for this API key (HTTP 403). "
             "Check that the key's project may use the model.";
    case 404:
      return "The Realtime API has no such endpoint or model (HTTP 404). "
             "Check the url and model properties.";
    case 429:
      return "The Realtime API is rate limiting this key (HTTP 429). Try "
             "again later or raise the project's limits.";
    default:
      return "The Realtime API refused the connection (HTTP " +
          std::to_string (status) + ").";
  }
}

/* Why a client secret could not be had, for messages; and whether trying
 * again later may help. */
std::string
link_secret_failure (const std::string & client_secret_url,
    const realtime::ClientSecretFetch::Result & r, bool * retryable,
    gint * code)
{
  std::string url = realtime::redact_url (client_secret_url);
  std::string said = r.server_message.empty () ? "" : ": " + r.server_message;
  guint status = r.http_status;
  *code = GST_RESOURCE_ERROR_OPEN_READ;
  *retryable = false;
  if (status == 0) {
    *retryable = realtime::ReconnectPolicy::is_retryable_failure (0, r.error);
    if (r.error && r.error->domain == G_TLS_ERROR)
      return "The client-secret URL " + url +
          "'s TLS certificate was not "
          "accepted (" +
          r.error->message +
          "). ca-file, when set, is the "
          "only trust for it as for the Realtime API";
    return "Could not get a client secret from " + url + " (" +
        (r.error ? r.error->message : "no answer") +
        "). Check the "
        "client-secret-url property and that the backend is reachable";
  }
  if (status >= 200 && status < 300)
    return "The client-secret URL " + url +
        " answered without a usable "
        "client secret (" +
        r.problem +
        "). It must answer like OpenAI's "
        "POST /v1/realtime/client_secrets: {\"value\": \"ek_…\", …}";
  if (status >= 300 && status < 400)
    return "The client-secret URL " + url + " redirects (HTTP " +
        std::to_string (status) + ")" +
        (r.location.empty () ? "" : " to " + r.location) +
        "; redirects are not followed (the request is a POST "
        "with a credential): set client-secret-url to the final URL";
  if (status == 401 || status == 403) {
    *code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
    return "The client-secret URL " + url + " refused the request (HTTP " +
        std::to_string (status) + said +
        "). With client-secret-url set, the "
        "api-key property is the credential sent to that URL";
  }
  /* A backend's own trouble (any 5xx, from it or a proxy in front) or
   * rate limit passes. */
  *retryable =
      status == 408 || status == 429 || (status >= 500 && status < 600);
  return "The client-secret URL " + url + " answered HTTP " +
      std::to_string (status) + said;
}

/* --- socket callbacks, on the I/O thread ---------------------------------- */

void
Link::fail_http (guint status, const GError * err, const std::string & suffix)
{
  GstStructure * details = gst_structure_new ("realtime-connection",
      "http-status-code", G_TYPE_UINT, status, nullptr);
  gint code = status == 401 || status == 403 ? GST_RESOURCE_ERROR_NOT_AUTHORIZED
      : status == 404                        ? GST_RESOURCE_ERROR_NOT_FOUND
                                             : GST_RESOURCE_ERROR_OPEN_READ;
  core_.fail (GST_RESOURCE_ERROR, code,
      link_http_failure_text (status, !config_.client_secret_url.empty ()) +
          suffix,
      err ? err->message : "", details);
}

void
Link::on_failed (guint id, guint status, const GError * err)
{
  if (core_.closing || core_.failed)
    return;
  if (id != 0 && id == next_conn_) {
    next_failed ("could not open: " +
        (err ? std::string (err->message) : "HTTP " + std::to_string (status)));
    return;
  }
  if (id != conn_)
    return;
  std::string why = status != 0 ? "HTTP " + std::to_string (status)
      : err                     ? std::string (err->message)
                                : "connection failed";
  bool retryable =
      realtime::ReconnectPolicy::is_retryable_failure (status, err);
  link_down (why, retryable, [this, status, err] (const std::string & suffix) {
    if (status != 0) {
      fail_http (status, err, suffix);
    } else if (err && err->domain == G_TLS_ERROR) {
      core_.fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
          "The Realtime API endpoint's TLS certificate was not accepted "
          "(" +
              std::string (err->message) +
              "). For a private endpoint, "
              "set the ca-file property to the CA certificate that signed "
              "it.",
          err->message);
    } else {
      core_.fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
          "Could not connect to the Realtime API at " + config_.url + ": " +
              (err ? err->message : "unknown error") + suffix +
              ". Check the url property and the network.",
          err ? err->message : "");
    }
  });
}

void
Link::on_closed (guint id, gushort code, const std::string & reason)
{
  if (core_.closing || core_.failed)
    return;
  if (id != 0 && id == next_conn_) {
    next_failed ("closed (" + std::to_string (code) + " " + reason +
        ") before taking over");
    return;
  }
  if (id != conn_)
    return;
  std::string why = "WebSocket close code " + std::to_string (code) + ": " +
      (reason.empty () ? std::string ("no reason given") : reason);
  /* 1009: a frame over max-incoming-payload; the next session may well
   * behave. */
  bool retryable =
      realtime::ReconnectPolicy::is_retryable_close (code) || code == 1009;
  if (code == 1009)
    core_.warn (GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "The Realtime API sent a frame larger than max-incoming-payload (" +
            std::to_string (config_.max_incoming_payload) +
            " bytes); "
            "reconnecting.",
        why);
  link_down (why, retryable, [this, code, why] (const std::string & suffix) {
    core_.fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
        "The Realtime API closed the session (" + why + ")" + suffix + ".",
        "server closed the connection",
        gst_structure_new ("realtime-connection", "close-code", G_TYPE_UINT,
            (guint) code, nullptr));
  });
}

void
Link::on_message (guint id, std::string_view text, gint64 arrived_us)
{
  if (core_.closing || core_.failed)
    return;
  if (id != 0 && id == next_conn_) {
    std::optional<ServerEvent> ev =
        realtime::parse_server_event (text, nullptr);
    if (ev)
      on_next_event (*ev);
    return;
  }
  if (id != conn_)
    return; /* a socket we have let go of */
  last_event_us_ = arrived_us;
  frame_arrived_us_ = arrived_us;
  core_.stats.bytes_received += text.size ();
  core_.stats.events_received++;

  GError * err = nullptr;
  std::optional<ServerEvent> ev = realtime::parse_server_event (text, &err);
  if (!ev &&
      g_error_matches (err, REALTIME_PROTOCOL_ERROR,
          REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL)) {
    /* Not a glitch: the endpoint speaks the retired beta protocol. */
    core_.fail (GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE,
        std::string (
            "The endpoint speaks the retired beta Realtime "
            "protocol; realtimebin speaks the GA protocol only. Check the "
            "url property: ") +
            err->message,
        "beta protocol");
    g_error_free (err);
    core_.closing = true;
    ws_->close (1002, "protocol error");
    return;
  }
  if (!ev) {
    /* One bad event (malformed JSON, invalid base64, a missing field) is
     * skipped; the conversation goes on. Warned a few times, then logged. */
    if (++bad_events_ <= MAX_BAD_EVENT_WARNINGS)
      core_.warn (GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
          std::string ("The Realtime API sent an event this client cannot "
                       "read; it was skipped: ") +
              err->message,
          "bad server event " + std::to_string (bad_events_));
    else
      GST_WARNING_OBJECT (core_.bin, "skipping bad server event: %s",
          err->message);
    g_error_free (err);
    return;
  }
  if (!ev->unknown_fields.empty ())
    GST_DEBUG_OBJECT (core_.bin, "%s has fields this client does not know: %s",
        ev->type_name.c_str (), ev->unknown_fields.front ().c_str ());
  /* A server (or a proxy) that repeats an event must not make audio play
   * twice: event ids are unique, so a recent one seen again is dropped. */
  if (!ev->event_id.empty ()) {
    if (std::find (seen_event_ids_.begin (), seen_event_ids_.end (),
            ev->event_id) != seen_event_ids_.end ()) {
      GST_INFO_OBJECT (core_.bin, "dropping a repeated %s (%s)",
          ev->type_name.c_str (), ev->event_id.c_str ());
      return;
    }
    seen_event_ids_.push_back (ev->event_id);
    if (seen_event_ids_.size () > MAX_SEEN_EVENT_IDS)
      seen_event_ids_.pop_front ();
  }
  switch (ev->type) {
    case ServerEventType::SessionCreated:
      on_session_created (*ev);
      break;
    case ServerEventType::SessionUpdated:
      if (ev->session)
        session_id_ = ev->session->id;
      /* The server answers updates in order; refused ones got an error. */
      if (!update_event_ids_.empty ())
        update_event_ids_.pop_front ();
      updates_acked_++;
      if (!core_.progress_done) {
        core_.progress_done = true;
        core_.post (gst_message_new_progress (GST_OBJECT (core_.bin),
            GST_PROGRESS_TYPE_COMPLETE, "connect", "Session ready"));
      }
      break;
    case ServerEventType::Error:
      on_error (*ev);
      break;
    case ServerEventType::InputAudioBufferCommitted:
    case ServerEventType::ResponseCreated:
      proven_ = true;
      listener_.on_event (*ev);
      break;
    default:
      listener_.on_event (*ev);
      break;
  }
  listener_.after_event ();
  if (!core_.closing && !core_.failed) {
    arm_stall ();
    try_switch ();
  }
}

void
Link::on_session_created (const ServerEvent & ev)
{
  bool reconnected = reconnecting_ && had_session_;
  had_session_ = true;
  next_attempt_ = 0;
  if (ev.session) {
    session_id_ = ev.session->id;
    expires_at_ = ev.session->expires_at;
    server_model_ = ev.session->model;
  }
  core_.post (realtime_message_session (GST_OBJECT (core_.bin), "connected",
      session_id_, reconnected ? "reconnected" : ""));

  GError * err = nullptr;
  std::string id = next_event_id ("update");
  std::string update = listener_.session_update (id, &err);
  if (update.empty ()) {
    core_.fail (GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        std::string ("The session settings are not valid: ") + err->message,
        "");
    g_error_free (err);
    core_.closing = true;
    ws_->close (1000, "");
    return;
  }
  update_event_ids_.push_front (id); /* goes out before the backlog */
  updates_sent_++;
  send_now (std::move (update));
  ready_ = true;
  /* A new session after a lost one gets the conversation so far here,
   * then what was said during the outage (the backlog). */
  listener_.on_session_ready (reconnected);
  while (!backlog_.empty ()) {
    send_now (std::move (backlog_.front ().text));
    backlog_.pop_front ();
  }
  backlog_audio_bytes_ = 0;
  if (reconnected)
    core_.stats.reconnects++;
  reconnecting_ = false;
  proven_ = false;
  ready_since_us_ = g_get_monotonic_time ();
  schedule_rollover ();
}

void
Link::on_error (const ServerEvent & ev)
{
  realtime::ErrorInfo e = ev.error.value_or (realtime::ErrorInfo ());
  auto refused = std::find (update_event_ids_.begin (),
      update_event_ids_.end (), e.event_id);
  if (refused != update_event_ids_.end ()) {
    update_event_ids_.erase (refused);
    updates_acked_++; /* a refused update still answers it */
  }
  /* The listener's own requests (a refused response.create). */
  listener_.on_event (ev);

  /* Races every client has with the server's own VAD responses: a response
   * was already active, or had already ended when our cancel arrived. The
   * conversation is fine either way. */
  if (e.code == "conversation_already_has_active_response" ||
      e.code == "response_cancel_not_active") {
    GST_INFO_OBJECT (core_.bin, "benign: %s (%s)", e.code.c_str (),
        e.message.c_str ());
    return;
  }
  /* Key, quota, billing: a person must act; no reconnect will help. */
  if (realtime::ReconnectPolicy::is_fatal_error_code (e.code)) {
    core_.fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
        "The Realtime API ended the session (" + e.code + "): " + e.message,
        "fatal error code " + e.code, realtime_error_details (e));
    core_.closing = true;
    ws_->close (1000, "");
    core_.post_closed (session_id_, e.code);
    return;
  }

  std::string text = "The Realtime API reported an error";
  if (!e.code.empty ())
    text += " (" + e.code + ")";
  text += ": " + (e.message.empty () ? std::string ("no message") : e.message);
  core_.warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED, text,
      "server error event " + ev.event_id, realtime_error_details (e));
}

/* Events of the next session, opened in the background before the current
 * one expires: it gets the configuration and the conversation, then waits
 * for a quiet moment to take over. */
void
Link::on_next_event (const ServerEvent & ev)
{
  switch (ev.type) {
    case ServerEventType::SessionCreated: {
      if (ev.session) {
        next_session_id_ = ev.session->id;
        next_expires_at_ = ev.session->expires_at;
      }
      /* The conversation follows at the switch, as it is then. */
      std::string id = next_event_id ("update");
      std::string update = listener_.session_update (id, nullptr);
      if (!update.empty ()) {
        next_update_ids_.push_back (id);
        send_on (next_ws_.get (), std::move (update));
      }
      break;
    }
    case ServerEventType::SessionUpdated:
      if (!next_update_ids_.empty ())
        next_update_ids_.pop_front ();
      if (!next_ready_) {
        next_ready_ = true;
        try_switch ();
      }
      break;
    case ServerEventType::Error: {
      realtime::ErrorInfo e = ev.error.value_or (realtime::ErrorInfo ());
      core_.warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
          "The Realtime API reported an error while realtimebin prepared "
          "the next session: " +
              e.message,
          "next session", realtime_error_details (e));
      break;
    }
    default:
      break; /* the replayed items' echoes */
  }
}

} // namespace engine
