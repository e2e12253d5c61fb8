/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The simulator driven through each behaviour of docs/simulator.md by a test
 * client built on the protocol library. Every test logs its frames to
 * SIM_LOG_DIR; the last test validates every event the simulator sent
 * against the official GA server schema. */
#include "sim-test-client.h"

#include <gst/realtime/realtime-error.h>
#include <tools/simulator/audio-synth.h>
#include <tools/simulator/simulator.h>

#include <glib/gstdio.h>
#include <sys/wait.h>

#include <memory>

using namespace realtime;
using namespace realtime::sim;

static const char * kScenario = R"({"turns":[
  {"user":"What time is it?","assistant":"It is noon in Paris.",
   "audio":{"type":"tone","frequency":440,"duration_ms":1200}},
  {"user":"And in Tokyo?","assistant":"Seven in the evening.",
   "audio":{"type":"tone","frequency":660,"duration_ms":800}}]})";

static SimulatorOptions
options_for (const char * test_name, double pace = 0)
{
  SimulatorOptions o;
  g_autoptr (GError) error = nullptr;
  std::optional<Scenario> s = Scenario::parse (kScenario, ".", &error);
  fail_unless (s.has_value (), "scenario: %s", error ? error->message : "");
  o.scenario = *s;
  o.pace = pace;
  g_mkdir_with_parents (SIM_LOG_DIR, 0755);
  o.log_path = std::string (SIM_LOG_DIR) + "/" + test_name + ".jsonl";
  return o;
}

static std::unique_ptr<Simulator>
start (SimulatorOptions o)
{
  auto sim = std::make_unique<Simulator> (std::move (o));
  g_autoptr (GError) error = nullptr;
  fail_unless (sim->start (&error), "simulator: %s",
      error ? error->message : "");
  fail_unless (sim->port () > 0);
  return sim;
}

static std::string
session_update (const SessionSettings & s, const char * event_id = "su1")
{
  g_autoptr (GError) error = nullptr;
  std::string text = build_session_update (s, event_id, &error);
  fail_unless (error == nullptr);
  return text;
}

/* 500 ms silence, 1000 ms of a loud tone, 1500 ms silence. */
static std::vector<gint16>
utterance (gint64 lead_ms = 500, gint64 speech_ms = 1000, gint64 tail_ms = 1500)
{
  Pcm pcm = make_silence (lead_ms);
  Pcm tone = make_tone (300, speech_ms, 0.3);
  Pcm tail = make_silence (tail_ms);
  pcm.insert (pcm.end (), tone.begin (), tone.end ());
  pcm.insert (pcm.end (), tail.begin (), tail.end ());
  return pcm;
}

static gsize
audio_bytes_of (const TestClient & c, const std::string & response_id)
{
  gsize n = 0;
  for (const ServerEvent & e : c.events_)
    if (e.type == ServerEventType::ResponseOutputAudioDelta &&
        e.response_id == response_id)
      n += e.audio.size ();
  return n;
}

GST_START_TEST (test_session_created_and_updated)
{
  auto sim = start (options_for ("session"));
  TestClient c;
  fail_unless (c.connect (sim->url () + "?model=gpt-realtime-2.1"));

  const ServerEvent created = c.wait_for ("session.created");
  fail_unless_equals_int (c.cursor_, 1); /* the very first event */
  fail_unless (g_str_has_prefix (created.session->id.c_str (), "sess_"));
  fail_unless_equals_string (created.session->type.c_str (), "realtime");
  fail_unless_equals_string (created.session->model.c_str (),
      "gpt-realtime-2.1");
  fail_unless (
      created.session->expires_at > g_get_real_time () / G_USEC_PER_SEC);
  fail_unless_equals_string (created.session->turn_detection.c_str (),
      "server_vad");
  fail_unless_equals_int (created.session->input_rate, 24000);

  SessionSettings s;
  s.voice = "cedar";
  s.instructions = "Be brief.";
  s.turn_detection = TurnDetection::SemanticVad;
  s.vad_eagerness = VadEagerness::High;
  s.input_transcription_model = "gpt-transcribe";
  c.send (session_update (s));
  const ServerEvent updated = c.wait_for ("session.updated");
  fail_unless_equals_string (updated.session->voice.c_str (), "cedar");
  fail_unless_equals_string (updated.session->instructions.c_str (),
      "Be brief.");
  fail_unless_equals_string (updated.session->turn_detection.c_str (),
      "semantic_vad");
  fail_unless_equals_string (updated.session->vad_eagerness.c_str (), "high");
  fail_unless_equals_string (updated.session->transcription_model.c_str (),
      "gpt-transcribe");

  /* Partial: only instructions change, the rest stays. */
  c.send (
      R"({"type":"session.update","session":{"type":"realtime","instructions":"Shout."}})");
  const ServerEvent partial = c.wait_for ("session.updated");
  fail_unless_equals_string (partial.session->instructions.c_str (), "Shout.");
  fail_unless_equals_string (partial.session->voice.c_str (), "cedar");
  fail_unless_equals_string (partial.session->turn_detection.c_str (),
      "semantic_vad");
}
GST_END_TEST;

