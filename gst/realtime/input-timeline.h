/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include <vector>

namespace realtime {

/* Maps offsets on a session's input timeline — milliseconds of audio
 * appended so far, the unit of the server's audio_start_ms / audio_end_ms —
 * back to the running time (ns) of the input that audio came from. Where
 * the input had a gap or a discontinuity, appended audio jumps in running
 * time, so a plain "start + ms" would drift; each contiguous run of
 * appended audio is a segment here. Times are nanoseconds, as GstClockTime;
 * NO_TIME is GST_CLOCK_TIME_NONE. Not thread-safe: one owner. */
class InputTimeline
{
public:
  static constexpr guint64 NO_TIME = G_MAXUINT64;

  explicit InputTimeline (guint rate = 24000) : rate_ (rate) {}

  /* Records that the next @samples appended samples start at input
   * @running_time. A run that continues the previous one (within half a
   * sample) extends its segment. Untimed audio (NO_TIME) still moves the
   * timeline on; lookups inside it give NO_TIME. */
  void append (guint64 running_time, guint64 samples);

  /* Running time of the audio at @ms on the timeline: inside a segment,
   * sample-exact from its start. NO_TIME before anything was appended, for
   * negative offsets, and past the end of what was appended (the server
   * cannot speak of audio it has not received). */
  guint64 running_time_at_ms (gint64 ms) const;

  guint64 appended_samples () const { return appended_; }
  gsize segment_count () const { return segments_.size (); }

  /* Drops segments that end before @ms, to bound memory in long sessions
   * with many discontinuities; later lookups before @ms give NO_TIME. */
  void forget_before_ms (gint64 ms);

  /* A new session starts a new timeline at 0 (e.g. after a reconnect). */
  void reset ();

private:
  struct Segment
  {
    guint64 first_sample; /* offset on the timeline */
    guint64 running_time; /* of that sample */
  };

  guint64 time_of (const Segment & s, guint64 sample) const;

  guint rate_;
  guint64 appended_ = 0;
  guint64 forgotten_ = 0; /* timeline samples before the first segment */
  std::vector<Segment> segments_;
};

} // namespace realtime
