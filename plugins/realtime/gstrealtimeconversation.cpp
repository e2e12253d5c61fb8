/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrealtimeconversation.h"
#include "gstrealtimeelements.h"
#include "gstrealtimeenums.h"
#include "gstrealtimemessages.h"
#include "gstrealtimeprices.h"
#include "engine/core.h"

#include <gst/realtime/client-events.h>
#include <gst/realtime/client-secret.h>
#include <gst/realtime/conversation-history.h>
#include <gst/realtime/endpoint.h>
#include <gst/realtime/input-timeline.h>
#include <gst/realtime/io-thread.h>
#include <gst/realtime/json-util.h>
#include <gst/realtime/latency-histogram.h>
#include <gst/realtime/output-timeline.h>
#include <gst/realtime/realtime-error.h>
#include <gst/realtime/reconnect-policy.h>
#include <gst/realtime/server-events.h>
#include <gst/realtime/websocket-client.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#define GST_CAT_DEFAULT gst_realtime_debug

/* Input audio the socket has not written yet (an uplink slower than real
 * time) is bounded: beyond this it is dropped and counted. */
static constexpr guint64 MAX_SEND_QUEUE_MS = 10000;
/* A non-live input (a file) waits while this much of it is queued for the
 * socket, instead of running into MAX_SEND_QUEUE_MS and losing audio. */
static constexpr guint64 NON_LIVE_HOLD_MS = 5000;

/* Appends written by the I/O thread: their latency, and a wakeup for a
 * non-live input waiting for room (shared with the socket's callbacks). */
struct InputWrites
{
  realtime::LatencyHistogram latency;
  std::mutex lock;
  std::condition_variable written;
  std::atomic<bool> waiting{false};
};

/* The service refuses to commit less than 100 ms of audio
 * (input_audio_buffer_commit_empty); such a commit is not sent. */
static constexpr guint64 MIN_COMMIT_SAMPLES = realtime::AUDIO_RATE / 10;

/* Server event ids remembered to drop repeated events. */
static constexpr gsize MAX_SEEN_EVENT_IDS = 64;

/* Bad server events are warned about this many times, then only logged. */
static constexpr guint64 MAX_BAD_EVENT_WARNINGS = 3;

using realtime::ServerEvent;
using realtime::ServerEventType;

namespace {

enum class EosState {
  None,
  Barrier,
  Waiting,
  Finished
};

/* A client event waiting for the session; audio counts against
 * input-backlog-ms. */
struct Pending
{
  std::string text;
  gsize audio_bytes;
};

/* A user turn's audio on the input timeline (for user transcripts). */
struct Span
{
  GstClockTime start = GST_CLOCK_TIME_NONE;
  GstClockTime end = GST_CLOCK_TIME_NONE;
};

struct ResponseState
{
  GstClockTime earliest = GST_CLOCK_TIME_NONE; /* non-live placement */
  GstClockTime speech_end = GST_CLOCK_TIME_NONE;
  GstClockTime first_audio_latency = GST_CLOCK_TIME_NONE;
  bool audio_seen = false;
};

} // namespace

struct RealtimeConversation::State : engine::Core
{
  State (GstElement * element, GstRealtimeInput * input_element)
      : Core (element, input_element)
  {}

  GstRealtimeOutput * audio_output = nullptr;
  GstRealtimeOutput * text_output = nullptr;

  std::weak_ptr<State> self; /* for callbacks and timers */

  /* Everything below is guarded by Core::lock. */
  RealtimeConversationConfig config;

  /* Connection. Each WebSocket has an id; callbacks of one that is no
   * longer `conn` (or `next_conn`) are ignored. */
  std::unique_ptr<realtime::WebSocketClient> ws;
  guint conn = 0;
  guint conn_serial = 0;
  std::vector<std::unique_ptr<realtime::WebSocketClient>> retired;
  /* Client-secret requests of links that wait for one, by link id, and
   * those done (freed on the I/O thread, never in their own callback). */
  std::map<guint, std::unique_ptr<realtime::ClientSecretFetch>> fetches;
  std::vector<std::unique_ptr<realtime::ClientSecretFetch>> retired_fetches;
  bool reconnecting = false; /* between a lost session and the next */
  guint attempt = 0;         /* tries in this outage */
  bool proven = true;        /* the session did something */
  /* Timers on the shared thread (ids of IoThread::add_timer; 0: none). */
  guint64 retry_timer = 0;
  guint64 stall_timer = 0;
  guint64 rollover_timer = 0;
  /* Session cap: the next session, opened in the background before the
   * current one expires, takes over at a quiet moment. */
  gint64 expires_at = 0;
  std::unique_ptr<realtime::WebSocketClient> next_ws;
  guint next_conn = 0;
  bool next_ready = false; /* its session.update was answered */
  std::string next_session_id;
  gint64 next_expires_at = 0;
  std::deque<std::string> next_update_ids; /* sent to it, unanswered */
  guint next_attempt = 0;
  bool had_session = false; /* a session was ever ready */
  /* Input the current session has not committed, newest last (bounded by
   * carry_ms ()): at a rollover it goes to the next session too, so speech
   * the old server had not yet noticed is not cut. */
  std::deque<std::pair<std::vector<guint8>,
      std::vector<std::pair<GstClockTime, guint64>>>>
      recent;
  gsize recent_bytes = 0;
  realtime::ConversationHistory history;
  guint64 replay_mark = 0; /* history before the outage */

  /* Session */
  std::string session_id;
  std::string server_model; /* session.model of the session */
  bool ready = false;       /* session.update sent */
  bool progress_done = false;
  std::deque<Pending> backlog; /* events waiting for `ready` */
  gsize backlog_audio_bytes = 0;
  guint64 updates_sent = 0, updates_acked = 0;
  guint64 event_serial = 0;
  std::deque<std::string>
      update_event_ids; /* sent, not yet answered, in order */
  std::set<std::string> response_event_ids;

  /* Input */
  std::vector<guint8> chunk; /* PCM not yet appended */
  /* Where the chunk's samples came from: (running time, samples) runs. */
  std::vector<std::pair<GstClockTime, guint64>> chunk_times;
  realtime::InputTimeline input_timeline;
  GstClockTime input_end =
      GST_CLOCK_TIME_NONE; /* running time after the last sample */
  guint64 uncommitted_samples = 0;
  bool backlog_warned = false;

  /* Turns */
  bool speech_active = false;
  std::string speech_item;
  GstClockTime turn_end = GST_CLOCK_TIME_NONE; /* input running time */
  GstClockTime speech_end = GST_CLOCK_TIME_NONE;
  bool turn_unanswered = false;      /* a turn ended since the last response */
  bool awaiting_response = false;    /* a response is due to be created */
  bool response_was_active = false;  /* as run_pending last saw it */
  std::map<std::string, Span> spans; /* user items */

  /* Responses */
  std::map<std::string, ResponseState> responses; /* active ones */
  std::set<std::string> dropped_responses;        /* interrupted */
  /* response.create waiting for the active response to end; requests made
   * meanwhile merge into one (the latest options win). */
  std::optional<std::string> deferred_response;
  std::map<std::string, std::string> call_names; /* item id -> function name */

  /* Output */
  realtime::OutputTimeline output_timeline;
  std::string carry_key;
  std::optional<guint8> carry; /* odd byte of the last audio delta */
  GstClockTime render_latency = 0;
  std::string last_audio_response; /* the one a barge-in stops */
  std::map<std::string, std::vector<std::string>>
      response_items; /* active ones' message items */

  /* EOS */
  EosState eos = EosState::None;
  guint64 eos_barrier = 0;
  guint64 events_queued = 0;   /* client events, backlog included */
  guint64 eos_events_mark = 0; /* events_queued after the barrier */
  guint64 eos_timeout = 0;     /* a timer, as retry_timer */

  /* What this session adds to the audio's way (see LatencyHistogram). */
  std::shared_ptr<InputWrites> input_writes = std::make_shared<InputWrites> ();
  realtime::LatencyHistogram output_latency;
  gint64 frame_arrived_us = 0;            /* the server event being handled */
  guint64 bad_events = 0;                 /* skipped server events */
  std::deque<std::string> seen_event_ids; /* the latest, to drop repeats */

  /* --- helpers, all called with `lock` held --- */

  void post_closed (const std::string & reason)
  {
    Core::post_closed (session_id, reason);
  }

  void on_failed () override { stop_eos_timeout (); }

  bool idle_again () override
  {
    bool active = any_response_active ();
    bool again = response_was_active && !active;
    response_was_active = active;
    return again;
  }

  void wake_outputs () override
  {
    gst_realtime_output_wake (audio_output);
    gst_realtime_output_wake (text_output);
  }

  std::string next_event_id (const char * prefix)
  {
    return std::string ("gst_") + prefix + "_" +
        std::to_string (++event_serial);
  }

  /* Client events wait in the backlog until session.update has gone out:
   * the server must not see audio or turns under the default session. */
  /* @since_us: when the audio in it entered (input latency); audio that
   * waits in the backlog is waiting for the session, not measured. */
  void send (std::string text, gsize audio_bytes = 0, gint64 since_us = 0)
  {
    events_queued++;
    if (!ready) {
      backlog_audio_bytes += audio_bytes;
      backlog.push_back ({std::move (text), audio_bytes});
      return;
    }
    send_now (std::move (text), since_us);
  }

  void send_now (std::string text, gint64 since_us = 0)
  {
    send_on (ws.get (), std::move (text), since_us);
  }

  bool any_response_active () const
  {
    return !responses.empty () || awaiting_response;
  }

  /* --- input --- */

  /* One chunk of input audio (@times: where its samples came from). Audio
   * that cannot be sent yet (connecting, reconnecting) waits, up to
   * input-backlog-ms, and so does audio the socket has not written (slow
   * uplink), up to MAX_SEND_QUEUE_MS; beyond that it is dropped and
   * counted, never allowed to block the streaming thread or grow forever.
   * Only audio the session gets is on its input timeline. */
  void send_append (const guint8 * data, gsize size,
      const std::vector<std::pair<GstClockTime, guint64>> & times,
      gint64 entered_us = 0)
  {
    guint64 limit =
        (guint64) (ready ? MAX_SEND_QUEUE_MS : config.input_backlog_ms) *
        realtime::AUDIO_BYTES_PER_MS;
    guint64 waiting = ready ? (guint64) ws->pending () * config.chunk_ms *
            realtime::AUDIO_BYTES_PER_MS
                            : backlog_audio_bytes;
    if (waiting + size > limit) {
      note_dropped (size / realtime::AUDIO_BYTES_PER_MS);
      return;
    }
    for (const auto & [rt, samples] : times)
      input_timeline.append (rt, samples);
    send (realtime::build_input_audio_buffer_append (data, size), size,
        entered_us);
    if (ready)
      keep_recent (data, size, times);
  }