GST_START_TEST (test_invalid_events_get_errors_and_session_goes_on)
{
  auto sim = start (options_for ("invalid"));
  TestClient c;
  fail_unless (c.connect (sim->url ()));
  c.wait_for ("session.created");

  c.send (
      R"({"type":"session.update","event_id":"bad1","session":{"modalities":["audio"],"voice":"alloy","input_audio_format":"pcm16"}})");
  const ServerEvent beta = c.wait_for ("error");
  fail_unless_equals_string (beta.error->type.c_str (),
      "invalid_request_error");
  fail_unless_equals_string (beta.error->event_id.c_str (), "bad1");
  fail_if (beta.error->message.empty ());

  c.send (
      R"({"type":"session.update","event_id":"bad2","session":{"type":"realtime","temperature":0.8}})");
  const ServerEvent unknown = c.wait_for ("error");
  fail_unless_equals_string (unknown.error->code.c_str (), "unknown_parameter");
  fail_unless_equals_string (unknown.error->param.c_str (),
      "session.temperature");
  fail_unless_equals_string (unknown.error->event_id.c_str (), "bad2");

  c.send ("{not json");
  c.wait_for ("error");
  c.send (R"({"type":"response.audio.delta"})");
  c.wait_for ("error");
  c.send (
      R"({"type":"session.update","event_id":"bad3","session":{"type":"realtime","output_modalities":["audio","text"]}})");
  const ServerEvent both = c.wait_for ("error");
  fail_unless_equals_string (both.error->param.c_str (),
      "session.output_modalities");

  /* Still usable. */
  c.send (session_update (SessionSettings ()));
  c.wait_for ("session.updated");
  fail_unless (c.parse_errors_.empty ());
}
GST_END_TEST;

GST_START_TEST (test_api_key_and_beta_header)
{
  SimulatorOptions o = options_for ("auth");
  o.api_key = "sk-sim-test-key";
  auto sim = start (o);

  guint status = 0;
  {
    TestClient c;
    fail_if (c.connect (sim->url (), nullptr, &status));
    fail_unless_equals_int (status, 401);
  }
  {
    TestClient c;
    fail_if (c.connect (sim->url (), "sk-wrong", &status));
    fail_unless_equals_int (status, 401);
  }
  {
    TestClient c;
    fail_unless (c.connect (sim->url (), "sk-sim-test-key", &status));
    c.wait_for ("session.created");
  }
  {
    /* The retired beta header: error, then close 4000. */
    TestClient c;
    fail_unless (c.connect (sim->url (), "sk-sim-test-key", nullptr,
        {{"OpenAI-Beta", "realtime=v1"}}));
    const ServerEvent e = c.wait_for ("error");
    fail_unless_equals_string (e.error->code.c_str (),
        "beta_api_shape_disabled");
    c.wait_closed ();
    fail_unless_equals_int (c.close_code_, 4000);
    for (const ServerEvent & ev : c.events_)
      fail_if (ev.type == ServerEventType::SessionCreated);
  }
}
GST_END_TEST;

GST_START_TEST (test_vad_turn)
{
  auto sim = start (options_for ("vad-turn"));
  TestClient c;
  fail_unless (c.connect (sim->url ()));
  c.wait_for ("session.created");
  SessionSettings s; /* server VAD: threshold 0.5, prefix 300, silence 500 */
  s.input_transcription_model = "gpt-transcribe";
  c.send (session_update (s));
  c.wait_for ("session.updated");

  c.append_pcm (utterance (500, 1000, 1500));

  /* The service's offsets: start includes the prefix padding, end the
   * silence duration. */
  const ServerEvent started = c.wait_for ("input_audio_buffer.speech_started");
  fail_unless_equals_int (started.audio_start_ms, 500 - 300);
  const ServerEvent stopped = c.wait_for ("input_audio_buffer.speech_stopped");
  fail_unless_equals_int (stopped.audio_end_ms, 1500 + 500);
  fail_unless_equals_string (stopped.item_id.c_str (),
      started.item_id.c_str ());
  const ServerEvent committed = c.wait_for ("input_audio_buffer.committed");
  fail_unless_equals_string (committed.item_id.c_str (),
      started.item_id.c_str ());
  const ServerEvent added = c.wait_for ("conversation.item.added");
  fail_unless_equals_string (added.item->role.c_str (), "user");
  fail_unless_equals_string (added.item->content[0].type.c_str (),
      "input_audio");
  c.wait_for ("conversation.item.done");
  const ServerEvent transcript =
      c.wait_for ("conversation.item.input_audio_transcription.completed");
  fail_unless_equals_string (transcript.transcript.c_str (),
      "What time is it?");

  const ServerEvent created = c.wait_for ("response.created");
  const std::string rid = created.response->id;
  fail_unless_equals_string (created.response->status.c_str (), "in_progress");
  c.wait_for ("response.output_item.added");
  c.wait_for ("response.content_part.added");
  c.wait_for ("response.output_audio.done");
  const ServerEvent tdone =
      c.wait_for ("response.output_audio_transcript.done");
  fail_unless_equals_string (tdone.transcript.c_str (), "It is noon in Paris.");
  const ServerEvent done = c.wait_for ("response.done");
  fail_unless_equals_string (done.response->status.c_str (), "completed");

  /* 1200 ms of 24 kHz PCM16, in deltas. */
  fail_unless_equals_int (audio_bytes_of (c, rid), 1200 * 48);
  std::string joined;
  for (const ServerEvent & e : c.events_)
    if (e.type == ServerEventType::ResponseOutputAudioTranscriptDelta)
      joined += e.delta;
  fail_unless_equals_string (joined.c_str (), "It is noon in Paris.");

  /* Usage from durations: 1.8 s of user audio at 10 tokens/s in, 1.2 s of
   * audio at 20 tokens/s out. */
  const Usage & u = *done.response->usage;
  fail_unless_equals_int (u.output_audio_tokens, 24);
  fail_unless_equals_int (u.input_audio_tokens, 18);
  fail_unless (u.output_text_tokens > 0);
  fail_unless_equals_int (u.total_tokens, u.input_tokens + u.output_tokens);
  fail_unless (c.parse_errors_.empty ());
}
GST_END_TEST;

