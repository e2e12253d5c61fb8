/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "io-thread.h"

#include <condition_variable>
#include <mutex>

namespace realtime {

namespace {

std::mutex shared_lock;
std::weak_ptr<IoThread> shared_thread;

/* The tasks' and the timers' sources. */
struct ThreadSource
{
  GSource source;
  IoThread * thread;
};

GSource *
thread_source_new (IoThread * thread, GSourceFuncs * funcs, const char * name,
    GMainContext * context)
{
  GSource * source = g_source_new (funcs, sizeof (ThreadSource));
  reinterpret_cast<ThreadSource *> (source)->thread = thread;
  g_source_set_name (source, name);
  g_source_set_ready_time (source, -1);
  g_source_attach (source, context);
  return source;
}

/* The thread polling (only the I/O thread polls), and when its previous
 * poll returned. */
thread_local std::atomic<gint> * polling_connections = nullptr;
thread_local gint64 last_poll_end = 0;

/* The context's poll: sleeps off the rest of the batch interval first, so
 * everything that arrives meanwhile is handled by one iteration. */
gint
batched_poll (GPollFD * fds, guint n_fds, gint timeout_ms)
{
  gint64 batch = IoThread::batch_us (polling_connections
          ? polling_connections->load (std::memory_order_relaxed)
          : 0);
  gint64 since = g_get_monotonic_time () - last_poll_end;
  if (since >= 0 && since < batch) {
    gint64 wait = batch - since;
    g_usleep ((gulong) wait);
    if (timeout_ms > 0)
      timeout_ms = MAX (0, timeout_ms - (gint) (wait / 1000));
  }
  gint ready = g_poll (fds, n_fds, timeout_ms);
  last_poll_end = g_get_monotonic_time ();
  return ready;
}

} // namespace

std::shared_ptr<IoThread>
IoThread::acquire ()
{
  std::lock_guard<std::mutex> lk (shared_lock);
  std::shared_ptr<IoThread> thread = shared_thread.lock ();
  if (!thread) {
    thread.reset (new IoThread ());
    shared_thread = thread;
  }
  return thread;
}

IoThread::IoThread ()
    : context_ (g_main_context_new ()),
      loop_ (g_main_loop_new (context_, FALSE))
{
  static GSourceFuncs tasks_funcs = {nullptr, nullptr, dispatch_tasks, nullptr,
      nullptr, nullptr};
  static GSourceFuncs timers_funcs = {nullptr, nullptr, dispatch_timers,
      nullptr, nullptr, nullptr};
  tasks_source_ =
      thread_source_new (this, &tasks_funcs, "realtime-io tasks", context_);
  timers_source_ =
      thread_source_new (this, &timers_funcs, "realtime-io timers", context_);
  g_main_context_set_poll_func (context_, batched_poll);
  thread_ = g_thread_new ("realtime-io", run, this);
}

/* Runs the queued tasks, in order; tasks they invoke run next time. */
gboolean
IoThread::dispatch_tasks (GSource * source, GSourceFunc, gpointer)
{
  IoThread * self = reinterpret_cast<ThreadSource *> (source)->thread;
  /* Disarmed before taking the queue: a task queued after this re-arms. */
  g_source_set_ready_time (source, -1);
  std::vector<std::function<void ()>> batch;
  {
    std::lock_guard<std::mutex> lk (self->tasks_lock_);
    batch.swap (self->tasks_);
  }
  for (auto & fn : batch)
    fn ();
  return G_SOURCE_CONTINUE;
}

/* Runs the timers that are due, in deadline order, then waits for the
 * next one. */
gboolean
IoThread::dispatch_timers (GSource * source, GSourceFunc, gpointer)
{
  IoThread * self = reinterpret_cast<ThreadSource *> (source)->thread;
  gint64 now = g_get_monotonic_time ();
  std::vector<std::function<void ()>> due;
  {
    std::lock_guard<std::mutex> lk (self->timers_lock_);
    auto end = self->timers_.upper_bound (now);
    for (auto it = self->timers_.begin (); it != end; ++it) {
      self->timer_ids_.erase (it->second.first);
      due.push_back (std::move (it->second.second));
    }
    self->timers_.erase (self->timers_.begin (), end);
    g_source_set_ready_time (source,
        self->timers_.empty () ? -1 : self->timers_.begin ()->first);
  }
  for (auto & fn : due)
    fn ();
  return G_SOURCE_CONTINUE;
}

guint64
IoThread::add_timer (guint ms, std::function<void ()> fn)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;
  std::lock_guard<std::mutex> lk (timers_lock_);
  guint64 id = ++timer_serial_;
  auto it = timers_.emplace (deadline, std::make_pair (id, std::move (fn)));
  timer_ids_.emplace (id, it);
  if (it == timers_.begin ())
    g_source_set_ready_time (timers_source_, deadline);
  return id;
}

void
IoThread::cancel_timer (guint64 id)
{
  /* Taken out of the map, not run; the source may wake once for nothing. */
  std::function<void ()> dropped;
  {
    std::lock_guard<std::mutex> lk (timers_lock_);
    auto found = timer_ids_.find (id);
    if (found == timer_ids_.end ())
      return;
    dropped = std::move (found->second->second.second);
    timers_.erase (found->second);
    timer_ids_.erase (found);
  }
}

gint64
IoThread::batch_us (gint connections)
{
  return CLAMP ((gint64) connections * BATCH_US_PER_CONNECTION, MIN_BATCH_US,
      MAX_BATCH_US);
}

gpointer
IoThread::run (gpointer data)
{
  auto * self = static_cast<IoThread *> (data);
  polling_connections = &self->connections_;
  g_main_context_push_thread_default (self->context_);
  g_main_loop_run (self->loop_);
  /* Let sources that were already queued (e.g. teardown) finish. */
  while (g_main_context_iteration (self->context_, FALSE)) {
  }
  g_main_context_pop_thread_default (self->context_);
  return nullptr;
}

IoThread::~IoThread ()
{
  g_assert (!is_current ());
  invoke ([this] { g_main_loop_quit (loop_); });
  g_thread_join (thread_);
  g_source_destroy (tasks_source_);
  g_source_unref (tasks_source_);
  g_source_destroy (timers_source_);
  g_source_unref (timers_source_);
  g_main_loop_unref (loop_);
  g_main_context_unref (context_);
}

bool
IoThread::is_current () const
{
  return g_main_context_is_owner (context_);
}

void
IoThread::invoke (std::function<void ()> fn)
{
  bool first;
  {
    std::lock_guard<std::mutex> lk (tasks_lock_);
    first = tasks_.empty ();
    tasks_.push_back (std::move (fn));
  }
  /* Only the first task of a batch wakes the thread. */
  if (first)
    g_source_set_ready_time (tasks_source_, 0);
}

void
IoThread::invoke_sync (const std::function<void ()> & fn)
{
  if (is_current ()) {
    fn ();
    return;
  }
  std::mutex lock;
  std::condition_variable cond;
  bool done = false;
  invoke ([&] {
    fn ();
    std::lock_guard<std::mutex> lk (lock);
    done = true;
    cond.notify_one ();
  });
  std::unique_lock<std::mutex> lk (lock);
  cond.wait (lk, [&] { return done; });
}

} // namespace realtime
