/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "event-script.h"

#include <gst/realtime/base64.h>
#include <gst/realtime/json-util.h>

#include <string>
#include <vector>

namespace {

/* Small pools, so that events of one response refer to each other, and to
 * ids the element has already forgotten or never heard of. */
const char * const kResponses[] = {"resp_1", "resp_2", "resp_3"};
const char * const kItems[] = {"item_1", "item_2", "item_3", "item_4"};
const char * const kCalls[] = {"call_1", "call_2"};
/* Text payloads: empty, words, non-ASCII, JSON (function arguments), half
 * a JSON document, characters that need escaping. */
const char * const kTexts[] = {"", "Hi", "It is noon.", " and",
    "\u00e9t\u00e9 \u2603", "{\"tz\":\"Europe/Paris\"}",
    "{\"a\":", "line\nbreak \"quoted\" \\"};
/* Millisecond values: ordinary, zero, past the input, and the edges. */
const char * const kMs[] = {"0", "200", "500", "1000", "2000", "2500", "60000",
    "-1", "-500", "9007199254740991", "9223372036854775807",
    "-9223372036854775808", "1500.0", "86400000"};
/* Client event ids the element makes (gst_update_N, gst_response_N…) and
 * others: an error may answer one of ours. */
const char * const kClientIds[] = {"", "gst_update_1", "gst_update_2",
    "gst_update_3", "gst_response_2", "gst_response_3", "gst_response_4",
    "gst_event_5", "x"};
const char * const kErrorCodes[] = {"conversation_already_has_active_response",
    "response_cancel_not_active", "invalid_value",
    "input_audio_buffer_commit_empty", "item_truncate_invalid_item_id",
    "session_expired", "rate_limit_exceeded", "decimal_above_max_value", ""};
const char * const kStatuses[] = {"completed", "cancelled", "incomplete",
    "failed", "in_progress"};
const char * const kReasons[] = {"turn_detected", "client_cancelled",
    "max_output_tokens", "content_filter"};

/* The bytes of one program line, read one at a time; zeros past the end. */
class Bytes
{
public:
  explicit Bytes (std::string_view b) : b_ (b) {}
  bool done () const { return pos_ >= b_.size (); }
  guint8 next () { return pos_ < b_.size () ? (guint8) b_[pos_++] : 0; }
  template<typename T, size_t N> T pick (T (&table)[N])
  {
    return table[next () % N];
  }

private:
  std::string_view b_;
  size_t pos_ = 0;
};

/* @s as a JSON string literal. */
std::string
q (std::string_view s)
{
  std::string out;
  realtime::json_append_quoted (out, s);
  return out;
}

/* @line with "i<serial>_" in front of the value of its top-level
 * "event_id" member, when that is a string; anything else as it is. */
std::string
with_input_event_id (std::string_view line, guint64 serial)
{
  static const std::string_view kKey = "\"event_id\"";
  auto skip_space = [&line] (size_t j) {
    while (j < line.size () && g_ascii_isspace (line[j]))
      j++;
    return j;
  };
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < line.size (); i++) {
    char c = line[i];
    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '{' || c == '[') {
      depth++;
    } else if (c == '}' || c == ']') {
      depth--;
    } else if (c == '"') {
      if (depth == 1 && line.substr (i, kKey.size ()) == kKey) {
        size_t j = skip_space (i + kKey.size ());
        if (j < line.size () && line[j] == ':') {
          j = skip_space (j + 1);
          if (j < line.size () && line[j] == '"')
            return std::string (line.substr (0, j + 1)) + "i" +
                std::to_string (serial) + "_" +
                std::string (line.substr (j + 1));
        }
      }
      in_string = true;
    }
  }
  return std::string (line);
}

/* Builds the frames of a program line. */
class Generator
{
public:
  Generator (std::vector<ScriptStep> & out, guint64 input_serial)
      : out_ (out), input_serial_ (input_serial)
  {}

  void run (Bytes & in)
  {
    while (!in.done ())
      op (in);
  }

private:
  std::vector<ScriptStep> & out_;
  guint64 input_serial_;
  guint64 serial_ = 0;

  void frame (std::string text)
  {
    out_.push_back ({ScriptStep::Frame, std::move (text)});
  }