GST_START_TEST (test_vad_settings_are_honoured)
{
  auto sim = start (options_for ("vad-settings"));
  TestClient c;
  fail_unless (c.connect (sim->url ()));
  c.wait_for ("session.created");

  SessionSettings s;
  s.vad_prefix_padding_ms = 0;
  s.vad_silence_duration_ms = 200;
  s.create_response = false;
  s.input_transcription_model = "";
  c.send (session_update (s));
  c.wait_for ("session.updated");
  c.append_pcm (utterance (700, 600, 400));
  fail_unless_equals_int (
      c.wait_for ("input_audio_buffer.speech_started").audio_start_ms, 700);
  fail_unless_equals_int (c.wait_for ("input_audio_buffer.speech_stopped")
                              .audio_end_ms,
      1300 + 200);
  c.wait_for ("input_audio_buffer.committed");
  /* create_response off, transcription off: nothing more. */
  c.pump (300);
  for (gsize i = c.cursor_; i < c.events_.size (); i++) {
    fail_if (c.events_[i].type == ServerEventType::ResponseCreated);
    fail_if (
        c.events_[i].type == ServerEventType::InputAudioTranscriptionCompleted);
  }

  /* A high threshold does not hear a quiet voice. */
  s.vad_threshold = 0.95;
  c.send (session_update (s));
  c.wait_for ("session.updated");
  Pcm quiet = make_silence (200);
  Pcm tone = make_tone (300, 800, 0.02);
  quiet.insert (quiet.end (), tone.begin (), tone.end ());
  c.append_pcm (quiet);
  fail_if (c.receives ("input_audio_buffer.speech_started", 300));
}
GST_END_TEST;

GST_START_TEST (test_push_to_talk)
{
  auto sim = start (options_for ("push-to-talk"));
  TestClient c;
  fail_unless (c.connect (sim->url ()));
  c.wait_for ("session.created");
  SessionSettings s;
  s.turn_detection = TurnDetection::None;
  c.send (session_update (s));
  c.wait_for ("session.updated");

  /* Under 100 ms: the service's error. */
  c.append_pcm (make_tone (300, 50, 0.3));
  c.send (build_input_audio_buffer_commit ("c1"));
  const ServerEvent empty = c.wait_for ("error");
  fail_unless_equals_string (empty.error->code.c_str (),
      "input_audio_buffer_commit_empty");

  c.send (build_input_audio_buffer_clear ());
  c.wait_for ("input_audio_buffer.cleared");

  c.append_pcm (utterance (0, 1000, 0));
  fail_if (c.receives ("input_audio_buffer.speech_started", 200),
      "no VAD with turn_detection null");
  c.send (build_input_audio_buffer_commit ());
  c.wait_for ("input_audio_buffer.committed");
  fail_if (c.receives ("response.created", 200),
      "commit alone answers nothing");
  c.send (build_response_create ());
  c.wait_for ("response.created");
  const ServerEvent done = c.wait_for ("response.done");
  fail_unless_equals_string (done.response->status.c_str (), "completed");
}
GST_END_TEST;

GST_START_TEST (test_text_turns)
{
  auto sim = start (options_for ("text"));
  TestClient c;
  fail_unless (c.connect (sim->url ()));
  c.wait_for ("session.created");

  JsonObjectPtr item = make_user_text_item ("What time is it?");
  c.send (build_conversation_item_create (item.get ()));
  const ServerEvent added = c.wait_for ("conversation.item.added");
  fail_unless_equals_string (added.item->content[0].text.c_str (),
      "What time is it?");
  c.wait_for ("conversation.item.done");
  c.send (build_response_create ());
  const ServerEvent done = c.wait_for ("response.done");
  fail_unless (audio_bytes_of (c, done.response->id) > 0);

  /* Text-only session: output_text, no audio. */
  SessionSettings s;
  s.output_modality = OutputModality::Text;
  c.send (session_update (s));
  c.wait_for ("session.updated");
  c.send (build_conversation_item_create (item.get ()));
  c.send (build_response_create ());
  const ServerEvent text = c.wait_for ("response.output_text.done");
  fail_unless_equals_string (text.text.c_str (), "Seven in the evening.");
  const ServerEvent done2 = c.wait_for ("response.done");
  fail_unless_equals_int (audio_bytes_of (c, done2.response->id), 0);
  fail_unless_equals_int (done2.response->usage->output_audio_tokens, 0);
}
GST_END_TEST;