  /* How much uncommitted input a rollover carries over: push-to-talk, all
   * of it (up to input-backlog-ms); VAD, what the server may not have
   * noticed yet: its prefix padding plus half a second. */
  guint64 carry_ms () const
  {
    if (config.session.turn_detection == realtime::TurnDetection::None)
      return config.input_backlog_ms;
    return (guint64) config.session.vad_prefix_padding_ms + 500;
  }

  void keep_recent (const guint8 * data, gsize size,
      const std::vector<std::pair<GstClockTime, guint64>> & times)
  {
    recent.emplace_back (std::vector<guint8> (data, data + size), times);
    recent_bytes += size;
    guint64 limit = carry_ms () * realtime::AUDIO_BYTES_PER_MS;
    while (!recent.empty () &&
        recent_bytes - recent.front ().first.size () >= limit) {
      recent_bytes -= recent.front ().first.size ();
      recent.pop_front ();
    }
  }

  void forget_recent ()
  {
    recent.clear ();
    recent_bytes = 0;
  }

  void note_dropped (guint64 ms)
  {
    stats.dropped_audio_ms += ms;
    if (backlog_warned)
      return;
    backlog_warned = true;
    std::string limit =
        std::to_string (ready ? MAX_SEND_QUEUE_MS : config.input_backlog_ms) +
        " ms";
    if (!ready)
      warn (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
          "The Realtime API session is not ready (connecting or "
          "reconnecting): input audio beyond input-backlog-ms (" +
              limit +
              ") is being dropped until it is (see the stats property for how "
              "much).",
          "more than " + limit +
              " of input audio kept while "
              "waiting for the session");
    else
      warn (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
          "The connection to the Realtime API is too slow: input audio is "
          "being dropped (see the stats property for how much).",
          "more than " + limit + " of input audio waiting to be sent");
  }

  /* Sends what is left of the chunk (commit, EOS; @entered_us: when the
   * buffer that completed it entered sink_audio). */
  void flush_chunk (gint64 entered_us = 0)
  {
    if (chunk.empty ())
      return;
    send_append (chunk.data (), chunk.size (), chunk_times, entered_us);
    chunk.clear ();
    chunk_times.clear ();
  }

  void clear_chunk ()
  {
    chunk.clear ();
    chunk_times.clear ();
  }

  /* The input so far, committed as the user's turn. */
  void commit ()
  {
    flush_chunk ();
    send (realtime::build_input_audio_buffer_commit ());
    forget_recent ();
    mark_turn_end (input_end, input_end);
  }

  void mark_turn_end (GstClockTime end, GstClockTime speech_stop)
  {
    turn_end = end;
    speech_end = speech_stop;
    turn_unanswered = true;
    uncommitted_samples = 0;
  }

  void request_response (const realtime::ResponseOptions & options)
  {
    std::string id = next_event_id ("response");
    std::string ev = realtime::build_response_create (options, id);
    response_event_ids.insert (id);
    if (any_response_active ()) {
      deferred_response = std::move (ev);
      return;
    }
    awaiting_response = true;
    send (std::move (ev));
    arm_stall ();
  }

  /* The function's output, then a response once the current one is done. */
  void submit_function_result (const std::string & call_id,
      const std::string & output)
  {
    realtime::JsonObjectPtr item =
        realtime::make_function_call_output_item (call_id, output);
    send (realtime::build_conversation_item_create (item.get ()));
    request_response ({});
  }

  void send_deferred ()
  {
    if (deferred_response && !any_response_active ()) {
      awaiting_response = true;
      send (std::move (*deferred_response));
      deferred_response.reset ();
      arm_stall ();
    }
  }

  /* --- output --- */

  GstClockTime placement_earliest (const ResponseState & r)
  {
    GstClockTime t = now ();
    if (live () && GST_CLOCK_TIME_IS_VALID (t))
      return t;
    return r.earliest;
  }

  void push_audio_delta (const ServerEvent & ev)
  {
    if (dropped_responses.count (ev.response_id))
      return; /* late audio of an interrupted response */
    /* Audio of a response we never saw created still plays; it just has no
     * placement of its own. */
    ResponseState unknown;
    auto found = responses.find (ev.response_id);
    ResponseState & r = found != responses.end () ? found->second : unknown;

    /* Deltas may end on half a sample: the odd byte waits for the next
     * delta of the same content part. */
    std::string key = ev.response_id + "/" + ev.item_id + "/" +
        std::to_string (ev.content_index);
    if (carry && key != carry_key) {
      GST_WARNING_OBJECT (bin, "dropping a lone byte at the end of %s",
          carry_key.c_str ());
      carry.reset ();
    }
    gsize lead = carry ? 1 : 0;
    gsize total = lead + ev.audio.size ();
    gsize size = total & ~(gsize) 1;
    std::optional<guint8> next_carry;
    if (total % 2)
      next_carry = ev.audio.empty () ? *carry : ev.audio.back ();
    GstBuffer * buf = nullptr;
    if (size > 0) {
      buf = gst_buffer_new_allocate (nullptr, size, nullptr);
      GstMapInfo map;
      gst_buffer_map (buf, &map, GST_MAP_WRITE);
      if (lead)
        map.data[0] = *carry;
      memcpy (map.data + lead, ev.audio.data (), size - lead);
      gst_buffer_unmap (buf, &map);
    }
    carry = next_carry;
    carry_key = key;
    if (buf == nullptr)
      return;

    guint64 samples = size / 2;
    if (ev.response_id != last_audio_response) {
      /* Only the latest response can still be interrupted; per-item
       * records of earlier ones are done with. */
      output_timeline.forget_items ();
      dropped_responses.erase (last_audio_response);
      last_audio_response = ev.response_id;
    }
    auto p = output_timeline.place (ev.response_id, ev.item_id,
        ev.content_index, samples, placement_earliest (r));
    if (!r.audio_seen) {
      r.audio_seen = true;
      if (GST_CLOCK_TIME_IS_VALID (r.speech_end) && p.pts >= r.speech_end)
        r.first_audio_latency = p.pts - r.speech_end;
      stats.first_audio_latency = r.first_audio_latency;
    }

    GST_BUFFER_PTS (buf) = p.pts;
    GST_BUFFER_DURATION (buf) = p.duration;
    GST_BUFFER_OFFSET (buf) = p.offset;
    GST_BUFFER_OFFSET_END (buf) = p.offset_end;
    if (p.discont)
      GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
    gst_realtime_output_push (audio_output, buf, frame_arrived_us);
  }

  /* The running time an assistant item's text belongs to, and its length:
   * that of the item's audio, or where its response is placed (text-only). */
  void assistant_text_times (const ServerEvent & ev, GstClockTime * pts,
      GstClockTime * duration)
  {
    *pts = output_timeline.first_pts (ev.item_id, ev.content_index);
    *duration =
        output_timeline.received_duration (ev.item_id, ev.content_index);
    if (*pts != realtime::OutputTimeline::NO_TIME)
      return;
    *pts = *duration = GST_CLOCK_TIME_NONE;
    auto it = responses.find (ev.response_id);
    if (it != responses.end ())
      *pts = placement_earliest (it->second);
  }

  void push_text (const std::string & text, GstClockTime pts,
      GstClockTime duration)
  {
    if (text.empty ())
      return;
    GstBuffer * buf = gst_buffer_new_memdup (text.data (), text.size ());
    GST_BUFFER_PTS (buf) = pts;
    GST_BUFFER_DURATION (buf) = duration;
    gst_realtime_output_push (text_output, buf);
  }

  void assistant_transcript (const ServerEvent & ev, bool final)
  {
    GstClockTime pts, duration;
    assistant_text_times (ev, &pts, &duration);
    const std::string & text =
        final ? (ev.transcript.empty () ? ev.text : ev.transcript) : ev.delta;
    post (realtime_message_transcript (GST_OBJECT (bin), "assistant",
        ev.item_id, text, final, pts));
    /* What an interrupted item said is not known as text: not replayed. */
    if (final && dropped_responses.count (ev.response_id))
      history.remove (ev.item_id);
    else if (final)
      history.set_text (realtime::ConversationHistory::Role::Assistant,
          ev.item_id, text);
    /* An interrupted response's text is not what the listener heard. */
    if (final && (config.text_roles & GST_REALTIME_TEXT_ROLES_ASSISTANT) &&
        !dropped_responses.count (ev.response_id))
      push_text (text, pts, duration);
  }

  void user_transcript (const ServerEvent & ev, bool final)
  {
    Span span;
    auto it = spans.find (ev.item_id);
    if (it != spans.end ())
      span = it->second;
    const std::string & text = final ? ev.transcript : ev.delta;
    post (realtime_message_transcript (GST_OBJECT (bin), "user", ev.item_id,
        text, final, span.start));
    if (!final)
      return;
    history.set_text (realtime::ConversationHistory::Role::User, ev.item_id,
        text);
    if (config.text_roles & GST_REALTIME_TEXT_ROLES_USER) {
      GstClockTime duration = GST_CLOCK_TIME_IS_VALID (span.start) &&
              GST_CLOCK_TIME_IS_VALID (span.end) && span.end > span.start
          ? span.end - span.start
          : GST_CLOCK_TIME_NONE;
      push_text (text, span.start, duration);
    }
    spans.erase (ev.item_id);
  }

  /* --- barge-in (INTERFACE.md §6) --- */

