/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "wav-helpers.h"

#include <gst/check/gstcheck.h>
#include <tools/simulator/audio-synth.h>
#include <tools/simulator/simulator-error.h>

#include <cmath>
#include <string>
#include <vector>

using namespace realtime::sim;

static double
db (double ratio)
{
  return 20.0 * std::log10 (ratio);
}

static Pcm
decode_ok (const std::vector<guint8> & wav)
{
  g_autoptr (GError) error = nullptr;
  Pcm out = {1, 2, 3}; /* decode replaces */
  fail_unless (decode_wav (wav.data (), wav.size (), out, &error),
      "decode failed: %s", error ? error->message : "");
  fail_unless (error == nullptr);
  return out;
}

static void
assert_decode_error (const std::vector<guint8> & wav, const char * part)
{
  g_autoptr (GError) error = nullptr;
  Pcm out;
  fail_if (decode_wav (wav.data (), wav.size (), out, &error),
      "decoded a WAV that should fail (%s)", part);
  fail_unless (g_error_matches (error, REALTIME_SIMULATOR_ERROR,
                   REALTIME_SIMULATOR_ERROR_AUDIO),
      "wrong error for %s: %s", part, error ? error->message : "(none)");
  fail_unless (strstr (error->message, part) != nullptr,
      "\"%s\" does not mention \"%s\"", error->message, part);
}

GST_START_TEST (test_tone)
{
  Pcm tone = make_tone (440.0, 1000, 0.25);
  fail_unless_equals_int (tone.size (), 24000);

  /* Peak at the requested amplitude, reached away from the fades. */
  int peak = 0;
  for (gint16 s : tone)
    peak = MAX (peak, ABS ((int) s));
  fail_unless (ABS (peak - 8192) <= 2, "peak %d", peak);

  /* 440 cycles, one rising crossing each (the first starts at 0). */
  gsize crossings = count_rising_crossings (tone, 0, tone.size ());
  fail_unless (crossings >= 439 && crossings <= 441,
      "%" G_GSIZE_FORMAT " crossings", crossings);

  /* Linear 5 ms fades: silent at both ends, under the ramp inside them. */
  fail_unless_equals_int (tone.front (), 0);
  fail_unless_equals_int (tone.back (), 0);
  for (gsize i = 0; i < 120; i++) {
    double ramp = 8192.0 * i / 120.0 + 1.0;
    fail_unless (ABS (tone[i]) <= ramp, "sample %" G_GSIZE_FORMAT, i);
    fail_unless (ABS (tone[tone.size () - 1 - i]) <= ramp);
  }
  /* ... and the sine is full strength right after. */
  fail_unless (ABS (measure_rms (tone, 120, 24000 - 120) * 32768.0 -
                   8192.0 / std::sqrt (2.0)) < 20.0);

  Pcm high = make_tone (3000.0, 500, 1.0);
  fail_unless_equals_int (high.size (), 12000);
  double f = measure_frequency (high, 0, high.size ());
  fail_unless (ABS (f - 3000.0) <= 3.0, "measured %f Hz", f);

  fail_unless_equals_int (make_tone (440.0, 7).size (), 168);
  fail_unless_equals_int (make_tone (440.0, 0).size (), 0);
  fail_unless_equals_int (make_tone (440.0, -5).size (), 0);
}
GST_END_TEST;

GST_START_TEST (test_silence)
{
  Pcm silence = make_silence (250);
  fail_unless_equals_int (silence.size (), 6000);
  for (gint16 s : silence)
    fail_unless_equals_int (s, 0);
  fail_unless_equals_int (make_silence (-1).size (), 0);
}
GST_END_TEST;

/* 16-bit 24 kHz mono needs no conversion: bit-exact, extremes included,
 * with an odd-sized chunk before "data" skipped with its pad byte. */