GST_START_TEST (test_function_call_round_trip)
{
  SimulatorOptions o = options_for ("function-call");
  g_autoptr (GError) error = nullptr;
  o.scenario = *Scenario::parse (R"({"turns":[{"user":"Time?",
      "assistant":"It is twelve o'clock.",
      "function_call":{"name":"get_time","arguments":{"tz":"UTC"}},
      "audio":{"type":"tone","frequency":500,"duration_ms":400}}]})",
      ".", &error);
  auto sim = start (o);
  TestClient c;
  fail_unless (c.connect (sim->url ()));
  c.wait_for ("session.created");

  JsonObjectPtr question = make_user_text_item ("What time is it?");
  c.send (build_conversation_item_create (question.get ()));
  c.send (build_response_create ());
  const ServerEvent args = c.wait_for ("response.function_call_arguments.done");
  fail_unless_equals_string (args.name.c_str (), "get_time");
  JsonNodePtr parsed = json_parse (args.arguments, nullptr);
  fail_unless (parsed != nullptr);
  const ServerEvent item_done = c.wait_for ("response.output_item.done");
  fail_unless_equals_string (item_done.item->type.c_str (), "function_call");
  fail_unless_equals_string (item_done.item->status.c_str (), "completed");
  fail_unless_equals_string (item_done.item->call_id.c_str (),
      args.call_id.c_str ());
  const ServerEvent done = c.wait_for ("response.done");
  fail_unless_equals_string (done.response->status.c_str (), "completed");
  fail_unless_equals_int (audio_bytes_of (c, done.response->id), 0);

  /* An output for a call that does not exist is refused. */
  JsonObjectPtr stray = make_function_call_output_item ("call_nope", "{}");
  c.send (build_conversation_item_create (stray.get (), {}, "fo1"));
  const ServerEvent err = c.wait_for ("error");
  fail_unless_equals_string (err.error->param.c_str (), "item.call_id");
  fail_unless_equals_string (err.error->event_id.c_str (), "fo1");

  JsonObjectPtr result =
      make_function_call_output_item (args.call_id, "{\"time\":\"12:00\"}");
  c.send (build_conversation_item_create (result.get ()));
  c.wait_for ("conversation.item.done");
  c.send (build_response_create ());
  const ServerEvent answer =
      c.wait_for ("response.output_audio_transcript.done");
  fail_unless_equals_string (answer.transcript.c_str (),
      "It is twelve o'clock.");
  const ServerEvent spoken = c.wait_for ("response.done");
  fail_unless_equals_int (audio_bytes_of (c, spoken.response->id), 400 * 48);
}
GST_END_TEST;

GST_START_TEST (test_active_response_and_cancel)
{
  auto sim = start (options_for ("cancel", 1.0)); /* real time */
  TestClient c;
  fail_unless (c.connect (sim->url ()));
  c.wait_for ("session.created");

  c.send (build_response_cancel ({}, "x0"));
  const ServerEvent idle = c.wait_for ("error");
  fail_unless_equals_string (idle.error->code.c_str (),
      "response_cancel_not_active");

  c.send (build_response_create ());
  const ServerEvent created = c.wait_for ("response.created");
  c.wait_for ("response.output_audio.delta");
  c.send (build_response_create ({}, "second"));
  const ServerEvent busy = c.wait_for ("error");
  fail_unless_equals_string (busy.error->code.c_str (),
      "conversation_already_has_active_response");
  fail_unless_equals_string (busy.error->event_id.c_str (), "second");

  c.send (build_response_cancel ());
  const ServerEvent done = c.wait_for ("response.done");
  fail_unless_equals_string (done.response->id.c_str (),
      created.response->id.c_str ());
  fail_unless_equals_string (done.response->status.c_str (), "cancelled");
  fail_unless_equals_string (done.response->status_reason.c_str (),
      "client_cancelled");
  fail_unless (audio_bytes_of (c, created.response->id) < 1200 * 48);
  /* No delta of the cancelled response after its response.done. */
  c.pump (300);
  for (gsize i = c.cursor_; i < c.events_.size (); i++)
    fail_if (c.events_[i].response_id == created.response->id);
}
GST_END_TEST;

