/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "core.h"

#include "gstrealtimelatency.h"
#include <gst/realtime/output-timeline.h>
#include <gst/realtime/server-events.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace engine {

/* Where a response's audio is placed, and its first-audio latency; kept
 * per response by whoever tracks responses (Turns). */
struct ResponsePlacement
{
  GstClockTime earliest = GST_CLOCK_TIME_NONE; /* non-live placement */
  GstClockTime speech_end = GST_CLOCK_TIME_NONE;
  GstClockTime first_audio_latency = GST_CLOCK_TIME_NONE;
  bool audio_seen = false;
};

/* The output side: audio deltas turned into timestamped buffers on the
 * output timeline (odd bytes carried to the next delta), assistant text
 * placed at its audio, what the listener has heard, and stopping playback
 * at a barge-in (drop what is queued, flush downstream, move the timeline
 * on). Responses whose playback was stopped are "dropped": their late
 * deltas and text are ignored. Called with the Core's lock held (through a
 * Guard), except where marked. */
class Playout
{
public:
  /* @interrupt_flush: a barge-in on a live output flushes downstream
   * (else it drops only what is not yet pushed; see stop()). */
  Playout (Core & core, GstRealtimeOutput * audio_output,
      GstRealtimeOutput * text_output, bool interrupt_flush = true);

  /* One audio delta of response @r (a placeholder for a response never
   * seen created); @arrived_us: when its frame arrived. */
  void push_audio (const realtime::ServerEvent & ev, ResponsePlacement & r,
      gint64 arrived_us);
  /* The running time of an assistant item's text and its length: that of
   * its audio, else where response @r (NULL: unknown) is placed. */
  void text_times (const realtime::ServerEvent & ev,
      const ResponsePlacement * r, GstClockTime * pts, GstClockTime * duration);
  void push_text (const std::string & text, GstClockTime pts,
      GstClockTime duration);
  /* The response ended: its odd byte goes; it stays dropped while its
   * audio may still play. */
  void response_done (const std::string & response_id);

  bool dropped (const std::string & response_id) const
  {
    return dropped_.count (response_id) > 0;
  }
  /* Its late deltas and text are ignored from now on. */
  void drop (const std::string & response_id) { dropped_.insert (response_id); }
  /* The response whose audio came last (the one a barge-in stops when no
   * response is active). */
  const std::string & last_audio_response () const
  {
    return last_audio_response_;
  }

  /* What a listener heard of one item of a stopped response. */
  struct Heard
  {
    std::string item;
    gint64 content_index;
    gint64 heard_ms;
    gint64 received_ms;
  };
  enum class Stop {
    NoAudio,   /* none of its audio arrived: nothing to stop */
    AllPlayed, /* already played to its end */
    Stopped    /* stopped; @heard says how far each item was heard */
  };
  /* Stops what the listener is hearing of @response_id: queued audio is
   * dropped, downstream flushed (live; without interrupt-flush what was
   * pushed plays on and counts as heard) or the reply kept up to where the
   * user spoke (non-live), and the timeline moved on. @at: the running
   * time of the interruption; @latency: how late sinks render a sample
   * stamped @at. */
  Stop stop (const std::string & response_id, GstClockTime at,
      GstClockTime latency, std::vector<Heard> & heard);

  /* Queues EOS on both outputs. */
  void push_eos ();
  /* Flushes both outputs (after the end, so EOS can go out again). */
  void flush_outputs ();

  GstClockTime render_latency () const { return render_latency_; }
  void set_render_latency (GstClockTime latency) { render_latency_ = latency; }
  /* No lock: an audio buffer left @delay_us after its frame arrived. */
  void delivered (gint64 delay_us);
  void fill_stats (RealtimeStats & stats) const;

  /* Server-side state that does not carry over to another session. */
  void reset ();

private:
  GstClockTime earliest (const ResponsePlacement & r);

  Core & core_;
  GstRealtimeOutput * const audio_output_;
  GstRealtimeOutput * const text_output_;
  const bool interrupt_flush_;

  realtime::OutputTimeline timeline_;
  std::string carry_key_;
  std::optional<guint8> carry_; /* odd byte of the last audio delta */
  GstClockTime render_latency_ = 0;
  std::string last_audio_response_;
  std::set<std::string> dropped_;             /* interrupted responses */
  realtime::LatencyHistogram output_latency_; /* atomic: no lock */
};

} // namespace engine
