/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "audio-delta-scan.h"

#include "base64.h"

#include <cstring>

namespace realtime {

namespace {

constexpr std::string_view kAudioDeltaType = "response.output_audio.delta";

/* Real indices have a digit or two; 15 digits cannot overflow gint64. */
constexpr int kMaxIndexDigits = 15;

/* The members of the event, one bit each, to find a missing or repeated
 * one. */
enum Member : unsigned {
  M_UNKNOWN = 0,
  M_TYPE = 1u << 0,
  M_EVENT_ID = 1u << 1,
  M_RESPONSE_ID = 1u << 2,
  M_ITEM_ID = 1u << 3,
  M_OUTPUT_INDEX = 1u << 4,
  M_CONTENT_INDEX = 1u << 5,
  M_DELTA = 1u << 6,
};
constexpr unsigned kAllMembers = M_TYPE | M_EVENT_ID | M_RESPONSE_ID |
    M_ITEM_ID | M_OUTPUT_INDEX | M_CONTENT_INDEX | M_DELTA;

const struct
{
  std::string_view name;
  Member member;
} kMembers[] = {
    {"type", M_TYPE},
    {"event_id", M_EVENT_ID},
    {"response_id", M_RESPONSE_ID},
    {"item_id", M_ITEM_ID},
    {"output_index", M_OUTPUT_INDEX},
    {"content_index", M_CONTENT_INDEX},
    {"delta", M_DELTA},
};

Member
member_named (std::string_view name)
{
  for (const auto & m : kMembers)
    if (name == m.name)
      return m.member;
  return M_UNKNOWN;
}

/* A read position in the text. Each read returns false at the first byte
 * outside the common form; the caller then gives up on the whole text. */
class Scanner
{
public:
  explicit Scanner (std::string_view text)
      : p_ (text.data ()), end_ (text.data () + text.size ())
  {}

  bool at_end () const { return p_ == end_; }

  /* JSON's four whitespace characters. */
  void skip_whitespace ()
  {
    while (
        p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
      p_++;
  }

  /* @c, after optional whitespace. */
  bool expect (char c)
  {
    skip_whitespace ();
    if (p_ == end_ || *p_ != c)
      return false;
    p_++;
    return true;
  }

  /* A string of printable ASCII without escapes, as @out (pointing into the
   * text). Escapes and other bytes are the full parser's: it decodes and
   * repairs them. */
  bool plain_string (std::string_view & out)
  {
    if (!expect ('"'))
      return false;
    for (const char * start = p_; p_ < end_; p_++) {
      const unsigned char c = (unsigned char) *p_;
      if (c == '"') {
        out = std::string_view (start, p_ - start);
        p_++;
        return true;
      }
      if (c < 0x20 || c >= 0x80 || c == '\\')
        return false;
    }
    return false;
  }

  /* The text up to the next quote, unchecked, for the base64 `delta`: the
   * decoder refuses every byte outside its alphabet (a backslash, a control
   * character, non-ASCII), so checking here would read it twice. */
  bool base64_string (std::string_view & out)
  {
    if (!expect ('"'))
      return false;
    const void * quote = memchr (p_, '"', end_ - p_);
    if (quote == nullptr)
      return false;
    out = std::string_view (p_, (const char *) quote - p_);
    p_ = (const char *) quote + 1;
    return true;
  }

  /* A plain JSON integer, -?(0|[1-9][0-9]*): no fraction or exponent (1.0
   * is an integer to the full parser, which reads it as such). */
  bool integer (gint64 & out)
  {
    skip_whitespace ();
    const bool negative = p_ < end_ && *p_ == '-';
    if (negative)
      p_++;
    const char * digits = p_;
    gint64 value = 0;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      if (p_ - digits == kMaxIndexDigits)
        return false;
      value = value * 10 + (*p_ - '0');
      p_++;
    }
    const ptrdiff_t count = p_ - digits;
    if (count == 0 || (count > 1 && *digits == '0'))
      return false;
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E'))
      return false;
    out = negative ? -value : value;
    return true;
  }

private:
  const char * p_;
  const char * end_;
};

} // namespace

std::optional<ServerEvent>
scan_audio_delta (std::string_view text)
{
  Scanner s (text);
  if (!s.expect ('{'))
    return std::nullopt;

  ServerEvent ev;
  std::string_view event_id, response_id, item_id, delta;
  unsigned seen = 0;
  do {
    std::string_view name;
    if (!s.plain_string (name) || !s.expect (':'))
      return std::nullopt;
    const Member member = member_named (name);
    if (member == M_UNKNOWN || (seen & member) != 0)
      return std::nullopt;
    seen |= member;

    bool ok = false;
    switch (member) {
      case M_TYPE: {
        /* Usually the first member: other events stop here. */
        std::string_view type;
        ok = s.plain_string (type) && type == kAudioDeltaType;
        break;
      }
      case M_EVENT_ID:
        ok = s.plain_string (event_id);
        break;
      case M_RESPONSE_ID:
        ok = s.plain_string (response_id);
        break;
      case M_ITEM_ID:
        ok = s.plain_string (item_id);
        break;
      case M_OUTPUT_INDEX:
        ok = s.integer (ev.output_index);
        break;
      case M_CONTENT_INDEX:
        ok = s.integer (ev.content_index);
        break;
      case M_DELTA:
        ok = s.base64_string (delta);
        break;
      case M_UNKNOWN:
        break;
    }
    if (!ok)
      return std::nullopt;
  } while (s.expect (','));

  if (!s.expect ('}'))
    return std::nullopt;
  s.skip_whitespace ();
  if (!s.at_end () || seen != kAllMembers)
    return std::nullopt;

  /* Decoded last, once the whole text is known to be the common form. */
  if (!base64_decode_append (delta, ev.audio, nullptr))
    return std::nullopt;
  ev.type = ServerEventType::ResponseOutputAudioDelta;
  ev.type_name.assign (kAudioDeltaType);
  ev.event_id.assign (event_id);
  ev.response_id.assign (response_id);
  ev.item_id.assign (item_id);
  return ev;
}

} // namespace realtime