  void action (ScriptStep::Kind kind, std::string text = {},
      std::string call_id = {}, gushort code = 1000)
  {
    out_.push_back ({kind, std::move (text), std::move (call_id), code});
  }

  /* {"type":T,"event_id":…,BODY} */
  void event (const char * type, const std::string & body)
  {
    frame (std::string ("{\"type\":\"") + type + "\",\"event_id\":\"event_fz" +
        std::to_string (input_serial_) + "_" + std::to_string (++serial_) +
        "\"" + (body.empty () ? "" : ",") + body + "}");
  }

  static std::string item (const char * id, const char * type,
      const char * role, const char * status, const std::string & content)
  {
    std::string s = std::string ("{\"id\":\"") + id +
        "\",\"object\":\"realtime.item\",\"type\":\"" + type +
        "\",\"status\":\"" + status + "\"";
    if (role)
      s += std::string (",\"role\":\"") + role + "\",\"content\":[" + content +
          "]";
    return s + "}";
  }

  static std::string call_item (const char * id, const char * call,
      const char * status, const char * args)
  {
    return std::string ("{\"id\":\"") + id +
        "\",\"object\":\"realtime.item\",\"type\":\"function_call\","
        "\"status\":\"" +
        status + "\",\"call_id\":\"" + call +
        "\",\"name\":\"get_time\",\"arguments\":" + q (args) + "}";
  }

  /* The ids of a content part: response, item, output and content index,
   * read in that order. */
  static std::string part_ids (Bytes & in)
  {
    const char * resp = in.pick (kResponses);
    const char * item_id = in.pick (kItems);
    guint8 out_index = in.next () % 3;
    guint8 content_index = in.next () % 2;
    return std::string ("\"response_id\":\"") + resp + "\",\"item_id\":\"" +
        item_id + "\",\"output_index\":" + std::to_string (out_index) +
        ",\"content_index\":" + std::to_string (content_index);
  }

  static std::string text_member (const char * name, Bytes & in)
  {
    return std::string (",\"") + name + "\":" + q (in.pick (kTexts));
  }

  static std::string response (const char * id, const char * status, Bytes & in)
  {
    std::string details = "null";
    if (std::string_view (status) == "cancelled" ||
        std::string_view (status) == "incomplete") {
      details = std::string ("{\"type\":\"") + status + "\",\"reason\":\"" +
          in.pick (kReasons) + "\"}";
    } else if (std::string_view (status) == "failed") {
      const char * code = in.pick (kErrorCodes);
      const char * message = in.pick (kTexts);
      details = "{\"type\":\"failed\",\"error\":{\"type\":\"server_error\","
                "\"code\":" +
          q (code) + ",\"message\":" + q (message) + "}}";
    } else if (std::string_view (status) == "completed") {
      details = "{\"type\":\"completed\"}";
    }
    std::string output;
    guint8 n = in.next () % 3;
    for (guint8 i = 0; i < n; i++) {
      const char * item_id = in.pick (kItems);
      const char * transcript = in.pick (kTexts);
      output += std::string (i ? "," : "") +
          item (item_id, "message", "assistant", "completed",
              "{\"type\":\"output_audio\",\"transcript\":" + q (transcript) +
                  "}");
    }
    std::string usage = "null";
    if (in.next () & 1) {
      std::string v = std::to_string (in.next ());
      usage = "{\"total_tokens\":" + v + ",\"input_tokens\":" + v +
          ",\"output_tokens\":" + v +
          ",\"input_token_details\":"
          "{\"text_tokens\":0,\"audio_tokens\":" +
          v +
          ",\"image_tokens\":0,"
          "\"cached_tokens\":" +
          v +
          "},\"output_token_details\":"
          "{\"text_tokens\":" +
          v + ",\"audio_tokens\":" + v + "}}";
    }
    return std::string ("{\"id\":\"") + id +
        "\",\"object\":\"realtime.response\",\"status\":\"" + status +
        "\",\"status_details\":" + details + ",\"output\":[" + output +
        "],\"conversation_id\":\"conv_1\",\"output_modalities\":"
        "[\"audio\"],\"max_output_tokens\":\"inf\",\"metadata\":null,"
        "\"usage\":" +
        usage + "}";
  }

