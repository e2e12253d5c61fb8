/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Test helpers: build WAV files in memory, measure PCM16 signals. Written
 * independently of the decoder under test. */
#pragma once

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

struct WavSpec
{
  guint16 format = 1; /* 1: PCM, 3: IEEE float, others as given */
  guint16 channels = 1;
  guint32 rate = 24000;
  guint16 bits = 16;
  bool extensible = false;  /* WAVE_FORMAT_EXTENSIBLE wrapping format */
  bool extra_chunk = false; /* an odd-sized LIST chunk before "data" */
};

static inline void
wav_put_u16 (std::vector<guint8> & out, guint v)
{
  out.push_back (v & 0xff);
  out.push_back ((v >> 8) & 0xff);
}

static inline void
wav_put_u32 (std::vector<guint8> & out, guint32 v)
{
  wav_put_u16 (out, v & 0xffff);
  wav_put_u16 (out, v >> 16);
}

static inline void
wav_put_tag (std::vector<guint8> & out, const char * tag)
{
  out.insert (out.end (), tag, tag + 4);
}

/* Encodes interleaved @samples in [-1, 1] as @spec says. */
static inline std::vector<guint8>
build_wav (const WavSpec & spec, const std::vector<double> & samples)
{
  std::vector<guint8> body;
  for (double v : samples) {
    if (spec.format == 3 && spec.bits == 32) {
      float f = (float) v;
      guint32 raw;
      memcpy (&raw, &f, 4);
      wav_put_u32 (body, raw);
    } else if (spec.format == 3 && spec.bits == 64) {
      guint64 raw;
      memcpy (&raw, &v, 8);
      wav_put_u32 (body, (guint32) raw);
      wav_put_u32 (body, (guint32) (raw >> 32));
    } else if (spec.bits == 8) {
      body.push_back ((guint8) CLAMP (std::lrint (v * 128.0) + 128, 0, 255));
    } else {
      double scale = std::ldexp (1.0, spec.bits - 1);
      double max = scale - 1;
      gint64 s = (gint64) CLAMP ((double) std::llrint (v * scale), -scale, max);
      for (int b = 0; b < spec.bits / 8; b++)
        body.push_back ((guint8) ((guint64) s >> (8 * b)));
    }
  }

  std::vector<guint8> fmt;
  guint16 block_align = spec.channels * (spec.bits / 8);
  wav_put_u16 (fmt, spec.extensible ? 0xfffe : spec.format);
  wav_put_u16 (fmt, spec.channels);
  wav_put_u32 (fmt, spec.rate);
  wav_put_u32 (fmt, spec.rate * block_align);
  wav_put_u16 (fmt, block_align);
  wav_put_u16 (fmt, spec.bits);
  if (spec.extensible) {
    static const guint8 tail[12] = {0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00,
        0xaa, 0x00, 0x38, 0x9b, 0x71};
    wav_put_u16 (fmt, 22);
    wav_put_u16 (fmt, spec.bits);
    wav_put_u32 (fmt, spec.channels == 1 ? 0x4 : 0x3);
    wav_put_u16 (fmt, spec.format);
    wav_put_u16 (fmt, 0);
    fmt.insert (fmt.end (), tail, tail + 12);
  }

  std::vector<guint8> out;
  wav_put_tag (out, "RIFF");
  wav_put_u32 (out, 0); /* patched below */
  wav_put_tag (out, "WAVE");
  wav_put_tag (out, "fmt ");
  wav_put_u32 (out, fmt.size ());
  out.insert (out.end (), fmt.begin (), fmt.end ());
  if (spec.extra_chunk) {
    wav_put_tag (out, "LIST");
    wav_put_u32 (out, 5);
    out.insert (out.end (), {'I', 'N', 'F', 'O', 'x', 0}); /* + pad byte */
  }
  wav_put_tag (out, "data");
  wav_put_u32 (out, body.size ());
  out.insert (out.end (), body.begin (), body.end ());
  if (body.size () & 1)
    out.push_back (0);
  guint32 riff = out.size () - 8;
  for (int b = 0; b < 4; b++)
    out[4 + b] = (guint8) (riff >> (8 * b));
  return out;
}

/* @channels interleaved sines of @frequency_hz, channel c with peak
 * @amplitudes[c], all in phase, @duration_ms long at @rate. */
static inline std::vector<double>
sine_frames (guint rate, guint channels, double frequency_hz,
    gint64 duration_ms, const std::vector<double> & amplitudes)
{
  gsize frames = (gsize) (duration_ms * rate / 1000);
  std::vector<double> out;
  out.reserve (frames * channels);
  for (gsize i = 0; i < frames; i++) {
    double s = std::sin (2.0 * G_PI * frequency_hz * (double) i / rate);
    for (guint c = 0; c < channels; c++)
      out.push_back (amplitudes[c] * s);
  }
  return out;
}

/* Upward zero crossings in [begin, end). */
static inline gsize
count_rising_crossings (const std::vector<gint16> & pcm, gsize begin, gsize end)
{
  gsize count = 0;
  for (gsize i = begin + 1; i < end && i < pcm.size (); i++)
    if (pcm[i - 1] < 0 && pcm[i] >= 0)
      count++;
  return count;
}

/* Frequency measured over [begin, end) from upward zero crossings. */
static inline double
measure_frequency (const std::vector<gint16> & pcm, gsize begin, gsize end,
    double rate = 24000)
{
  return count_rising_crossings (pcm, begin, end) * rate /
      (double) (end - begin);
}

/* RMS in [begin, end), relative to full scale (32768). */
static inline double
measure_rms (const std::vector<gint16> & pcm, gsize begin, gsize end)
{
  double sum = 0;
  for (gsize i = begin; i < end; i++)
    sum += (double) pcm[i] * pcm[i];
  return std::sqrt (sum / (double) (end - begin)) / 32768.0;
}

/* Writes @data to @path, failing the test if it cannot. */
static inline void
write_file (const std::string & path, const std::vector<guint8> & data)
{
  g_autoptr (GError) error = nullptr;
  gboolean ok = g_file_set_contents (path.c_str (),
      (const gchar *) data.data (), (gssize) data.size (), &error);
  fail_unless (ok, "cannot write %s: %s", path.c_str (),
      error ? error->message : "");
}
