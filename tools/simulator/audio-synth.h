/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include <string>
#include <vector>

namespace realtime::sim {

/* PCM16 mono at 24 kHz, the simulator's only audio format. */
using Pcm = std::vector<gint16>;

inline constexpr int PCM_RATE = 24000;
inline constexpr int PCM_SAMPLES_PER_MS = PCM_RATE / 1000;

/* A sine of @frequency_hz lasting @duration_ms (negative: none), with a peak
 * of @amplitude (0..1) of full scale and 5 ms linear fades at both ends so
 * it does not click. */
Pcm make_tone (double frequency_hz, gint64 duration_ms,
    double amplitude = 0.25);

/* @duration_ms of digital silence (negative: none). */
Pcm make_silence (gint64 duration_ms);

/* Resamples mono @in (samples in [-1, 1]) at @rate Hz (1000 to 384000) to
 * 24 kHz PCM16 in @out (replacing its content) with a Kaiser-windowed sinc
 * (32 zero crossings per side, pass band flat to 90% of the lower Nyquist
 * frequency). At 24 kHz the samples are only converted. Used for WAV files
 * and for synthesized speech. */
void resample_to_pcm (const std::vector<double> & in, guint rate, Pcm & out);

/* Decodes a RIFF/WAVE file held in memory into @out (replacing its content):
 * PCM integer 8/16/24/32-bit, IEEE float 32/64-bit, or
 * WAVE_FORMAT_EXTENSIBLE with one of those; any rate from 1000 to 384000 Hz;
 * any number of channels, mixed to mono by averaging. Other rates are
 * resampled to 24 kHz with a Kaiser-windowed sinc (32 zero crossings per
 * side). 16-bit 24 kHz mono comes out bit-exact.
 *
 * Strict about structure: a file whose RIFF size or chunk sizes reach past
 * its end is truncated, hence an error. A RIFF or data size of 0xffffffff
 * (written by streaming encoders) means "to the end of the file".
 *
 * Returns false and sets @error (REALTIME_SIMULATOR_ERROR_AUDIO) for
 * anything else, saying what is wrong (e.g. "mu-law is not supported"). */
bool decode_wav (const guint8 * data, gsize size, Pcm & out, GError ** error);

/* Reads and decodes the WAV file at @path. A file that cannot be read is a
 * REALTIME_SIMULATOR_ERROR_IO error naming @path; decoding errors are
 * prefixed with @path. */
bool load_wav (const std::string & path, Pcm & out, GError ** error);

} // namespace realtime::sim
