/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "server-event-reader.h"

#include "audio-delta-scan.h"
#include "base64.h"
#include "json-util.h"
#include "realtime-error.h"
#include <cmath>
#include <cstring>
#include <initializer_list>

namespace realtime {
namespace server_event_reader {

const char *
json_kind (JsonNode * node)
{
  switch (JSON_NODE_TYPE (node)) {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    default:
      break;
  }
  GType t = json_node_get_value_type (node);
  if (t == G_TYPE_STRING)
    return "a string";
  if (t == G_TYPE_BOOLEAN)
    return "a boolean";
  return "a number";
}

/* Nested objects: each returns through the parent reader's error state. */

void
read_error_info (Reader & parent, JsonObject * obj, const char * name,
    ErrorInfo & out, bool strict)
{
  Reader r (obj, parent.child_path (name), parent.event (), parent.error ());
  r.string ("type", out.type, strict);
  r.string ("code", out.code);
  r.string ("message", out.message, strict);
  r.string ("param", out.param);
  r.string ("event_id", out.event_id);
  r.finish ();
  parent.take (r);
}

void
read_part (Reader & parent, JsonObject * obj, const std::string & path,
    ContentPart & out)
{
  Reader r (obj, path, parent.event (), parent.error ());
  r.string ("type", out.type);
  r.string ("text", out.text);
  r.string ("transcript", out.transcript);
  r.string ("audio", out.audio);
  r.known ({"image_url", "detail", "file_id", "file_data", "filename"});
  r.finish ();
  parent.take (r);
}

void
read_item (Reader & parent, JsonObject * obj, const std::string & path,
    Item & out)
{
  Reader r (obj, path, parent.event (), parent.error ());
  r.string ("id", out.id);
  r.string ("type", out.type, true);
  r.string ("status", out.status);
  r.known ({"object", "server_label", "approval_request_id", "approve",
      "reason", "error", "tools"});

  const bool message = out.type == "message";
  const bool call = out.type == "function_call";
  const bool call_output = out.type == "function_call_output";
  r.string ("role", out.role, message);
  JsonArray * content = r.array ("content", message);
  r.string ("call_id", out.call_id, call_output);
  r.string ("name", out.name, call);
  r.string ("arguments", out.arguments, call);
  r.string ("output", out.output, call_output);

  if (r.ok () && content != nullptr) {
    for (guint i = 0; i < json_array_get_length (content) && r.ok (); i++) {
      std::string part_path =
          r.child_path ("content") + "[" + std::to_string (i) + "]";
      JsonNode * node = json_array_get_element (content, i);
      if (!JSON_NODE_HOLDS_OBJECT (node)) {
        r.fail (REALTIME_PROTOCOL_ERROR_WRONG_TYPE,
            "field \"" + part_path + "\" must be an object, not " +
                json_kind (node));
        break;
      }
      out.content.emplace_back ();
      read_part (r, json_node_get_object (node), part_path,
          out.content.back ());
    }
  }
  r.finish ();
  parent.take (r);
}

void
read_usage (Reader & parent, JsonObject * obj, Usage & out)
{
  Reader r (obj, parent.child_path ("usage"), parent.event (), parent.error ());
  r.integer ("total_tokens", out.total_tokens);
  r.integer ("input_tokens", out.input_tokens);
  r.integer ("output_tokens", out.output_tokens);
  if (JsonObject * in = r.object ("input_token_details")) {
    Reader d (in, r.child_path ("input_token_details"), r.event (), r.error ());
    d.integer ("text_tokens", out.input_text_tokens);
    d.integer ("audio_tokens", out.input_audio_tokens);
    d.integer ("image_tokens", out.input_image_tokens);
    d.integer ("cached_tokens", out.input_cached_tokens);
    if (JsonObject * c = d.object ("cached_tokens_details")) {
      Reader cd (c, d.child_path ("cached_tokens_details"), d.event (),
          d.error ());
      out.has_cached_details = true;
      cd.integer ("text_tokens", out.input_cached_text_tokens);
      cd.integer ("audio_tokens", out.input_cached_audio_tokens);
      cd.integer ("image_tokens", out.input_cached_image_tokens);
      cd.finish ();
      d.take (cd);
    }
    d.finish ();
    r.take (d);
  }
  if (JsonObject * o = r.object ("output_token_details")) {
    Reader d (o, r.child_path ("output_token_details"), r.event (), r.error ());
    d.integer ("text_tokens", out.output_text_tokens);
    d.integer ("audio_tokens", out.output_audio_tokens);
    d.finish ();
    r.take (d);
  }
  r.finish ();
  parent.take (r);
}

void
read_response (Reader & parent, JsonObject * obj, Response & out)
{
  Reader r (obj, "response", parent.event (), parent.error ());
  r.string ("id", out.id);
  r.string ("status", out.status);
  r.string ("conversation_id", out.conversation_id);
  r.strings ("output_modalities", out.output_modalities);
  r.known ({"object", "audio", "max_output_tokens"});

  if (JsonObject * details = r.object ("status_details")) {
    Reader d (details, "response.status_details", r.event (), r.error ());
    d.string ("type", out.status_type);
    d.string ("reason", out.status_reason);
    if (JsonObject * err = d.object ("error"))
      read_error_info (d, err, "error", out.status_error, false);
    d.finish ();
    r.take (d);
  }
  if (JsonArray * output = r.array ("output")) {
    for (guint i = 0; i < json_array_get_length (output) && r.ok (); i++) {
      std::string path = "response.output[" + std::to_string (i) + "]";
      JsonNode * node = json_array_get_element (output, i);
      if (!JSON_NODE_HOLDS_OBJECT (node)) {
        r.fail (REALTIME_PROTOCOL_ERROR_WRONG_TYPE,
            "field \"" + path + "\" must be an object, not " +
                json_kind (node));
        break;
      }
      out.output.emplace_back ();
      read_item (r, json_node_get_object (node), path, out.output.back ());
    }
  }
  if (JsonObject * usage = r.object ("usage")) {
    out.usage.emplace ();
    read_usage (r, usage, *out.usage);
  }
  if (JsonObject * metadata = r.object ("metadata")) {
    JsonObjectIter iter;
    const gchar * key;
    JsonNode * value;
    json_object_iter_init (&iter, metadata);
    while (json_object_iter_next (&iter, &key, &value)) {
      if (JSON_NODE_HOLDS_VALUE (value) &&
          json_node_get_value_type (value) == G_TYPE_STRING)
        out.metadata.emplace_back (utf8_string (key),
            utf8_string (json_node_get_string (value)));
    }
  }
  r.finish ();
  parent.take (r);
}

void
read_format (Reader & parent, JsonObject * obj, std::string & type,
    gint64 & rate)
{
  Reader r (obj, parent.child_path ("format"), parent.event (),
      parent.error ());
  r.string ("type", type);
  r.integer ("rate", rate);
  r.finish ();
  parent.take (r);
}

void
read_session (Reader & parent, JsonObject * obj, Session & out)
{
  /* A beta session has no `type` but flat audio fields: say so plainly. */
  if (!json_object_has_member (obj, "type") &&
      (json_object_has_member (obj, "modalities") ||
          json_object_has_member (obj, "input_audio_format"))) {
    parent.fail (REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL,
        "session object has the shape of the retired beta protocol "
        "(no \"type\"; flat fields such as \"modalities\" or "
        "\"input_audio_format\"): the server does not speak the GA protocol");
    return;
  }

  Reader r (obj, "session", parent.event (), parent.error ());
  r.string ("type", out.type, true);
  r.string ("id", out.id, true);
  r.known ({"object", "include", "tracing", "tools", "tool_choice", "reasoning",
      "max_output_tokens", "truncation", "prompt", "parallel_tool_calls"});
  r.string ("model", out.model);
  r.integer ("expires_at", out.expires_at);
  r.string ("instructions", out.instructions);
  r.strings ("output_modalities", out.output_modalities);

  if (JsonObject * audio = r.object ("audio")) {
    Reader a (audio, "session.audio", r.event (), r.error ());
    if (JsonObject * input = a.object ("input")) {
      Reader in (input, "session.audio.input", a.event (), a.error ());
      if (JsonObject * f = in.object ("format"))
        read_format (in, f, out.input_format, out.input_rate);
      if (JsonObject * td = in.object ("turn_detection")) {
        Reader t (td, "session.audio.input.turn_detection", in.event (),
            in.error ());
        t.string ("type", out.turn_detection, true);
        t.number ("threshold", out.vad_threshold);
        t.integer ("prefix_padding_ms", out.vad_prefix_padding_ms);
        t.integer ("silence_duration_ms", out.vad_silence_duration_ms);
        t.string ("eagerness", out.vad_eagerness);
        t.boolean ("create_response", out.create_response);
        t.boolean ("interrupt_response", out.interrupt_response);
        t.known ({"idle_timeout_ms"});
        t.finish ();
        in.take (t);
      }
      if (JsonObject * tr = in.object ("transcription")) {
        Reader t (tr, "session.audio.input.transcription", in.event (),
            in.error ());
        t.string ("model", out.transcription_model);
        t.known ({"language", "languages", "prompt", "keywords", "delay"});
        t.finish ();
        in.take (t);
      }
      if (JsonObject * nr = in.object ("noise_reduction")) {
        Reader n (nr, "session.audio.input.noise_reduction", in.event (),
            in.error ());
        n.string ("type", out.noise_reduction);
        n.known ({"strength"});
        n.finish ();
        in.take (n);
      }
      in.finish ();
      a.take (in);
    }
    if (JsonObject * output = a.object ("output")) {
      Reader o (output, "session.audio.output", a.event (), a.error ());
      if (JsonObject * f = o.object ("format"))
        read_format (o, f, out.output_format, out.output_rate);
      /* A custom voice is {id: "voice_…"}; keep its id. */
      if (o.has ("voice")) {
        JsonNode * voice = json_object_get_member (output, "voice");
        if (JSON_NODE_HOLDS_OBJECT (voice)) {
          Reader v (json_node_get_object (voice), "session.audio.output.voice",
              o.event (), o.error ());
          v.string ("id", out.voice, true);
          v.finish ();
          o.take (v);
          o.known ({"voice"});
        } else {
          o.string ("voice", out.voice);
        }
      }
      o.known ({"speed"});
      o.finish ();
      a.take (o);
    }
    a.finish ();
    r.take (a);
  }
  r.finish ();
  parent.take (r);
}

void
read_transcription_usage (Reader & parent, JsonObject * obj,
    TranscriptionUsage & out)
{
  Reader r (obj, "usage", parent.event (), parent.error ());
  r.string ("type", out.type, true);
  r.integer ("input_tokens", out.input_tokens);
  r.integer ("output_tokens", out.output_tokens);
  r.integer ("total_tokens", out.total_tokens);
  r.number ("seconds", out.seconds);
  r.known ({"input_token_details"});
  r.finish ();
  parent.take (r);
}

void
read_rate_limits (Reader & parent, JsonArray * array,
    std::vector<RateLimit> & out)
{
  for (guint i = 0; i < json_array_get_length (array) && parent.ok (); i++) {
    std::string path = "rate_limits[" + std::to_string (i) + "]";
    JsonNode * node = json_array_get_element (array, i);
    if (!JSON_NODE_HOLDS_OBJECT (node)) {
      parent.fail (REALTIME_PROTOCOL_ERROR_WRONG_TYPE,
          "field \"" + path + "\" must be an object, not " + json_kind (node));
      return;
    }
    RateLimit limit;
    Reader r (json_node_get_object (node), path, parent.event (),
        parent.error ());
    r.string ("name", limit.name);
    r.number ("limit", limit.limit);
    r.number ("remaining", limit.remaining);
    r.number ("reset_seconds", limit.reset_seconds);
    r.finish ();
    parent.take (r);
    out.push_back (std::move (limit));
  }
}

} // namespace server_event_reader
} // namespace realtime