GST_START_TEST (test_decode_s16_24k_mono_bit_exact)
{
  GRand * rand = g_rand_new_with_seed (7);
  std::vector<gint16> samples = {-32768, 32767, 0, -1, 1};
  for (int i = 0; i < 5000; i++)
    samples.push_back ((gint16) g_rand_int_range (rand, -32768, 32768));
  g_rand_free (rand);

  std::vector<double> values;
  for (gint16 s : samples)
    values.push_back (s / 32768.0);

  for (bool extra : {false, true}) {
    WavSpec spec;
    spec.extra_chunk = extra;
    Pcm out = decode_ok (build_wav (spec, values));
    fail_unless_equals_int (out.size (), samples.size ());
    fail_unless (out == samples, "not bit-exact");
  }
}
GST_END_TEST;

/* Every integer and float sample format at 24 kHz, plain and extensible,
 * with three channels mixed by averaging. */
GST_START_TEST (test_decode_sample_formats)
{
  const struct
  {
    guint16 format, bits;
    bool extensible;
    int tolerance; /* in 16-bit steps */
  } cases[] = {
      {1, 8, false, 260},
      {1, 16, false, 1},
      {1, 24, false, 1},
      {1, 32, false, 1},
      {3, 32, false, 1},
      {3, 64, false, 1},
      {1, 24, true, 1},
      {3, 32, true, 1},
      {1, 16, true, 1},
  };
  const std::vector<double> amplitudes = {0.9, 0.3, -0.6};

  for (const auto & c : cases) {
    WavSpec spec;
    spec.format = c.format;
    spec.bits = c.bits;
    spec.extensible = c.extensible;
    spec.channels = 3;
    std::vector<double> frames =
        sine_frames (24000, 3, 1000.0, 100, amplitudes);
    Pcm out = decode_ok (build_wav (spec, frames));
    fail_unless_equals_int (out.size (), 2400);
    for (gsize i = 0; i < out.size (); i++) {
      double expected =
          (frames[3 * i] + frames[3 * i + 1] + frames[3 * i + 2]) / 3.0 *
          32768.0;
      fail_unless (std::fabs (out[i] - expected) <= c.tolerance,
          "format %u/%u bits: sample %" G_GSIZE_FORMAT " is %d, expected %f",
          c.format, c.bits, i, out[i], expected);
    }
  }
}
GST_END_TEST;

/* A resampled sine: right length, frequency and level. */
static void
assert_resampled (guint rate, guint channels, guint16 format, guint16 bits,
    double frequency_hz, gint64 duration_ms,
    const std::vector<double> & amplitudes, double expected_peak)
{
  WavSpec spec;
  spec.format = format;
  spec.bits = bits;
  spec.rate = rate;
  spec.channels = channels;
  std::vector<double> frames =
      sine_frames (rate, channels, frequency_hz, duration_ms, amplitudes);
  Pcm out = decode_ok (build_wav (spec, frames));

  gsize expected = (gsize) (duration_ms * 24);
  gsize slack = MAX ((gsize) 1, expected / 1000);
  fail_unless (out.size () + slack >= expected &&
          out.size () <= expected + slack,
      "%u Hz: %" G_GSIZE_FORMAT " samples, expected %" G_GSIZE_FORMAT, rate,
      out.size (), expected);

  /* Away from the edges, where the filter sees zeros. */
  gsize begin = 2400, end = out.size () - 2400;
  double f = measure_frequency (out, begin, end);
  double f_tolerance = 24000.0 / (end - begin) + frequency_hz * 0.001;
  fail_unless (std::fabs (f - frequency_hz) <= f_tolerance,
      "%u Hz: measured %f Hz, expected %f", rate, f, frequency_hz);

  double level =
      db (measure_rms (out, begin, end) * std::sqrt (2.0) / expected_peak);
  fail_unless (std::fabs (level) <= 0.5, "%u Hz: level off by %f dB", rate,
      level);
}

GST_START_TEST (test_decode_resamples)
{
  /* 48 kHz stereo S16, channels of different levels: the mix is their
   * average. */
  assert_resampled (48000, 2, 1, 16, 1000.0, 1000, {0.5, 0.3}, 0.4);
  /* 8 kHz mono (telephony), upsampled. */
  assert_resampled (8000, 1, 1, 16, 440.0, 500, {0.5}, 0.5);
  /* 44.1 kHz float, not an integer ratio. */
  assert_resampled (44100, 1, 3, 32, 1000.0, 1000, {0.5}, 0.5);
  /* The extremes of the supported rates, and a high tone near the output
   * pass band's edge. */
  assert_resampled (384000, 1, 1, 16, 1000.0, 300, {0.5}, 0.5);
  assert_resampled (1000, 1, 1, 16, 300.0, 6000, {0.5}, 0.5);
  assert_resampled (96000, 1, 1, 24, 9000.0, 500, {0.5}, 0.5);
  assert_resampled (48000, 1, 1, 16, 10000.0, 500, {0.5}, 0.5);
}
GST_END_TEST;