  /* Base64 of @n bytes of a ramp: small PCM, sometimes an odd count. */
  static std::string pcm_base64 (gsize n, guint8 seed)
  {
    std::vector<guint8> pcm (n);
    for (gsize i = 0; i < n; i++)
      pcm[i] = (guint8) (seed + i * 7);
    return realtime::base64_encode (pcm.data (), pcm.size ());
  }

  std::string ms (Bytes & in) { return in.pick (kMs); }

  /* One operation. Parameters are read into locals first, in the order
   * listed: C++ leaves the order of evaluating arguments open. */
  void op (Bytes & in)
  {
    switch (in.next () % 44) {
      case 0:
        event ("session.updated",
            "\"session\":{\"type\":\"realtime\","
            "\"object\":\"realtime.session\",\"id\":\"sess_fz\","
            "\"output_modalities\":[\"audio\"]}");
        break;
      case 1:
      case 2: {
        /* 1: speech_started (audio_start_ms), 2: speech_stopped. */
        bool started = in.next () & 1;
        std::string at = ms (in);
        const char * item_id = in.pick (kItems);
        event (started ? "input_audio_buffer.speech_started"
                       : "input_audio_buffer.speech_stopped",
            std::string (
                started ? "\"audio_start_ms\":" : "\"audio_end_ms\":") +
                at + ",\"item_id\":\"" + item_id + "\"");
        break;
      }
      case 3: {
        const char * item_id = in.pick (kItems);
        bool first = in.next () & 1;
        const char * previous = in.pick (kItems);
        event ("input_audio_buffer.committed",
            std::string ("\"item_id\":\"") + item_id +
                "\",\"previous_item_id\":" + (first ? "null" : q (previous)));
        break;
      }
      case 4:
        event ("input_audio_buffer.cleared", "");
        break;
      case 5: {
        std::string from = ms (in);
        std::string to = ms (in);
        const char * item_id = in.pick (kItems);
        event ("input_audio_buffer.timeout_triggered",
            "\"audio_start_ms\":" + from + ",\"audio_end_ms\":" + to +
                ",\"item_id\":\"" + item_id + "\"");
        break;
      }
      case 6:
      case 7: {
        bool assistant = in.next () & 1;
        bool added = in.next () & 1;
        const char * item_id = in.pick (kItems);
        const char * transcript = in.pick (kTexts);
        std::string content = assistant
            ? "{\"type\":\"output_audio\",\"transcript\":" + q (transcript) +
                "}"
            : "{\"type\":\"input_audio\",\"transcript\":null}";
        event (added ? "conversation.item.added" : "conversation.item.done",
            "\"previous_item_id\":null,\"item\":" +
                item (item_id, "message", assistant ? "assistant" : "user",
                    "completed", content));
        break;
      }
      case 8:
      case 9: {
        /* User transcript: 8 a delta, 9 the completed transcript. */
        bool delta = in.next () & 1;
        const char * item_id = in.pick (kItems);
        std::string text = text_member (delta ? "delta" : "transcript", in);
        event (delta ? "conversation.item.input_audio_transcription.delta"
                     : "conversation.item.input_audio_transcription.completed",
            std::string ("\"item_id\":\"") + item_id +
                "\",\"content_index\":0" + text +
                (delta ? ""
                       : ",\"usage\":{\"type\":\"duration\",\"seconds\":1.5}"));
        break;
      }
      case 10: {
        const char * item_id = in.pick (kItems);
        const char * message = in.pick (kTexts);
        event ("conversation.item.input_audio_transcription.failed",
            std::string ("\"item_id\":\"") + item_id +
                "\",\"content_index\":0,"
                "\"error\":{\"type\":\"transcription_error\",\"code\":"
                "\"audio_unintelligible\",\"message\":" +
                q (message) + "}");
        break;
      }
      case 11: {
        const char * item_id = in.pick (kItems);
        std::string at = ms (in);
        event ("conversation.item.truncated",
            std::string ("\"item_id\":\"") + item_id +
                "\",\"content_index\":0,\"audio_end_ms\":" + at);
        break;
      }
      case 12: {
        const char * item_id = in.pick (kItems);
        event ("conversation.item.deleted",
            std::string ("\"item_id\":\"") + item_id + "\"");
        break;
      }
      case 13: {
        const char * id = in.pick (kResponses);
        std::string body = response (id, "in_progress", in);
        event ("response.created", "\"response\":" + body);
        break;
      }
      case 14:
      case 15: {
        /* 14: an assistant message, 15: a function call. */
        bool call = in.next () & 1;
        const char * resp = in.pick (kResponses);
        guint8 out_index = in.next () % 3;
        const char * item_id = in.pick (kItems);
        const char * call_id = in.pick (kCalls);
        event ("response.output_item.added",
            std::string ("\"response_id\":\"") + resp + "\",\"output_index\":" +
                std::to_string (out_index) + ",\"item\":" +
                (call ? call_item (item_id, call_id, "in_progress", "")
                      : item (item_id, "message", "assistant", "in_progress",
                            "")));
        break;
      }
      case 16: {
        bool added = in.next () & 1;
        bool audio = in.next () & 1;
        std::string ids = part_ids (in);
        std::string text = text_member ("transcript", in);
        event (added ? "response.content_part.added"
                     : "response.content_part.done",
            ids + ",\"part\":{\"type\":\"" + (audio ? "audio" : "text") + "\"" +
                text + "}");
        break;
      }
      case 17:
      case 18:
      case 19:
      case 20: {
        /* Audio deltas are the common case: four opcodes. */
        std::string ids = part_ids (in);
        gsize n = (gsize) in.next () * 8;
        n += in.next () & 1;
        guint8 seed = in.next ();
        event ("response.output_audio.delta",
            ids + ",\"delta\":\"" + pcm_base64 (n, seed) + "\"");
        break;
      }
      case 21:
        event ("response.output_audio.done", part_ids (in));
        break;
      case 22:
      case 23: {
        /* The assistant's transcript (22) or text (23): delta or done. */
        bool transcript = in.next () & 1;
        bool delta = in.next () & 1;
        std::string ids = part_ids (in);
        std::string text = text_member (delta ? "delta"
                : transcript                  ? "transcript"
                                              : "text",
            in);
        const char * type = transcript
            ? (delta ? "response.output_audio_transcript.delta"
                     : "response.output_audio_transcript.done")
            : (delta ? "response.output_text.delta"
                     : "response.output_text.done");
        event (type, ids + text);
        break;
      }
      case 24: {
        bool delta = in.next () & 1;
        const char * resp = in.pick (kResponses);
        const char * item_id = in.pick (kItems);
        const char * call_id = in.pick (kCalls);
        std::string text = text_member (delta ? "delta" : "arguments", in);
        event (delta ? "response.function_call_arguments.delta"
                     : "response.function_call_arguments.done",
            std::string ("\"response_id\":\"") + resp + "\",\"item_id\":\"" +
                item_id + "\",\"output_index\":0,\"call_id\":\"" + call_id +
                "\"" + (delta ? "" : ",\"name\":\"get_time\"") + text);
        break;
      }
      case 25: {
        bool call = in.next () & 1;
        const char * resp = in.pick (kResponses);
        const char * item_id = in.pick (kItems);
        const char * call_id = in.pick (kCalls);
        event ("response.output_item.done",
            std::string ("\"response_id\":\"") + resp +
                "\",\"output_index\":0,\"item\":" +
                (call ? call_item (item_id, call_id, "completed", "{}")
                      : item (item_id, "message", "assistant", "completed",
                            "{\"type\":\"output_audio\",\"transcript\":"
                            "\"Hi\"}")));
        break;
      }
      case 26:
      case 27:
      case 28: {
        const char * id = in.pick (kResponses);
        const char * status = in.pick (kStatuses);
        std::string body = response (id, status, in);
        event ("response.done", "\"response\":" + body);
        break;
      }
      case 29: {
        static const char * const kBuffer[] = {"output_audio_buffer.started",
            "output_audio_buffer.stopped", "output_audio_buffer.cleared"};
        const char * type = in.pick (kBuffer);
        const char * resp = in.pick (kResponses);
        event (type, std::string ("\"response_id\":\"") + resp + "\"");
        break;
      }
      case 30:
        event ("rate_limits.updated",
            "\"rate_limits\":[{\"name\":\"requests\","
            "\"limit\":10000,\"remaining\":" +
                std::to_string (in.next ()) +
                ",\"reset_seconds\":0.006},{\"name\":\"tokens\",\"limit\":"
                "2000000,\"remaining\":1995904,\"reset_seconds\":0.122}]");
        break;
      case 31:
      case 32: {
        const char * code = in.pick (kErrorCodes);
        const char * message = in.pick (kTexts);
        const char * about = in.pick (kClientIds);
        event ("error",
            "\"error\":{\"type\":\"invalid_request_error\","
            "\"code\":" +
                q (code) + ",\"message\":" + q (message) +
                ",\"param\":null,\"event_id\":" + q (about) + "}");
        break;
      }
      case 33: {
        /* What a hostile or newer server may send. */
        static const char * const kOdd[] = {
            "{\"type\":\"response.output_audio.delta\",\"event_id\":\"e\","
            "\"response_id\":\"resp_1\",\"item_id\":\"item_1\","
            "\"output_index\":0,\"content_index\":0,\"delta\":\"@@@\"}",
            "{\"type\":\"response.future_event\",\"event_id\":\"e\"}",
            "{\"type\":\"response.done\",\"event_id\":\"e\"}",
            "{\"type\":\"response.created\",\"event_id\":\"e\","
            "\"response\":{\"id\":null}}",
            "{\"type\":\"input_audio_buffer.speech_started\",\"event_id\":"
            "\"e\","
            "\"audio_start_ms\":\"soon\",\"item_id\":\"item_1\"}",
            "{\"type\":\"session.created\",\"event_id\":\"e\",\"session\":"
            "{\"type\":\"realtime\",\"id\":\"sess_again\"}}",
            "[1,2,3]",
            "{\"type\":",
            "not json",
            "",
            "null",
            "{\"type\":\"error\",\"event_id\":\"e\",\"error\":{}}",
        };
        frame (in.pick (kOdd));
        break;
      }
      case 34:
      case 35:
        action (ScriptStep::CancelResponse);
        break;
      case 36: {
        bool with = in.next () & 1;
        const char * instructions = in.pick (kTexts);
        action (ScriptStep::CreateResponse, with ? instructions : "");
        break;
      }
      case 37:
        action (ScriptStep::CommitInput);
        break;
      case 38:
        action (ScriptStep::ClearInput);
        break;
      case 39:
        action (ScriptStep::SendText, in.pick (kTexts));
        break;
      case 40: {
        const char * call_id = in.pick (kCalls);
        const char * output = in.pick (kTexts);
        action (ScriptStep::SendFunctionResult, output, call_id);
        break;
      }
      case 41:
        action (ScriptStep::Sync);
        break;
      case 42: {
        /* Fatal by design (the element posts an ERROR and the driver
         * starts over), so only one parameter value in eight does it. */
        guint8 b = in.next ();
        if (b % 8 == 0) {
          static const gushort kCodes[] = {1000, 1001, 1011, 4000};
          action (ScriptStep::ServerClose, {}, {}, kCodes[(b / 8) % 4]);
        }
        break;
      }
      case 43: {
        /* A retired beta event: fatal too, as rare. */
        guint8 b = in.next ();
        if (b % 8 == 0)
          frame ("{\"type\":\"response.audio.delta\",\"event_id\":\"e\","
                 "\"delta\":\"AAAA\"}");
        break;
      }
    }
  }
};

} // namespace

std::vector<ScriptStep>
parse_script (std::string_view input, guint64 input_serial)
{
  std::vector<ScriptStep> steps;
  Generator gen (steps, input_serial);
  size_t pos = 0;
  while (pos < input.size ()) {
    size_t nl = input.find ('\n', pos);
    if (nl == std::string_view::npos)
      nl = input.size ();
    std::string_view line = input.substr (pos, nl - pos);
    pos = nl + 1;
    if (line.empty () || line[0] == '#')
      continue;
    if (line[0] == '!') {
      Bytes bytes (line.substr (1));
      gen.run (bytes);
    } else {
      steps.push_back (
          {ScriptStep::Frame, with_input_event_id (line, input_serial)});
    }
  }
  return steps;
}