  /* Stops what the listener is hearing: queued audio is dropped, downstream
   * flushed, late deltas of the response ignored, and the item that was
   * playing truncated where it was heard (deleted when nothing was; items
   * that never started playing are deleted). @at: the running time of the
   * interruption; @latency: how late sinks render a sample stamped @at. */
  void interrupt (const std::string & response_id, GstClockTime at,
      GstClockTime latency)
  {
    if (dropped_responses.count (response_id))
      return; /* interrupted once: that truncate stands */
    auto items = output_timeline.items_of (response_id);
    if (items.empty ()) {
      interrupt_unheard (response_id);
      return;
    }
    GstClockTime played_to =
        GST_CLOCK_TIME_IS_VALID (at) && at > latency ? at - latency : 0;
    if (output_timeline.end () != realtime::OutputTimeline::NO_TIME &&
        output_timeline.end () <= played_to)
      return; /* all of it was already played */

    dropped_responses.insert (response_id);
    stats.interruptions++;
    /* Stale audio not yet pushed goes now, under our lock, so nothing
     * queued after this is lost. */
    GstClockTime flush_at;
    if (live ()) {
      /* Sinks still hold what they have not played: flush it (after
       * unlocking: the output's task calls back into us). */
      gst_realtime_output_drop_buffers (audio_output, GST_CLOCK_TIME_NONE);
      flush_at = GST_CLOCK_TIME_IS_VALID (at) ? at : played_to;
      flush (audio_output, flush_at);
    } else {
      /* Non-live output is usually being recorded (filesink truncates its
       * file on FLUSH_STOP): the reply stays up to where the user spoke
       * (what the truncate says was heard), and what follows continues
       * after the data that went out. */
      flush_at = gst_realtime_output_drop_buffers (audio_output, played_to);
    }

    std::string playing = items.front ().first;
    gint64 playing_heard = 0;
    const char * playing_action = "deleted";
    for (const auto & [item, ci] : items) {
      gint64 heard = output_timeline.heard_ms (item, ci, at, latency);
      gint64 received = output_timeline.received_ms (item, ci);
      const char * action;
      if (heard >= received) {
        action = "none"; /* an earlier item, heard to its end */
      } else if (heard <= 0) {
        action = "deleted";
        send (realtime::build_conversation_item_delete (item));
        history.remove (item);
      } else {
        action = "truncated";
        send (realtime::build_conversation_item_truncate (item, (guint) ci,
            (guint64) heard));
        history.remove (item); /* its text is more than was heard */
      }
      if (heard > 0) {
        playing = item;
        playing_heard = heard;
        playing_action = action;
      }
    }
    output_timeline.flush (flush_at);
    post (realtime_message_interrupted (GST_OBJECT (bin), playing,
        playing_heard, playing_action));
  }

  /* An active response none of whose audio has arrived: nothing was heard,
   * so whatever the server generated is dropped here and its items deleted
   * (the model must not believe it said them). */
  void interrupt_unheard (const std::string & response_id)
  {
    if (!responses.count (response_id))
      return;
    dropped_responses.insert (response_id);
    stats.interruptions++;
    std::string first;
    for (const std::string & item : response_items[response_id]) {
      send (realtime::build_conversation_item_delete (item));
      history.remove (item);
      if (first.empty ())
        first = item;
    }
    post (realtime_message_interrupted (GST_OBJECT (bin), first, 0,
        first.empty () ? "none" : "deleted"));
  }

  /* The response a barge-in stops: the active one, else the latest that
   * still plays. */
  std::string interrupt_target () const
  {
    return responses.empty () ? last_audio_response : responses.begin ()->first;
  }

  /* --- EOS --- */

  /* An empty session.update: its answer means the server has processed
   * every event sent before it (the audio, truncates, deletes). */
  void send_eos_barrier ()
  {
    std::string id = next_event_id ("update");
    realtime::JsonObjectPtr empty (json_object_new ());
    json_object_set_string_member (empty.get (), "type", "realtime");
    update_event_ids.push_back (id);
    send (realtime::build_session_update (empty.get (), id));
    eos_events_mark = events_queued;
    /* Before the session is ready the barrier waits in the backlog, to go
     * out after the first session.update (counted then). */
    eos_barrier = ready ? ++updates_sent : 0;
    eos = EosState::Barrier;
  }

  void check_eos ()
  {
    if (eos == EosState::Barrier && eos_barrier > 0 &&
        updates_acked >= eos_barrier) {
      eos = EosState::Waiting;
      /* The server has now seen all our audio; a turn still open at the
       * end of the stream gets its answer. */
      if (speech_active &&
          config.session.turn_detection != realtime::TurnDetection::None) {
        send (realtime::build_input_audio_buffer_commit ());
        speech_active = false;
        mark_turn_end (input_end, input_end);
        if (config.session.create_response)
          request_response ({});
      }
    }
    if (eos == EosState::Waiting && !any_response_active () &&
        !deferred_response) {
      /* Events sent since the barrier (a truncate after a barge-in, …)
       * are answered before the session closes. */
      if (events_queued > eos_events_mark)
        send_eos_barrier ();
      else
        finish ("end of stream");
    }
  }

  void finish (const std::string & reason)
  {
    if (eos == EosState::Finished)
      return;
    eos = EosState::Finished;
    GST_DEBUG_OBJECT (bin, "finishing: %s", reason.c_str ());
    stop_eos_timeout ();
    gst_realtime_output_push_eos (audio_output);
    gst_realtime_output_push_eos (text_output);
    post_input_eos ();
    closing = true;
    ws->close (1000, "");
    drop_next ();
    post_closed (reason);
  }

  void stop_eos_timeout () { stop_timer (&State::eos_timeout); }

  /* --- connection: reconnect, stall, rollover (defined below) --- */

  using Fatal = std::function<void (const std::string & suffix)>;
  using TimerFn = void (*) (State * st);

  gint64 last_event_us = 0;  /* monotonic, last server event */
  gint64 ready_since_us = 0; /* the current session's start */

  void open_link (bool background);
  void fetch_secret (guint id, realtime::WebSocketClient::Options opts);
  void retire (std::unique_ptr<realtime::WebSocketClient> old);
  template<typename T>
  void free_later (std::unique_ptr<T> old,
      std::vector<std::unique_ptr<T>> State::*list);
  void drop_next ();
  void next_failed (const std::string & why);
  void link_down (const std::string & why, bool retryable, const Fatal & fatal);
  void begin_outage ();
  void end_responses (const char * reason);
  void reset_session_state ();
  void resume_eos ();
  void send_on (realtime::WebSocketClient * client, std::string text,
      gint64 since_us = 0);
  void arm_stall ();
  void schedule_rollover ();
  void start_rollover ();
  bool quiet () const;
  void try_switch ();
  void switch_link (const std::string & reason);
  void add_timer (guint64 State::*slot, guint ms, TimerFn fn);
  void stop_timer (guint64 State::*slot);
};

RealtimeConversation::RealtimeConversation (GstElement * bin,
    GstRealtimeInput * input, GstRealtimeOutput * audio_output,
    GstRealtimeOutput * text_output, RealtimeConversationConfig config)
    : state_ (std::make_shared<State> (bin, input))
{
  state_->audio_output = audio_output;
  state_->text_output = text_output;
  state_->config = std::move (config);
  state_->self = state_;
}

/* Every entry point that may change state holds the lock through a Guard,
 * which drains (posts, flushes, after-hooks) once it lets go. */
#define LOCKED(st) engine::Guard lk (*(st))
/* Reads and plain settings: nothing is collected, so nothing to drain. */
#define READ_LOCKED(st) std::lock_guard<std::mutex> lk ((st)->lock)

RealtimeConversation::~RealtimeConversation ()
{
  State * st = state_.get ();
  {
    engine::Guard lk (*st);
    st->closing = true;
    st->post_closed ("stopped");
  }
  /* The EOS timeout first (it uses the socket), then the socket, whose
   * callbacks stop when it is gone. */
  st->io->invoke_sync ([st] () {
    std::lock_guard<std::mutex> lk (st->lock);
    st->stop_eos_timeout ();
    st->stop_timer (&State::retry_timer);
    st->stop_timer (&State::stall_timer);
    st->stop_timer (&State::rollover_timer);
  });
  std::vector<std::unique_ptr<realtime::WebSocketClient>> sockets;
  std::vector<std::unique_ptr<realtime::ClientSecretFetch>> fetches;
  {
    std::lock_guard<std::mutex> lk (st->lock);
    sockets.swap (st->retired);
    sockets.push_back (std::move (st->next_ws));
    sockets.push_back (std::move (st->ws));
    fetches.swap (st->retired_fetches);
    for (auto & [id, fetch] : st->fetches)
      fetches.push_back (std::move (fetch));
    st->fetches.clear ();
  }
  if (st->io->is_current ()) {
    /* An application tore the bin down from a sync bus handler on the I/O
     * thread: another thread waits for the sockets, keeping the state
     * alive until the callback we are in has returned. */
    std::thread ([sockets = std::move (sockets), fetches = std::move (fetches),
                     keep = state_] () mutable {
      fetches.clear ();
      sockets.clear ();
      keep.reset ();
    }).detach ();
  } else {
    fetches.clear ();
    sockets.clear ();
  }
  st->discard_posts ();
}

/* The endpoint URL with ?model= unless the user gave a query. */
static std::string
connect_url (const RealtimeConversationConfig & config)
{
  if (config.url.find ('?') != std::string::npos)
    return config.url;
  gchar * model = g_uri_escape_string (config.model.c_str (), nullptr, FALSE);
  std::string url = config.url + "?model=" + model;
  g_free (model);
  return url;
}

/* Client secrets are asked for this long a validity: they are used at
 * once, and only to open the session. */
static constexpr guint kClientSecretTtlS = 60;

static std::string
http_failure_text (guint status, bool client_secret)
{
  if (client_secret && (status == 401 || status == 403))
    return "The Realtime API refused the client secret from "
           "client-secret-url (HTTP " +
        std::to_string (status) +
        "). Check "
        "that the backend behind client-secret-url asks OpenAI for secrets "
        "with a valid API key and the model in use.";
  switch (status) {
    case 401:
      return "The Realtime API refused the API key (HTTP 401). Set the "
             "api-key property or OPENAI_API_KEY to a valid key.";
    case 403:
      return "The Realtime API refused access for this API key (HTTP 403). "
             "Check that the key's project may use the model.";
    case 404:
      return "The Realtime API has no such endpoint or model (HTTP 404). "
             "Check the url and model properties.";
    case 429:
      return "The Realtime API is rate limiting this key (HTTP 429). Try "
             "again later or raise the project's limits.";
    default:
      return "The Realtime API refused the connection (HTTP " +
          std::to_string (status) + ").";
  }
}

/* --- connection ---------------------------------------------------------- */

using State = RealtimeConversation::State;

/* Timers run on the I/O thread with the state locked, and only while
 * their slot still names them (one replaced or stopped meanwhile does
 * nothing); the destructor stops them there before the state goes. */
