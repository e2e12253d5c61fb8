/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "strict-json.h"

#include <gst/realtime/realtime-error.h>

#include <cerrno>
#include <string>

namespace realtime::sim {

namespace {

class Parser
{
public:
  Parser (std::string_view text, GError ** error) : text_ (text), error_ (error)
  {}

  JsonNodePtr parse_document ()
  {
    if (!g_utf8_validate_len (text_.data (), text_.size (), nullptr)) {
      /* Also catches NUL bytes, which JSON only allows escaped. */
      g_set_error_literal (error_, REALTIME_PROTOCOL_ERROR,
          REALTIME_PROTOCOL_ERROR_INVALID_JSON, "the text is not valid UTF-8");
      return nullptr;
    }
    skip_whitespace ();
    JsonNodePtr root = parse_value (0);
    if (!root)
      return nullptr;
    skip_whitespace ();
    if (pos_ != text_.size ()) {
      fail ("unexpected %s after the JSON value", describe_here ().c_str ());
      return nullptr;
    }
    return root;
  }

private:
  std::string_view text_;
  GError ** error_;
  size_t pos_ = 0;

  bool at_end () const { return pos_ >= text_.size (); }
  char peek () const { return at_end () ? '\0' : text_[pos_]; }

  void skip_whitespace ()
  {
    /* Exactly the four JSON whitespace characters (no BOM, no NBSP). */
    while (!at_end () &&
        (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r'))
      pos_++;
  }

  std::string describe_here () const
  {
    if (at_end ())
      return "end of input";
    const char * start = text_.data () + pos_;
    const char * next = g_utf8_next_char (start);
    gunichar c = g_utf8_get_char (start);
    if (c < 0x20 || c == 0x7f)
      return std::string ("control character U+") + hex4 (c);
    return "character '" + std::string (start, next - start) + "'";
  }

  static std::string hex4 (gunichar c)
  {
    char buf[16];
    g_snprintf (buf, sizeof buf, "%04X", c);
    return buf;
  }

  G_GNUC_PRINTF (2, 3) void fail (const char * format, ...)
  {
    if (error_ == nullptr || *error_ != nullptr)
      return;
    va_list args;
    va_start (args, format);
    g_autofree gchar * what = g_strdup_vprintf (format, args);
    va_end (args);

    /* Position in characters, 1-based, as editors show it. */
    size_t line = 1;
    size_t line_start = 0;
    size_t end = std::min (pos_, text_.size ());
    for (size_t i = 0; i < end; i++) {
      if (text_[i] == '\n') {
        line++;
        line_start = i + 1;
      }
    }
    glong column = g_utf8_strlen (text_.data () + line_start,
                       (gssize) (end - line_start)) +
        1;
    g_set_error (error_, REALTIME_PROTOCOL_ERROR,
        REALTIME_PROTOCOL_ERROR_INVALID_JSON,
        "%s at line %" G_GSIZE_FORMAT ", column %ld", what, (gsize) line,
        column);
  }

  JsonNodePtr parse_value (int depth)
  {
    if (depth > MAX_JSON_DEPTH) {
      fail ("nesting deeper than %d levels", MAX_JSON_DEPTH);
      return nullptr;
    }
    switch (peek ()) {
      case '{':
        return parse_object (depth);
      case '[':
        return parse_array (depth);
      case '"': {
        std::string s;
        if (!parse_string (s))
          return nullptr;
        JsonNodePtr node (json_node_new (JSON_NODE_VALUE));
        json_node_set_string (node.get (), s.c_str ());
        return node;
      }
      case 't':
        return parse_literal ("true");
      case 'f':
        return parse_literal ("false");
      case 'n':
        return parse_literal ("null");
      default:
        if (peek () == '-' || g_ascii_isdigit (peek ()))
          return parse_number ();
        fail ("unexpected %s, expected a JSON value",
            describe_here ().c_str ());
        return nullptr;
    }
  }

  JsonNodePtr parse_literal (std::string_view word)
  {
    if (text_.substr (pos_, word.size ()) != word) {
      fail ("unexpected %s, expected a JSON value", describe_here ().c_str ());
      return nullptr;
    }
    pos_ += word.size ();
    if (word == "null")
      return JsonNodePtr (json_node_new (JSON_NODE_NULL));
    JsonNodePtr node (json_node_new (JSON_NODE_VALUE));
    json_node_set_boolean (node.get (), word == "true");
    return node;
  }

  JsonNodePtr parse_number ()
  {
    size_t start = pos_;
    bool integral = true;

    if (peek () == '-')
      pos_++;
    if (peek () == '0') {
      pos_++;
    } else if (peek () >= '1' && peek () <= '9') {
      while (g_ascii_isdigit (peek ()))
        pos_++;
    } else {
      fail ("expected a digit");
      return nullptr;
    }
    if (peek () == '.') {
      integral = false;
      pos_++;
      if (!g_ascii_isdigit (peek ())) {
        fail ("expected a digit after the decimal point");
        return nullptr;
      }
      while (g_ascii_isdigit (peek ()))
        pos_++;
    }
    if (peek () == 'e' || peek () == 'E') {
      integral = false;
      pos_++;
      if (peek () == '+' || peek () == '-')
        pos_++;
      if (!g_ascii_isdigit (peek ())) {
        fail ("expected a digit in the exponent");
        return nullptr;
      }
      while (g_ascii_isdigit (peek ()))
        pos_++;
    }
    /* "01" is two tokens to JSON.parse, hence an error, not the number 1. */
    if (g_ascii_isdigit (peek ())) {
      fail ("leading zeros are not allowed");
      return nullptr;
    }

    std::string literal (text_.substr (start, pos_ - start));
    JsonNodePtr node (json_node_new (JSON_NODE_VALUE));
    if (integral) {
      errno = 0;
      gint64 value = g_ascii_strtoll (literal.c_str (), nullptr, 10);
      if (errno == 0) {
        json_node_set_int (node.get (), value);
        return node;
      }
      /* Too big for gint64: a double, as every JavaScript number is. */
    }
    json_node_set_double (node.get (),
        g_ascii_strtod (literal.c_str (), nullptr));
    return node;
  }

  bool parse_hex4 (gunichar & out)
  {
    out = 0;
    for (int i = 0; i < 4; i++) {
      char c = peek ();
      if (!g_ascii_isxdigit (c)) {
        fail ("expected 4 hexadecimal digits after \\u");
        return false;
      }
      out = out * 16 + g_ascii_xdigit_value (c);
      pos_++;
    }
    return true;
  }

  bool parse_string (std::string & out)
  {
    pos_++; /* opening quote */
    for (;;) {
      if (at_end ()) {
        fail ("unterminated string");
        return false;
      }
      unsigned char c = (unsigned char) text_[pos_];
      if (c == '"') {
        pos_++;
        return true;
      }
      if (c < 0x20) {
        fail ("%s in a string (it must be escaped)", describe_here ().c_str ());
        return false;
      }
      if (c != '\\') {
        /* The whole run up to the next quote, escape or control character:
         * audio payloads are megabytes of plain base64. */
        size_t end = pos_ + 1;
        while (end < text_.size () && text_[end] != '"' && text_[end] != '\\' &&
            (unsigned char) text_[end] >= 0x20)
          end++;
        out.append (text_.data () + pos_, end - pos_);
        pos_ = end;
        continue;
      }

      pos_++;
      char e = peek ();
      pos_++;
      switch (e) {
        case '"':
          out.push_back ('"');
          break;
        case '\\':
          out.push_back ('\\');
          break;
        case '/':
          out.push_back ('/');
          break;
        case 'b':
          out.push_back ('\b');
          break;
        case 'f':
          out.push_back ('\f');
          break;
        case 'n':
          out.push_back ('\n');
          break;
        case 'r':
          out.push_back ('\r');
          break;
        case 't':
          out.push_back ('\t');
          break;
        case 'u': {
          size_t escape_start = pos_ - 2;
          gunichar u;
          if (!parse_hex4 (u))
            return false;
          if (u >= 0xd800 && u <= 0xdbff) {
            gunichar low = 0;
            if (text_.substr (pos_, 2) == "\\u") {
              pos_ += 2;
              if (!parse_hex4 (low))
                return false;
            }
            if (low < 0xdc00 || low > 0xdfff) {
              pos_ = escape_start;
              fail ("unpaired surrogate escape (not supported)");
              return false;
            }
            u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
          } else if (u >= 0xdc00 && u <= 0xdfff) {
            pos_ = escape_start;
            fail ("unpaired surrogate escape (not supported)");
            return false;
          } else if (u == 0) {
            pos_ = escape_start;
            fail ("\\u0000 in a string (not supported)");
            return false;
          }
          char buf[6];
          out.append (buf, g_unichar_to_utf8 (u, buf));
          break;
        }
        default:
          pos_--;
          fail ("invalid escape sequence in a string");
          return false;
      }
    }
  }

  JsonNodePtr parse_array (int depth)
  {
    pos_++;
    JsonNodePtr node (json_node_new (JSON_NODE_ARRAY));
    JsonArray * array = json_array_new ();
    json_node_take_array (node.get (), array);

    skip_whitespace ();
    if (peek () == ']') {
      pos_++;
      return node;
    }
    for (;;) {
      skip_whitespace ();
      JsonNodePtr element = parse_value (depth + 1);
      if (!element)
        return nullptr;
      json_array_add_element (array, element.release ());
      skip_whitespace ();
      if (peek () == ',') {
        pos_++;
        continue;
      }
      if (peek () == ']') {
        pos_++;
        return node;
      }
      fail ("unexpected %s, expected ',' or ']'", describe_here ().c_str ());
      return nullptr;
    }
  }

  JsonNodePtr parse_object (int depth)
  {
    pos_++;
    JsonNodePtr node (json_node_new (JSON_NODE_OBJECT));
    JsonObject * object = json_object_new ();
    json_node_take_object (node.get (), object);

    skip_whitespace ();
    if (peek () == '}') {
      pos_++;
      return node;
    }
    for (;;) {
      skip_whitespace ();
      if (peek () != '"') {
        fail ("unexpected %s, expected a member name in double quotes",
            describe_here ().c_str ());
        return nullptr;
      }
      std::string name;
      if (!parse_string (name))
        return nullptr;
      skip_whitespace ();
      if (peek () != ':') {
        fail ("unexpected %s, expected ':'", describe_here ().c_str ());
        return nullptr;
      }
      pos_++;
      skip_whitespace ();
      JsonNodePtr value = parse_value (depth + 1);
      if (!value)
        return nullptr;
      /* Replaces an earlier member of the same name, as JSON.parse() does. */
      json_object_set_member (object, name.c_str (), value.release ());
      skip_whitespace ();
      if (peek () == ',') {
        pos_++;
        continue;
      }
      if (peek () == '}') {
        pos_++;
        return node;
      }
      fail ("unexpected %s, expected ',' or '}'", describe_here ().c_str ());
      return nullptr;
    }
  }
};

} // namespace

JsonNodePtr
parse_strict_json (std::string_view text, GError ** error)
{
  Parser parser (text, error);
  return parser.parse_document ();
}

} // namespace realtime::sim