/* Nothing above the output Nyquist frequency folds back: tones just above
 * 12 kHz and far above it at 48 kHz come out as (almost) silence. */
GST_START_TEST (test_decode_no_aliasing)
{
  for (double frequency : {12500.0, 15000.0, 23000.0}) {
    WavSpec spec;
    spec.rate = 48000;
    Pcm out = decode_ok (
        build_wav (spec, sine_frames (48000, 1, frequency, 500, {0.5})));
    double level = db (
        measure_rms (out, 2400, out.size () - 2400) * std::sqrt (2.0) / 0.5);
    fail_unless (level < -60.0, "%f Hz aliases at %f dB", frequency, level);
  }
}
GST_END_TEST;

GST_START_TEST (test_decode_empty_data)
{
  WavSpec spec;
  Pcm out = decode_ok (build_wav (spec, {}));
  fail_unless_equals_int (out.size (), 0);
  spec.rate = 44100;
  out = decode_ok (build_wav (spec, {}));
  fail_unless_equals_int (out.size (), 0);
}
GST_END_TEST;

static void
put_u16_at (std::vector<guint8> & wav, gsize offset, guint v)
{
  wav[offset] = v & 0xff;
  wav[offset + 1] = (v >> 8) & 0xff;
}

static void
put_u32_at (std::vector<guint8> & wav, gsize offset, guint32 v)
{
  put_u16_at (wav, offset, v & 0xffff);
  put_u16_at (wav, offset + 2, v >> 16);
}

/* Offsets in build_wav()'s output without the extra chunk. */
enum {
  FMT_TAG = 20,
  FMT_CHANNELS = 22,
  FMT_RATE = 24,
  FMT_ALIGN = 32,
  FMT_BITS = 34,
  EXT_SUBFORMAT = 44
};

GST_START_TEST (test_decode_rejects_malformed)
{
  WavSpec spec;
  const std::vector<guint8> good =
      build_wav (spec, std::vector<double> (100, 0.25));
  decode_ok (good);

  assert_decode_error ({}, "RIFF");
  assert_decode_error ({'R', 'I', 'F', 'F'}, "RIFF");
  std::vector<guint8> text (good.size (), 'x');
  assert_decode_error (text, "RIFF");

  std::vector<guint8> wav = good;
  memcpy (wav.data (), "RIFX", 4);
  assert_decode_error (wav, "RIFX");

  wav = good;
  memcpy (wav.data () + 8, "AVI ", 4);
  assert_decode_error (wav, "RIFF/WAVE");

  wav = good;
  put_u16_at (wav, FMT_CHANNELS, 0);
  assert_decode_error (wav, "zero channels");

  wav = good;
  put_u16_at (wav, FMT_TAG, 7);
  assert_decode_error (wav, "mu-law");
  put_u16_at (wav, FMT_TAG, 6);
  assert_decode_error (wav, "A-law");
  put_u16_at (wav, FMT_TAG, 0x55);
  assert_decode_error (wav, "MP3");
  put_u16_at (wav, FMT_TAG, 0x1234);
  assert_decode_error (wav, "0x1234");

  wav = good;
  put_u16_at (wav, FMT_BITS, 12);
  assert_decode_error (wav, "12-bit");
  wav = good;
  put_u16_at (wav, FMT_TAG, 3); /* 16-bit float */
  assert_decode_error (wav, "16-bit float");

  wav = good;
  put_u32_at (wav, FMT_RATE, 999);
  assert_decode_error (wav, "sample rate 999");
  put_u32_at (wav, FMT_RATE, 384001);
  assert_decode_error (wav, "sample rate 384001");

  wav = good;
  put_u16_at (wav, FMT_ALIGN, 4);
  assert_decode_error (wav, "block align");

  /* fmt chunk too short: 14 bytes, without the bits per sample. */
  wav = good;
  put_u32_at (wav, 16, 14);
  wav.erase (wav.begin () + FMT_BITS, wav.begin () + FMT_BITS + 2);
  put_u32_at (wav, 4, wav.size () - 8);
  assert_decode_error (wav, "\"fmt \" chunk has 14 bytes");

  /* No data chunk: rename it. */
  wav = good;
  memcpy (wav.data () + 36, "junk", 4);
  assert_decode_error (wav, "no \"data\" chunk");

  /* No fmt chunk. */
  wav = good;
  memcpy (wav.data () + 12, "junk", 4);
  assert_decode_error (wav, "no \"fmt \" chunk");

  /* A chunk longer than the file. */
  wav = good;
  put_u32_at (wav, 40, 1000);
  assert_decode_error (wav, "Truncated");
  /* A RIFF size longer than the file. */
  wav = good;
  put_u32_at (wav, 4, good.size ());
  assert_decode_error (wav, "Truncated");

  /* Extensible with a foreign GUID or a codec we do not decode. */
  spec.extensible = true;
  const std::vector<guint8> ext =
      build_wav (spec, std::vector<double> (10, 0.5));
  decode_ok (ext);
  wav = ext;
  wav[EXT_SUBFORMAT + 15] ^= 0xff;
  assert_decode_error (wav, "sub-format");
  wav = ext;
  put_u16_at (wav, EXT_SUBFORMAT, 7);
  assert_decode_error (wav, "mu-law");
  wav = ext;
  put_u16_at (wav, 36, 0); /* cbSize */
  assert_decode_error (wav, "EXTENSIBLE");
}
GST_END_TEST;

