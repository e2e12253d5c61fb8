/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gstrealtimeinput.h"
#include "gstrealtimemessages.h"
#include "gstrealtimeoutput.h"

#include <gst/gst.h>
#include <gst/realtime/io-thread.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

/* The engine of one Realtime session, in parts that each own their state
 * (docs/architecture.md, "The engine"): Link, Uplink, Voice, Playout,
 * Turns, wired by a facade (RealtimeConversation for realtimebin). */
namespace engine {

class Guard;

/* What all parts of one session share: the element they speak for, the I/O
 * thread, the one lock that guards every part, and what is collected under
 * that lock to be done once it is released (bus messages, output flushes,
 * the input's EOS, after-hooks). Collecting is only allowed while a Guard
 * holds the lock: the Guard's destructor releases it and drains, so no
 * caller can forget the drain.
 *
 * Lock order, whole: the element's settings lock (a property change
 * applied to the running engine), then the uplink's InputWrites lock (the
 * non-live hold), then `lock`, then an output's lock. `lock` is never held
 * while posting (sync bus handlers may call back in) or flushing (the
 * output's task calls back in). */
class Core
{
public:
  Core (GstElement * element, GstRealtimeInput * input);
  virtual ~Core ();

  Core (const Core &) = delete;
  Core & operator= (const Core &) = delete;

  GstElement * const bin;
  GstRealtimeInput * const input;
  const std::shared_ptr<realtime::IoThread> io = realtime::IoThread::acquire ();

  /* Guards every part of this session (and the fields below). Take it with
   * a Guard to change anything that may post; with a std::lock_guard only
   * to read or to set a plain value. */
  std::mutex lock;

  /* --- with `lock` held by a Guard --- */
  void post (GstMessage * msg);
  /* Flushes @out after unlocking; its next data starts at @at. */
  void flush (GstRealtimeOutput * out, GstClockTime at);
  /* The input's EOS message, after unlocking (lets the bin end). */
  void post_input_eos ();
  /* Runs @fn after unlocking (an application callback). */
  void after (std::function<void ()> fn);

  void warn (GQuark domain, gint code, const std::string & text,
      const std::string & debug, GstStructure * details = nullptr);
  /* A failure that ends the session (posted once). */
  void fail (GQuark domain, gint code, const std::string & text,
      const std::string & debug, GstStructure * details = nullptr);
  /* realtime-session closed, once per session. */
  void post_closed (const std::string & session_id, const std::string & reason);

  bool closing = false;       /* our side closes: ignore the rest */
  bool failed = false;        /* fatal error queued */
  bool progress_done = false; /* the connect PROGRESS ended */
  RealtimeStats stats;

  /* --- any thread, no lock --- */
  /* The pipeline's running time now (NONE unless PLAYING). */
  GstClockTime now ();
  bool live () { return gst_realtime_input_is_live (input); }

  /* Streaming thread, without the lock: waits (bounded) until the error
   * fail() queued is on the bus, so it comes before upstream's own. */
  void wait_for_error_posted ();

  /* The destructor's last step: messages nobody will post. */
  void discard_posts ();

protected:
  /* A fatal failure was queued (with `lock` held). */
  virtual void on_failed () {}
  /* At each drain, with `lock` held: whether idle time has begun since the
   * last drain (then wake_outputs() runs, unlocked). */
  virtual bool idle_again () { return false; }
  virtual void wake_outputs () {}

private:
  friend class Guard;
  void drain ();

  int guards_ = 0; /* Guards holding `lock` (0 or 1) */
  std::vector<GstMessage *> posts_;
  std::vector<GstRealtimeOutput *> flushes_;
  GstClockTime flush_at_ = GST_CLOCK_TIME_NONE;
  bool input_eos_ = false;
  bool draining_ = false; /* a thread is in drain() */
  std::vector<std::function<void ()>> after_;
  bool closed_posted_ = false;
  bool error_posted_ = false;
  std::condition_variable error_posted_cond_;
};

/* Holds a Core's lock; on release it unlocks and then drains what was
 * collected meanwhile (posts, flushes, after-hooks, the input's EOS). Every
 * entry point into the engine that may change state takes one, so the
 * drain follows every such unlock by construction. Not for the outputs'
 * pad tasks (a drain may flush them): they read under a plain lock. */
class Guard
{
public:
  explicit Guard (Core & core) : core_ (core), lk_ (core.lock)
  {
    core_.guards_++;
  }
  ~Guard ()
  {
    if (lk_.owns_lock ())
      unlock ();
    core_.drain ();
  }
  Guard (const Guard &) = delete;
  Guard & operator= (const Guard &) = delete;

  /* Lets go early (the drain still waits for the destructor). */
  void unlock ()
  {
    core_.guards_--;
    lk_.unlock ();
  }

private:
  Core & core_;
  std::unique_lock<std::mutex> lk_;
};

/* A one-shot timer on the I/O thread. Its function runs under a Guard,
 * only while this timer still names it (one restarted or stopped meanwhile
 * does nothing) and while the session neither closes nor failed. Started
 * and stopped with the lock held; the owner stops it on the I/O thread
 * before it is freed. */
class Timer
{
public:
  explicit Timer (Core & core) : core_ (core) {}
  ~Timer () = default;
  Timer (const Timer &) = delete;
  Timer & operator= (const Timer &) = delete;

  void start (guint ms, std::function<void ()> fn);
  void stop ();
  bool armed () const { return id_ != 0; }

private:
  Core & core_;
  guint64 id_ = 0;
};

/* Queues @text (when not empty) on @out, stamped @pts for @duration. */
void push_text (GstRealtimeOutput * out, const std::string & text,
    GstClockTime pts, GstClockTime duration);

} // namespace engine