void
State::add_timer (guint64 State::*slot, guint ms, TimerFn fn)
{
  stop_timer (slot);
  auto id = std::make_shared<guint64> (0);
  *id = io->add_timer (ms, [st = this, slot, fn, id] () {
    {
      LOCKED (st);
      if (st->*slot != *id)
        return;
      st->*slot = 0;
      if (!st->closing && !st->failed)
        fn (st);
    }
  });
  this->*slot = *id;
}

void
State::stop_timer (guint64 State::*slot)
{
  if (this->*slot) {
    io->cancel_timer (this->*slot);
    this->*slot = 0;
  }
}

static void handle_link_message (State * st, guint id, std::string_view text,
    gint64 arrived_us);
static void link_failed (State * st, guint id, guint status,
    const GError * err);
static void link_closed (State * st, guint id, gushort code,
    const std::string & reason);

/* Callbacks of connection @id; they only hold a weak reference, so a bin
 * torn down meanwhile is not kept alive by its socket. */
static realtime::WebSocketClient::Callbacks
link_callbacks (std::weak_ptr<State> weak, guint id,
    std::shared_ptr<InputWrites> input_writes)
{
  realtime::WebSocketClient::Callbacks cb;
  cb.written = [input_writes] (gint64 delay_us) {
    input_writes->latency.record (delay_us);
    if (input_writes->waiting) {
      std::lock_guard<std::mutex> lk (input_writes->lock);
      input_writes->written.notify_all ();
    }
    realtime::LatencyHistogram::process_input ().record (delay_us);
  };
  cb.opened = [weak, id] () {
    if (auto st = weak.lock ())
      GST_DEBUG_OBJECT (st->bin,
          "WebSocket %u open, waiting for "
          "session.created",
          id);
  };
  cb.message = [weak, id] (std::string_view text) {
    gint64 arrived_us = g_get_monotonic_time ();
    if (auto st = weak.lock ()) {
      handle_link_message (st.get (), id, text, arrived_us);
    }
  };
  cb.failed = [weak, id] (guint status, const GError * err) {
    if (auto st = weak.lock ()) {
      link_failed (st.get (), id, status, err);
    }
  };
  cb.closed = [weak, id] (gushort code, const std::string & reason) {
    if (auto st = weak.lock ()) {
      link_closed (st.get (), id, code, reason);
    }
  };
  return cb;
}

/* A new WebSocket: the current one (first connection, reconnect) or, in
 * the background, the next session of a rollover. */
void
State::open_link (bool background)
{
  guint id = ++conn_serial;
  auto client = std::make_unique<realtime::WebSocketClient> (io,
      link_callbacks (self, id, input_writes));
  realtime::WebSocketClient::Options opts;
  opts.url = connect_url (config);
  opts.ca_file = config.ca_file;
  opts.max_incoming_payload = config.max_incoming_payload;
  GST_INFO_OBJECT (bin, "connection %u to %s%s", id, opts.url.c_str (),
      background ? " (next session)" : "");
  /* Its callbacks wait for our lock: `conn` is set before they look. */
  if (!config.client_secret_url.empty ()) {
    fetch_secret (id, std::move (opts));
  } else {
    if (!config.api_key.empty ())
      opts.headers.push_back (
          realtime::auth_header (config.api_key, config.api_key_header));
    client->connect (std::move (opts));
  }
  if (background) {
    drop_next ();
    next_ws = std::move (client);
    next_conn = id;
    next_ready = false;
    next_session_id.clear ();
    next_expires_at = 0;
  } else {
    retire (std::move (ws));
    ws = std::move (client);
    conn = id;
  }
}

/* A socket we are done with is closed now and freed on the I/O thread
 * later: never inside its own callback. */
void
State::retire (std::unique_ptr<realtime::WebSocketClient> old)
{
  if (!old)
    return;
  old->close (1000, "");
  free_later (std::move (old), &State::retired);
}

/* @old is kept in @list and freed on the I/O thread later, unlocked:
 * never inside one of its own callbacks. */
template<typename T>
void
State::free_later (std::unique_ptr<T> old,
    std::vector<std::unique_ptr<T>> State::*list)
{
  (this->*list).push_back (std::move (old));
  io->invoke ([weak = self, list] () {
    std::vector<std::unique_ptr<T>> done;
    if (auto st = weak.lock ()) {
      READ_LOCKED (st);
      done.swap (st.get ()->*list);
    }
  });
}

static void secret_fetched (State * st, guint id,
    const realtime::ClientSecretFetch::Result & result,
    realtime::WebSocketClient::Options opts);

/* Link @id connects once client-secret-url has handed out a secret. A
 * fresh one per connection: a reconnect an hour later still gets in, and
 * a secret lives only seconds on the device. */
void
State::fetch_secret (guint id, realtime::WebSocketClient::Options opts)
{
  auto fetch = std::make_unique<realtime::ClientSecretFetch> (io,
      [weak = self, id, opts = std::move (opts)] (
          const realtime::ClientSecretFetch::Result & result) {
        if (auto st = weak.lock ()) {
          secret_fetched (st.get (), id, result, opts);
        }
      });
  realtime::ClientSecretFetch::Options request;
  request.url = config.client_secret_url;
  /* Only a key given to the element: OPENAI_API_KEY is the account's key,
   * which must not travel to a backend. */
  if (config.api_key_explicit && !config.api_key.empty ())
    request.headers.push_back (realtime::auth_header (config.api_key, false));
  request.body =
      realtime::client_secret_request_body (config.model, kClientSecretTtlS);
  request.ca_file = config.ca_file;
  GST_INFO_OBJECT (bin, "connection %u: asking %s for a client secret", id,
      realtime::redact_url (config.client_secret_url).c_str ());
  fetch->start (std::move (request));
  fetches[id] = std::move (fetch);
}

/* Why a client secret could not be had, for messages; and whether trying
 * again later may help. */
static std::string
secret_failure (const State * st, const realtime::ClientSecretFetch::Result & r,
    bool * retryable, gint * code)
{
  std::string url = realtime::redact_url (st->config.client_secret_url);
  std::string said = r.server_message.empty () ? "" : ": " + r.server_message;
  guint status = r.http_status;
  *code = GST_RESOURCE_ERROR_OPEN_READ;
  *retryable = false;
  if (status == 0) {
    *retryable = realtime::ReconnectPolicy::is_retryable_failure (0, r.error);
    if (r.error && r.error->domain == G_TLS_ERROR)
      return "The client-secret URL " + url +
          "'s TLS certificate was not "
          "accepted (" +
          r.error->message +
          "). ca-file, when set, is the "
          "only trust for it as for the Realtime API";
    return "Could not get a client secret from " + url + " (" +
        (r.error ? r.error->message : "no answer") +
        "). Check the "
        "client-secret-url property and that the backend is reachable";
  }
  if (status >= 200 && status < 300)
    return "The client-secret URL " + url +
        " answered without a usable "
        "client secret (" +
        r.problem +
        "). It must answer like OpenAI's "
        "POST /v1/realtime/client_secrets: {\"value\": \"ek_…\", …}";
  if (status >= 300 && status < 400)
    return "The client-secret URL " + url + " redirects (HTTP " +
        std::to_string (status) + ")" +
        (r.location.empty () ? "" : " to " + r.location) +
        "; redirects are not followed (the request is a POST "
        "with a credential): set client-secret-url to the final URL";
  if (status == 401 || status == 403) {
    *code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
    return "The client-secret URL " + url + " refused the request (HTTP " +
        std::to_string (status) + said +
        "). With client-secret-url set, the "
        "api-key property is the credential sent to that URL";
  }
  /* A backend's own trouble (any 5xx, from it or a proxy in front) or
   * rate limit passes. */
  *retryable =
      status == 408 || status == 429 || (status >= 500 && status < 600);
  return "The client-secret URL " + url + " answered HTTP " +
      std::to_string (status) + said;
}

static void
secret_fetched (State * st, guint id,
    const realtime::ClientSecretFetch::Result & result,
    realtime::WebSocketClient::Options opts)
{
  LOCKED (st);
  auto it = st->fetches.find (id);
  if (it != st->fetches.end ()) {
    st->free_later (std::move (it->second), &State::retired_fetches);
    st->fetches.erase (it);
  }
  if (st->closing || st->failed)
    return;
  bool next = id != 0 && id == st->next_conn;
  if (!next && id != st->conn)
    return; /* a link let go meanwhile */

  if (result.http_status >= 200 && result.http_status < 300 &&
      result.problem.empty ()) {
    GST_INFO_OBJECT (st->bin, "connection %u: got a client secret%s", id,
        result.secret.expires_at
            ? (" valid until " + std::to_string (result.secret.expires_at))
                  .c_str ()
            : "");
    opts.headers.emplace_back ("Authorization",
        "Bearer " + result.secret.value);
    (next ? st->next_ws : st->ws)->connect (std::move (opts));
    return;
  }

  bool retryable = false;
  gint code = 0;
  std::string text = secret_failure (st, result, &retryable, &code);
  if (next) {
    st->next_failed ("could not get a client secret: " + text);
    return;
  }
  std::string why = result.http_status
      ? "client secret: HTTP " + std::to_string (result.http_status)
      : "client secret: " +
          std::string (result.error ? result.error->message : "no answer");
  std::string debug = result.error ? result.error->message : "";
  st->link_down (why, retryable,
      [st, text, code, debug, status = result.http_status] (
          const std::string & suffix) {
        st->fail (GST_RESOURCE_ERROR, code, text + suffix + ".", debug,
            gst_structure_new ("realtime-connection", "http-status-code",
                G_TYPE_UINT, status, nullptr));
      });
}

void
State::drop_next ()
{
  if (next_ws)
    retire (std::move (next_ws));
  next_conn = 0;
  next_ready = false;
  next_update_ids.clear ();
}

/* The next session is gone before taking over: the current one goes on,
 * and the rollover is tried again with the reconnect back-off (or the
 * current session's end reconnects). */
void
State::next_failed (const std::string & why)
{
  GST_WARNING_OBJECT (bin, "the next session %s", why.c_str ());
  drop_next ();
  if (config.reconnect.may_retry (++next_attempt))
    add_timer (&State::rollover_timer,
        config.reconnect.delay_ms (next_attempt, g_random_double ()),
        [] (State * s) { s->start_rollover (); });
}

void
State::send_on (realtime::WebSocketClient * client, std::string text,
    gint64 since_us)
{
  stats.bytes_sent += text.size ();
  stats.events_sent++;
  client->send (std::move (text), since_us);
}

