/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstrealtimelatency.h"

#include <gst/gst.h>

#include <cmath>

namespace realtime {

/* Below 32 µs a bucket is one µs; above, the top five bits of the value
 * (its leading one and four more) choose the bucket. */
int
LatencyHistogram::bucket_of (gint64 us)
{
  if (us < 2 * SUB_BUCKETS)
    return us < 0 ? 0 : (int) us;
  int msb = g_bit_nth_msf ((gulong) us, -1);
  int shift = msb - 4;
  int bucket = (msb - 3) * SUB_BUCKETS + (int) ((us >> shift) & 15);
  return bucket < BUCKETS ? bucket : BUCKETS - 1;
}

gint64
LatencyHistogram::bucket_upper (int bucket)
{
  if (bucket < 2 * SUB_BUCKETS)
    return bucket;
  int msb = bucket / SUB_BUCKETS + 3;
  int shift = msb - 4;
  gint64 lower = (gint64) (SUB_BUCKETS + bucket % SUB_BUCKETS) << shift;
  return lower + ((gint64) 1 << shift) - 1;
}

void
LatencyHistogram::record (gint64 us)
{
  buckets_[bucket_of (us)].fetch_add (1, std::memory_order_relaxed);
  count_.fetch_add (1, std::memory_order_relaxed);
}

gint64
LatencyHistogram::percentile (double fraction) const
{
  /* Summed from the buckets, not count_: a sample being recorded now may
   * be in one and not yet in the other. */
  std::array<guint32, BUCKETS> snapshot;
  guint64 total = 0;
  for (int i = 0; i < BUCKETS; i++) {
    snapshot[i] = buckets_[i].load (std::memory_order_relaxed);
    total += snapshot[i];
  }
  if (total == 0)
    return 0;
  guint64 rank = (guint64) std::ceil (CLAMP (fraction, 0.0, 1.0) * total);
  rank = CLAMP (rank, (guint64) 1, total);
  guint64 seen = 0;
  for (int i = 0; i < BUCKETS; i++) {
    seen += snapshot[i];
    if (seen >= rank)
      return bucket_upper (i);
  }
  return bucket_upper (BUCKETS - 1);
}

guint64
LatencyHistogram::count () const
{
  return count_.load (std::memory_order_relaxed);
}

void
LatencyHistogram::reset ()
{
  for (auto & b : buckets_)
    b.store (0, std::memory_order_relaxed);
  count_.store (0, std::memory_order_relaxed);
}

LatencyHistogram &
LatencyHistogram::process_input ()
{
  static LatencyHistogram histogram;
  return histogram;
}

LatencyHistogram &
LatencyHistogram::process_output ()
{
  static LatencyHistogram histogram;
  return histogram;
}

/* The plugin is loaded once for the life of the process (GStreamer never
 * unloads one), so the pointer stays valid after this module reference is
 * dropped. */
static LatencyHistogram *
plugin_pool (gboolean input)
{
  GstPlugin * plugin = gst_plugin_load_by_name ("realtime");
  if (plugin == nullptr)
    return nullptr;
  GModule * module = nullptr;
  if (const gchar * filename = gst_plugin_get_filename (plugin))
    module = g_module_open (filename, G_MODULE_BIND_LAZY);
  gst_object_unref (plugin);
  if (module == nullptr)
    return nullptr;
  gpointer symbol = nullptr;
  LatencyHistogram * pool = nullptr;
  if (g_module_symbol (module, "gst_realtime_latency_process_histogram",
          &symbol))
    pool =
        reinterpret_cast<decltype (&gst_realtime_latency_process_histogram)> (
            symbol) (input);
  g_module_close (module);
  return pool;
}

LatencyHistogram *
LatencyHistogram::plugin_process_input ()
{
  return plugin_pool (TRUE);
}

LatencyHistogram *
LatencyHistogram::plugin_process_output ()
{
  return plugin_pool (FALSE);
}

} // namespace realtime

realtime::LatencyHistogram *
gst_realtime_latency_process_histogram (gboolean input)
{
  return input ? &realtime::LatencyHistogram::process_input ()
               : &realtime::LatencyHistogram::process_output ();
}
