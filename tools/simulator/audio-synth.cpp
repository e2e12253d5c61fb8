/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "audio-synth.h"

#include "simulator-error.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstring>

namespace realtime::sim {

namespace {

constexpr gint64 FADE_SAMPLES = 5 * PCM_SAMPLES_PER_MS;

gint16
to_s16 (double value)
{
  /* NaN from a float WAV must not reach lrint(). */
  if (!(value == value))
    return 0;
  double scaled = std::nearbyint (value * 32768.0);
  return (gint16) std::clamp (scaled, -32768.0, 32767.0);
}

} // namespace

Pcm
make_tone (double frequency_hz, gint64 duration_ms, double amplitude)
{
  gint64 n = std::max<gint64> (0, duration_ms) * PCM_SAMPLES_PER_MS;
  gint64 fade = std::min (FADE_SAMPLES, n / 2);
  double peak = std::clamp (amplitude, 0.0, 1.0) * 32767.0;
  double step = 2.0 * G_PI * frequency_hz / PCM_RATE;
  Pcm out ((gsize) n);

  for (gint64 i = 0; i < n; i++) {
    double gain = 1.0;
    if (i < fade)
      gain = (double) i / fade;
    else if (i >= n - fade)
      gain = (double) (n - 1 - i) / fade;
    out[i] = (gint16) std::lrint (peak * gain * std::sin (step * (double) i));
  }
  return out;
}

Pcm
make_silence (gint64 duration_ms)
{
  return Pcm ((gsize) (std::max<gint64> (0, duration_ms) * PCM_SAMPLES_PER_MS),
      0);
}

/* --- WAV ---------------------------------------------------------------- */

namespace {

constexpr guint16 WAVE_FORMAT_PCM = 0x0001;
constexpr guint16 WAVE_FORMAT_IEEE_FLOAT = 0x0003;
constexpr guint16 WAVE_FORMAT_EXTENSIBLE = 0xfffe;
constexpr guint32 SIZE_UNKNOWN = 0xffffffff;

/* KSDATAFORMAT_SUBTYPE_* GUIDs are xxxxxxxx-0000-0010-8000-00aa00389b71 with
 * the format tag in the first four bytes; these are the other twelve. */
constexpr guint8 SUBFORMAT_TAIL[12] = {0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00,
    0xaa, 0x00, 0x38, 0x9b, 0x71};

guint16
read_u16 (const guint8 * p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

guint32
read_u32 (const guint8 * p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) |
      ((guint32) p[3] << 24);
}

bool audio_error (GError ** error, const char * format, ...)
    G_GNUC_PRINTF (2, 3);

bool
audio_error (GError ** error, const char * format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree gchar * message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, REALTIME_SIMULATOR_ERROR,
      REALTIME_SIMULATOR_ERROR_AUDIO, message);
  return false;
}

const char *
codec_name (guint16 tag)
{
  switch (tag) {
    case 0x0002:
      return "Microsoft ADPCM";
    case 0x0006:
      return "A-law";
    case 0x0007:
      return "mu-law";
    case 0x0011:
      return "IMA ADPCM";
    case 0x0031:
      return "GSM 6.10";
    case 0x0050:
      return "MPEG audio";
    case 0x0055:
      return "MP3";
    case 0x00ff:
      return "AAC";
    case 0x0161:
      return "Windows Media Audio";
    case 0x1610:
      return "AAC";
    case 0xf1ac:
      return "FLAC";
    default:
      return nullptr;
  }
}

/* Reads one sample of @bits from @p as a value in [-1, 1]. */
double
read_sample (const guint8 * p, bool is_float, guint bits)
{
  if (is_float) {
    if (bits == 32) {
      guint32 raw = read_u32 (p);
      float value;
      memcpy (&value, &raw, sizeof (value));
      return value;
    }
    guint64 raw = read_u32 (p) | ((guint64) read_u32 (p + 4) << 32);
    double value;
    memcpy (&value, &raw, sizeof (value));
    return value;
  }
  switch (bits) {
    case 8:
      return ((int) p[0] - 128) / 128.0; /* 8-bit WAV is unsigned */
    case 16:
      return (gint16) read_u16 (p) / 32768.0;
    case 24: {
      gint32 v = (gint32) ((guint32) p[0] << 8 | (guint32) p[1] << 16 |
                     (guint32) p[2] << 24) >>
          8;
      return v / 8388608.0;
    }
    default:
      return (gint32) read_u32 (p) / 2147483648.0;
  }
}

/* Windowed-sinc interpolation: the kernel sinc(x) * kaiser(x / ZC) is
 * tabulated over x in [0, ZC] zero crossings and read with linear
 * interpolation, which is accurate far beyond 16 bits at this resolution. */
constexpr int ZERO_CROSSINGS = 32;
constexpr int TABLE_STEPS = 512;    /* table points per zero crossing */
constexpr double KAISER_BETA = 8.6; /* ~ -86 dB stop band */
constexpr double CUTOFF = 0.9;      /* of the lower Nyquist frequency */

double
bessel_i0 (double x)
{
  double sum = 1.0, term = 1.0;
  for (int k = 1; k < 64; k++) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
    if (term < sum * 1e-17)
      break;
  }
  return sum;
}

