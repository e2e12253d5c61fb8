/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include <functional>
#include <memory>

namespace realtime {

/* The one thread that runs every Realtime WebSocket in the process, with a
 * GMainContext of its own (design rule: libsoup objects live there; a
 * process may hold hundreds of sessions, one per camera, and they share it).
 * Streaming and application threads hand work over with invoke() and never
 * wait on the network. */
class IoThread {
public:
  /* The shared thread, started on first use; it stops when the last
   * holder lets go. Never drop the last reference from the I/O thread. */
  static std::shared_ptr<IoThread> acquire ();

  ~IoThread ();
  IoThread (const IoThread &) = delete;
  IoThread &operator= (const IoThread &) = delete;

  GMainContext *context () const { return context_; }
  bool is_current () const;

  /* Runs @fn on the I/O thread, later (also when called from it). */
  void invoke (std::function<void ()> fn);
  /* Runs @fn on the I/O thread and waits for it; runs it at once when
   * already there. */
  void invoke_sync (const std::function<void ()> &fn);

private:
  IoThread ();
  static gpointer run (gpointer data);

  GMainContext *context_;
  GMainLoop *loop_;
  GThread *thread_;
};

}  // namespace realtime