GST_START_TEST (test_barge_in_cancels_the_response)
{
  auto sim = start (options_for ("barge-in", 1.0));
  TestClient c;
  fail_unless (c.connect (sim->url ()));
  c.wait_for ("session.created");
  SessionSettings s;
  s.vad_prefix_padding_ms = 0;
  c.send (session_update (s));
  c.wait_for ("session.updated");

  c.send (build_response_create ());
  const ServerEvent created = c.wait_for ("response.created");
  c.wait_for ("response.output_audio.delta");
  c.append_pcm (utterance (0, 400, 0));
  c.wait_for ("input_audio_buffer.speech_started");
  const ServerEvent done = c.wait_for ("response.done");
  fail_unless_equals_string (done.response->id.c_str (),
      created.response->id.c_str ());
  fail_unless_equals_string (done.response->status.c_str (), "cancelled");
  fail_unless_equals_string (done.response->status_reason.c_str (),
      "turn_detected");
  fail_unless_equals_string (done.response->output[0].status.c_str (),
      "incomplete");
}
GST_END_TEST;

GST_START_TEST (test_truncate_delete_retrieve)
{
  auto sim = start (options_for ("truncate"));
  TestClient c;
  fail_unless (c.connect (sim->url ()));
  c.wait_for ("session.created");
  c.send (build_response_create ());
  const ServerEvent done = c.wait_for ("response.done");
  const std::string item = done.response->output[0].id;

  /* Over the item's 1200 ms: the service's error, word for word. */
  c.send (build_conversation_item_truncate (item, 0, 1500, "t1"));
  const ServerEvent err = c.wait_for ("error");
  fail_unless_equals_string (err.error->message.c_str (),
      "Audio content of 1200ms is already shorter than 1500ms");
  fail_unless_equals_string (err.error->event_id.c_str (), "t1");

  c.send (build_conversation_item_truncate (item, 0, 700));
  const ServerEvent truncated = c.wait_for ("conversation.item.truncated");
  fail_unless_equals_int (truncated.audio_end_ms, 700);
  c.send (build_conversation_item_truncate (item, 0, 800));
  fail_unless (c.wait_for ("error").error->message.find ("700ms") !=
          std::string::npos,
      "truncation shortened the item");

  c.send (build_conversation_item_retrieve (item));
  const ServerEvent retrieved = c.wait_for ("conversation.item.retrieved");
  fail_unless_equals_string (retrieved.item->id.c_str (), item.c_str ());

  c.send (build_conversation_item_delete (item));
  const ServerEvent deleted = c.wait_for ("conversation.item.deleted");
  fail_unless_equals_string (deleted.item_id.c_str (), item.c_str ());
  c.send (build_conversation_item_delete (item, "d2"));
  const ServerEvent missing = c.wait_for ("error");
  fail_unless_equals_string (missing.error->event_id.c_str (), "d2");
  c.send (build_conversation_item_retrieve ("item_nope"));
  c.wait_for ("error");
}
GST_END_TEST;

GST_START_TEST (test_fault_drop_and_close)
{
  SimulatorOptions o = options_for ("fault-drop");
  o.faults.drop_after_events = 3;
  o.faults.fault_connections = 1;
  auto sim = start (o);
  {
    TestClient c;
    fail_unless (c.connect (sim->url ()));
    c.send (build_response_create ());
    c.wait_closed ();
    fail_unless_equals_int (c.events_.size (), 3);
    fail_unless_equals_int (c.close_code_, 1006); /* no close frame */
  }
  {
    /* Past --fault-connections: a clean session. */
    TestClient c;
    fail_unless (c.connect (sim->url ()));
    c.send (build_response_create ());
    c.wait_for ("response.done");
  }

  SimulatorOptions o2 = options_for ("fault-close");
  o2.faults.close_after_events = 2;
  o2.faults.close_code = 1011;
  o2.faults.close_reason = "simulated failure";
  auto sim2 = start (o2);
  TestClient c;
  fail_unless (c.connect (sim2->url ()));
  c.send (build_response_create ());
  c.wait_closed ();
  fail_unless_equals_int (c.close_code_, 1011);
  fail_unless_equals_string (c.close_reason_.c_str (), "simulated failure");

  SimulatorOptions o3 = options_for ("fault-drop-ms");
  o3.faults.drop_after_ms = 200;
  auto sim3 = start (o3);
  TestClient d;
  fail_unless (d.connect (sim3->url ()));
  d.wait_for ("session.created");
  d.wait_closed (3000);
  fail_unless_equals_int (d.close_code_, 1006);
}
GST_END_TEST;

GST_START_TEST (test_fault_bad_frames)
{
  SimulatorOptions o = options_for ("fault-frames");
  o.faults.malformed_after_events = 1;
  o.faults.unknown_event_after_events = 2;
  o.faults.oversized_after_events = 3;
  o.faults.oversized_bytes = 2 * 1024 * 1024;
  o.faults.invalid_base64_delta = true;
  auto sim = start (o);
  TestClient c;
  fail_unless (c.connect (sim->url ()));
  c.send (build_response_create ());
  c.wait_for ("response.done");

  bool unknown = false;
  for (const ServerEvent & e : c.events_)
    unknown = unknown ||
        (e.type == ServerEventType::Unknown &&
            e.type_name == "simulator.unknown_event");
  fail_unless (unknown, "the unknown event arrived and parsed as Unknown");
  fail_unless (c.largest_frame_ > 2 * 1024 * 1024);
  /* Malformed JSON and the invalid base64 delta: refused by the parser. */
  fail_unless_equals_int (c.parse_errors_.size (), 2);
  bool base64 = false, json = false;
  for (const std::string & m : c.parse_errors_) {
    base64 = base64 || m.find ("base64") != std::string::npos;
    json = json || m.find ("JSON") != std::string::npos;
  }
  fail_unless (base64 && json);
}
GST_END_TEST;

