/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "core.h"
#include "link.h"

#include <gst/realtime/input-timeline.h>
#include "gstrealtimelatency.h"
#include <gst/realtime/session-settings.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace engine {

/* Appends written by the I/O thread: their latency, and a wakeup for a
 * non-live input waiting for room. Shared with the socket's callbacks,
 * which run without the session's lock. */
struct InputWrites
{
  /* The socket wrote an append @delay_us after its audio entered. */
  void record (gint64 delay_us);

  realtime::LatencyHistogram latency;
  std::mutex lock;
  std::condition_variable written;
  std::atomic<bool> waiting{false};
};

/* The service refuses to commit less than 100 ms of audio
 * (input_audio_buffer_commit_empty); such a commit is not sent. */
static constexpr guint64 MIN_COMMIT_SAMPLES = realtime::AUDIO_RATE / 10;

/* Where a stretch of samples came from: (running time, samples) runs. */
using SampleRuns = std::vector<std::pair<GstClockTime, guint64>>;

/* The input side of a session: PCM from the streaming thread cut into
 * input-chunk-ms appends, the backlog limits (input-backlog-ms while the
 * link is not ready, a bounded send queue while it is), the input
 * timeline that maps the server's audio_start_ms/audio_end_ms back to
 * running time, the uncommitted input a rollover carries over, and the
 * backpressure of a non-live input. Knows the Link, nothing of responses
 * or playout.
 *
 * The chunking is hand-written rather than a GstAdapter: every append
 * must carry the (running time, samples) runs of all the buffers it spans
 * for the input timeline, and GstAdapter reports only the timestamp at
 * an offset, not the buffer boundaries inside a take; the chunk is copied
 * once into the base64 text of the event either way.
 *
 * Methods are called with the Core's lock held, except wait_for_room(). */
class Uplink
{
public:
  Uplink (Core & core, Link & link, std::shared_ptr<InputWrites> writes,
      const realtime::SessionSettings & session, guint chunk_ms,
      guint input_backlog_ms);

  /* @size bytes of S16LE 24 kHz mono whose first sample is at
   * @running_time (NONE: untimed); @entered_us: when it entered the bin. */
  void push (const guint8 * data, gsize size, GstClockTime running_time,
      gint64 entered_us);
  /* Sends what is left of the chunk (commit, EOS; @entered_us: when the
   * buffer that completed it entered). */
  void flush_chunk (gint64 entered_us = 0);
  /* Audio from before a flushing seek is stale: not sent. */
  void clear_chunk ();
  /* The input so far, committed as the user's turn. */
  void commit ();
  /* input_audio_buffer.clear: the uncommitted input is dropped. */
  void clear ();

  /* Running time after the last sample pushed. */
  GstClockTime input_end () const { return input_end_; }
  /* Samples since the last commit or clear. */
  guint64 uncommitted_samples () const { return uncommitted_samples_; }
  void set_uncommitted_samples (guint64 samples)
  {
    uncommitted_samples_ = samples;
  }
  /* The running time of a server's audio_*_ms. */
  GstClockTime running_time_at_ms (guint64 ms) const
  {
    return timeline_.running_time_at_ms (ms);
  }
  /* How much uncommitted input a rollover carries over. */
  guint64 carry_ms () const;

  /* The session's input is in a committed item now. */
  void forget_recent ();
  /* The session was lost; @was_ready: its timeline is void. */
  void on_outage (bool was_ready);
  /* A rollover: the uncommitted input goes to the next session through
   * @send, and starts its timeline. Returns the samples carried. */
  guint64 hand_over (const std::function<void (std::string)> & send);

  void set_chunk_ms (guint chunk_ms) { chunk_ms_ = chunk_ms; }
  /* Adds the input latency percentiles to @stats. */
  void fill_stats (RealtimeStats & stats) const;

  /* Streaming thread, without the lock: a non-live input waits while too
   * much of it is queued for the socket. */
  void wait_for_room ();

private:
  void send_append (const guint8 * data, gsize size, const SampleRuns & times,
      gint64 entered_us = 0);
  void keep_recent (const guint8 * data, gsize size, const SampleRuns & times);
  void note_dropped (guint64 ms);

  Core & core_;
  Link & link_;
  const std::shared_ptr<InputWrites> writes_;
  const realtime::SessionSettings & session_;
  guint chunk_ms_;
  const guint input_backlog_ms_;

  std::vector<guint8> chunk_; /* PCM not yet appended */
  SampleRuns chunk_times_;    /* where the chunk's samples came from */
  realtime::InputTimeline timeline_;
  GstClockTime input_end_ = GST_CLOCK_TIME_NONE;
  guint64 uncommitted_samples_ = 0;
  bool backlog_warned_ = false;
  /* Input the current session has not committed, newest last (bounded by
   * carry_ms ()): at a rollover it goes to the next session too, so speech
   * the old server had not yet noticed is not cut. */
  std::deque<std::pair<std::vector<guint8>, SampleRuns>> recent_;
  gsize recent_bytes_ = 0;
};

} // namespace engine