const std::vector<double> &
kernel_table ()
{
  static const std::vector<double> table = [] {
    std::vector<double> t (ZERO_CROSSINGS * TABLE_STEPS + 2, 0.0);
    double norm = bessel_i0 (KAISER_BETA);
    for (int i = 0; i <= ZERO_CROSSINGS * TABLE_STEPS; i++) {
      double x = (double) i / TABLE_STEPS;
      double r = x / ZERO_CROSSINGS;
      double window =
          bessel_i0 (KAISER_BETA * std::sqrt (std::max (0.0, 1.0 - r * r))) /
          norm;
      double sinc = i == 0 ? 1.0 : std::sin (G_PI * x) / (G_PI * x);
      t[i] = sinc * window;
    }
    return t;
  }();
  return table;
}

} // namespace

void
resample_to_pcm (const std::vector<double> & in, guint rate, Pcm & out)
{
  if (rate == PCM_RATE) {
    out.resize (in.size ());
    for (gsize i = 0; i < in.size (); i++)
      out[i] = to_s16 (in[i]);
    return;
  }

  const std::vector<double> & table = kernel_table ();
  const gint64 n_in = (gint64) in.size ();
  const guint64 n_out = ((guint64) n_in * PCM_RATE + rate / 2) / rate;
  /* Cut-off relative to the input rate: below the output Nyquist frequency
   * when downsampling, below the input's when upsampling. */
  const double fc = CUTOFF * std::min (1.0, (double) PCM_RATE / rate);
  const double half_width = ZERO_CROSSINGS / fc; /* in input samples */

  out.resize (n_out);
  for (guint64 i = 0; i < n_out; i++) {
    /* Exact position of output sample i in input samples. */
    guint64 num = i * rate;
    double t = (double) (num / PCM_RATE) + (double) (num % PCM_RATE) / PCM_RATE;
    gint64 first = std::max<gint64> (0, (gint64) std::ceil (t - half_width));
    gint64 last =
        std::min<gint64> (n_in - 1, (gint64) std::floor (t + half_width));
    double acc = 0.0;
    for (gint64 k = first; k <= last; k++) {
      double pos = std::fabs (t - (double) k) * fc * TABLE_STEPS;
      gsize idx = (gsize) pos;
      if (idx >= (gsize) ZERO_CROSSINGS * TABLE_STEPS)
        continue;
      double frac = pos - (double) idx;
      acc += in[k] * (table[idx] + frac * (table[idx + 1] - table[idx]));
    }
    out[i] = to_s16 (acc * fc);
  }
}