/* The current connection ended (@why). Retried with back-off when
 * @retryable and attempts are left; else @fatal posts the error. */
void
State::link_down (const std::string & why, bool retryable, const Fatal & fatal)
{
  if (closing || failed || eos == EosState::Finished)
    return;
  conn = 0; /* late callbacks of that socket: ignored */
  stop_timer (&State::stall_timer);
  if (!retryable || config.reconnect.max_attempts == 0) {
    fatal ("");
    closing = true;
    post_closed (why);
    return;
  }
  /* The session ended (expired, dropped) while the next one was ready:
   * it takes over now. */
  if (next_ws && next_ready && !reconnecting) {
    switch_link ("the previous session ended (" + why + ")");
    return;
  }
  if (!reconnecting) {
    /* A session that did something resets the count; one that drops at
     * once keeps backing off. */
    bool lived = ready_since_us > 0 &&
        g_get_monotonic_time () - ready_since_us >= 10 * G_USEC_PER_SEC;
    if (proven || lived)
      attempt = 0;
    begin_outage ();
  }
  attempt++;
  if (!config.reconnect.may_retry (attempt)) {
    fatal (" (gave up after " + std::to_string (attempt - 1) +
        " reconnect attempts)");
    closing = true;
    post_closed (why);
    return;
  }
  guint delay = config.reconnect.delay_ms (attempt, g_random_double ());
  std::string what = why + "; attempt " + std::to_string (attempt) + " of " +
      std::to_string (config.reconnect.max_attempts) + " in " +
      std::to_string (delay) + " ms";
  GST_WARNING_OBJECT (bin, "connection lost, reconnecting: %s", what.c_str ());
  post (realtime_message_session (GST_OBJECT (bin), "reconnecting", session_id,
      what));
  add_timer (&State::retry_timer, delay,
      [] (State * st) { st->open_link (false); });
}

/* The session is gone: what it held is forgotten, what the user says
 * meanwhile waits in the backlog for the next one. */
void
State::begin_outage ()
{
  reconnecting = true;
  replay_mark = history.next_serial ();
  if (ready) {
    ready = false;
    input_timeline.reset ();
    backlog_warned = false;
  }
  drop_next ();
  forget_recent (); /* handed to the dead socket */
  stop_timer (&State::rollover_timer);
  end_responses ("connection_lost");
  reset_session_state ();
  resume_eos ();
  send_deferred ();
}

/* Responses the lost session was producing end here, so applications see
 * every started response done. */
void
State::end_responses (const char * reason)
{
  for (const auto & [id, r] : responses) {
    realtime::Response resp;
    resp.id = id;
    resp.status = "failed";
    resp.status_type = "failed";
    resp.status_reason = reason;
    post (realtime_message_response_done (GST_OBJECT (bin), resp,
        r.first_audio_latency));
  }
  responses.clear ();
  response_items.clear ();
  awaiting_response = false;
}

/* Server-side state that does not carry over to another session. */
void
State::reset_session_state ()
{
  speech_active = false;
  speech_item.clear ();
  update_event_ids.clear ();
  updates_sent = updates_acked = 0;
  response_event_ids.clear ();
  output_timeline.forget_items ();
  last_audio_response.clear ();
  dropped_responses.clear ();
  carry.reset ();
  call_names.clear ();
  spans.clear ();
  uncommitted_samples = 0;
}

/* EOS was waiting on the old session: the new one gets a barrier of its
 * own (one already in the backlog stands). */
void
State::resume_eos ()
{
  if ((eos == EosState::Barrier && eos_barrier != 0) ||
      eos == EosState::Waiting)
    send_eos_barrier ();
}

/* A response is active and the server has said nothing for
 * stall-timeout-ms: the connection is as good as dead (a half-open TCP
 * connection can take minutes to notice). */
static void
check_stall (State * st)
{
  if (!st->ready || st->reconnecting || !st->any_response_active ())
    return;
  gint64 quiet_ms = (g_get_monotonic_time () - st->last_event_us) / 1000;
  guint timeout = st->config.stall_timeout_ms;
  if (quiet_ms < (gint64) timeout) {
    /* Events came meanwhile: wait for the rest of the period. */
    st->add_timer (&State::stall_timer, timeout - (guint) quiet_ms,
        check_stall);
    return;
  }
  std::string why = "no event from the Realtime API for " +
      std::to_string (quiet_ms) + " ms during a response";
  st->ws->close (1000, "");
  st->link_down (why, true, [st, why] (const std::string & suffix) {
    st->fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
        "The Realtime API stopped answering (" + why + ")" + suffix +
            ". Check the network, or raise stall-timeout-ms.",
        why);
  });
}

/* Watches for a stall while a response is active; one timer that
 * re-checks, not one per event. */
void
State::arm_stall ()
{
  if (stall_timer || config.stall_timeout_ms == 0 || !ready || reconnecting ||
      !any_response_active ())
    return;
  last_event_us = g_get_monotonic_time ();
  add_timer (&State::stall_timer, config.stall_timeout_ms, check_stall);
}

void
State::schedule_rollover ()
{
  stop_timer (&State::rollover_timer);
  if (config.rollover_margin_s == 0 || expires_at <= 0)
    return;
  gint64 left_s = expires_at - g_get_real_time () / G_USEC_PER_SEC;
  /* expires_at is the server's clock: a local clock off by more than the
   * cap would make every session look expired (or eternal); trust the
   * service's 60-minute cap from now instead. */
  if (left_s <= 0 || left_s > 2 * 3600)
    left_s = 3600;
  /* The next session opens margin seconds before the cap, or half-way
   * when the session is shorter than that; never sooner than 1 s. */
  gint64 ms = left_s > (gint64) config.rollover_margin_s
      ? (left_s - config.rollover_margin_s) * 1000
      : left_s * 500;
  ms = MAX (ms, 1000);
  add_timer (&State::rollover_timer, (guint) MIN (ms, (gint64) G_MAXUINT),
      [] (State * st) { st->start_rollover (); });
}

void
State::start_rollover ()
{
  if (next_ws || reconnecting || !ready || eos != EosState::None)
    return;
  GST_INFO_OBJECT (bin,
      "session %s expires at %" G_GINT64_FORMAT ": opening the next one",
      session_id.c_str (), expires_at);
  open_link (true);
}

/* A moment to change sessions without cutting anything: no response, no
 * user speech, no turn waiting, and all uncommitted input can be carried
 * over (push-to-talk input held longer than input-backlog-ms waits for its
 * commit). */
bool
State::quiet () const
{
  return ready && !reconnecting && eos == EosState::None &&
      !any_response_active () && !deferred_response && !speech_active &&
      (config.session.turn_detection != realtime::TurnDetection::None ||
          uncommitted_samples * 1000 / realtime::AUDIO_RATE <= carry_ms ());
}

void
State::try_switch ()
{
  if (next_ws && next_ready && quiet ())
    switch_link ("rollover before the session expires");
}

/* The next session becomes the current one. */
void
State::switch_link (const std::string & reason)
{
  /* The conversation as it is now (answers finished, items deleted or
   * truncated since the next session opened), then the input the old
   * session had not committed, so that nothing said is cut. */
  for (std::string & ev : history.replay_events ())
    send_on (next_ws.get (), std::move (ev));
  input_timeline.reset ();
  guint64 carried = 0;
  for (const auto & [pcm, times] : recent) {
    for (const auto & [rt, samples] : times)
      input_timeline.append (rt, samples);
    send_on (next_ws.get (),
        realtime::build_input_audio_buffer_append (pcm.data (), pcm.size ()));
    carried += pcm.size () / 2;
  }
  std::string old_id = session_id;
  retire (std::move (ws));
  ws = std::move (next_ws);
  conn = next_conn;
  next_conn = 0;
  next_ready = false;
  session_id = next_session_id;
  expires_at = next_expires_at;
  next_attempt = 0;
  end_responses ("connection_lost");
  reset_session_state ();
  uncommitted_samples = carried;
  ready = true;
  reconnecting = false;
  attempt = 0;
  proven = true;
  ready_since_us = g_get_monotonic_time ();
  stats.rollovers++;
  /* Answers still due are the next session's. */
  update_event_ids = std::move (next_update_ids);
  next_update_ids.clear ();
  updates_acked = 0;
  updates_sent = update_event_ids.size ();
  resume_eos ();
  send_deferred ();
  GST_INFO_OBJECT (bin, "now on session %s (%s)", session_id.c_str (),
      reason.c_str ());
  post (realtime_message_session (GST_OBJECT (bin), "connected", session_id,
      "rolled over from " + old_id + ": " + reason));
  schedule_rollover ();
}

static void
fail_http (State * st, guint status, const GError * err,
    const std::string & suffix)
{
  GstStructure * details = gst_structure_new ("realtime-connection",
      "http-status-code", G_TYPE_UINT, status, nullptr);
  gint code = status == 401 || status == 403 ? GST_RESOURCE_ERROR_NOT_AUTHORIZED
      : status == 404                        ? GST_RESOURCE_ERROR_NOT_FOUND
                                             : GST_RESOURCE_ERROR_OPEN_READ;
  st->fail (GST_RESOURCE_ERROR, code,
      http_failure_text (status, !st->config.client_secret_url.empty ()) +
          suffix,
      err ? err->message : "", details);
}

static void
link_failed (State * st, guint id, guint status, const GError * err)
{
  LOCKED (st);
  if (st->closing || st->failed)
    return;
  if (id != 0 && id == st->next_conn) {
    st->next_failed ("could not open: " +
        (err ? std::string (err->message) : "HTTP " + std::to_string (status)));
    return;
  }
  if (id != st->conn)
    return;
  std::string why = status != 0 ? "HTTP " + std::to_string (status)
      : err                     ? std::string (err->message)
                                : "connection failed";
  bool retryable =
      realtime::ReconnectPolicy::is_retryable_failure (status, err);
  st->link_down (why, retryable,
      [st, status, err] (const std::string & suffix) {
        if (status != 0) {
          fail_http (st, status, err, suffix);
        } else if (err && err->domain == G_TLS_ERROR) {
          st->fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
              "The Realtime API endpoint's TLS certificate was not accepted "
              "(" +
                  std::string (err->message) +
                  "). For a private endpoint, "
                  "set the ca-file property to the CA certificate that signed "
                  "it.",
              err->message);
        } else {
          st->fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
              "Could not connect to the Realtime API at " + st->config.url +
                  ": " + (err ? err->message : "unknown error") + suffix +
                  ". Check the url property and the network.",
              err ? err->message : "");
        }
      });
}

