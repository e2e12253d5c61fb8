/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "link.h"

#include "gstrealtimeelements.h"

#include <gst/realtime/client-events.h>
#include <gst/realtime/endpoint.h>
#include <gst/realtime/json-util.h>

#define GST_CAT_DEFAULT gst_realtime_debug

/* Client secrets are asked for this long a validity: they are used at
 * once, and only to open the session. */
static constexpr guint kClientSecretTtlS = 60;

namespace engine {

Link::Link (Core & core, LinkConfig config, LinkListener & listener,
    std::function<void (gint64 delay_us)> written)
    : core_ (core), config_ (std::move (config)), listener_ (listener),
      written_ (std::move (written)), retry_timer_ (core), stall_timer_ (core),
      rollover_timer_ (core)
{}

/* The endpoint URL with ?model= unless the user gave a query. */
static std::string
connect_url (const LinkConfig & config)
{
  if (config.url.find ('?') != std::string::npos)
    return config.url;
  gchar * model = g_uri_escape_string (config.model.c_str (), nullptr, FALSE);
  std::string url = config.url + "?model=" + model;
  g_free (model);
  return url;
}

void
Link::open ()
{
  core_.post (
      gst_message_new_progress (GST_OBJECT (core_.bin), GST_PROGRESS_TYPE_START,
          "connect", ("Connecting to " + config_.url).c_str ()));
  core_.post (
      realtime_message_session (GST_OBJECT (core_.bin), "connecting", "", ""));
  open_link (false);
}

std::string
Link::next_event_id (const char * prefix)
{
  return std::string ("gst_") + prefix + "_" + std::to_string (++event_serial_);
}

/* Client events wait in the backlog until session.update has gone out:
 * the server must not see audio or turns under the default session.
 * Audio that waits in the backlog is waiting for the session, not
 * measured. */
void
Link::send (std::string text, gsize audio_bytes, gint64 since_us)
{
  events_queued_++;
  if (!ready_) {
    backlog_audio_bytes_ += audio_bytes;
    backlog_.push_back ({std::move (text), audio_bytes});
    return;
  }
  send_on (ws_.get (), std::move (text), since_us);
}

void
Link::send_now (std::string text)
{
  send_on (ws_.get (), std::move (text));
}

guint
Link::pending () const
{
  return ws_ ? ws_->pending () : 0;
}

void
Link::send_on (realtime::WebSocketClient * client, std::string text,
    gint64 since_us)
{
  core_.stats.bytes_sent += text.size ();
  core_.stats.events_sent++;
  client->send (std::move (text), since_us);
}

guint64
Link::send_barrier (const char * session_type)
{
  std::string id = next_event_id ("update");
  realtime::JsonObjectPtr empty (json_object_new ());
  json_object_set_string_member (empty.get (), "type", session_type);
  update_event_ids_.push_back (id);
  send (realtime::build_session_update (empty.get (), id));
  /* Before the session is ready the barrier waits in the backlog, to go
   * out after the first session.update (counted then). */
  return ready_ ? ++updates_sent_ : 0;
}

void
Link::update_session (const std::string & id, std::string update)
{
  /* A next session already configured gets the change too. */
  if (next_ws_ && !next_session_id_.empty ()) {
    std::string next_id = next_event_id ("update");
    next_update_ids_.push_back (next_id);
    send_on (next_ws_.get (), listener_.session_update (next_id, nullptr));
  }
  if (ready_ && !core_.closing) {
    update_event_ids_.push_back (id);
    updates_sent_++;
    send (std::move (update));
  }
  /* Not ready yet: session.created will send these settings. */
}

void
Link::close (gushort code, const char * reason)
{
  ws_->close (code, reason);
  drop_next ();
}

void
Link::stop_timers ()
{
  retry_timer_.stop ();
  stall_timer_.stop ();
  rollover_timer_.stop ();
}

void
Link::release (std::vector<std::unique_ptr<realtime::WebSocketClient>> &
                   sockets,
    std::vector<std::unique_ptr<realtime::ClientSecretFetch>> & fetches)
{
  sockets.swap (retired_);
  sockets.push_back (std::move (next_ws_));
  sockets.push_back (std::move (ws_));
  fetches.swap (retired_fetches_);
  for (auto & [id, fetch] : fetches_)
    fetches.push_back (std::move (fetch));
  fetches_.clear ();
}

/* --- sockets ------------------------------------------------------------- */

/* Callbacks of connection @id; they only hold a weak reference, so a
 * session torn down meanwhile is not kept alive by its socket. */
realtime::WebSocketClient::Callbacks
Link::callbacks (guint id)
{
  realtime::WebSocketClient::Callbacks cb;
  cb.written = written_;
  cb.opened = [weak = self_, id] () {
    if (auto link = weak.lock ())
      GST_DEBUG_OBJECT (link->core_.bin,
          "WebSocket %u open, waiting for session.created", id);
  };
  cb.message = [weak = self_, id] (std::string_view text) {
    gint64 arrived_us = g_get_monotonic_time ();
    if (auto link = weak.lock ()) {
      Guard lk (link->core_);
      link->on_message (id, text, arrived_us);
    }
  };
  cb.failed = [weak = self_, id] (guint status, const GError * err) {
    if (auto link = weak.lock ()) {
      Guard lk (link->core_);
      link->on_failed (id, status, err);
    }
  };
  cb.closed = [weak = self_, id] (gushort code, const std::string & reason) {
    if (auto link = weak.lock ()) {
      Guard lk (link->core_);
      link->on_closed (id, code, reason);
    }
  };
  return cb;
}

/* A new WebSocket: the current one (first connection, reconnect) or, in
 * the background, the next session of a rollover. */
void
Link::open_link (bool background)
{
  guint id = ++conn_serial_;
  auto client =
      std::make_unique<realtime::WebSocketClient> (core_.io, callbacks (id));
  realtime::WebSocketClient::Options opts;
  opts.url = connect_url (config_);
  opts.ca_file = config_.ca_file;
  opts.max_incoming_payload = config_.max_incoming_payload;
  GST_INFO_OBJECT (core_.bin, "connection %u to %s%s", id, opts.url.c_str (),
      background ? " (next session)" : "");
  /* Its callbacks wait for our lock: `conn_` is set before they look. */
  if (!config_.client_secret_url.empty ()) {
    fetch_secret (id, std::move (opts));
  } else {
    if (!config_.api_key.empty ())
      opts.headers.push_back (
          realtime::auth_header (config_.api_key, config_.api_key_header));
    client->connect (std::move (opts));
  }
  if (background) {
    drop_next ();
    next_ws_ = std::move (client);
    next_conn_ = id;
    next_ready_ = false;
    next_session_id_.clear ();
    next_expires_at_ = 0;
  } else {
    retire (std::move (ws_));
    ws_ = std::move (client);
    conn_ = id;
  }
}

/* A socket we are done with is closed now and freed on the I/O thread
 * later: never inside its own callback. */
void
Link::retire (std::unique_ptr<realtime::WebSocketClient> old)
{
  if (!old)
    return;
  old->close (1000, "");
  free_later (std::move (old), &Link::retired_);
}

/* @old is kept in @list and freed on the I/O thread later, unlocked:
 * never inside one of its own callbacks. */
template<typename T>
void
Link::free_later (std::unique_ptr<T> old,
    std::vector<std::unique_ptr<T>> Link::*list)
{
  (this->*list).push_back (std::move (old));
  core_.io->invoke ([weak = self_, list] () {
    std::vector<std::unique_ptr<T>> done;
    if (auto link = weak.lock ()) {
      std::lock_guard<std::mutex> lk (link->core_.lock);
      done.swap (link.get ()->*list);
    }
  });
}

/* Link @id connects once client-secret-url has handed out a secret. A
 * fresh one per connection: a reconnect an hour later still gets in, and
 * a secret lives only seconds on the device. */
void
Link::fetch_secret (guint id, realtime::WebSocketClient::Options opts)
{
  auto fetch = std::make_unique<realtime::ClientSecretFetch> (core_.io,
      [weak = self_, id, opts = std::move (opts)] (
          const realtime::ClientSecretFetch::Result & result) {
        if (auto link = weak.lock ()) {
          Guard lk (link->core_);
          link->secret_fetched (id, result, opts);
        }
      });
  realtime::ClientSecretFetch::Options request;
  request.url = config_.client_secret_url;
  /* Only a key given to the element: OPENAI_API_KEY is the account's key,
   * which must not travel to a backend. */
  if (config_.api_key_explicit && !config_.api_key.empty ())
    request.headers.push_back (realtime::auth_header (config_.api_key, false));
  request.body =
      realtime::client_secret_request_body (config_.model, kClientSecretTtlS);
  request.ca_file = config_.ca_file;
  GST_INFO_OBJECT (core_.bin, "connection %u: asking %s for a client secret",
      id, realtime::redact_url (config_.client_secret_url).c_str ());
  fetch->start (std::move (request));
  fetches_[id] = std::move (fetch);
}

void
Link::secret_fetched (guint id,
    const realtime::ClientSecretFetch::Result & result,
    realtime::WebSocketClient::Options opts)
{
  auto it = fetches_.find (id);
  if (it != fetches_.end ()) {
    free_later (std::move (it->second), &Link::retired_fetches_);
    fetches_.erase (it);
  }
  if (core_.closing || core_.failed)
    return;
  bool next = id != 0 && id == next_conn_;
  if (!next && id != conn_)
    return; /* a link let go meanwhile */

  if (result.http_status >= 200 && result.http_status < 300 &&
      result.problem.empty ()) {
    GST_INFO_OBJECT (core_.bin, "connection %u: got a client secret%s", id,
        result.secret.expires_at
            ? (" valid until " + std::to_string (result.secret.expires_at))
                  .c_str ()
            : "");
    opts.headers.emplace_back ("Authorization",
        "Bearer " + result.secret.value);
    (next ? next_ws_ : ws_)->connect (std::move (opts));
    return;
  }

  bool retryable = false;
  gint code = 0;
  std::string text = link_secret_failure (config_.client_secret_url, result,
      &retryable, &code);
  if (next) {
    next_failed ("could not get a client secret: " + text);
    return;
  }
  std::string why = result.http_status
      ? "client secret: HTTP " + std::to_string (result.http_status)
      : "client secret: " +
          std::string (result.error ? result.error->message : "no answer");
  std::string debug = result.error ? result.error->message : "";
  link_down (why, retryable,
      [this, text, code, debug, status = result.http_status] (
          const std::string & suffix) {
        core_.fail (GST_RESOURCE_ERROR, code, text + suffix + ".", debug,
            gst_structure_new ("realtime-connection", "http-status-code",
                G_TYPE_UINT, status, nullptr));
      });
}

void
Link::drop_next ()
{
  if (next_ws_)
    retire (std::move (next_ws_));
  next_conn_ = 0;
  next_ready_ = false;
  next_update_ids_.clear ();
}

/* The next session is gone before taking over: the current one goes on,
 * and the rollover is tried again with the reconnect back-off (or the
 * current session's end reconnects). */
void
Link::next_failed (const std::string & why)
{
  GST_WARNING_OBJECT (core_.bin, "the next session %s", why.c_str ());
  drop_next ();
  if (config_.reconnect.may_retry (++next_attempt_))
    rollover_timer_.start (config_.reconnect.delay_ms (next_attempt_,
                               g_random_double ()),
        [this] () { start_rollover (); });
}

/* --- losing a session ---------------------------------------------------- */

/* The current connection ended (@why). Retried with back-off when
 * @retryable and attempts are left; else @fatal posts the error. */
void
Link::link_down (const std::string & why, bool retryable, const Fatal & fatal)
{
  if (core_.closing || core_.failed || listener_.finished ())
    return;
  conn_ = 0; /* late callbacks of that socket: ignored */
  stall_timer_.stop ();
  if (!retryable || config_.reconnect.max_attempts == 0) {
    fatal ("");
    core_.closing = true;
    core_.post_closed (session_id_, why);
    return;
  }
  /* The session ended (expired, dropped) while the next one was ready:
   * it takes over now. */
  if (next_ws_ && next_ready_ && !reconnecting_) {
    switch_link ("the previous session ended (" + why + ")");
    return;
  }
  if (!reconnecting_) {
    /* A session that did something resets the count; one that drops at
     * once keeps backing off. */
    bool lived = ready_since_us_ > 0 &&
        g_get_monotonic_time () - ready_since_us_ >= 10 * G_USEC_PER_SEC;
    if (proven_ || lived)
      attempt_ = 0;
    begin_outage ();
  }
  attempt_++;
  if (!config_.reconnect.may_retry (attempt_)) {
    fatal (" (gave up after " + std::to_string (attempt_ - 1) +
        " reconnect attempts)");
    core_.closing = true;
    core_.post_closed (session_id_, why);
    return;
  }
  guint delay = config_.reconnect.delay_ms (attempt_, g_random_double ());
  std::string what = why + "; attempt " + std::to_string (attempt_) + " of " +
      std::to_string (config_.reconnect.max_attempts) + " in " +
      std::to_string (delay) + " ms";
  GST_WARNING_OBJECT (core_.bin, "connection lost, reconnecting: %s",
      what.c_str ());
  core_.post (realtime_message_session (GST_OBJECT (core_.bin), "reconnecting",
      session_id_, what));
  retry_timer_.start (delay, [this] () { open_link (false); });
}

/* The session is gone: what it held is forgotten, what the user says
 * meanwhile waits in the backlog for the next one. */
void
Link::begin_outage ()
{
  reconnecting_ = true;
  bool was_ready = ready_;
  ready_ = false;
  drop_next ();
  rollover_timer_.stop ();
  update_event_ids_.clear ();
  updates_sent_ = updates_acked_ = 0;
  listener_.on_outage (was_ready);
}

/* A response is active and the server has said nothing for
 * stall-timeout-ms: the connection is as good as dead (a half-open TCP
 * connection can take minutes to notice). */
void
Link::check_stall ()
{
  if (!ready_ || reconnecting_ || !listener_.busy ())
    return;
  gint64 quiet_ms = (g_get_monotonic_time () - last_event_us_) / 1000;
  guint timeout = config_.stall_timeout_ms;
  if (quiet_ms < (gint64) timeout) {
    /* Events came meanwhile: wait for the rest of the period. */
    stall_timer_.start (timeout - (guint) quiet_ms,
        [this] () { check_stall (); });
    return;
  }
  std::string why = "no event from the Realtime API for " +
      std::to_string (quiet_ms) + " ms during a response";
  ws_->close (1000, "");
  link_down (why, true, [this, why] (const std::string & suffix) {
    core_.fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
        "The Realtime API stopped answering (" + why + ")" + suffix +
            ". Check the network, or raise stall-timeout-ms.",
        why);
  });
}