/* Streaming encoders write 0xffffffff sizes: read to the end of the file. */
GST_START_TEST (test_decode_unknown_sizes)
{
  WavSpec spec;
  std::vector<double> values = {0.5, -0.5, 0.25, -0.25};
  std::vector<guint8> wav = build_wav (spec, values);
  put_u32_at (wav, 4, 0xffffffff);
  put_u32_at (wav, 40, 0xffffffff);
  Pcm out = decode_ok (wav);
  fail_unless_equals_int (out.size (), 4);
  fail_unless_equals_int (out[0], 16384);
  fail_unless_equals_int (out[3], -8192);
}
GST_END_TEST;

/* Every prefix of valid files is an error, never a crash. */
GST_START_TEST (test_decode_truncated_everywhere)
{
  std::vector<std::vector<guint8>> files;
  WavSpec spec;
  spec.rate = 48000;
  spec.channels = 2;
  spec.extra_chunk = true;
  files.push_back (
      build_wav (spec, sine_frames (48000, 2, 1000.0, 2, {0.5, 0.5})));
  WavSpec ext;
  ext.extensible = true;
  ext.format = 3;
  ext.bits = 32;
  ext.rate = 44100;
  files.push_back (build_wav (ext, sine_frames (44100, 1, 1000.0, 2, {0.5})));

  for (const auto & file : files) {
    decode_ok (file);
    for (gsize len = 0; len < file.size (); len++) {
      std::vector<guint8> prefix (file.begin (), file.begin () + len);
      g_autoptr (GError) error = nullptr;
      Pcm out;
      fail_if (decode_wav (prefix.data (), prefix.size (), out, &error),
          "a prefix of %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
          " bytes decoded",
          len, file.size ());
      fail_unless (g_error_matches (error, REALTIME_SIMULATOR_ERROR,
          REALTIME_SIMULATOR_ERROR_AUDIO));
    }
  }
}
GST_END_TEST;