static void
link_closed (State * st, guint id, gushort code, const std::string & reason)
{
  LOCKED (st);
  if (st->closing || st->failed)
    return;
  if (id != 0 && id == st->next_conn) {
    st->next_failed ("closed (" + std::to_string (code) + " " + reason +
        ") before taking over");
    return;
  }
  if (id != st->conn)
    return;
  std::string why = "WebSocket close code " + std::to_string (code) + ": " +
      (reason.empty () ? std::string ("no reason given") : reason);
  /* 1009: a frame over max-incoming-payload; the next session may well
   * behave. */
  bool retryable =
      realtime::ReconnectPolicy::is_retryable_close (code) || code == 1009;
  if (code == 1009)
    st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "The Realtime API sent a frame larger than max-incoming-payload (" +
            std::to_string (st->config.max_incoming_payload) +
            " bytes); "
            "reconnecting.",
        why);
  st->link_down (why, retryable, [st, code, why] (const std::string & suffix) {
    st->fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
        "The Realtime API closed the session (" + why + ")" + suffix + ".",
        "server closed the connection",
        gst_structure_new ("realtime-connection", "close-code", G_TYPE_UINT,
            (guint) code, nullptr));
  });
}

bool
RealtimeConversation::start (GError ** error)
{
  State * st = state_.get ();
  RealtimeConversationConfig & c = st->config;

  /* Settings that cannot make a session fail the state change, not later. */
  realtime::JsonObjectPtr session =
      realtime::build_session_object (c.session, error);
  if (!session)
    return false;

  {
    LOCKED (st);
    st->history.set_max_turns (c.replay_turns);
    st->post (
        gst_message_new_progress (GST_OBJECT (st->bin), GST_PROGRESS_TYPE_START,
            "connect", ("Connecting to " + c.url).c_str ()));
    st->post (
        realtime_message_session (GST_OBJECT (st->bin), "connecting", "", ""));
    st->open_link (false);
  }
  return true;
}

/* --- server events, on the I/O thread --- */

static void
on_session_created (RealtimeConversation::State * st, const ServerEvent & ev)
{
  bool reconnected = st->reconnecting && st->had_session;
  st->had_session = true;
  st->next_attempt = 0;
  if (ev.session) {
    st->session_id = ev.session->id;
    st->expires_at = ev.session->expires_at;
    st->server_model = ev.session->model;
  }
  st->post (realtime_message_session (GST_OBJECT (st->bin), "connected",
      st->session_id, reconnected ? "reconnected" : ""));

  GError * err = nullptr;
  std::string id = st->next_event_id ("update");
  std::string update =
      realtime::build_session_update (st->config.session, id, &err);
  if (update.empty ()) {
    st->fail (GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        std::string ("The session settings are not valid: ") + err->message,
        "");
    g_error_free (err);
    st->closing = true;
    st->ws->close (1000, "");
    return;
  }
  st->update_event_ids.push_front (id); /* goes out before the backlog */
  st->updates_sent++;
  st->send_now (std::move (update));
  /* A new session after a lost one: the conversation so far, then what
   * was said during the outage. */
  if (reconnected)
    for (std::string & item : st->history.replay_events (0, st->replay_mark))
      st->send_now (std::move (item));
  st->ready = true;
  if (st->eos == EosState::Barrier && st->eos_barrier == 0)
    st->eos_barrier = ++st->updates_sent;
  while (!st->backlog.empty ()) {
    st->send_now (std::move (st->backlog.front ().text));
    st->backlog.pop_front ();
  }
  st->backlog_audio_bytes = 0;
  if (reconnected)
    st->stats.reconnects++;
  st->reconnecting = false;
  st->proven = false;
  st->ready_since_us = g_get_monotonic_time ();
  st->schedule_rollover ();
}

/* Events of the next session, opened in the background before the current
 * one expires: it gets the configuration and the conversation, then waits
 * for a quiet moment to take over. */
static void
handle_next_message (RealtimeConversation::State * st, const ServerEvent & ev)
{
  switch (ev.type) {
    case ServerEventType::SessionCreated: {
      if (ev.session) {
        st->next_session_id = ev.session->id;
        st->next_expires_at = ev.session->expires_at;
      }
      /* The conversation follows at the switch, as it is then. */
      std::string id = st->next_event_id ("update");
      std::string update =
          realtime::build_session_update (st->config.session, id, nullptr);
      if (!update.empty ()) {
        st->next_update_ids.push_back (id);
        st->send_on (st->next_ws.get (), std::move (update));
      }
      break;
    }
    case ServerEventType::SessionUpdated:
      if (!st->next_update_ids.empty ())
        st->next_update_ids.pop_front ();
      if (!st->next_ready) {
        st->next_ready = true;
        st->try_switch ();
      }
      break;
    case ServerEventType::Error: {
      realtime::ErrorInfo e = ev.error.value_or (realtime::ErrorInfo ());
      st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
          "The Realtime API reported an error while realtimebin prepared "
          "the next session: " +
              e.message,
          "next session", realtime_error_details (e));
      break;
    }
    default:
      break; /* the replayed items' echoes */
  }
}

static void
on_error_event (RealtimeConversation::State * st, const ServerEvent & ev)
{
  realtime::ErrorInfo e = ev.error.value_or (realtime::ErrorInfo ());
  auto refused = std::find (st->update_event_ids.begin (),
      st->update_event_ids.end (), e.event_id);
  if (refused != st->update_event_ids.end ()) {
    st->update_event_ids.erase (refused);
    st->updates_acked++; /* a refused update still answers it */
  }
  if (st->response_event_ids.erase (e.event_id))
    st->awaiting_response = false;

  /* Races every client has with the server's own VAD responses: a response
   * was already active, or had already ended when our cancel arrived. The
   * conversation is fine either way. */
  if (e.code == "conversation_already_has_active_response" ||
      e.code == "response_cancel_not_active") {
    GST_INFO_OBJECT (st->bin, "benign: %s (%s)", e.code.c_str (),
        e.message.c_str ());
    return;
  }
  /* Key, quota, billing: a person must act; no reconnect will help. */
  if (realtime::ReconnectPolicy::is_fatal_error_code (e.code)) {
    st->fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
        "The Realtime API ended the session (" + e.code + "): " + e.message,
        "fatal error code " + e.code, realtime_error_details (e));
    st->closing = true;
    st->ws->close (1000, "");
    st->post_closed (e.code);
    return;
  }

  std::string text = "The Realtime API reported an error";
  if (!e.code.empty ())
    text += " (" + e.code + ")";
  text += ": " + (e.message.empty () ? std::string ("no message") : e.message);
  st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED, text,
      "server error event " + ev.event_id, realtime_error_details (e));
}

static void
on_speech_started (RealtimeConversation::State * st, const ServerEvent & ev)
{
  GstClockTime rt = st->input_timeline.running_time_at_ms (ev.audio_start_ms);
  st->speech_active = true;
  st->speech_item = ev.item_id;
  if (!st->config.session.input_transcription_model.empty ())
    st->spans[ev.item_id].start = rt;
  st->post (realtime_message_vad (GST_OBJECT (st->bin), "speech-started",
      ev.audio_start_ms, rt, ev.item_id));

  /* Barge-in: the user talks over audio the listener is still hearing —
   * often after response.done, as audio arrives faster than it plays. */
  std::string target = st->interrupt_target ();
  if (st->config.session.interrupt_response && !target.empty ()) {
    /* Live: the listener heard up to now, less what sinks still hold.
     * Non-live: the conversation's time is the input's, so the user spoke
     * over the reply only if the speech starts inside it. */
    if (st->live () || !GST_CLOCK_TIME_IS_VALID (rt)) {
      st->interrupt (target, st->now (), st->render_latency);
    } else {
      /* server_vad's audio_start_ms includes prefix_padding_ms of audio
       * before the speech: the user spoke that much later. */
      GstClockTime spoke = rt;
      if (st->config.session.turn_detection ==
          realtime::TurnDetection::ServerVad)
        spoke +=
            (guint64) st->config.session.vad_prefix_padding_ms * GST_MSECOND;
      st->interrupt (target, spoke, 0);
    }
  }
}

static void
on_speech_stopped (RealtimeConversation::State * st, const ServerEvent & ev)
{
  GstClockTime rt = st->input_timeline.running_time_at_ms (ev.audio_end_ms);
  st->speech_active = false;
  if (!st->config.session.input_transcription_model.empty ())
    st->spans[ev.item_id].end = rt;
  /* The service's audio_end_ms includes the silence that ended the turn. */
  GstClockTime speech_end = rt;
  guint64 silence =
      (guint64) st->config.session.vad_silence_duration_ms * GST_MSECOND;
  if (st->config.session.turn_detection == realtime::TurnDetection::ServerVad &&
      GST_CLOCK_TIME_IS_VALID (rt) && rt >= silence)
    speech_end = rt - silence;
  st->mark_turn_end (rt, speech_end);
  if (st->config.session.create_response)
    st->awaiting_response = true;
  st->post (realtime_message_vad (GST_OBJECT (st->bin), "speech-stopped",
      ev.audio_end_ms, rt, ev.item_id));
}

static void
on_response_created (RealtimeConversation::State * st, const ServerEvent & ev)
{
  st->awaiting_response = false;
  ResponseState & r = st->responses[ev.response->id];
  /* Our oldest response.create is answered (or the server's VAD made this
   * one); either way the set must not grow with every turn. */
  if (!st->response_event_ids.empty ())
    st->response_event_ids.erase (st->response_event_ids.begin ());
  /* Non-live input: the answer goes where the turn that caused it ended
   * (or, for a text turn, where the input is now). */
  r.earliest = st->turn_unanswered ? st->turn_end : st->input_end;
  r.speech_end = st->turn_unanswered ? st->speech_end : GST_CLOCK_TIME_NONE;
  st->turn_unanswered = false;
  st->post (
      realtime_message_response_started (GST_OBJECT (st->bin), *ev.response));
}

