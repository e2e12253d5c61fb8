/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Test corpus: one of every client event the protocol library builds, over
 * session settings that reach every branch of the session builder. Used by
 * the conformance test (ajv) and the simulator's client validation test. */
#pragma once

#include <gst/check/gstcheck.h>
#include <gst/realtime/client-events.h>

#include <string>
#include <vector>

/* Session settings that together reach every branch of the session builder. */
static inline std::vector<realtime::SessionSettings>
representative_settings ()
{
  using namespace realtime;
  std::vector<SessionSettings> all;

  all.emplace_back (); /* the service's defaults: server VAD, no transcription */
  SessionSettings transcribed; /* realtimebin's defaults */
  transcribed.input_transcription_model = "gpt-transcribe";
  all.push_back (transcribed);

  SessionSettings semantic;
  semantic.turn_detection = TurnDetection::SemanticVad;
  for (VadEagerness e : {VadEagerness::Auto, VadEagerness::Low,
           VadEagerness::Medium, VadEagerness::High}) {
    semantic.vad_eagerness = e;
    all.push_back (semantic);
  }

  SessionSettings ptt;
  ptt.turn_detection = TurnDetection::None;
  ptt.input_transcription_model = "";
  all.push_back (ptt);

  SessionSettings full;
  full.instructions = "You are a doorbell camera. Answer in one sentence.";
  full.voice = "cedar";
  full.vad_threshold = 0.8;
  full.vad_prefix_padding_ms = 0;
  full.vad_silence_duration_ms = 1200;
  full.create_response = false;
  full.interrupt_response = false;
  full.input_transcription_model = "gpt-live-transcribe";
  full.transcription_language = "en";
  full.noise_reduction = NoiseReduction::FarField;
  full.max_output_tokens = 4096;
  full.speed = 0.25;
  full.tools =
      R"([{"type":"function","name":"get_time","description":"Current time",
      "parameters":{"type":"object","properties":{"tz":{"type":"string"}},"required":["tz"]}}])";
  full.tool_choice = "get_time";
  all.push_back (full);

  SessionSettings text_only;
  text_only.output_modality = OutputModality::Text;
  text_only.noise_reduction = NoiseReduction::NearField;
  text_only.tool_choice = "required";
  text_only.tools = R"([{"type":"function","name":"open_door"}])";
  text_only.speed = 1.5;
  text_only.max_output_tokens = 1;
  all.push_back (text_only);

  SessionSettings json_choice;
  json_choice.tool_choice = R"({"type":"function","name":"get_time"})";
  json_choice.tools = R"([{"type":"function","name":"get_time"}])";
  json_choice.session_config =
      R"({"truncation":{"type":"retention_ratio","retention_ratio":0.5},
      "audio":{"input":{"turn_detection":{"idle_timeout_ms":5000},"transcription":null,
      "noise_reduction":{"type":"near_field","strength":0.7}}},"include":["item.input_audio_transcription.logprobs"]})";
  all.push_back (json_choice);

  SessionSettings none_choice;
  none_choice.tool_choice = "none";
  none_choice.vad_threshold = 0.0;
  none_choice.instructions = "Unicode: \u00e9\u4e2d \"quotes\" \\ newline\n";
  all.push_back (none_choice);

  return all;
}

/* One of every client event the library builds, over the settings above. */
static inline std::vector<std::string>
all_client_events ()
{
  using namespace realtime;
  std::vector<std::string> events;
  int n = 0;

  for (const SessionSettings & s : representative_settings ()) {
    g_autoptr (GError) error = nullptr;
    std::string e =
        build_session_update (s, "evt_" + std::to_string (n++), &error);
    fail_unless (error == nullptr, "settings %d: %s", n,
        error ? error->message : "");
    events.push_back (e);
    events.push_back (build_session_update (s, {}, nullptr));
  }

  std::vector<guint8> pcm (4801);
  for (gsize i = 0; i < pcm.size (); i++)
    pcm[i] = (guint8) i;
  events.push_back (build_input_audio_buffer_append (pcm.data (), pcm.size ()));
  events.push_back (build_input_audio_buffer_append (pcm.data (), 960, "a1"));
  events.push_back (build_input_audio_buffer_append (pcm.data (), 0));
  events.push_back (build_input_audio_buffer_commit ());
  events.push_back (build_input_audio_buffer_commit ("c1"));
  events.push_back (build_input_audio_buffer_clear ());
  events.push_back (build_input_audio_buffer_clear ("c2"));
  events.push_back (build_output_audio_buffer_clear ());

  std::vector<JsonObjectPtr> items;
  items.push_back (make_user_text_item ("What time is it?"));
  items.push_back (make_system_text_item ("Answer in German."));
  items.push_back (make_assistant_text_item ("It is noon."));
  items.push_back (
      make_function_call_output_item ("call_1", "{\"time\":\"12:00\"}"));
  for (const JsonObjectPtr & item : items) {
    events.push_back (build_conversation_item_create (item.get ()));
    events.push_back (
        build_conversation_item_create (item.get (), "root", "i1"));
    events.push_back (build_conversation_item_create (item.get (), "item_9"));
  }

  events.push_back (build_conversation_item_retrieve ("item_1"));
  events.push_back (build_conversation_item_delete ("item_1", "d1"));
  events.push_back (build_conversation_item_truncate ("item_1", 0, 0));
  events.push_back (build_conversation_item_truncate ("item_1", 0, 1500, "t1"));

  events.push_back (build_response_create ());
  ResponseOptions options;
  options.instructions = "Say goodbye.";
  options.output_modality = OutputModality::Text;
  options.out_of_band = true;
  options.max_output_tokens = 64;
  options.metadata = {{"purpose", "summary"}, {"turn", "3"}};
  events.push_back (build_response_create (options, "r1"));
  ResponseOptions audio_inf;
  audio_inf.output_modality = OutputModality::Audio;
  audio_inf.max_output_tokens = 0;
  events.push_back (build_response_create (audio_inf));

  events.push_back (build_response_cancel ());
  events.push_back (build_response_cancel ("resp_1", "x1"));
  return events;
}
