/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "core.h"

#include "gstrealtimeelements.h"

#include <chrono>

#define GST_CAT_DEFAULT gst_realtime_debug

namespace engine {

Core::Core (GstElement * element, GstRealtimeInput * input_element)
    : bin (element), input (input_element)
{}

Core::~Core ()
{
  discard_posts ();
}

void
Core::post (GstMessage * msg)
{
  /* Collected only where a Guard will drain it. */
  g_assert (guards_ > 0);
  posts_.push_back (msg);
}

void
Core::flush (GstRealtimeOutput * out, GstClockTime at)
{
  g_assert (guards_ > 0);
  flushes_.push_back (out);
  flush_at_ = at;
}

void
Core::post_input_eos ()
{
  g_assert (guards_ > 0);
  input_eos_ = true;
}

void
Core::after (std::function<void ()> fn)
{
  g_assert (guards_ > 0);
  after_.push_back (std::move (fn));
}

void
Core::warn (GQuark domain, gint code, const std::string & text,
    const std::string & debug, GstStructure * details)
{
  GError * err = g_error_new_literal (domain, code, text.c_str ());
  GST_WARNING_OBJECT (bin, "%s (%s)", text.c_str (), debug.c_str ());
  post (gst_message_new_warning_with_details (GST_OBJECT (bin), err,
      debug.c_str (), details));
  g_error_free (err);
}

void
Core::fail (GQuark domain, gint code, const std::string & text,
    const std::string & debug, GstStructure * details)
{
  if (failed) {
    if (details)
      gst_structure_free (details);
    return;
  }
  failed = true;
  GError * err = g_error_new_literal (domain, code, text.c_str ());
  GST_ERROR_OBJECT (bin, "%s (%s)", text.c_str (), debug.c_str ());
  post (gst_message_new_error_with_details (GST_OBJECT (bin), err,
      debug.c_str (), details));
  g_error_free (err);
  if (!progress_done) {
    progress_done = true;
    post (gst_message_new_progress (GST_OBJECT (bin), GST_PROGRESS_TYPE_ERROR,
        "connect", text.c_str ()));
  }
  on_failed ();
}

void
Core::post_closed (const std::string & session_id, const std::string & reason)
{
  if (closed_posted_)
    return;
  closed_posted_ = true;
  post (realtime_message_session (GST_OBJECT (bin), "closed", session_id,
      reason));
}

GstClockTime
Core::now ()
{
  if (GST_STATE (bin) != GST_STATE_PLAYING)
    return GST_CLOCK_TIME_NONE;
  GstClock * clock = gst_element_get_clock (bin);
  if (clock == nullptr)
    return GST_CLOCK_TIME_NONE;
  GstClockTime t = gst_clock_get_time (clock);
  GstClockTime base = gst_element_get_base_time (bin);
  gst_object_unref (clock);
  return t > base ? t - base : 0;
}

/* Posts what was collected under the lock, and flushes outputs; run by
 * every Guard once it has let go of the lock. */
void
Core::drain ()
{
  /* When the last response ends, the outputs' idle GAPs resume now: their
   * tasks do not poll while a response is active. */
  bool wake;
  bool drain;
  {
    std::lock_guard<std::mutex> lk (lock);
    wake = idle_again ();
    /* One drainer at a time, looping until nothing is left: messages keep
     * their order and a flush never overtakes what was queued after it. */
    drain = !draining_;
    draining_ = true;
  }
  if (wake)
    wake_outputs ();
  if (!drain)
    return;
  for (;;) {
    std::vector<GstMessage *> posts;
    std::vector<GstRealtimeOutput *> flushes;
    std::vector<std::function<void ()>> after;
    GstClockTime flush_at;
    bool eos;
    {
      std::lock_guard<std::mutex> lk (lock);
      if (posts_.empty () && flushes_.empty () && after_.empty () &&
          !input_eos_) {
        draining_ = false;
        return;
      }
      after.swap (after_);
      posts.swap (posts_);
      flushes.swap (flushes_);
      flush_at = flush_at_;
      eos = std::exchange (input_eos_, false);
    }
    for (GstRealtimeOutput * out : flushes)
      gst_realtime_output_flush (out, flush_at);
    for (GstMessage * msg : posts) {
      bool error = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR;
      gst_element_post_message (bin, msg);
      if (error) {
        /* At once: the messages after it may meet slow bus handlers. */
        std::lock_guard<std::mutex> lk (lock);
        error_posted_ = true;
        error_posted_cond_.notify_all ();
      }
    }
    for (auto & fn : after)
      fn ();
    /* The bin's only sink: this lets the bin, and the pipeline, end. */
    if (eos)
      gst_realtime_input_post_eos (input);
  }
}

/* A failed session refuses input with GST_FLOW_ERROR, and upstream then
 * posts a bare "Internal data stream error". Applications show the first
 * error, so ours, which names the cause, must be on the bus before the
 * refusal; another thread may still be posting it. Gives up when the pad
 * flushes (a state change waits for this thread) or after a second. */
void
Core::wait_for_error_posted ()
{
  GstPad * pad = gst_element_get_static_pad (GST_ELEMENT (input), "sink");
  gint64 deadline = g_get_monotonic_time () + G_TIME_SPAN_SECOND;
  std::unique_lock<std::mutex> lk (lock);
  while (!error_posted_ && pad && !GST_PAD_IS_FLUSHING (pad) &&
      g_get_monotonic_time () < deadline)
    error_posted_cond_.wait_for (lk, std::chrono::milliseconds (5));
  lk.unlock ();
  if (pad)
    gst_object_unref (pad);
}

void
Core::discard_posts ()
{
  std::lock_guard<std::mutex> lk (lock);
  for (GstMessage * msg : posts_)
    gst_message_unref (msg);
  posts_.clear ();
}

void
Timer::start (guint ms, std::function<void ()> fn)
{
  stop ();
  auto id = std::make_shared<guint64> (0);
  /* Its callback waits for the lock we hold: `id_` is set before it looks. */
  *id = core_.io->add_timer (ms, [this, fn = std::move (fn), id] () {
    Guard lk (core_);
    if (id_ != *id)
      return;
    id_ = 0;
    if (!core_.closing && !core_.failed)
      fn ();
  });
  id_ = *id;
}

void
Timer::stop ()
{
  if (id_) {
    core_.io->cancel_timer (id_);
    id_ = 0;
  }
}

void
push_text (GstRealtimeOutput * out, const std::string & text, GstClockTime pts,
    GstClockTime duration)
{
  if (text.empty ())
    return;
  GstBuffer * buf = gst_buffer_new_memdup (text.data (), text.size ());
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = duration;
  gst_realtime_output_push (out, buf);
}

} // namespace engine