static void
on_response_done (RealtimeConversation::State * st, const ServerEvent & ev)
{
  const realtime::Response & resp = *ev.response;
  GstClockTime latency = GST_CLOCK_TIME_NONE;
  auto it = st->responses.find (resp.id);
  if (it != st->responses.end ()) {
    latency = it->second.first_audio_latency;
    st->responses.erase (it);
  }
  st->response_items.erase (resp.id);
  /* Kept while its audio may still play (a second barge-in must not
   * truncate it again); a response that never had audio is done with. */
  if (resp.id != st->last_audio_response)
    st->dropped_responses.erase (resp.id);
  st->stats.responses++;
  std::optional<double> cost;
  if (resp.usage) {
    /* The model the server says it runs (an Azure deployment name in the
     * URL may hide it), else the one asked for. */
    const GstStructure * over = st->config.prices.get ();
    std::optional<realtime::Prices> prices =
        realtime_effective_prices (st->server_model, over);
    if (!prices)
      prices = realtime_effective_prices (st->config.model, over);
    if (prices) {
      cost = realtime::estimate_cost_usd (*resp.usage, *prices);
      st->stats.estimated_cost_usd =
          st->stats.estimated_cost_usd.value_or (0) + *cost;
    }
  }
  if (st->carry) {
    GST_WARNING_OBJECT (st->bin, "response %s ended on half a sample",
        resp.id.c_str ());
    st->carry.reset ();
  }
  st->post (realtime_message_response_done (GST_OBJECT (st->bin), resp, latency,
      cost));
  if (resp.status == "failed") {
    st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
        "The Realtime API could not complete a response: " +
            (resp.status_error.message.empty () ? resp.status_reason
                                                : resp.status_error.message),
        "response " + resp.id + " failed",
        realtime_error_details (resp.status_error));
  }
  st->send_deferred ();
}

static void
dispatch (RealtimeConversation::State * st, const ServerEvent & ev)
{
  switch (ev.type) {
    case ServerEventType::SessionCreated:
      on_session_created (st, ev);
      break;
    case ServerEventType::SessionUpdated:
      if (ev.session)
        st->session_id = ev.session->id;
      /* The server answers updates in order; refused ones got an error. */
      if (!st->update_event_ids.empty ())
        st->update_event_ids.pop_front ();
      st->updates_acked++;
      if (!st->progress_done) {
        st->progress_done = true;
        st->post (gst_message_new_progress (GST_OBJECT (st->bin),
            GST_PROGRESS_TYPE_COMPLETE, "connect", "Session ready"));
      }
      break;
    case ServerEventType::Error:
      on_error_event (st, ev);
      break;
    case ServerEventType::InputAudioBufferSpeechStarted:
      on_speech_started (st, ev);
      break;
    case ServerEventType::InputAudioBufferSpeechStopped:
      on_speech_stopped (st, ev);
      break;
    case ServerEventType::InputAudioBufferTimeoutTriggered: {
      GstClockTime rt = st->input_timeline.running_time_at_ms (ev.audio_end_ms);
      st->post (realtime_message_vad (GST_OBJECT (st->bin), "timeout",
          ev.audio_end_ms, rt, ev.item_id));
      break;
    }
    case ServerEventType::InputAudioBufferCommitted: {
      st->proven = true;
      st->forget_recent (); /* in a committed item now */
      st->history.add (realtime::ConversationHistory::Role::User, ev.item_id);
      /* Push-to-talk turns have no VAD span: the uncommitted audio is it. */
      if (!st->config.session.input_transcription_model.empty ()) {
        Span & span = st->spans[ev.item_id];
        if (!GST_CLOCK_TIME_IS_VALID (span.end))
          span.end = st->turn_end;
      }
      break;
    }
    case ServerEventType::InputAudioTranscriptionDelta:
      st->user_transcript (ev, false);
      break;
    case ServerEventType::InputAudioTranscriptionCompleted:
      st->user_transcript (ev, true);
      break;
    case ServerEventType::InputAudioTranscriptionFailed: {
      realtime::ErrorInfo e = ev.error.value_or (realtime::ErrorInfo ());
      st->spans.erase (ev.item_id);
      st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
          "The Realtime API could not transcribe the user's speech: " +
              e.message,
          "item " + ev.item_id, realtime_error_details (e));
      break;
    }
    case ServerEventType::ResponseCreated:
      st->proven = true;
      on_response_created (st, ev);
      break;
    case ServerEventType::ResponseDone:
      on_response_done (st, ev);
      break;
    case ServerEventType::ResponseOutputAudioDelta:
      st->push_audio_delta (ev);
      break;
    case ServerEventType::ResponseOutputAudioTranscriptDelta:
    case ServerEventType::ResponseOutputTextDelta:
      if (!st->dropped_responses.count (ev.response_id))
        st->assistant_transcript (ev, false);
      break;
    case ServerEventType::ResponseOutputAudioTranscriptDone:
    case ServerEventType::ResponseOutputTextDone:
      st->assistant_transcript (ev, true);
      break;
    case ServerEventType::ResponseOutputItemAdded:
      if (ev.item && ev.item->type == "function_call")
        st->call_names[ev.item->id] = ev.item->name;
      else if (ev.item && ev.item->type == "message") {
        st->response_items[ev.response_id].push_back (ev.item->id);
        st->history.add (realtime::ConversationHistory::Role::Assistant,
            ev.item->id);
      }
      break;
    case ServerEventType::ResponseFunctionCallArgumentsDone: {
      std::string name = ev.name;
      auto it = st->call_names.find (ev.item_id);
      if (it != st->call_names.end ()) {
        if (name.empty ())
          name = it->second;
        st->call_names.erase (it);
      }
      st->post (realtime_message_function_call (GST_OBJECT (st->bin),
          ev.call_id, name, ev.arguments));
      if (st->config.function_call) {
        st->after ([st, call_id = ev.call_id, name, args = ev.arguments] () {
          std::optional<std::string> output =
              st->config.function_call (call_id, name, args);
          if (output) {
            LOCKED (st);
            st->submit_function_result (call_id, *output);
          }
        });
      }
      break;
    }
    case ServerEventType::RateLimitsUpdated:
      st->post (
          realtime_message_rate_limits (GST_OBJECT (st->bin), ev.rate_limits));
      break;
    case ServerEventType::Unknown:
      GST_DEBUG_OBJECT (st->bin, "ignoring server event of unknown type %s",
          ev.type_name.c_str ());
      break;
    default:
      GST_LOG_OBJECT (st->bin, "%s", ev.type_name.c_str ());
      break;
  }
}

static void
handle_link_message (RealtimeConversation::State * st, guint id,
    std::string_view text, gint64 arrived_us)
{
  LOCKED (st);
  if (st->closing || st->failed)
    return;
  if (id != 0 && id == st->next_conn) {
    std::optional<ServerEvent> ev =
        realtime::parse_server_event (text, nullptr);
    if (ev)
      handle_next_message (st, *ev);
    return;
  }
  if (id != st->conn)
    return; /* a socket we have let go of */
  st->last_event_us = arrived_us;
  st->frame_arrived_us = arrived_us;
  st->stats.bytes_received += text.size ();
  st->stats.events_received++;

  GError * err = nullptr;
  std::optional<ServerEvent> ev = realtime::parse_server_event (text, &err);
  if (!ev &&
      g_error_matches (err, REALTIME_PROTOCOL_ERROR,
          REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL)) {
    /* Not a glitch: the endpoint speaks the retired beta protocol. */
    st->fail (GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE,
        std::string (
            "The endpoint speaks the retired beta Realtime "
            "protocol; realtimebin speaks the GA protocol only. Check the "
            "url property: ") +
            err->message,
        "beta protocol");
    g_error_free (err);
    st->closing = true;
    st->ws->close (1002, "protocol error");
    return;
  }
  if (!ev) {
    /* One bad event (malformed JSON, invalid base64, a missing field) is
     * skipped; the conversation goes on. Warned a few times, then logged. */
    if (++st->bad_events <= MAX_BAD_EVENT_WARNINGS)
      st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
          std::string ("The Realtime API sent an event this client cannot "
                       "read; it was skipped: ") +
              err->message,
          "bad server event " + std::to_string (st->bad_events));
    else
      GST_WARNING_OBJECT (st->bin, "skipping bad server event: %s",
          err->message);
    g_error_free (err);
    return;
  }
  if (!ev->unknown_fields.empty ())
    GST_DEBUG_OBJECT (st->bin, "%s has fields this client does not know: %s",
        ev->type_name.c_str (), ev->unknown_fields.front ().c_str ());
  /* A server (or a proxy) that repeats an event must not make audio play
   * twice: event ids are unique, so a recent one seen again is dropped. */
  if (!ev->event_id.empty ()) {
    if (std::find (st->seen_event_ids.begin (), st->seen_event_ids.end (),
            ev->event_id) != st->seen_event_ids.end ()) {
      GST_INFO_OBJECT (st->bin, "dropping a repeated %s (%s)",
          ev->type_name.c_str (), ev->event_id.c_str ());
      return;
    }
    st->seen_event_ids.push_back (ev->event_id);
    if (st->seen_event_ids.size () > MAX_SEEN_EVENT_IDS)
      st->seen_event_ids.pop_front ();
  }
  dispatch (st, *ev);
  st->check_eos ();
  if (!st->closing && !st->failed) {
    st->arm_stall ();
    st->try_switch ();
  }
}

/* --- streaming thread --- */

/* Backpressure for a non-live input: it can push far faster than real
 * time, so it waits while NON_LIVE_HOLD_MS of its audio is queued for the
 * open socket, as a file sink would hold it back. A live input never waits
 * (late audio is worse than lost audio there), nor does any input while
 * the session is not ready (input-backlog-ms applies), failed, closing or
 * its pad is flushing (a seek, a state change to READY). */
static void
wait_for_send_room (RealtimeConversation::State * st)
{
  if (st->live ())
    return;
  GstPad * pad = nullptr; /* looked up once it must wait */
  InputWrites & writes = *st->input_writes;
  /* Set before the first check, so a write after it always notifies. */
  writes.waiting = true;
  for (;;) {
    /* Held from the check to the wait: a write cannot slip between. */
    std::unique_lock<std::mutex> wl (writes.lock);
    {
      READ_LOCKED (st);
      if (st->failed || st->closing || !st->ready || !st->ws ||
          (guint64) st->ws->pending () * st->config.chunk_ms < NON_LIVE_HOLD_MS)
        break;
    }
    if (pad == nullptr)
      pad = gst_element_get_static_pad (GST_ELEMENT (st->input), "sink");
    if (pad == nullptr || GST_PAD_IS_FLUSHING (pad))
      break;
    /* Woken when appends are written; the timeout catches the rest (a
     * flushing pad, a failure). */
    writes.written.wait_for (wl, std::chrono::milliseconds (5));
  }
  writes.waiting = false;
  if (pad)
    gst_object_unref (pad);
}

