/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "playout.h"

#include "gstrealtimeelements.h"

#include <cstring>

#define GST_CAT_DEFAULT gst_realtime_debug

namespace engine {

Playout::Playout (Core & core, GstRealtimeOutput * audio_output,
    GstRealtimeOutput * text_output, bool interrupt_flush)
    : core_ (core), audio_output_ (audio_output), text_output_ (text_output),
      interrupt_flush_ (interrupt_flush)
{}

/* Live: a response plays from when it arrives; non-live: where its turn
 * put it. */
GstClockTime
Playout::earliest (const ResponsePlacement & r)
{
  GstClockTime t = core_.now ();
  if (core_.live () && GST_CLOCK_TIME_IS_VALID (t))
    return t;
  return r.earliest;
}

void
Playout::push_audio (const realtime::ServerEvent & ev, ResponsePlacement & r,
    gint64 arrived_us)
{
  /* Deltas may end on half a sample: the odd byte waits for the next
   * delta of the same content part. */
  std::string key = ev.response_id + "/" + ev.item_id + "/" +
      std::to_string (ev.content_index);
  if (carry_ && key != carry_key_) {
    GST_WARNING_OBJECT (core_.bin, "dropping a lone byte at the end of %s",
        carry_key_.c_str ());
    carry_.reset ();
  }
  gsize lead = carry_ ? 1 : 0;
  gsize total = lead + ev.audio.size ();
  gsize size = total & ~(gsize) 1;
  std::optional<guint8> next_carry;
  if (total % 2)
    next_carry = ev.audio.empty () ? *carry_ : ev.audio.back ();
  GstBuffer * buf = nullptr;
  if (size > 0) {
    buf = gst_buffer_new_allocate (nullptr, size, nullptr);
    GstMapInfo map;
    gst_buffer_map (buf, &map, GST_MAP_WRITE);
    if (lead)
      map.data[0] = *carry_;
    memcpy (map.data + lead, ev.audio.data (), size - lead);
    gst_buffer_unmap (buf, &map);
  }
  carry_ = next_carry;
  carry_key_ = key;
  if (buf == nullptr)
    return;

  guint64 samples = size / 2;
  if (ev.response_id != last_audio_response_) {
    /* Only the latest response can still be interrupted; per-item
     * records of earlier ones are done with. */
    timeline_.forget_items ();
    dropped_.erase (last_audio_response_);
    last_audio_response_ = ev.response_id;
  }
  auto p = timeline_.place (ev.response_id, ev.item_id, ev.content_index,
      samples, earliest (r));
  if (!r.audio_seen) {
    r.audio_seen = true;
    if (GST_CLOCK_TIME_IS_VALID (r.speech_end) && p.pts >= r.speech_end)
      r.first_audio_latency = p.pts - r.speech_end;
    core_.stats.first_audio_latency = r.first_audio_latency;
  }

  GST_BUFFER_PTS (buf) = p.pts;
  GST_BUFFER_DURATION (buf) = p.duration;
  GST_BUFFER_OFFSET (buf) = p.offset;
  GST_BUFFER_OFFSET_END (buf) = p.offset_end;
  if (p.discont)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
  gst_realtime_output_push (audio_output_, buf, arrived_us);
}

void
Playout::text_times (const realtime::ServerEvent & ev,
    const ResponsePlacement * r, GstClockTime * pts, GstClockTime * duration)
{
  *pts = timeline_.first_pts (ev.item_id, ev.content_index);
  *duration = timeline_.received_duration (ev.item_id, ev.content_index);
  if (*pts != realtime::OutputTimeline::NO_TIME)
    return;
  *pts = *duration = GST_CLOCK_TIME_NONE;
  if (r)
    *pts = earliest (*r);
}

void
Playout::push_text (const std::string & text, GstClockTime pts,
    GstClockTime duration)
{
  engine::push_text (text_output_, text, pts, duration);
}

void
Playout::response_done (const std::string & response_id)
{
  /* Kept while its audio may still play (a second barge-in must not
   * truncate it again); a response that never had audio is done with. */
  if (response_id != last_audio_response_)
    dropped_.erase (response_id);
  if (carry_) {
    GST_WARNING_OBJECT (core_.bin, "response %s ended on half a sample",
        response_id.c_str ());
    carry_.reset ();
  }
}

Playout::Stop
Playout::stop (const std::string & response_id, GstClockTime at,
    GstClockTime latency, std::vector<Heard> & heard)
{
  auto items = timeline_.items_of (response_id);
  if (items.empty ())
    return Stop::NoAudio;
  GstClockTime played_to =
      GST_CLOCK_TIME_IS_VALID (at) && at > latency ? at - latency : 0;
  if (timeline_.end () != realtime::OutputTimeline::NO_TIME &&
      timeline_.end () <= played_to)
    return Stop::AllPlayed;

  dropped_.insert (response_id);
  /* Stale audio not yet pushed goes now, under our lock, so nothing
   * queued after this is lost. */
  GstClockTime flush_at;
  if (core_.live () && !interrupt_flush_) {
    /* No FLUSH downstream (a recording keeps its file): what is queued
     * goes, what was pushed will still be played, so it is what the
     * listener hears; the next audio follows it, DISCONT. */
    flush_at =
        gst_realtime_output_drop_buffers (audio_output_, GST_CLOCK_TIME_NONE);
    /* Also when the clock is past it (the output fell behind): nothing
     * after it will ever play. */
    at = flush_at;
    latency = 0;
  } else if (core_.live ()) {
    /* Sinks still hold what they have not played: flush it (after
     * unlocking: the output's task calls back into us). */
    gst_realtime_output_drop_buffers (audio_output_, GST_CLOCK_TIME_NONE);
    flush_at = GST_CLOCK_TIME_IS_VALID (at) ? at : played_to;
    core_.flush (audio_output_, flush_at);
  } else {
    /* Non-live output is usually being recorded (filesink truncates its
     * file on FLUSH_STOP): the reply stays up to where the user spoke
     * (what the truncate says was heard), and what follows continues
     * after the data that went out. */
    flush_at = gst_realtime_output_drop_buffers (audio_output_, played_to);
  }
  for (const auto & [item, ci] : items)
    heard.push_back ({item, ci, timeline_.heard_ms (item, ci, at, latency),
        timeline_.received_ms (item, ci)});
  timeline_.flush (flush_at);
  return Stop::Stopped;
}

void
Playout::push_eos ()
{
  gst_realtime_output_push_eos (audio_output_);
  gst_realtime_output_push_eos (text_output_);
}

void
Playout::flush_outputs ()
{
  core_.flush (audio_output_, GST_CLOCK_TIME_NONE);
  core_.flush (text_output_, GST_CLOCK_TIME_NONE);
}

void
Playout::delivered (gint64 delay_us)
{
  /* Atomic counters: no lock on the way of every buffer. */
  output_latency_.record (delay_us);
  realtime::LatencyHistogram::process_output ().record (delay_us);
}

void
Playout::fill_stats (RealtimeStats & stats) const
{
  stats.output_latency_p50_us = output_latency_.percentile (0.5);
  stats.output_latency_p99_us = output_latency_.percentile (0.99);
}

void
Playout::reset ()
{
  timeline_.forget_items ();
  last_audio_response_.clear ();
  dropped_.clear ();
  carry_.reset ();
}

} // namespace engine
