/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "input-timeline.h"

#include <algorithm>

namespace realtime {

static constexpr guint64 kSecond = 1000000000;

guint64
InputTimeline::time_of (const Segment & s, guint64 sample) const
{
  if (s.running_time == NO_TIME)
    return NO_TIME;
  /* Fits in 64 bits for over 200 hours of 24 kHz audio per segment. */
  return s.running_time + (sample - s.first_sample) * kSecond / rate_;
}

void
InputTimeline::append (guint64 running_time, guint64 samples)
{
  if (samples == 0)
    return;
  /* Audio without a timestamp was still sent: it advances the timeline, in
   * a segment whose times are unknown. */
  if (running_time == NO_TIME) {
    if (segments_.empty () || segments_.back ().running_time != NO_TIME)
      segments_.push_back ({appended_, NO_TIME});
    appended_ += samples;
    return;
  }
  if (!segments_.empty () && segments_.back ().running_time != NO_TIME) {
    guint64 expected = time_of (segments_.back (), appended_);
    guint64 half_sample = kSecond / rate_ / 2;
    guint64 diff = running_time > expected ? running_time - expected
                                           : expected - running_time;
    if (diff <= half_sample) {
      appended_ += samples;
      return;
    }
  }
  segments_.push_back ({appended_, running_time});
  appended_ += samples;
}

guint64
InputTimeline::running_time_at_ms (gint64 ms) const
{
  if (ms < 0 || segments_.empty ())
    return NO_TIME;
  guint64 sample = (guint64) ms * rate_ / 1000;
  if (sample > appended_ || sample < forgotten_)
    return NO_TIME;

  /* The last segment that starts at or before the sample. */
  auto it = std::upper_bound (segments_.begin (), segments_.end (), sample,
      [] (guint64 s, const Segment & seg) { return s < seg.first_sample; });
  if (it == segments_.begin ())
    return NO_TIME;
  return time_of (*(it - 1), sample);
}

void
InputTimeline::forget_before_ms (gint64 ms)
{
  if (ms <= 0)
    return;
  guint64 sample = MIN ((guint64) ms * rate_ / 1000, appended_);
  /* Keep the segment that contains @sample: it is still needed. */
  auto keep = std::upper_bound (segments_.begin (), segments_.end (), sample,
      [] (guint64 s, const Segment & seg) { return s < seg.first_sample; });
  if (keep != segments_.begin ())
    --keep;
  segments_.erase (segments_.begin (), keep);
  forgotten_ = MAX (forgotten_, sample);
}

void
InputTimeline::reset ()
{
  appended_ = 0;
  forgotten_ = 0;
  segments_.clear ();
}

} // namespace realtime
