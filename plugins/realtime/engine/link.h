/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "core.h"

#include <gst/realtime/client-secret.h>
#include <gst/realtime/reconnect-policy.h>
#include <gst/realtime/server-events.h>
#include <gst/realtime/websocket-client.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace engine {

/* How to reach the service and keep the connection (docs/reliability.md). */
struct LinkConfig
{
  std::string url;
  std::string model;
  std::string api_key;           /* never logged */
  bool api_key_explicit = false; /* set on the element, not OPENAI_API_KEY */
  bool api_key_header = false;   /* Azure's `api-key` header, not Bearer */
  std::string ca_file;           /* PEM; empty: the system's trust store */
  /* Ephemeral secrets from here before each connection; api_key is then
   * this URL's credential. Empty: api_key opens the session. */
  std::string client_secret_url;
  /* Reliability (docs/reliability.md). max_attempts 0: never reconnect. */
  realtime::ReconnectPolicy reconnect;
  guint stall_timeout_ms = 0;     /* 0: no stall detection */
  guint rollover_margin_s = 0;    /* 0: no rollover before expires_at */
  gsize max_incoming_payload = 0; /* bytes per server frame */
};

/* What a Link asks of the session logic above it (realtimebin's turns, a
 * transcriber's). All called on the I/O thread with the lock held. The
 * link knows sessions and events, never responses or playout. */
class LinkListener
{
public:
  virtual ~LinkListener () = default;
  /* The session.update that configures a session (event id @id); empty
   * with @error when the settings cannot make one. */
  virtual std::string session_update (const std::string & id,
      GError ** error) = 0;
  /* A session took the configuration (session.update went out, the link
   * is ready); sends from here go before the backlog. @reconnected: it
   * replaces one lost in an outage. */
  virtual void on_session_ready (bool reconnected) = 0;
  /* An event of the current session, after the link's own bookkeeping
   * (session.created/updated are the link's; errors come here too). */
  virtual void on_event (const realtime::ServerEvent & ev) = 0;
  /* After each event of the current session, the link's own included. */
  virtual void after_event () = 0;
  /* The session was lost and a reconnect is under way: what it held is
   * gone. @was_ready: it had taken the configuration. */
  virtual void on_outage (bool was_ready) = 0;
  /* A rollover is about to switch: @send delivers, to the next session,
   * what it must hear before it takes over. */
  virtual void on_handover (
      const std::function<void (std::string event)> & send) = 0;
  /* The next session is now the current one. */
  virtual void on_switched () = 0;
  /* Something is expected from the server (a response): a silent link is
   * then a stalled one. */
  virtual bool busy () const = 0;
  /* Nothing would be cut by changing sessions now. */
  virtual bool quiet () const = 0;
  /* The session is ending (EOS began): no rollover. */
  virtual bool ending () const = 0;
  /* The session has ended (EOS done): a lost connection is not retried. */
  virtual bool finished () const = 0;
};

/* One Realtime session's connection and its lifecycle: the client secret,
 * connect, session.update and the backlog of events waiting for it,
 * reconnect with back-off, stall detection, make-before-break rollover
 * before the session cap, close. Every method is called with the Core's
 * lock held (through a Guard when it may post). */
class Link
{
public:
  /* @written: an append the socket wrote, and its delay (the I/O thread,
   * no lock held; set once, so it needs none). */
  Link (Core & core, LinkConfig config, LinkListener & listener,
      std::function<void (gint64 delay_us)> written);
  ~Link () = default;
  Link (const Link &) = delete;
  Link & operator= (const Link &) = delete;

  /* Once, before open(): a reference to this Link that shares ownership
   * with its owner (an aliasing shared_ptr), for callbacks: they hold it
   * weakly, so a session torn down is not kept alive by its socket, nor
   * freed under a running callback. */
  void bind (std::weak_ptr<Link> self) { self_ = std::move (self); }

  /* Starts connecting (PROGRESS start, realtime-session connecting). */
  void open ();

  /* The session took its configuration; events go out at once. */
  bool ready () const { return ready_; }
  bool reconnecting () const { return reconnecting_; }
  const std::string & session_id () const { return session_id_; }
  const std::string & server_model () const { return server_model_; }
  /* When the server event being handled arrived (monotonic µs). */
  gint64 frame_arrived_us () const { return frame_arrived_us_; }

  std::string next_event_id (const char * prefix);
  /* Sends @text, or keeps it in the backlog until the session is ready
   * (@audio_bytes count against the backlog; @since_us: when that audio
   * entered, for the input latency). */
  void send (std::string text, gsize audio_bytes = 0, gint64 since_us = 0);
  /* Sends now, ahead of the backlog. */
  void send_now (std::string text);
  /* Audio waiting in the backlog. */
  gsize backlog_audio_bytes () const { return backlog_audio_bytes_; }
  /* Frames the current socket has not written yet. */
  guint pending () const;
  /* Client events queued so far, backlog included. */
  guint64 events_queued () const { return events_queued_; }

  /* An empty session.update (of @session_type: `realtime`, or
   * `transcription` for a transcription session): its answer means the
   * server has processed every event before it. Returns the count of
   * updates it completes, 0 while it waits in the backlog (see
   * claim_barrier()). */
  guint64 send_barrier (const char * session_type = "realtime");
  /* The barrier in the backlog goes out after the session's own update:
   * its number now. */
  guint64 claim_barrier () { return ++updates_sent_; }
  guint64 updates_acked () const { return updates_acked_; }

