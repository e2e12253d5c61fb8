/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "output-timeline.h"

namespace realtime {

static constexpr guint64 kSecond = 1000000000;

guint64
OutputTimeline::time_of (guint64 samples) const
{
  return samples * kSecond / rate_;
}

const OutputTimeline::Item *
OutputTimeline::find (const std::string & item_id, gint64 content_index) const
{
  for (const Item & i : items_)
    if (i.item_id == item_id && i.content_index == content_index)
      return &i;
  return nullptr;
}

OutputTimeline::Placement
OutputTimeline::place (const std::string & response_id,
    const std::string & item_id, gint64 content_index, guint64 samples,
    guint64 earliest)
{
  /* A new response, or the first audio after a flush, starts a new run. */
  if (response_id != response_ || run_start_ == NO_TIME) {
    guint64 start = earliest == NO_TIME
        ? (end_ == NO_TIME ? 0 : end_)
        : (end_ == NO_TIME ? earliest : MAX (earliest, end_));
    response_ = response_id;
    run_start_ = start;
    run_samples_ = 0;
    discont_ = true;
  }

  Placement p;
  p.pts = run_start_ + time_of (run_samples_);
  run_samples_ += samples;
  guint64 next = run_start_ + time_of (run_samples_);
  p.duration = next - p.pts;
  p.offset = offset_;
  p.offset_end = offset_ + samples;
  p.discont = discont_;
  offset_ += samples;
  end_ = next;
  discont_ = false;

  for (Item & i : items_) {
    if (i.item_id == item_id && i.content_index == content_index) {
      i.samples += samples;
      return p;
    }
  }
  items_.push_back ({response_id, item_id, content_index, p.pts, samples});
  return p;
}

void
OutputTimeline::flush (guint64 at)
{
  /* Whatever was queued after @at was dropped; start over from there. */
  end_ = at;
  run_start_ = NO_TIME;
  response_.clear ();
  discont_ = true;
}

gint64
OutputTimeline::heard_ms (const std::string & item_id, gint64 content_index,
    guint64 now_running_time, guint64 downstream_latency) const
{
  const Item * item = find (item_id, content_index);
  if (item == nullptr)
    return -1;
  if (now_running_time == NO_TIME || now_running_time < downstream_latency)
    return 0;
  guint64 played_to = now_running_time - downstream_latency;
  if (played_to <= item->first_pts)
    return 0;
  guint64 heard = (played_to - item->first_pts) / 1000000;
  return (gint64) MIN (heard, item->samples * 1000 / rate_);
}

guint64
OutputTimeline::first_pts (const std::string & item_id,
    gint64 content_index) const
{
  const Item * item = find (item_id, content_index);
  return item ? item->first_pts : NO_TIME;
}

guint64
OutputTimeline::received_duration (const std::string & item_id,
    gint64 content_index) const
{
  const Item * item = find (item_id, content_index);
  return item ? time_of (item->samples) : NO_TIME;
}

gint64
OutputTimeline::received_ms (const std::string & item_id,
    gint64 content_index) const
{
  const Item * item = find (item_id, content_index);
  return item ? (gint64) (item->samples * 1000 / rate_) : -1;
}

std::vector<std::pair<std::string, gint64>>
OutputTimeline::items_of (const std::string & response_id) const
{
  std::vector<std::pair<std::string, gint64>> out;
  for (const Item & i : items_)
    if (i.response_id == response_id)
      out.emplace_back (i.item_id, i.content_index);
  return out;
}

void
OutputTimeline::forget_items ()
{
  items_.clear ();
}

} // namespace realtime
