/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "scenario.h"

#include <gio/gio.h>

#include <memory>
#include <string>

namespace realtime::sim {

/* Faults the simulator injects, for testing clients against a bad network or
 * a misbehaving server. "After N events" counts server events sent on one
 * connection; "after MS" counts from the WebSocket opening. -1 disables. */
struct FaultOptions
{
  gint64 drop_after_events = -1; /* cut the TCP connection, no close frame */
  gint64 drop_after_ms = -1;
  gint64 drop_jitter_ms = 0;      /* + a random 0..this per connection */
  gint64 close_after_events = -1; /* send a close frame ... */
  gint64 close_after_ms = -1;
  int close_code = 1011; /* ... with this code and reason */
  std::string close_reason = "Simulated server error";
  gint64 malformed_after_events = -1;     /* one frame that is not JSON */
  gint64 unknown_event_after_events = -1; /* one event of an unknown type */
  gint64 oversized_after_events = -1;     /* one oversized text frame */
  gsize oversized_bytes = 16 * 1024 * 1024;
  bool invalid_base64_delta = false; /* first audio delta of each response */
  /* Every audio delta carries an odd number of bytes: each response's
   * audio re-cut, the bytes and their order unchanged. */
  bool odd_delta_bytes = false;
  /* Every event is sent twice (the copy marked as a fault in the log). */
  bool duplicate_events = false;
  gint64 stall_after_events = -1; /* stop sending anything ... */
  gint64 stall_ms = 0;            /* ... for this long */
  /* The same, counted in audio deltas sent on the connection: lands in
   * the middle of a response whatever else was said before. */
  gint64 drop_after_deltas = -1;
  gint64 stall_after_deltas = -1;
  guint handshake_status = 0; /* refuse the handshake with this HTTP status */
  /* Faults apply to the first N connections only (-1: all), so a client's
   * reconnect can succeed. */
  gint64 fault_connections = -1;
};

struct SimulatorOptions
{
  std::string host = "127.0.0.1";
  guint port = 0;      /* 0: pick a free port */
  std::string api_key; /* empty: no key required */
  /* Azure OpenAI's GA endpoint: /openai/v1/realtime, the key in an
   * `api-key` header (or an Entra token as Bearer). */
  bool azure = false;
  Scenario scenario = Scenario::make_default ();
  double pace = 1.0;     /* 1: real time; 4: four times faster; 0: instant */
  gint64 delta_ms = 100; /* audio per output_audio.delta */
  gint64 session_lifetime_s =
      3600;             /* expires_at; the session closes with 1001 then */
  std::string log_path; /* every frame, both directions, as JSON lines */
  /* PEM files: serve wss:// instead of ws:// (both or neither). */
  std::string tls_certificate;
  std::string tls_private_key;
  FaultOptions faults;
};

class Server;

/* A Realtime API simulator serving ws://HOST:PORT/v1/realtime on a thread
 * of its own, for tests (in-process) and for gst-realtime-simulator.
 * Every method is called from the owning thread, never from the
 * simulator's thread. */
class Simulator
{
public:
  explicit Simulator (SimulatorOptions options);
  ~Simulator ();

  Simulator (const Simulator &) = delete;
  Simulator & operator= (const Simulator &) = delete;

  /* Synthesizes the scenario's speech (Scenario::prepare_speech()), then
   * starts listening; returns FALSE with @error when the speech cannot be
   * synthesized, the port cannot be bound or the log file cannot be
   * opened. */
  gboolean start (GError ** error);
  /* Closes every connection and joins the thread. Also done by the
   * destructor. */
  void stop ();

  guint port () const;
  /* ws://HOST:PORT/v1/realtime, or wss:// with TLS */
  std::string url () const;

  /* Connections accepted so far (handshakes that became WebSockets). */
  guint connection_count () const;
  /* Sessions alive now: each ends when its connection closes. */
  guint session_count () const;

private:
  std::unique_ptr<Server> server_;
};

} // namespace realtime::sim