GST_START_TEST (test_fault_stall_handshake_and_expiry)
{
  SimulatorOptions o = options_for ("fault-stall");
  o.faults.stall_after_events = 1;
  o.faults.stall_ms = 400;
  auto sim = start (o);
  {
    TestClient c;
    fail_unless (c.connect (sim->url ()));
    c.wait_for ("session.created");
    c.send (build_response_create ());
    c.wait_for ("response.created");
    gsize i = 0;
    while (c.events_[i].type != ServerEventType::ResponseCreated)
      i++;
    gint64 gap_us = c.arrival_us_[i] - c.arrival_us_[0];
    fail_unless (gap_us >= 350 * 1000, "stalled only %" G_GINT64_FORMAT " us",
        gap_us);
  }

  SimulatorOptions o2 = options_for ("fault-handshake");
  o2.faults.handshake_status = 429;
  o2.faults.fault_connections = 2;
  auto sim2 = start (o2);
  for (int i = 0; i < 2; i++) {
    TestClient c;
    guint status = 0;
    fail_if (c.connect (sim2->url (), nullptr, &status));
    fail_unless_equals_int (status, 429);
  }
  {
    TestClient c;
    fail_unless (c.connect (sim2->url ()));
    c.wait_for ("session.created");
  }

  SimulatorOptions o3 = options_for ("fault-expiry");
  o3.session_lifetime_s = 1;
  auto sim3 = start (o3);
  TestClient c;
  fail_unless (c.connect (sim3->url ()));
  const ServerEvent created = c.wait_for ("session.created");
  fail_unless (
      created.session->expires_at <= g_get_real_time () / G_USEC_PER_SEC + 1);
  c.wait_closed (3000);
  fail_unless_equals_int (c.close_code_, 1001);
  fail_unless_equals_string (c.close_reason_.c_str (),
      "Your session hit the maximum duration of 60 minutes.");
}
GST_END_TEST;

GST_START_TEST (test_real_time_pacing)
{
  auto sim = start (options_for ("pacing", 1.0));
  TestClient c;
  fail_unless (c.connect (sim->url ()));
  c.wait_for ("session.created");
  c.send (build_response_create ());
  c.wait_for ("response.done", 5000);
  gint64 first = -1, last = -1;
  for (gsize i = 0; i < c.events_.size (); i++)
    if (c.events_[i].type == ServerEventType::ResponseOutputAudioDelta) {
      if (first < 0)
        first = c.arrival_us_[i];
      last = c.arrival_us_[i];
    }
  /* 12 deltas of 100 ms: the last leaves 1.1 s after the first. Loose
   * bounds: this checks pacing exists, not how fast the machine is. */
  fail_unless (last - first >= 900 * 1000,
      "deltas not paced: %" G_GINT64_FORMAT " us", last - first);
}
GST_END_TEST;

GST_START_TEST (test_many_sessions)
{
  auto sim = start (options_for ("many"));
  /* Each client pushes its own main context as thread default, so they
   * must go away in reverse order. */
  std::vector<std::unique_ptr<TestClient>> clients;
  const int n = 100;
  for (int i = 0; i < n; i++) {
    auto c = std::make_unique<TestClient> ();
    fail_unless (c->connect (sim->url ()));
    clients.push_back (std::move (c));
  }
  for (auto & c : clients) {
    c->wait_for ("session.created");
    c->send (build_response_create ());
  }
  for (auto & c : clients) {
    const ServerEvent done = c->wait_for ("response.done");
    fail_unless_equals_string (done.response->status.c_str (), "completed");
  }
  fail_unless (sim->connection_count () >= (guint) n);
  while (!clients.empty ())
    clients.pop_back ();
}
GST_END_TEST;

/* The odd_delta_bytes fault (--odd-delta-bytes): every audio delta of a
 * response carries an odd number of bytes, and their concatenation is still
 * the scenario's audio, byte for byte. Also at real-time pace, where the
 * cuts are spread over ticks. The frames go to the schema check below. */
