/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "uplink.h"

#include <gst/realtime/client-events.h>

#include <chrono>

/* Input audio the socket has not written yet (an uplink slower than real
 * time) is bounded: beyond this it is dropped and counted. */
static constexpr guint64 MAX_SEND_QUEUE_MS = 10000;
/* A non-live input (a file) waits while this much of it is queued for the
 * socket, instead of running into MAX_SEND_QUEUE_MS and losing audio. */
static constexpr guint64 NON_LIVE_HOLD_MS = 5000;

namespace engine {

void
InputWrites::record (gint64 delay_us)
{
  latency.record (delay_us);
  if (waiting) {
    std::lock_guard<std::mutex> lk (lock);
    written.notify_all ();
  }
  realtime::LatencyHistogram::process_input ().record (delay_us);
}

Uplink::Uplink (Core & core, Link & link, std::shared_ptr<InputWrites> writes,
    const realtime::SessionSettings & session, guint chunk_ms,
    guint input_backlog_ms)
    : core_ (core), link_ (link), writes_ (std::move (writes)),
      session_ (session), chunk_ms_ (chunk_ms),
      input_backlog_ms_ (input_backlog_ms)
{}

void
Uplink::push (const guint8 * data, gsize size, GstClockTime running_time,
    gint64 entered_us)
{
  gsize samples = size / 2;
  input_end_ = GST_CLOCK_TIME_IS_VALID (running_time) ? running_time +
          gst_util_uint64_scale_int (samples, GST_SECOND, realtime::AUDIO_RATE)
                                                      : GST_CLOCK_TIME_NONE;
  uncommitted_samples_ += samples;

  gsize chunk_bytes = (gsize) chunk_ms_ * realtime::AUDIO_BYTES_PER_MS;
  const guint8 * p = data;
  gsize left = samples * 2;
  while (left > 0) {
    /* input-chunk-ms lowered while a chunk was filling: send what it has
     * (the subtraction below would wrap). */
    if (chunk_.size () >= chunk_bytes)
      flush_chunk (entered_us);
    gsize take = MIN (left, chunk_bytes - chunk_.size ());
    GstClockTime rt = GST_CLOCK_TIME_IS_VALID (running_time)
        ? running_time +
            gst_util_uint64_scale_int ((p - data) / 2, GST_SECOND,
                realtime::AUDIO_RATE)
        : GST_CLOCK_TIME_NONE;
    chunk_times_.emplace_back (rt, take / 2);
    chunk_.insert (chunk_.end (), p, p + take);
    p += take;
    left -= take;
    if (chunk_.size () >= chunk_bytes)
      flush_chunk (entered_us);
  }
}

void
Uplink::flush_chunk (gint64 entered_us)
{
  if (chunk_.empty ())
    return;
  send_append (chunk_.data (), chunk_.size (), chunk_times_, entered_us);
  chunk_.clear ();
  chunk_times_.clear ();
}

void
Uplink::clear_chunk ()
{
  chunk_.clear ();
  chunk_times_.clear ();
}

void
Uplink::commit ()
{
  flush_chunk ();
  link_.send (realtime::build_input_audio_buffer_commit ());
  forget_recent ();
}

void
Uplink::clear ()
{
  clear_chunk ();
  forget_recent ();
  uncommitted_samples_ = 0;
  link_.send (realtime::build_input_audio_buffer_clear ());
}

/* One chunk of input audio (@times: where its samples came from). Audio
 * that cannot be sent yet (connecting, reconnecting) waits, up to
 * input-backlog-ms, and so does audio the socket has not written (slow
 * uplink), up to MAX_SEND_QUEUE_MS; beyond that it is dropped and
 * counted, never allowed to block the streaming thread or grow forever.
 * Only audio the session gets is on its input timeline. */
void
Uplink::send_append (const guint8 * data, gsize size, const SampleRuns & times,
    gint64 entered_us)
{
  bool ready = link_.ready ();
  guint64 limit = (guint64) (ready ? MAX_SEND_QUEUE_MS : input_backlog_ms_) *
      realtime::AUDIO_BYTES_PER_MS;
  guint64 waiting = ready
      ? (guint64) link_.pending () * chunk_ms_ * realtime::AUDIO_BYTES_PER_MS
      : link_.backlog_audio_bytes ();
  if (waiting + size > limit) {
    note_dropped (size / realtime::AUDIO_BYTES_PER_MS);
    return;
  }
  for (const auto & [rt, samples] : times)
    timeline_.append (rt, samples);
  link_.send (realtime::build_input_audio_buffer_append (data, size), size,
      entered_us);
  if (ready)
    keep_recent (data, size, times);
}

/* Push-to-talk: all of the uncommitted input (up to input-backlog-ms);
 * VAD: what the server may not have noticed yet, its prefix padding plus
 * half a second. */
guint64
Uplink::carry_ms () const
{
  if (session_.turn_detection == realtime::TurnDetection::None)
    return input_backlog_ms_;
  return (guint64) session_.vad_prefix_padding_ms + 500;
}

void
Uplink::keep_recent (const guint8 * data, gsize size, const SampleRuns & times)
{
  recent_.emplace_back (std::vector<guint8> (data, data + size), times);
  recent_bytes_ += size;
  guint64 limit = carry_ms () * realtime::AUDIO_BYTES_PER_MS;
  while (!recent_.empty () &&
      recent_bytes_ - recent_.front ().first.size () >= limit) {
    recent_bytes_ -= recent_.front ().first.size ();
    recent_.pop_front ();
  }
}

void
Uplink::forget_recent ()
{
  recent_.clear ();
  recent_bytes_ = 0;
}

void
Uplink::on_outage (bool was_ready)
{
  if (was_ready) {
    timeline_.reset ();
    backlog_warned_ = false;
  }
  forget_recent (); /* handed to the dead socket */
}

guint64
Uplink::hand_over (const std::function<void (std::string)> & send)
{
  timeline_.reset ();
  guint64 carried = 0;
  for (const auto & [pcm, times] : recent_) {
    for (const auto & [rt, samples] : times)
      timeline_.append (rt, samples);
    send (realtime::build_input_audio_buffer_append (pcm.data (), pcm.size ()));
    carried += pcm.size () / 2;
  }
  return carried;
}

void
Uplink::note_dropped (guint64 ms)
{
  core_.stats.dropped_audio_ms += ms;
  if (backlog_warned_)
    return;
  backlog_warned_ = true;
  bool ready = link_.ready ();
  std::string limit =
      std::to_string (ready ? MAX_SEND_QUEUE_MS : input_backlog_ms_) + " ms";
  if (!ready)
    core_.warn (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
        "The Realtime API session is not ready (connecting or "
        "reconnecting): input audio beyond input-backlog-ms (" +
            limit +
            ") is being dropped until it is (see the stats property for how "
            "much).",
        "more than " + limit +
            " of input audio kept while "
            "waiting for the session");
  else
    core_.warn (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
        "The connection to the Realtime API is too slow: input audio is "
        "being dropped (see the stats property for how much).",
        "more than " + limit + " of input audio waiting to be sent");
}

void
Uplink::fill_stats (RealtimeStats & stats) const
{
  stats.input_latency_p50_us = writes_->latency.percentile (0.5);
  stats.input_latency_p99_us = writes_->latency.percentile (0.99);
}

/* Backpressure for a non-live input: it can push far faster than real
 * time, so it waits while NON_LIVE_HOLD_MS of its audio is queued for the
 * open socket, as a file sink would hold it back. A live input never waits
 * (late audio is worse than lost audio there), nor does any input while
 * the session is not ready (input-backlog-ms applies), failed, closing or
 * its pad is flushing (a seek, a state change to READY). */
void
Uplink::wait_for_room ()
{
  if (core_.live ())
    return;
  GstPad * pad = nullptr; /* looked up once it must wait */
  InputWrites & writes = *writes_;
  /* Set before the first check, so a write after it always notifies. */
  writes.waiting = true;
  for (;;) {
    /* Held from the check to the wait: a write cannot slip between. */
    std::unique_lock<std::mutex> wl (writes.lock);
    {
      /* Only reads: nothing to drain. */
      std::lock_guard<std::mutex> lk (core_.lock);
      if (core_.failed || core_.closing || !link_.ready () ||
          (guint64) link_.pending () * chunk_ms_ < NON_LIVE_HOLD_MS)
        break;
    }
    if (pad == nullptr)
      pad = gst_element_get_static_pad (GST_ELEMENT (core_.input), "sink");
    if (pad == nullptr || GST_PAD_IS_FLUSHING (pad))
      break;
    /* Woken when appends are written; the timeout catches the rest (a
     * flushing pad, a failure). */
    writes.written.wait_for (wl, std::chrono::milliseconds (5));
  }
  writes.waiting = false;
  if (pad)
    gst_object_unref (pad);
}

} // namespace engine
