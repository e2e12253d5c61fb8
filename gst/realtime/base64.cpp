/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "base64.h"

#include "realtime-error.h"

namespace realtime {

namespace {

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* 0..63 for alphabet characters, 64 for '=', 255 for everything else. */
struct DecodeTable
{
  guint8 value[256];
  constexpr DecodeTable () : value ()
  {
    for (int i = 0; i < 256; i++)
      value[i] = 255;
    for (int i = 0; i < 64; i++)
      value[(unsigned char) kAlphabet[i]] = (guint8) i;
    value[(unsigned char) '='] = 64;
  }
};
constexpr DecodeTable kDecode;

} // namespace

void
base64_encode_append (std::string & out, const guint8 * data, gsize size)
{
  gsize start = out.size ();
  out.resize (start + (size + 2) / 3 * 4);
  char * p = &out[start];
  gsize i = 0;

  for (; i + 3 <= size; i += 3) {
    guint32 v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    *p++ = kAlphabet[(v >> 18) & 63];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = kAlphabet[(v >> 6) & 63];
    *p++ = kAlphabet[v & 63];
  }
  if (size - i == 1) {
    guint32 v = data[i] << 16;
    *p++ = kAlphabet[(v >> 18) & 63];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = '=';
    *p++ = '=';
  } else if (size - i == 2) {
    guint32 v = (data[i] << 16) | (data[i + 1] << 8);
    *p++ = kAlphabet[(v >> 18) & 63];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = kAlphabet[(v >> 6) & 63];
    *p++ = '=';
  }
}

std::string
base64_encode (const guint8 * data, gsize size)
{
  std::string out;
  base64_encode_append (out, data, size);
  return out;
}

static gboolean
fail (GError ** error, const char * what, gsize position)
{
  g_set_error (error, REALTIME_PROTOCOL_ERROR,
      REALTIME_PROTOCOL_ERROR_INVALID_BASE64,
      "Invalid base64 audio payload: %s at offset %" G_GSIZE_FORMAT, what,
      position);
  return FALSE;
}

gboolean
base64_decode_append (std::string_view text, std::vector<guint8> & out,
    GError ** error)
{
  const gsize n = text.size ();
  if (n % 4 != 0)
    return fail (error, "length is not a multiple of 4", n);

  const gsize start = out.size ();
  out.resize (start + n / 4 * 3);
  guint8 * p = out.data () + start;
  const unsigned char * s = (const unsigned char *) text.data ();

  for (gsize i = 0; i < n; i += 4) {
    guint8 a = kDecode.value[s[i]], b = kDecode.value[s[i + 1]];
    guint8 c = kDecode.value[s[i + 2]], d = kDecode.value[s[i + 3]];

    if ((a | b | c | d) < 64) {
      guint32 v = (a << 18) | (b << 12) | (c << 6) | d;
      *p++ = (guint8) (v >> 16);
      *p++ = (guint8) (v >> 8);
      *p++ = (guint8) v;
      continue;
    }

    /* Padding is only allowed in the last quantum, as "xx==" or "xxx=". */
    gsize bad = i;
    const char * what = "character outside the base64 alphabet";
    if (a > 63)
      bad = i;
    else if (b > 63)
      bad = i + 1;
    else if (c == 255)
      bad = i + 2;
    else if (d == 255)
      bad = i + 3;
    else if (i + 4 != n) {
      what = "padding before the end";
      bad = i + (c == 64 ? 2 : 3);
    } else if (c == 64 && d != 64) {
      what = "data after padding";
      bad = i + 3;
    } else {
      /* Valid final quantum with one or two padding characters. The unused
       * low bits must be zero, or the text is not canonical. */
      guint32 v = (a << 18) | (b << 12);
      if (c == 64) {
        if (b & 0x0f) {
          what = "non-zero bits in padding";
          bad = i + 1;
        } else {
          *p++ = (guint8) (v >> 16);
          out.resize (p - out.data ());
          return TRUE;
        }
      } else {
        if (c & 0x03) {
          what = "non-zero bits in padding";
          bad = i + 2;
        } else {
          v |= c << 6;
          *p++ = (guint8) (v >> 16);
          *p++ = (guint8) (v >> 8);
          out.resize (p - out.data ());
          return TRUE;
        }
      }
    }
    out.resize (start);
    return fail (error, what, bad);
  }
  return TRUE;
}

} // namespace realtime