GST_START_TEST (test_fault_odd_delta_bytes)
{
  for (double pace : {0.0, 8.0}) {
    SimulatorOptions o =
        options_for (pace > 0 ? "fault-odd-paced" : "fault-odd", pace);
    o.faults.odd_delta_bytes = true;
    o.delta_ms = 40;
    Pcm want;
    fail_unless (Scenario::render_audio (o.scenario.turn (0), want, nullptr));
    auto sim = start (o);
    TestClient c;
    fail_unless (c.connect (sim->url ()));
    c.wait_for ("session.created");
    JsonObjectPtr question = make_user_text_item ("What time is it?");
    c.send (build_conversation_item_create (question.get ()));
    c.send (build_response_create ());
    const ServerEvent done = c.wait_for ("response.done");
    fail_unless_equals_string (done.response->status.c_str (), "completed");

    std::vector<guint8> bytes;
    gsize deltas = 0;
    for (const ServerEvent & e : c.events_) {
      if (e.type != ServerEventType::ResponseOutputAudioDelta)
        continue;
      deltas++;
      fail_unless (e.audio.size () % 2 == 1,
          "delta %" G_GSIZE_FORMAT " has %" G_GSIZE_FORMAT " bytes", deltas,
          e.audio.size ());
      bytes.insert (bytes.end (), e.audio.begin (), e.audio.end ());
    }
    fail_unless (deltas >= 2);
    fail_unless_equals_int (bytes.size (), want.size () * 2);
    fail_unless (memcmp (bytes.data (), want.data (), bytes.size ()) == 0,
        "the deltas do not add up to the scenario's audio");
    /* Usage still counts whole samples. */
    fail_unless_equals_int (done.response->usage->output_audio_tokens,
        (gint64) want.size () * 20 / 24000);
  }
}
GST_END_TEST;

/* A turn with "audio_items": 2 answers with two assistant audio items in
 * one response: each with its own output_item.added (output_index 0, 1),
 * content part, audio deltas and transcript deltas, closed before the next
 * opens; the audio split in two equal halves that add up to the turn's
 * audio, the words split between the transcripts; response.done lists both
 * items. The frames go to the schema check below. */
GST_START_TEST (test_audio_items)
{
  SimulatorOptions o = options_for ("audio-items");
  g_autoptr (GError) error = nullptr;
  o.scenario = *Scenario::parse (R"({"turns":[{"user":"Hi",
      "assistant":"First part. Second part here.", "audio_items":2,
      "audio":{"type":"tone","frequency":500,"duration_ms":1000}}]})",
      ".", &error);
  Pcm want;
  fail_unless (Scenario::render_audio (o.scenario.turn (0), want, nullptr));
  auto sim = start (o);
  TestClient c;
  fail_unless (c.connect (sim->url ()));
  c.wait_for ("session.created");
  JsonObjectPtr question = make_user_text_item ("Hi");
  c.send (build_conversation_item_create (question.get ()));
  c.send (build_response_create ());
  const ServerEvent done = c.wait_for ("response.done");
  fail_unless_equals_string (done.response->status.c_str (), "completed");

  /* Per item, in order: the events that carry its id. */
  std::vector<std::string> ids;
  std::vector<std::vector<guint8>> audio (2);
  std::vector<std::string> deltas (2), transcripts (2);
  gssize open_item = -1;
  for (const ServerEvent & e : c.events_) {
    if (e.type == ServerEventType::ResponseOutputItemAdded) {
      fail_unless (open_item < 0, "an item opened before the last closed");
      fail_unless_equals_int (e.output_index, (gint64) ids.size ());
      ids.push_back (e.item->id);
      open_item = e.output_index;
    } else if (e.type == ServerEventType::ResponseOutputItemDone) {
      fail_unless_equals_int (e.output_index, open_item);
      fail_unless_equals_string (e.item->id.c_str (), ids.back ().c_str ());
      fail_unless_equals_string (e.item->status.c_str (), "completed");
      open_item = -1;
    } else if (e.type == ServerEventType::ResponseOutputAudioDelta) {
      fail_unless (open_item >= 0);
      fail_unless_equals_int (e.output_index, open_item);
      fail_unless_equals_string (e.item_id.c_str (), ids.back ().c_str ());
      audio[open_item].insert (audio[open_item].end (), e.audio.begin (),
          e.audio.end ());
    } else if (e.type == ServerEventType::ResponseOutputAudioTranscriptDelta) {
      fail_unless_equals_int (e.output_index, open_item);
      fail_unless_equals_string (e.item_id.c_str (), ids.back ().c_str ());
      deltas[open_item] += e.delta;
    } else if (e.type == ServerEventType::ResponseOutputAudioTranscriptDone) {
      fail_unless_equals_int (e.output_index, open_item);
      transcripts[open_item] = e.transcript;
    }
  }
  fail_unless_equals_int (ids.size (), 2);
  fail_unless (ids[0] != ids[1]);
  fail_unless_equals_int (audio[0].size (), want.size ()); /* half each */
  fail_unless_equals_int (audio[1].size (), want.size ());
  std::vector<guint8> all = audio[0];
  all.insert (all.end (), audio[1].begin (), audio[1].end ());
  fail_unless (memcmp (all.data (), want.data (), all.size ()) == 0);
  fail_unless_equals_string (transcripts[0].c_str (), "First part.");
  fail_unless_equals_string (transcripts[1].c_str (), "Second part here.");
  fail_unless_equals_string (deltas[0].c_str (), transcripts[0].c_str ());
  fail_unless_equals_string (deltas[1].c_str (), transcripts[1].c_str ());
  fail_unless_equals_int (done.response->output.size (), 2);
  fail_unless_equals_string (done.response->output[0].id.c_str (),
      ids[0].c_str ());
  fail_unless_equals_string (done.response->output[1].id.c_str (),
      ids[1].c_str ());
  fail_unless_equals_int (done.response->usage->output_audio_tokens, 20);
}
GST_END_TEST;

