/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include <vector>

namespace realtime::sim {

/* The server_vad knobs of the session (docs/simulator.md, "Voice activity
 * detection"). */
struct VadSettings
{
  double threshold = 0.5;
  gint64 prefix_padding_ms = 300;
  gint64 silence_duration_ms = 500;
};

/* A transition of the detector. started: input_audio_buffer.speech_started
 * with audio_start_ms; otherwise input_audio_buffer.speech_stopped with
 * audio_end_ms. Both are on the session's input timeline. */
struct VadEvent
{
  bool started;
  gint64 audio_ms;
};

/* An energy-based voice activity detector that reproduces the timing of the
 * service's server VAD, so clients see the same offsets they would see live.
 *
 * Rules:
 * - Input is PCM16 mono 24 kHz, cut into frames of 10 ms (240 samples) on the
 *   session timeline (all audio ever fed). A partial frame is kept until the
 *   next feed() completes it; decisions are made per complete frame, so every
 *   offset is an exact millisecond with 10 ms resolution.
 * - A frame is speech when its RMS level in dBFS (relative to 32768) is
 *   >= level_dbfs_for_threshold (threshold) = -60 + 50 * threshold
 *   (0.5 -> -35 dBFS, 0 -> -60 dBFS, 1 -> -10 dBFS).
 * - Speech starts at the first speech frame while idle. It is reported as
 *   audio_start_ms = max (frame_start_ms - prefix_padding_ms, floor), clamped
 *   to >= 0, where floor is the audio_end_ms of the previous speech_stopped or
 *   the timeline at the last reset_speech(), whichever is later: the service
 *   includes the prefix padding in audio_start_ms, but never reaches back
 *   into audio that already belongs to an earlier turn.
 * - Speech stops once silence_duration_ms of consecutive non-speech audio has
 *   followed the end of the last speech frame. It is reported as
 *   audio_end_ms = last_speech_frame_end_ms + silence_duration_ms (the
 *   service includes the silence in audio_end_ms). The event is emitted by
 *   the feed() that completes the first non-speech frame ending at or after
 *   that point: never before the timeline reaches audio_end_ms, and exactly
 *   when it does for durations that are multiples of 10 ms.
 * - configure() may be called at any time; the new settings apply from the
 *   next completed frame (a pending stop uses the new silence duration).
 *
 * Feeding allocates nothing except when an event is appended. */
class EnergyVad
{
public:
  EnergyVad ();
  explicit EnergyVad (const VadSettings & settings);

  /* Negative durations are taken as 0. */
  void configure (const VadSettings & settings);
  const VadSettings & settings () const { return settings_; }

  /* Feeds @n samples that follow everything fed before on the session's
   * input timeline and appends the transitions they cause to @events, in
   * order. */
  void feed (const gint16 * samples, gsize n, std::vector<VadEvent> & events);

  /* Forgets speech in progress (the input buffer was cleared or committed)
   * without moving the timeline: no speech_stopped follows, and the next
   * speech_started does not reach back before this point. The frame grid
   * stays where it is. */
  void reset_speech ();

  bool in_speech () const { return in_speech_; }

  /* Audio fed so far, in ms (rounded down). */
  gint64 timeline_ms () const;

  static double level_dbfs_for_threshold (double threshold);

  static constexpr gsize FRAME_SAMPLES = 240;
  static constexpr gint64 FRAME_MS = 10;

private:
  void end_frame (std::vector<VadEvent> & events);

  VadSettings settings_;
  double min_frame_energy_ = 0; /* sum of squares of a frame at the level */
  gint64 samples_ = 0;          /* all samples fed */
  gint64 frame_energy_ = 0;     /* sum of squares of the current frame */
  gsize frame_fill_ = 0;        /* samples in the current frame */
  bool in_speech_ = false;
  gint64 last_speech_end_ms_ = 0;
  gint64 floor_ms_ = 0; /* earliest possible audio_start_ms */
};

} // namespace realtime::sim