bool
decode_wav (const guint8 * data, gsize size, Pcm & out, GError ** error)
{
  if (data == nullptr)
    size = 0;
  if (size >= 4 && memcmp (data, "RIFX", 4) == 0)
    return audio_error (error, "Big-endian (RIFX) WAV files are not supported");
  if (size >= 4 && memcmp (data, "RF64", 4) == 0)
    return audio_error (error, "RF64 WAV files are not supported");
  if (size < 12 || memcmp (data, "RIFF", 4) != 0 ||
      memcmp (data + 8, "WAVE", 4) != 0)
    return audio_error (error, "Not a WAV file (no RIFF/WAVE header)");

  gsize end = size;
  guint32 riff_size = read_u32 (data + 4);
  if (riff_size != SIZE_UNKNOWN) {
    if ((guint64) riff_size + 8 > size)
      return audio_error (error,
          "Truncated WAV file: the RIFF header "
          "announces %" G_GUINT64_FORMAT
          " bytes, the file has %" G_GSIZE_FORMAT,
          (guint64) riff_size + 8, size);
    end = (gsize) riff_size + 8;
  }

  const guint8 *fmt = nullptr, *pcm = nullptr;
  guint32 fmt_size = 0;
  gsize pcm_size = 0;
  gsize offset = 12;
  while (offset < end) {
    if (end - offset < 8) {
      /* A lone pad byte after an odd-sized last chunk is harmless. */
      if (end - offset == 1)
        break;
      return audio_error (error,
          "Truncated WAV file: incomplete chunk "
          "header at offset %" G_GSIZE_FORMAT,
          offset);
    }
    const guint8 * id = data + offset;
    guint32 chunk_size = read_u32 (data + offset + 4);
    gsize body = offset + 8;
    guint64 chunk_end = (guint64) body + chunk_size;

    if (memcmp (id, "data", 4) == 0 && chunk_size == SIZE_UNKNOWN)
      chunk_end = end;
    if (chunk_end > end)
      return audio_error (error,
          "Truncated WAV file: the \"%.4s\" chunk "
          "at offset %" G_GSIZE_FORMAT " needs %" G_GUINT64_FORMAT
          " bytes, %" G_GSIZE_FORMAT " are left",
          id, offset, (guint64) chunk_size, end - body);

    if (memcmp (id, "fmt ", 4) == 0 && fmt == nullptr) {
      fmt = data + body;
      fmt_size = chunk_size;
    } else if (memcmp (id, "data", 4) == 0 && pcm == nullptr) {
      pcm = data + body;
      pcm_size = (gsize) (chunk_end - body);
    }
    /* Chunks are padded to an even size. */
    offset = (gsize) chunk_end + (chunk_size & 1);
  }

  if (fmt == nullptr)
    return audio_error (error, "Invalid WAV file: no \"fmt \" chunk");
  if (pcm == nullptr)
    return audio_error (error, "Invalid WAV file: no \"data\" chunk");
  if (fmt_size < 16)
    return audio_error (error,
        "Invalid WAV file: the \"fmt \" chunk has %u "
        "bytes, at least 16 are needed",
        fmt_size);

  guint16 tag = read_u16 (fmt);
  guint channels = read_u16 (fmt + 2);
  guint32 rate = read_u32 (fmt + 4);
  guint block_align = read_u16 (fmt + 12);
  guint bits = read_u16 (fmt + 14);

  if (tag == WAVE_FORMAT_EXTENSIBLE) {
    if (fmt_size < 40 || read_u16 (fmt + 16) < 22)
      return audio_error (error,
          "Invalid WAV file: WAVE_FORMAT_EXTENSIBLE "
          "without its extension");
    const guint8 * guid = fmt + 24;
    if (read_u16 (guid + 2) != 0 ||
        memcmp (guid + 4, SUBFORMAT_TAIL, sizeof (SUBFORMAT_TAIL)) != 0)
      return audio_error (error,
          "Unsupported WAV file: unknown "
          "WAVE_FORMAT_EXTENSIBLE sub-format");
    tag = read_u16 (guid);
  }

  if (tag != WAVE_FORMAT_PCM && tag != WAVE_FORMAT_IEEE_FLOAT) {
    const char * name = codec_name (tag);
    if (name)
      return audio_error (error,
          "Unsupported WAV file: %s (format 0x%04x) "
          "is not supported; use PCM or IEEE float",
          name, tag);
    return audio_error (error,
        "Unsupported WAV file: format 0x%04x is not "
        "supported; use PCM or IEEE float",
        tag);
  }
  bool is_float = tag == WAVE_FORMAT_IEEE_FLOAT;
  if (is_float ? (bits != 32 && bits != 64)
               : (bits != 8 && bits != 16 && bits != 24 && bits != 32))
    return audio_error (error,
        "Unsupported WAV file: %u-bit %s samples "
        "(supported: %s)",
        bits, is_float ? "float" : "integer",
        is_float ? "32 and 64" : "8, 16, 24 and 32");
  if (channels == 0)
    return audio_error (error, "Invalid WAV file: zero channels");
  if (rate < 1000 || rate > 384000)
    return audio_error (error,
        "Unsupported WAV file: sample rate %u Hz "
        "(supported: 1000 to 384000)",
        rate);
  guint frame_bytes = channels * (bits / 8);
  if (block_align != frame_bytes)
    return audio_error (error,
        "Invalid WAV file: block align %u does not "
        "match %u channels of %u bits",
        block_align, channels, bits);

  /* A trailing partial frame is dropped. */
  gsize frames = pcm_size / frame_bytes;
  std::vector<double> mono (frames);
  const guint sample_bytes = bits / 8;
  for (gsize f = 0; f < frames; f++) {
    const guint8 * p = pcm + f * frame_bytes;
    double sum = 0.0;
    for (guint c = 0; c < channels; c++)
      sum += read_sample (p + c * sample_bytes, is_float, bits);
    mono[f] = sum / channels;
  }

  resample_to_pcm (mono, rate, out);
  return true;
}

bool
load_wav (const std::string & path, Pcm & out, GError ** error)
{
  g_autofree gchar * contents = nullptr;
  gsize length = 0;
  g_autoptr (GError) io_error = nullptr;

  if (!g_file_get_contents (path.c_str (), &contents, &length, &io_error)) {
    g_set_error (error, REALTIME_SIMULATOR_ERROR, REALTIME_SIMULATOR_ERROR_IO,
        "Cannot read WAV file \"%s\": %s", path.c_str (), io_error->message);
    return false;
  }
  if (!decode_wav ((const guint8 *) contents, length, out, error)) {
    g_prefix_error (error, "%s: ", path.c_str ());
    return false;
  }
  return true;
}

} // namespace realtime::sim