/* Every event the simulator sent in the tests above, against the official
 * GA server schema (ajv): zero violations. Injected fault frames are marked
 * in the log and left out. */
GST_START_TEST (test_all_sent_events_conform)
{
  g_autoptr (GDir) dir = g_dir_open (SIM_LOG_DIR, 0, nullptr);
  fail_unless (dir != nullptr);
  std::string jsonl;
  guint events = 0, files = 0;
  while (const gchar * name = g_dir_read_name (dir)) {
    if (!g_str_has_suffix (name, ".jsonl") || g_str_has_prefix (name, "all-"))
      continue;
    files++;
    g_autofree gchar * path = g_build_filename (SIM_LOG_DIR, name, nullptr);
    g_autofree gchar * text = nullptr;
    fail_unless (g_file_get_contents (path, &text, nullptr, nullptr));
    g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
    for (int i = 0; lines[i] != nullptr; i++) {
      if (lines[i][0] == '\0')
        continue;
      JsonNodePtr line = json_parse (lines[i], nullptr);
      fail_unless (line != nullptr, "log line is not JSON: %s", lines[i]);
      JsonObject * o = json_node_get_object (line.get ());
      if (g_strcmp0 (json_object_get_string_member_with_default (o, "dir", ""),
              "out") != 0 ||
          json_object_get_boolean_member_with_default (o, "fault", FALSE))
        continue;
      jsonl += json_to_string (json_object_get_member (o, "frame")) + "\n";
      events++;
    }
  }
  fail_unless (files >= 10, "only %u logs", files);
  fail_unless (events > 500, "only %u events", events);

  g_autofree gchar * all =
      g_build_filename (SIM_LOG_DIR, "all-sent.jsonl", nullptr);
  fail_unless (
      g_file_set_contents (all, jsonl.c_str (), jsonl.size (), nullptr));
  g_autofree gchar * validator =
      g_build_filename (CONFORMANCE_DIR, "validate.mjs", nullptr);
  const gchar * argv[] = {NODE_PATH, validator, "server", all, nullptr};
  g_autofree gchar * out = nullptr;
  gint status = 0;
  fail_unless (g_spawn_sync (PROJECT_SOURCE_DIR, (gchar **) argv, nullptr,
      G_SPAWN_STDERR_TO_DEV_NULL, nullptr, nullptr, &out, nullptr, &status,
      nullptr));
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0) {
    /* Show the violations, not ajv's per-line "valid" noise. */
    g_auto (GStrv) lines = g_strsplit (out ? out : "", "\n", -1);
    std::string bad;
    for (int i = 0; lines[i] != nullptr && bad.size () < 4000; i++)
      if (strstr (lines[i], "INVALID") || strstr (lines[i], "not JSON"))
        bad += std::string (lines[i]) + "\n";
    fail ("%u events from %u logs; violations:\n%s", events, files,
        bad.c_str ());
  }
  GST_INFO ("%u simulator events from %u logs conform", events, files);
}
GST_END_TEST;

static Suite *
simulator_suite (void)
{
  Suite * s = suite_create ("simulator");
  TCase * tc = tcase_create ("general");

  /* Start from an empty log folder: the last test reads all of it. */
  if (g_file_test (SIM_LOG_DIR, G_FILE_TEST_IS_DIR)) {
    g_autoptr (GDir) dir = g_dir_open (SIM_LOG_DIR, 0, nullptr);
    while (const gchar * name = dir ? g_dir_read_name (dir) : nullptr) {
      g_autofree gchar * path = g_build_filename (SIM_LOG_DIR, name, nullptr);
      g_unlink (path);
    }
  }

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_session_created_and_updated);
  tcase_add_test (tc, test_invalid_events_get_errors_and_session_goes_on);
  tcase_add_test (tc, test_api_key_and_beta_header);
  tcase_add_test (tc, test_vad_turn);
  tcase_add_test (tc, test_vad_settings_are_honoured);
  tcase_add_test (tc, test_push_to_talk);
  tcase_add_test (tc, test_text_turns);
  tcase_add_test (tc, test_function_call_round_trip);
  tcase_add_test (tc, test_active_response_and_cancel);
  tcase_add_test (tc, test_barge_in_cancels_the_response);
  tcase_add_test (tc, test_truncate_delete_retrieve);
  tcase_add_test (tc, test_fault_drop_and_close);
  tcase_add_test (tc, test_fault_bad_frames);
  tcase_add_test (tc, test_fault_stall_handshake_and_expiry);
  tcase_add_test (tc, test_fault_odd_delta_bytes);
  tcase_add_test (tc, test_audio_items);
  tcase_add_test (tc, test_real_time_pacing);
  tcase_add_test (tc, test_many_sessions);
  tcase_add_test (tc, test_all_sent_events_conform); /* last */
  return s;
}

GST_CHECK_MAIN (simulator);
