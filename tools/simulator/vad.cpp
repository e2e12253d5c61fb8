/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "vad.h"

#include <algorithm>
#include <cmath>

namespace realtime::sim {

static constexpr gint64 SAMPLES_PER_MS = 24;

EnergyVad::EnergyVad ()
{
  configure (VadSettings ());
}

EnergyVad::EnergyVad (const VadSettings & settings)
{
  configure (settings);
}

double
EnergyVad::level_dbfs_for_threshold (double threshold)
{
  return -60.0 + 50.0 * threshold;
}

void
EnergyVad::configure (const VadSettings & settings)
{
  settings_ = settings;
  settings_.prefix_padding_ms =
      std::max<gint64> (0, settings.prefix_padding_ms);
  settings_.silence_duration_ms =
      std::max<gint64> (0, settings.silence_duration_ms);

  /* Compare sums of squares, not dBFS, so a frame costs no log(). */
  double rms = 32768.0 *
      std::pow (10.0, level_dbfs_for_threshold (settings_.threshold) / 20.0);
  min_frame_energy_ = rms * rms * (double) FRAME_SAMPLES;
}

void
EnergyVad::feed (const gint16 * samples, gsize n,
    std::vector<VadEvent> & events)
{
  while (n > 0) {
    gsize take = std::min (n, FRAME_SAMPLES - frame_fill_);
    gint64 energy = 0;
    for (gsize i = 0; i < take; i++)
      energy += (gint64) samples[i] * samples[i];
    frame_energy_ += energy;
    frame_fill_ += take;
    samples_ += take;
    samples += take;
    n -= take;

    if (frame_fill_ == FRAME_SAMPLES) {
      end_frame (events);
      frame_fill_ = 0;
      frame_energy_ = 0;
    }
  }
}

void
EnergyVad::end_frame (std::vector<VadEvent> & events)
{
  /* samples_ is a whole number of frames here, so this is exact. */
  gint64 end_ms = samples_ / SAMPLES_PER_MS;
  gint64 start_ms = end_ms - FRAME_MS;

  if ((double) frame_energy_ >= min_frame_energy_) {
    if (!in_speech_) {
      /* floor_ms_ >= 0, so this is never negative. */
      gint64 audio_start =
          std::max (start_ms - settings_.prefix_padding_ms, floor_ms_);
      events.push_back (VadEvent{true, audio_start});
      in_speech_ = true;
    }
    last_speech_end_ms_ = end_ms;
  } else if (in_speech_ &&
      end_ms - last_speech_end_ms_ >= settings_.silence_duration_ms) {
    gint64 audio_end = last_speech_end_ms_ + settings_.silence_duration_ms;
    events.push_back (VadEvent{false, audio_end});
    in_speech_ = false;
    floor_ms_ = std::max (floor_ms_, audio_end);
  }
}

void
EnergyVad::reset_speech ()
{
  in_speech_ = false;
  floor_ms_ = std::max (floor_ms_, timeline_ms ());
}

gint64
EnergyVad::timeline_ms () const
{
  return samples_ / SAMPLES_PER_MS;
}

} // namespace realtime::sim
