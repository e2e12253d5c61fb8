/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace realtime {

/* The one thread that runs every Realtime WebSocket in the process, with a
 * GMainContext of its own (design rule: libsoup objects live there; a
 * process may hold hundreds of sessions, one per camera, and they share it).
 * Streaming and application threads hand work over with invoke() and never
 * wait on the network.
 *
 * Each main-loop iteration walks every source and polls every socket of
 * the context, so its cost grows with the number of connections (about
 * 1 µs each). The thread therefore starts at most one iteration per batch
 * interval: what arrives meanwhile — frames from many sockets, tasks from
 * many sessions — is handled together, at a delay of at most that
 * interval. The interval is 10 µs per connection, so walking costs about a
 * tenth of a core whatever their number, within 1 ms (the least, up to 100
 * connections) and 4 ms (the most, from 400). */
class IoThread
{
public:
  /* The shared thread, started on first use; it stops when the last
   * holder lets go. Never drop the last reference from the I/O thread. */
  static std::shared_ptr<IoThread> acquire ();

  /* The batch interval (µs), per connection, and its bounds. */
  static constexpr gint64 BATCH_US_PER_CONNECTION = 10;
  static constexpr gint64 MIN_BATCH_US = 1000;
  static constexpr gint64 MAX_BATCH_US = 4000;
  /* The interval for @connections WebSocket connections. */
  static gint64 batch_us (gint connections);

  /* WebSocket connections on the thread (they set the batch interval). */
  void connection_added () { connections_++; }
  void connection_removed () { connections_--; }

  ~IoThread ();
  IoThread (const IoThread &) = delete;
  IoThread & operator= (const IoThread &) = delete;

  GMainContext * context () const { return context_; }
  bool is_current () const;

  /* Runs @fn on the I/O thread, later (also when called from it). */
  void invoke (std::function<void ()> fn);
  /* Runs @fn on the I/O thread and waits for it; runs it at once when
   * already there. */
  void invoke_sync (const std::function<void ()> & fn);

  /* Runs @fn on the I/O thread once, @ms from now, unless cancelled first.
   * Every timer of the process shares one source, so sessions' timers add
   * nothing to the cost of an iteration. Returns the timer's id (never 0).
   * Any thread. */
  guint64 add_timer (guint ms, std::function<void ()> fn);
  /* Forgets timer @id if it has not started; any thread. A timer already
   * running may still be finishing: cancel on the I/O thread to be sure it
   * is done. */
  void cancel_timer (guint64 id);

private:
  IoThread ();
  static gpointer run (gpointer data);
  static gboolean dispatch_tasks (GSource * source, GSourceFunc, gpointer);
  static gboolean dispatch_timers (GSource * source, GSourceFunc, gpointer);

  GMainContext * context_;
  GMainLoop * loop_;
  std::atomic<gint> connections_{0};
  GThread * thread_;
  /* invoke()'s queue, run in order by one source: one wakeup for many
   * tasks, and no source made and attached per task. */
  GSource * tasks_source_;
  std::mutex tasks_lock_;
  std::vector<std::function<void ()>> tasks_;
  /* add_timer()'s timers by deadline (monotonic µs), and where each id
   * is; one source, ready at the earliest deadline. */
  using Timers =
      std::multimap<gint64, std::pair<guint64, std::function<void ()>>>;
  GSource * timers_source_;
  std::mutex timers_lock_;
  Timers timers_;
  std::unordered_map<guint64, Timers::iterator> timer_ids_;
  guint64 timer_serial_ = 0;
};

} // namespace realtime
