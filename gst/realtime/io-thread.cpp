/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "io-thread.h"

#include <condition_variable>
#include <mutex>

namespace realtime {

namespace {

std::mutex shared_lock;
std::weak_ptr<IoThread> shared_thread;

struct Task {
  std::function<void ()> fn;
};

gboolean
run_task (gpointer data)
{
  static_cast<Task *> (data)->fn ();
  return G_SOURCE_REMOVE;
}

void
free_task (gpointer data)
{
  delete static_cast<Task *> (data);
}

}  // namespace

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
  thread_ = g_thread_new ("realtime-io", run, this);
}

gpointer
IoThread::run (gpointer data)
{
  auto *self = static_cast<IoThread *> (data);
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
  GSource *source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, run_task, new Task {std::move (fn)},
      free_task);
  g_source_attach (source, context_);
  g_source_unref (source);
}

void
IoThread::invoke_sync (const std::function<void ()> &fn)
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

}  // namespace realtime
