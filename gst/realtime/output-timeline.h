/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include <string>
#include <vector>

namespace realtime {

/* Where the assistant's audio goes on the src_audio timeline, and what of
 * it the listener has heard (docs/realtimebin.md, "Timing", "Barge-in"):
 * - every buffer gets a sample-accurate PTS, duration and offsets; PTS come
 *   from sample counts, never from summed durations, so nothing drifts;
 * - no two buffers overlap: a response starts at its earliest allowed time
 *   or where the previous audio ends, whichever is later;
 * - the first buffer of each response, and the first after a flush, is
 *   DISCONT;
 * - per item (item_id, content_index) it keeps the running time of the
 *   item's first sample and how much was received, so a barge-in can
 *   truncate at the position actually heard.
 * Times are nanoseconds of running time (GstClockTime). One owner, not
 * thread-safe. */
class OutputTimeline
{
public:
  static constexpr guint64 NO_TIME = G_MAXUINT64;

  explicit OutputTimeline (guint rate = 24000) : rate_ (rate) {}

  struct Placement
  {
    guint64 pts;
    guint64 duration;
    guint64 offset; /* samples since the stream began */
    guint64 offset_end;
    bool discont;
  };

  /* Places @samples of audio of @response_id / @item_id / @content_index.
   * @earliest: where this response may start at the soonest — live input:
   * the running time at which its audio became available (plus latency);
   * non-live input: the end of the user turn that caused it. Only the
   * response's first chunk uses it. */
  Placement place (const std::string & response_id, const std::string & item_id,
      gint64 content_index, guint64 samples, guint64 earliest);

  /* Downstream was flushed at running time @at (barge-in): queued audio is
   * gone, so the next audio may start from @at again, with DISCONT. */
  void flush (guint64 at);

  /* How much of an item the listener heard, in ms: the sink renders the
   * sample stamped T at running time T + @downstream_latency, so at
   * @now_running_time it has played up to now - latency. Clamped to what
   * was received for the item; 0 when none of it was heard; -1 for an
   * item never placed. */
  gint64 heard_ms (const std::string & item_id, gint64 content_index,
      guint64 now_running_time, guint64 downstream_latency) const;

  /* Running time of an item's first sample; NO_TIME for an item never
   * placed. */
  guint64 first_pts (const std::string & item_id, gint64 content_index) const;
  /* Audio received for an item, in ns; NO_TIME for an item never placed. */
  guint64 received_duration (const std::string & item_id,
      gint64 content_index) const;

  /* Audio received for an item, in ms (floor). */
  gint64 received_ms (const std::string & item_id, gint64 content_index) const;

  /* Items of @response_id, in the order their audio arrived. */
  std::vector<std::pair<std::string, gint64>> items_of (
      const std::string & response_id) const;

  /* End of everything placed so far (NO_TIME before any audio). */
  guint64 end () const { return end_; }

  /* Forgets per-item records (they grow by one per item). */
  void forget_items ();

private:
  struct Item
  {
    std::string response_id;
    std::string item_id;
    gint64 content_index;
    guint64 first_pts; /* running time of the item's first sample */
    guint64 samples;   /* received */
  };

  const Item * find (const std::string & item_id, gint64 content_index) const;
  guint64 time_of (guint64 samples) const;

  guint rate_;
  std::string response_;        /* response being placed */
  guint64 run_start_ = NO_TIME; /* PTS where the current contiguous run began */
  guint64 run_samples_ = 0;     /* samples in that run */
  guint64 end_ = NO_TIME;
  guint64 offset_ = 0;
  bool discont_ = true;
  std::vector<Item> items_;
};

} // namespace realtime