  /* The settings changed (@update, event @id, built by the caller): the
   * current session and a configured next one get them. */
  void update_session (const std::string & id, std::string update);

  /* Watches for a stall while the listener is busy. */
  void arm_stall ();
  /* Closes the current socket (@code) and drops any next one. */
  void close (gushort code = 1000, const char * reason = "");

  /* Teardown, on the I/O thread: no timer fires after this. */
  void stop_timers ();
  /* Teardown: the sockets and requests, to be freed without the lock. */
  void
  release (std::vector<std::unique_ptr<realtime::WebSocketClient>> & sockets,
      std::vector<std::unique_ptr<realtime::ClientSecretFetch>> & fetches);

private:
  using Fatal = std::function<void (const std::string & suffix)>;

  realtime::WebSocketClient::Callbacks callbacks (guint id);
  void open_link (bool background);
  void fetch_secret (guint id, realtime::WebSocketClient::Options opts);
  void secret_fetched (guint id,
      const realtime::ClientSecretFetch::Result & result,
      realtime::WebSocketClient::Options opts);
  void retire (std::unique_ptr<realtime::WebSocketClient> old);
  template<typename T>
  void free_later (std::unique_ptr<T> old,
      std::vector<std::unique_ptr<T>> Link::*list);
  void drop_next ();
  void next_failed (const std::string & why);
  void link_down (const std::string & why, bool retryable, const Fatal & fatal);
  void begin_outage ();
  void send_on (realtime::WebSocketClient * client, std::string text,
      gint64 since_us = 0);
  void check_stall ();
  void schedule_rollover ();
  void start_rollover ();
  void try_switch ();
  void switch_link (const std::string & reason);

  void on_message (guint id, std::string_view text, gint64 arrived_us);
  void on_failed (guint id, guint status, const GError * err);
  void on_closed (guint id, gushort code, const std::string & reason);
  void on_session_created (const realtime::ServerEvent & ev);
  void on_error (const realtime::ServerEvent & ev);
  void on_next_event (const realtime::ServerEvent & ev);
  void fail_http (guint status, const GError * err, const std::string & suffix);

  Core & core_;
  const LinkConfig config_;
  LinkListener & listener_;
  const std::function<void (gint64)> written_;
  std::weak_ptr<Link> self_; /* see bind() */

  /* A client event waiting for the session; audio counts against the
   * backlog limit. */
  struct Pending
  {
    std::string text;
    gsize audio_bytes;
  };

  /* Each WebSocket has an id; callbacks of one that is no longer `conn_`
   * (or `next_conn_`) are ignored. */
  std::unique_ptr<realtime::WebSocketClient> ws_;
  guint conn_ = 0;
  guint conn_serial_ = 0;
  std::vector<std::unique_ptr<realtime::WebSocketClient>> retired_;
  /* Client-secret requests of links that wait for one, by link id, and
   * those done (freed on the I/O thread, never in their own callback). */
  std::map<guint, std::unique_ptr<realtime::ClientSecretFetch>> fetches_;
  std::vector<std::unique_ptr<realtime::ClientSecretFetch>> retired_fetches_;
  bool reconnecting_ = false; /* between a lost session and the next */
  guint attempt_ = 0;         /* tries in this outage */
  bool proven_ = true;        /* the session did something */
  Timer retry_timer_;
  Timer stall_timer_;
  Timer rollover_timer_;
  /* Session cap: the next session, opened in the background before the
   * current one expires, takes over at a quiet moment. */
  gint64 expires_at_ = 0;
  std::unique_ptr<realtime::WebSocketClient> next_ws_;
  guint next_conn_ = 0;
  bool next_ready_ = false; /* its session.update was answered */
  std::string next_session_id_;
  gint64 next_expires_at_ = 0;
  std::deque<std::string> next_update_ids_; /* sent to it, unanswered */
  guint next_attempt_ = 0;
  bool had_session_ = false; /* a session was ever ready */

  std::string session_id_;
  std::string server_model_;    /* session.model of the session */
  bool ready_ = false;          /* session.update sent */
  std::deque<Pending> backlog_; /* events waiting for `ready_` */
  gsize backlog_audio_bytes_ = 0;
  guint64 updates_sent_ = 0, updates_acked_ = 0;
  guint64 event_serial_ = 0;
  guint64 events_queued_ = 0;
  std::deque<std::string> update_event_ids_; /* sent, unanswered, in order */

  gint64 last_event_us_ = 0;  /* monotonic, last server event */
  gint64 ready_since_us_ = 0; /* the current session's start */
  gint64 frame_arrived_us_ = 0;
  guint64 bad_events_ = 0;                 /* skipped server events */
  std::deque<std::string> seen_event_ids_; /* the latest, to drop repeats */
};

/* Messages for a refused connection or client secret (link-events.cpp). */
std::string link_http_failure_text (guint status, bool client_secret);
std::string link_secret_failure (const std::string & client_secret_url,
    const realtime::ClientSecretFetch::Result & r, bool * retryable,
    gint * code);

} // namespace engine
