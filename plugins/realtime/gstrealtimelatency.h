/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <gmodule.h>

#include <array>
#include <atomic>

namespace realtime {

/* Delays in microseconds, counted in buckets about 6 % wide (16 to each
 * power of two; exact below 32 µs), so any thread can record one with a
 * few instructions and no lock, and percentiles come out of 2 KB. */
class LatencyHistogram
{
public:
  void record (gint64 us);

  /* The delay that @fraction (0.5, 0.99…) of the samples are at or below:
   * the upper end of that sample's bucket, in µs; 0 without samples. */
  gint64 percentile (double fraction) const;
  guint64 count () const;
  void reset ();

  /* What every realtimebin in the process adds, pooled (an application
   * with hundreds of sessions, the benchmark): input is a buffer entering
   * sink_audio → its append frame written to the socket; output is a frame
   * arriving → its audio leaving on src_audio. The element records into
   * these; they are the plugin's own. */
  static LatencyHistogram & process_input ();
  static LatencyHistogram & process_output ();

  /* The same pools, from a program that uses the plugin (the benchmark,
   * the tests). Such a program compiles this file too, so process_input ()
   * there is a pool of its own that no element records into: these find
   * the plugin's through its exported entry point below, loading the
   * plugin if needed. nullptr when the plugin cannot be loaded. Needs
   * gst_init (). */
  static LatencyHistogram * plugin_process_input ();
  static LatencyHistogram * plugin_process_output ();

  static constexpr int SUB_BUCKETS = 16;
  static constexpr int OCTAVES = 28; /* up to 2^31 µs, about 36 minutes */
  static constexpr int BUCKETS = (OCTAVES + 1) * SUB_BUCKETS;

  static int bucket_of (gint64 us);
  static gint64 bucket_upper (int bucket);

private:
  std::array<std::atomic<guint32>, BUCKETS> buckets_{};
  std::atomic<guint64> count_{0};
};

} // namespace realtime

/* The plugin's process_input () (@input) or process_output (): what
 * plugin_process_input () and plugin_process_output () look up in the
 * loaded plugin. Exported from the plugin for them only. */
extern "C" G_MODULE_EXPORT realtime::LatencyHistogram *
gst_realtime_latency_process_histogram (gboolean input);