GstFlowReturn
RealtimeConversation::push_audio (GstBuffer * buffer, GstClockTime running_time,
    gint64 entered_us)
{
  State * st = state_.get ();
  GstFlowReturn ret = GST_FLOW_OK;
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_ERROR;
  wait_for_send_room (st);
  {
    LOCKED (st);
    if (st->failed) {
      ret = GST_FLOW_ERROR;
    } else if (st->eos == EosState::None) {
      gsize samples = map.size / 2;
      st->input_end = GST_CLOCK_TIME_IS_VALID (running_time)
          ? running_time +
              gst_util_uint64_scale_int (samples, GST_SECOND,
                  realtime::AUDIO_RATE)
          : GST_CLOCK_TIME_NONE;
      st->uncommitted_samples += samples;

      gsize chunk_bytes =
          (gsize) st->config.chunk_ms * realtime::AUDIO_BYTES_PER_MS;
      const guint8 * data = map.data;
      gsize left = samples * 2;
      while (left > 0) {
        gsize take = MIN (left, chunk_bytes - st->chunk.size ());
        GstClockTime rt = GST_CLOCK_TIME_IS_VALID (running_time)
            ? running_time +
                gst_util_uint64_scale_int ((data - map.data) / 2, GST_SECOND,
                    realtime::AUDIO_RATE)
            : GST_CLOCK_TIME_NONE;
        st->chunk_times.emplace_back (rt, take / 2);
        st->chunk.insert (st->chunk.end (), data, data + take);
        data += take;
        left -= take;
        if (st->chunk.size () >= chunk_bytes)
          st->flush_chunk (entered_us);
      }
    }
  }
  gst_buffer_unmap (buffer, &map);
  if (ret == GST_FLOW_ERROR)
    st->wait_for_error_posted ();
  return ret;
}

void
RealtimeConversation::input_eos ()
{
  State * st = state_.get ();
  {
    LOCKED (st);
    if (st->eos == EosState::Finished) {
      /* EOS again after a flush: the conversation is over, end again. */
      gst_realtime_output_push_eos (st->audio_output);
      gst_realtime_output_push_eos (st->text_output);
      st->post_input_eos ();
      return;
    }
    if (st->eos != EosState::None)
      return;
    st->flush_chunk ();
    if (st->failed || st->config.eos_timeout_ms == 0) {
      st->finish (st->failed ? "failed" : "end of stream");
    } else {
      if (st->config.session.turn_detection == realtime::TurnDetection::None &&
          st->uncommitted_samples >= MIN_COMMIT_SAMPLES) {
        st->commit ();
        st->request_response ({});
      }
      st->send_eos_barrier ();

      st->add_timer (&State::eos_timeout, st->config.eos_timeout_ms,
          [] (State * s) {
            if (s->eos == EosState::Finished)
              return;
            s->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
                "realtimebin stopped waiting for the last response after "
                "eos-timeout-ms (" +
                    std::to_string (s->config.eos_timeout_ms) + " ms).",
                "EOS timeout");
            s->finish ("eos-timeout");
          });
    }
  }
}

void
RealtimeConversation::input_flushed ()
{
  State * st = state_.get ();
  {
    LOCKED (st);
    /* Audio from before a flushing seek is stale: do not send it. */
    st->clear_chunk ();
    /* After the end, the outputs' EOS is stale too: flush them so the next
     * EOS can go out again. */
    if (st->eos == EosState::Finished) {
      st->flush (st->audio_output, GST_CLOCK_TIME_NONE);
      st->flush (st->text_output, GST_CLOCK_TIME_NONE);
    }
  }
}

/* --- applications --- */

void
RealtimeConversation::update_session (
    const realtime::SessionSettings & settings)
{
  State * st = state_.get ();
  {
    LOCKED (st);
    GError * err = nullptr;
    std::string id = st->next_event_id ("update");
    std::string update = realtime::build_session_update (settings, id, &err);
    if (update.empty ()) {
      st->warn (GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
          std::string ("The new session settings are not valid and were "
                       "not sent: ") +
              err->message,
          "");
      g_error_free (err);
    } else {
      st->config.session = settings;
      /* A next session already configured gets the change too. */
      if (st->next_ws && !st->next_session_id.empty ()) {
        std::string next_id = st->next_event_id ("update");
        st->next_update_ids.push_back (next_id);
        st->send_on (st->next_ws.get (),
            realtime::build_session_update (settings, next_id, nullptr));
      }
      if (st->ready && !st->closing) {
        st->update_event_ids.push_back (id);
        st->updates_sent++;
        st->send (std::move (update));
      }
      /* Not ready yet: session.created will send these settings. */
    }
  }
}

void
RealtimeConversation::set_text_roles (guint roles)
{
  READ_LOCKED (state_);
  state_->config.text_roles = roles;
}

void
RealtimeConversation::set_chunk_ms (guint chunk_ms)
{
  READ_LOCKED (state_);
  state_->config.chunk_ms = chunk_ms;
}

void
RealtimeConversation::set_latency (GstClockTime latency)
{
  READ_LOCKED (state_);
  state_->config.latency = latency;
}

void
RealtimeConversation::set_eos_timeout_ms (guint ms)
{
  READ_LOCKED (state_);
  state_->config.eos_timeout_ms = ms;
}

void
RealtimeConversation::set_prices (const GstStructure * prices)
{
  READ_LOCKED (state_);
  state_->config.prices = realtime_prices_share (prices);
}

void
RealtimeConversation::commit_input ()
{
  State * st = state_.get ();
  {
    LOCKED (st);
    if (st->uncommitted_samples < MIN_COMMIT_SAMPLES) {
      st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
          "commit-input ignored: " +
              std::to_string (
                  st->uncommitted_samples * 1000 / realtime::AUDIO_RATE) +
              " ms of audio since the last "
              "commit or clear; the Realtime API needs at least 100 ms.",
          "commit of less than 100 ms not sent");
    } else {
      st->commit ();
    }
  }
}

void
RealtimeConversation::clear_input ()
{
  State * st = state_.get ();
  LOCKED (st);
  st->clear_chunk ();
  st->forget_recent ();
  st->uncommitted_samples = 0;
  st->send (realtime::build_input_audio_buffer_clear ());
}

void
RealtimeConversation::create_response (const gchar * instructions)
{
  State * st = state_.get ();
  realtime::ResponseOptions options;
  if (instructions)
    options.instructions = instructions;
  LOCKED (st);
  st->request_response (options);
}

void
RealtimeConversation::cancel_response ()
{
  State * st = state_.get ();
  {
    LOCKED (st);
    if (!st->responses.empty ())
      st->send (
          realtime::build_response_cancel (st->responses.begin ()->first));
    std::string target = st->interrupt_target ();
    if (!target.empty ())
      st->interrupt (target, st->now (), st->render_latency);
    st->deferred_response.reset ();
  }
}

void
RealtimeConversation::send_text (const gchar * text)
{
  State * st = state_.get ();
  LOCKED (st);
  realtime::JsonObjectPtr item = realtime::make_user_text_item (text);
  st->send (realtime::build_conversation_item_create (item.get ()));
  st->history.add_text (realtime::ConversationHistory::Role::User, text);
  st->turn_unanswered = false;
  st->request_response ({});
}

void
RealtimeConversation::send_function_result (const gchar * call_id,
    const gchar * output)
{
  State * st = state_.get ();
  LOCKED (st);
  st->submit_function_result (call_id, output);
}

void
RealtimeConversation::send_event (const gchar * json)
{
  State * st = state_.get ();
  {
    LOCKED (st);
    GError * err = nullptr;
    realtime::JsonNodePtr node = realtime::json_parse (json, &err);
    if (!node || !JSON_NODE_HOLDS_OBJECT (node.get ()) ||
        !json_object_has_member (json_node_get_object (node.get ()), "type")) {
      st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
          "send-event needs a JSON object with a \"type\"; nothing was sent.",
          err ? err->message : "not an object with a type");
      g_clear_error (&err);
    } else {
      JsonObject * obj = json_node_get_object (node.get ());
      if (!json_object_has_member (obj, "event_id"))
        json_object_set_string_member (obj, "event_id",
            st->next_event_id ("event").c_str ());
      st->send (realtime::json_object_to_string (obj));
    }
  }
}

/* --- pads --- */

gboolean
RealtimeConversation::answer_latency (GstQuery * query)
{
  State * st = state_.get ();
  /* Ask upstream now: pipelines compute latency at PLAYING, before any
   * input has flowed. */
  gst_realtime_input_query_latency (st->input);
  gboolean live = gst_realtime_input_is_live (st->input);
  GstClockTime upstream = gst_realtime_input_upstream_latency (st->input);
  GstClockTime ours;
  {
    READ_LOCKED (st);
    ours = st->config.latency;
  }
  gst_query_set_latency (query, live, upstream + ours, GST_CLOCK_TIME_NONE);
  return TRUE;
}

GstClockTime
RealtimeConversation::idle_horizon ()
{
  State * st = state_.get ();
  if (!st->live ())
    return GST_CLOCK_TIME_NONE;
  {
    /* A response in progress continues where its audio ends, however late
     * its next delta is: that time is not idle. */
    READ_LOCKED (st);
    if (st->any_response_active ())
      return GST_CLOCK_TIME_NONE;
  }
  /* Any later response is stamped at the time it arrives, so up to now
   * nothing more can come. */
  return st->now ();
}

void
RealtimeConversation::set_render_latency (GstClockTime latency)
{
  READ_LOCKED (state_);
  state_->render_latency = latency;
}

std::string
RealtimeConversation::session_id ()
{
  READ_LOCKED (state_);
  return state_->session_id;
}

GstStructure *
RealtimeConversation::stats ()
{
  READ_LOCKED (state_);
  RealtimeStats s = state_->stats;
  s.input_latency_p50_us = state_->input_writes->latency.percentile (0.5);
  s.input_latency_p99_us = state_->input_writes->latency.percentile (0.99);
  s.output_latency_p50_us = state_->output_latency.percentile (0.5);
  s.output_latency_p99_us = state_->output_latency.percentile (0.99);
  return realtime_stats_structure (s);
}

void
RealtimeConversation::audio_delivered (gint64 delay_us)
{
  /* Atomic counters: no lock on the way of every buffer. */
  state_->output_latency.record (delay_us);
  realtime::LatencyHistogram::process_output ().record (delay_us);
}
