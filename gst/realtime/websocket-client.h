/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "io-thread.h"

#include <gio/gio.h>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace realtime {

/* One WebSocket connection to a Realtime endpoint, living on the shared
 * I/O thread. Every method may be called from any thread except where
 * noted; callbacks run on the I/O thread, never after the destructor has
 * returned. */
class WebSocketClient
{
public:
  struct Callbacks
  {
    std::function<void ()> opened;
    /* One text frame (one server event). */
    std::function<void (std::string_view text)> message;
    /* The handshake failed: @http_status is the HTTP status when the server
     * answered (401, 429…), else 0 (unreachable, TLS…). */
    std::function<void (guint http_status, const GError * error)> failed;
    /* The open connection closed: the close code (1006 when it dropped
     * without a close frame) and reason. */
    std::function<void (gushort code, const std::string & reason)> closed;
    /* A frame sent with a time (see send()) has been written: how long
     * after that time, in µs. */
    std::function<void (gint64 delay_us)> written;
  };

  struct Options
  {
    std::string url;
    /* Extra request headers, e.g. Authorization. Kept only for the
     * handshake and never logged. */
    std::vector<std::pair<std::string, std::string>> headers;
    std::string ca_file; /* extra trusted CA (PEM); empty: system */
    gsize max_incoming_payload = 16 * 1024 * 1024;
    /* How often a quiet connection is looked for (keepalive pings go only
     * where nothing went either way for this long). */
    guint keepalive_check_ms = 10000;
  };

  /* Once a close frame went either way, how long the peer has to close
   * the TCP connection before we drop it (and report `closed`). Shorter
   * than libsoup's own 5 s close timeout, which must never fire: when it
   * does, libsoup (3.2.3, and 3.7.1 still: on_timeout_close_io() clears
   * its pointer without an unref) leaks the timeout's GSource, one per
   * connection. Without this wait, test_peer_never_closes
   * (tests/check/libs/websocket-client.cpp) fails under LeakSanitizer. */
  static constexpr guint CLOSE_WAIT_MS = 4000;

  WebSocketClient (std::shared_ptr<IoThread> thread, Callbacks callbacks);
  /* Closes (1000) if open and waits until the I/O thread has let go. Must
   * not run inside one of this client's own callbacks (on the I/O thread
   * it runs inline). */
  ~WebSocketClient ();

  WebSocketClient (const WebSocketClient &) = delete;
  WebSocketClient & operator= (const WebSocketClient &) = delete;

  void connect (Options options);
  /* Queues @text; frames leave in order on the I/O thread. Frames sent
   * before the connection opened wait for it; frames sent after it closed
   * are dropped (and counted). @since_us (monotonic, optional): when its
   * content became available, for the `written` callback. */
  void send (std::string text, gint64 since_us = 0);
  void close (gushort code = 1000, std::string reason = {});

  /* Frames queued but not yet handed to libsoup, which takes a frame only
   * while the socket can take more (so what it holds is bounded: see
   * flush_state()), and frames dropped because the connection was not
   * open. */
  gsize pending () const;
  guint64 dropped () const;
  /* Whether keepalive pings are on: the connection has been quiet. */
  bool pinging () const;

  /* Defined in the .cpp; shared with in-flight I/O callbacks. */
  struct State;

private:
  std::shared_ptr<IoThread> thread_;
  std::shared_ptr<State> state_;
};

} // namespace realtime