/* Watches for a stall while a response is active; one timer that
 * re-checks, not one per event. */
void
Link::arm_stall ()
{
  if (stall_timer_.armed () || config_.stall_timeout_ms == 0 || !ready_ ||
      reconnecting_ || !listener_.busy ())
    return;
  last_event_us_ = g_get_monotonic_time ();
  stall_timer_.start (config_.stall_timeout_ms, [this] () { check_stall (); });
}

/* --- rollover before the session cap -------------------------------------- */

void
Link::schedule_rollover ()
{
  rollover_timer_.stop ();
  if (config_.rollover_margin_s == 0 || expires_at_ <= 0)
    return;
  gint64 left_s = expires_at_ - g_get_real_time () / G_USEC_PER_SEC;
  /* expires_at is the server's clock: a local clock off by more than the
   * cap would make every session look expired (or eternal); trust the
   * service's 60-minute cap from now instead. */
  if (left_s <= 0 || left_s > 2 * 3600)
    left_s = 3600;
  /* The next session opens margin seconds before the cap, or half-way
   * when the session is shorter than that; never sooner than 1 s. */
  gint64 ms = left_s > (gint64) config_.rollover_margin_s
      ? (left_s - config_.rollover_margin_s) * 1000
      : left_s * 500;
  ms = MAX (ms, 1000);
  rollover_timer_.start ((guint) MIN (ms, (gint64) G_MAXUINT),
      [this] () { start_rollover (); });
}