/* Random damage to the headers: either a clean error or some audio. */
GST_START_TEST (test_decode_byte_flips)
{
  GRand * rand = g_rand_new_with_seed (1234);
  WavSpec plain;
  plain.rate = 48000;
  plain.channels = 2;
  WavSpec ext;
  ext.extensible = true;
  ext.format = 3;
  ext.bits = 32;
  const std::vector<guint8> files[] = {
      build_wav (plain, sine_frames (48000, 2, 1000.0, 5, {0.5, 0.5})),
      build_wav (ext, sine_frames (24000, 1, 1000.0, 5, {0.5})),
  };

  int failures = 0, successes = 0;
  for (const auto & file : files) {
    gsize header = MIN (file.size (), (gsize) 72);
    for (int round = 0; round < 3000; round++) {
      std::vector<guint8> wav = file;
      int flips = g_rand_int_range (rand, 1, 4);
      for (int i = 0; i < flips; i++) {
        gsize at = g_rand_int_range (rand, 0, header);
        wav[at] ^= (guint8) g_rand_int_range (rand, 1, 256);
      }
      g_autoptr (GError) error = nullptr;
      Pcm out;
      if (decode_wav (wav.data (), wav.size (), out, &error)) {
        fail_unless (error == nullptr);
        /* At most 1000 Hz in, so at most 24 output samples per input. */
        fail_unless (out.size () <= wav.size () * 24);
        successes++;
      } else {
        fail_unless (g_error_matches (error, REALTIME_SIMULATOR_ERROR,
                         REALTIME_SIMULATOR_ERROR_AUDIO),
            "%s", error ? error->message : "no error set");
        fail_unless (error->message[0] != '\0');
        failures++;
      }
    }
  }
  g_rand_free (rand);
  /* Both outcomes happened, so the damage did reach the parser. */
  fail_unless (failures > 100 && successes > 100, "%d failures, %d successes",
      failures, successes);
}
GST_END_TEST;

GST_START_TEST (test_load_wav)
{
  g_autoptr (GError) error = nullptr;
  g_autofree gchar * dir = g_dir_make_tmp ("sim-audio-XXXXXX", &error);
  fail_unless (dir != nullptr);

  /* A missing file is an IO error naming the path. */
  g_autofree gchar * missing = g_build_filename (dir, "missing.wav", nullptr);
  Pcm out;
  fail_if (load_wav (missing, out, &error));
  fail_unless (g_error_matches (error, REALTIME_SIMULATOR_ERROR,
                   REALTIME_SIMULATOR_ERROR_IO),
      "%s", error->message);
  fail_unless (strstr (error->message, missing) != nullptr, "%s",
      error->message);
  g_clear_error (&error);

  /* A good file. */
  g_autofree gchar * good = g_build_filename (dir, "good.wav", nullptr);
  WavSpec spec;
  write_file (good, build_wav (spec, {0.5, -0.5}));
  fail_unless (load_wav (good, out, &error), "%s", error ? error->message : "");
  fail_unless_equals_int (out.size (), 2);
  fail_unless_equals_int (out[1], -16384);

  /* A bad file: the decoding error, prefixed with the path. */
  g_autofree gchar * bad = g_build_filename (dir, "bad.wav", nullptr);
  write_file (bad, {'n', 'o', 'p', 'e'});
  fail_if (load_wav (bad, out, &error));
  fail_unless (g_error_matches (error, REALTIME_SIMULATOR_ERROR,
      REALTIME_SIMULATOR_ERROR_AUDIO));
  fail_unless (g_str_has_prefix (error->message, bad), "%s", error->message);

  g_unlink (good);
  g_unlink (bad);
  g_rmdir (dir);
}
GST_END_TEST;

static Suite *
sim_audio_suite (void)
{
  Suite * s = suite_create ("sim-audio");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_tone);
  tcase_add_test (tc, test_silence);
  tcase_add_test (tc, test_decode_s16_24k_mono_bit_exact);
  tcase_add_test (tc, test_decode_sample_formats);
  tcase_add_test (tc, test_decode_resamples);
  tcase_add_test (tc, test_decode_no_aliasing);
  tcase_add_test (tc, test_decode_empty_data);
  tcase_add_test (tc, test_decode_rejects_malformed);
  tcase_add_test (tc, test_decode_unknown_sizes);
  tcase_add_test (tc, test_decode_truncated_everywhere);
  tcase_add_test (tc, test_decode_byte_flips);
  tcase_add_test (tc, test_load_wav);
  return s;
}

GST_CHECK_MAIN (sim_audio);
