/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

/* The Realtime endpoint fuzz-conversation talks to: a WebSocket at
 * ws://127.0.0.1:PORT/v1/realtime (a free port) that says only what the
 * fuzzer tells it. Each connection gets a GA session.created at once and a
 * session.updated for every session.update; everything else the client
 * sends is read and ignored. New connections are accepted at any time (the
 * element reconnects, and opens the next session before one expires); the
 * fuzzer's frames go to the newest open one. libsoup objects live on the
 * server's own thread and GMainContext; the methods below may be called
 * from any other thread. */
class FakeServer
{
public:
  FakeServer () = default;
  ~FakeServer ();
  FakeServer (const FakeServer &) = delete;
  FakeServer & operator= (const FakeServer &) = delete;

  bool start (GError ** error);
  std::string url () const;

  /* Connections accepted so far, numbered from 1 in order. */
  guint64 connections () const { return connections_.load (); }
  /* The number of the newest open connection; 0 when none is open. */
  guint64 current () const { return current_.load (); }

  /* Sends @frames in order on connection @conn if it is still the newest
   * open one; FALSE (nothing sent) otherwise. Returns once they are
   * queued. */
  bool send (guint64 conn, std::vector<std::string> frames);
  /* Closes connection @conn (if it is the newest open one) with a close
   * frame. */
  void close (guint64 conn, gushort code, const std::string & reason);

private:
  struct Job;
  static gpointer thread_main (gpointer data);
  static gboolean run_job (gpointer data);
  static void on_websocket (SoupServer *, SoupServerMessage *, const char *,
      SoupWebsocketConnection * connection, gpointer data);
  static void on_message (SoupWebsocketConnection * connection, gint type,
      GBytes * message, gpointer data);
  static void on_closed (SoupWebsocketConnection * connection, gpointer data);
  void invoke (Job & job);
  void update_current ();

  GMainContext * context_ = nullptr;
  GMainLoop * loop_ = nullptr;
  GThread * thread_ = nullptr;
  SoupServer * soup_ = nullptr; /* server thread */
  /* Open connections by number, each holding a reference; server thread. */
  std::map<guint64, SoupWebsocketConnection *> open_;
  /* Numbers our own events' ids: the element drops repeated ids. */
  guint64 events_sent_ = 0; /* server thread */
  std::atomic<guint64> connections_{0};
  std::atomic<guint64> current_{0};
  guint port_ = 0;
  GError * start_error_ = nullptr;
  std::mutex lock_; /* start-up and jobs */
  std::condition_variable cond_;
  bool started_ = false;
};