void
Link::start_rollover ()
{
  if (next_ws_ || reconnecting_ || !ready_ || listener_.ending ())
    return;
  GST_INFO_OBJECT (core_.bin,
      "session %s expires at %" G_GINT64_FORMAT ": opening the next one",
      session_id_.c_str (), expires_at_);
  open_link (true);
}

void
Link::try_switch ()
{
  if (next_ws_ && next_ready_ && ready_ && !reconnecting_ && listener_.quiet ())
    switch_link ("rollover before the session expires");
}

/* The next session becomes the current one. */
void
Link::switch_link (const std::string & reason)
{
  /* What the next session must hear before it takes over (the
   * conversation as it is now, input not yet committed). */
  listener_.on_handover (
      [this] (std::string ev) { send_on (next_ws_.get (), std::move (ev)); });
  std::string old_id = session_id_;
  retire (std::move (ws_));
  ws_ = std::move (next_ws_);
  conn_ = next_conn_;
  next_conn_ = 0;
  next_ready_ = false;
  session_id_ = next_session_id_;
  expires_at_ = next_expires_at_;
  next_attempt_ = 0;
  ready_ = true;
  reconnecting_ = false;
  attempt_ = 0;
  proven_ = true;
  ready_since_us_ = g_get_monotonic_time ();
  core_.stats.rollovers++;
  /* Answers still due are the next session's. */
  update_event_ids_ = std::move (next_update_ids_);
  next_update_ids_.clear ();
  updates_acked_ = 0;
  updates_sent_ = update_event_ids_.size ();
  listener_.on_switched ();
  GST_INFO_OBJECT (core_.bin, "now on session %s (%s)", session_id_.c_str (),
      reason.c_str ());
  core_.post (realtime_message_session (GST_OBJECT (core_.bin), "connected",
      session_id_, "rolled over from " + old_id + ": " + reason));
  schedule_rollover ();
}

} // namespace engine
