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

#include <gst/realtime/client-events.h>
#include <gst/realtime/input-timeline.h>
#include <gst/realtime/io-thread.h>
#include <gst/realtime/json-util.h>
#include <gst/realtime/output-timeline.h>
#include <gst/realtime/realtime-error.h>
#include <gst/realtime/server-events.h>
#include <gst/realtime/websocket-client.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#define GST_CAT_DEFAULT gst_realtime_debug

/* Input audio waiting for the session (before session.update went out, or
 * while the socket is slow) is bounded: beyond this it is dropped and
 * counted, never allowed to block the streaming thread or grow forever. */
static constexpr guint64 MAX_BACKLOG_MS = 10000;

/* The service refuses to commit less than 100 ms of audio
 * (input_audio_buffer_commit_empty); such a commit is not sent. */
static constexpr guint64 MIN_COMMIT_SAMPLES = realtime::AUDIO_RATE / 10;

/* Bad server events are warned about this many times, then only logged. */
static constexpr guint64 MAX_BAD_EVENT_WARNINGS = 3;

using realtime::ServerEvent;
using realtime::ServerEventType;

namespace {

enum class EosState { None, Barrier, Waiting, Finished };

/* A user turn's audio on the input timeline (for user transcripts). */
struct Span
{
  GstClockTime start = GST_CLOCK_TIME_NONE;
  GstClockTime end = GST_CLOCK_TIME_NONE;
};

struct ResponseState
{
  GstClockTime earliest = GST_CLOCK_TIME_NONE;  /* non-live placement */
  GstClockTime speech_end = GST_CLOCK_TIME_NONE;
  GstClockTime first_audio_latency = GST_CLOCK_TIME_NONE;
  bool audio_seen = false;
};

}  // namespace

struct RealtimeConversation::State
{
  GstElement *bin;
  GstRealtimeInput *input;
  GstRealtimeOutput *audio_output;
  GstRealtimeOutput *text_output;

  std::shared_ptr<realtime::IoThread> io = realtime::IoThread::acquire ();
  std::unique_ptr<realtime::WebSocketClient> ws;

  /* Guards everything below. Lock order: this, then an output's lock.
   * Never held while posting messages (sync bus handlers may call back). */
  std::mutex lock;
  RealtimeConversationConfig config;
  std::vector<GstMessage *> posts;      /* posted after unlocking */
  std::vector<GstRealtimeOutput *> flushes;     /* flushed after unlocking */
  bool post_input_eos = false;          /* after unlocking */
  bool draining = false;                /* a thread is in run_pending */
  std::vector<std::function<void ()>> after;    /* run after unlocking */
  bool closing = false;                 /* our side closes: ignore the rest */
  bool failed = false;                  /* fatal error posted */

  /* Session */
  std::string session_id;
  bool ready = false;                   /* session.update sent */
  bool progress_done = false;
  std::deque<std::string> backlog;      /* appends waiting for `ready` */
  guint64 updates_sent = 0, updates_acked = 0;
  guint64 event_serial = 0;
  std::deque<std::string> update_event_ids;   /* sent, not yet answered, in order */
  std::set<std::string> response_event_ids;

  /* Input */
  std::vector<guint8> chunk;            /* PCM not yet appended */
  realtime::InputTimeline input_timeline;
  GstClockTime input_end = GST_CLOCK_TIME_NONE; /* running time after the last sample */
  guint64 uncommitted_samples = 0;
  bool backlog_warned = false;

  /* Turns */
  bool speech_active = false;
  std::string speech_item;
  GstClockTime turn_end = GST_CLOCK_TIME_NONE;    /* input running time */
  GstClockTime speech_end = GST_CLOCK_TIME_NONE;
  bool turn_unanswered = false;         /* a turn ended since the last response */
  bool awaiting_response = false;       /* a response is due to be created */
  std::map<std::string, Span> spans;    /* user items */

  /* Responses */
  std::map<std::string, ResponseState> responses;   /* active ones */
  std::set<std::string> dropped_responses;          /* interrupted */
  /* response.create waiting for the active response to end; requests made
   * meanwhile merge into one (the latest options win). */
  std::optional<std::string> deferred_response;
  std::map<std::string, std::string> call_names;    /* item id -> function name */

  /* Output */
  realtime::OutputTimeline output_timeline;
  std::string carry_key;
  std::optional<guint8> carry;          /* odd byte of the last audio delta */
  GstClockTime render_latency = 0;
  GstClockTime flush_at_ = GST_CLOCK_TIME_NONE;
  std::string last_audio_response;      /* the one a barge-in stops */
  std::map<std::string, std::vector<std::string>> response_items;  /* active ones' message items */

  /* EOS */
  EosState eos = EosState::None;
  guint64 eos_barrier = 0;
  guint64 events_queued = 0;            /* client events, backlog included */
  guint64 eos_events_mark = 0;          /* events_queued after the barrier */
  GSource *eos_timeout = nullptr;       /* I/O thread */

  RealtimeStats stats;
  guint64 bad_events = 0;               /* skipped server events */

  /* --- helpers, all called with `lock` held --- */

  void post (GstMessage * msg)
  {
    posts.push_back (msg);
  }

  /* realtime-session closed, once per conversation. */
  bool closed_posted = false;
  void post_closed (const std::string & reason)
  {
    if (closed_posted)
      return;
    closed_posted = true;
    post (realtime_message_session (GST_OBJECT (bin), "closed", session_id,
            reason));
  }

  void warn (GQuark domain, gint code, const std::string & text,
      const std::string & debug, GstStructure * details = nullptr)
  {
    GError *err = g_error_new_literal (domain, code, text.c_str ());
    GST_WARNING_OBJECT (bin, "%s (%s)", text.c_str (), debug.c_str ());
    post (gst_message_new_warning_with_details (GST_OBJECT (bin), err,
            debug.c_str (), details));
    g_error_free (err);
  }

  /* A failure that ends the conversation. */
  void fail (GQuark domain, gint code, const std::string & text,
      const std::string & debug, GstStructure * details = nullptr)
  {
    if (failed) {
      if (details)
        gst_structure_free (details);
      return;
    }
    failed = true;
    GError *err = g_error_new_literal (domain, code, text.c_str ());
    GST_ERROR_OBJECT (bin, "%s (%s)", text.c_str (), debug.c_str ());
    post (gst_message_new_error_with_details (GST_OBJECT (bin), err,
            debug.c_str (), details));
    g_error_free (err);
    if (!progress_done) {
      progress_done = true;
      post (gst_message_new_progress (GST_OBJECT (bin),
              GST_PROGRESS_TYPE_ERROR, "connect", text.c_str ()));
    }
    stop_eos_timeout ();
  }

  std::string next_event_id (const char *prefix)
  {
    return std::string ("gst_") + prefix + "_" +
        std::to_string (++event_serial);
  }

  /* Client events wait in the backlog until session.update has gone out:
   * the server must not see audio or turns under the default session. */
  void send (std::string text)
  {
    events_queued++;
    if (!ready) {
      backlog.push_back (std::move (text));
      return;
    }
    send_now (std::move (text));
  }

  void send_now (std::string text)
  {
    stats.bytes_sent += text.size ();
    stats.events_sent++;
    ws->send (std::move (text));
  }

  GstClockTime now ()
  {
    if (GST_STATE (bin) != GST_STATE_PLAYING)
      return GST_CLOCK_TIME_NONE;
    GstClock *clock = gst_element_get_clock (bin);
    if (clock == nullptr)
      return GST_CLOCK_TIME_NONE;
    GstClockTime t = gst_clock_get_time (clock);
    GstClockTime base = gst_element_get_base_time (bin);
    gst_object_unref (clock);
    return t > base ? t - base : 0;
  }

  bool live ()
  {
    return gst_realtime_input_is_live (input);
  }

  bool any_response_active () const
  {
    return !responses.empty () || awaiting_response;
  }

  /* --- input --- */

  void send_append (const guint8 * data, gsize size)
  {
    guint64 ms = size / realtime::AUDIO_BYTES_PER_MS;
    std::string ev = realtime::build_input_audio_buffer_append (data, size);
    gsize waiting = ready ? ws->pending () : backlog.size ();
    if (waiting * config.chunk_ms > MAX_BACKLOG_MS) {
      note_dropped (ms);
      return;
    }
    send (std::move (ev));
  }

  void note_dropped (guint64 ms)
  {
    stats.dropped_audio_ms += ms;
    if (!backlog_warned) {
      backlog_warned = true;
      warn (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
          "The connection to the Realtime API is too slow: input audio is "
          "being dropped (see the stats property for how much).",
          "more than " + std::to_string (MAX_BACKLOG_MS) +
          " ms of input audio waiting to be sent");
    }
  }

  /* Sends what is left of the chunk (commit, EOS). */
  void flush_chunk ()
  {
    if (chunk.empty ())
      return;
    send_append (chunk.data (), chunk.size ());
    chunk.clear ();
  }

  /* The input so far, committed as the user's turn. */
  void commit ()
  {
    flush_chunk ();
    send (realtime::build_input_audio_buffer_commit ());
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
      return;                   /* late audio of an interrupted response */
    /* Audio of a response we never saw created still plays; it just has no
     * placement of its own. */
    ResponseState unknown;
    auto found = responses.find (ev.response_id);
    ResponseState & r = found != responses.end ()? found->second : unknown;

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
      next_carry = ev.audio.empty ()? *carry : ev.audio.back ();
    GstBuffer *buf = nullptr;
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
    gst_realtime_output_push (audio_output, buf);
  }

  /* The running time an assistant item's text belongs to, and its length:
   * that of the item's audio, or where its response is placed (text-only). */
  void assistant_text_times (const ServerEvent & ev, GstClockTime * pts,
      GstClockTime * duration)
  {
    *pts = output_timeline.first_pts (ev.item_id, ev.content_index);
    *duration = output_timeline.received_duration (ev.item_id,
        ev.content_index);
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
    GstBuffer *buf = gst_buffer_new_memdup (text.data (), text.size ());
    GST_BUFFER_PTS (buf) = pts;
    GST_BUFFER_DURATION (buf) = duration;
    gst_realtime_output_push (text_output, buf);
  }

  void assistant_transcript (const ServerEvent & ev, bool final)
  {
    GstClockTime pts, duration;
    assistant_text_times (ev, &pts, &duration);
    const std::string & text = final ? (ev.transcript.empty ()? ev.text :
        ev.transcript) : ev.delta;
    post (realtime_message_transcript (GST_OBJECT (bin), "assistant",
            ev.item_id, text, final, pts));
    /* An interrupted response's text is not what the listener heard. */
    if (final && (config.text_roles & GST_REALTIME_TEXT_ROLES_ASSISTANT)
        && !dropped_responses.count (ev.response_id))
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
    if (config.text_roles & GST_REALTIME_TEXT_ROLES_USER) {
      GstClockTime duration = GST_CLOCK_TIME_IS_VALID (span.start)
          && GST_CLOCK_TIME_IS_VALID (span.end) && span.end > span.start
          ? span.end - span.start : GST_CLOCK_TIME_NONE;
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
      return;                   /* interrupted once: that truncate stands */
    auto items = output_timeline.items_of (response_id);
    if (items.empty ()) {
      interrupt_unheard (response_id);
      return;
    }
    GstClockTime played_to = GST_CLOCK_TIME_IS_VALID (at) && at > latency
        ? at - latency : 0;
    if (output_timeline.end () != realtime::OutputTimeline::NO_TIME
        && output_timeline.end () <= played_to)
      return;                   /* all of it was already played */

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
      flushes.push_back (audio_output);
      flush_at_ = flush_at;
    } else {
      /* Non-live output is usually being recorded (filesink truncates its
       * file on FLUSH_STOP): the reply stays up to where the user spoke
       * (what the truncate says was heard), and what follows continues
       * after the data that went out. */
      flush_at = gst_realtime_output_drop_buffers (audio_output, played_to);
    }

    std::string playing = items.front ().first;
    gint64 playing_heard = 0;
    const char *playing_action = "deleted";
    for (const auto & [item, ci] : items) {
      gint64 heard = output_timeline.heard_ms (item, ci, at, latency);
      gint64 received = output_timeline.received_ms (item, ci);
      const char *action;
      if (heard >= received) {
        action = "none";        /* an earlier item, heard to its end */
      } else if (heard <= 0) {
        action = "deleted";
        send (realtime::build_conversation_item_delete (item));
      } else {
        action = "truncated";
        send (realtime::build_conversation_item_truncate (item, (guint) ci,
                (guint64) heard));
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
      if (first.empty ())
        first = item;
    }
    post (realtime_message_interrupted (GST_OBJECT (bin), first, 0,
            first.empty ()? "none" : "deleted"));
  }

  /* The response a barge-in stops: the active one, else the latest that
   * still plays. */
  std::string interrupt_target () const
  {
    return responses.empty ()? last_audio_response : responses.begin ()->first;
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
    if (eos == EosState::Barrier && eos_barrier > 0
        && updates_acked >= eos_barrier) {
      eos = EosState::Waiting;
      /* The server has now seen all our audio; a turn still open at the
       * end of the stream gets its answer. */
      if (speech_active && config.session.turn_detection !=
          realtime::TurnDetection::None) {
        send (realtime::build_input_audio_buffer_commit ());
        speech_active = false;
        mark_turn_end (input_end, input_end);
        if (config.session.create_response)
          request_response ({});
      }
    }
    if (eos == EosState::Waiting && !any_response_active ()
        && !deferred_response) {
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
    post_input_eos = true;
    closing = true;
    ws->close (1000, "");
    post_closed (reason);
  }

  void stop_eos_timeout ()
  {
    if (eos_timeout) {
      g_source_destroy (eos_timeout);
      g_source_unref (eos_timeout);
      eos_timeout = nullptr;
    }
  }
};

RealtimeConversation::RealtimeConversation (GstElement * bin,
    GstRealtimeInput * input, GstRealtimeOutput * audio_output,
    GstRealtimeOutput * text_output, RealtimeConversationConfig config)
:  state_ (std::make_shared<State> ())
{
  state_->bin = bin;
  state_->input = input;
  state_->audio_output = audio_output;
  state_->text_output = text_output;
  state_->config = std::move (config);
}

/* Posts what was collected under the lock, and flushes outputs. Called by
 * every entry point once it has let go of the lock. */
#define LOCKED(st) std::unique_lock<std::mutex> lk ((st)->lock)

static void
run_pending (RealtimeConversation::State * st)
{
  /* One drainer at a time, looping until nothing is left: messages keep
   * their order and a flush never overtakes what was queued after it. */
  {
    std::lock_guard<std::mutex> lk (st->lock);
    if (st->draining)
      return;
    st->draining = true;
  }
  for (;;) {
    std::vector<GstMessage *> posts;
    std::vector<GstRealtimeOutput *> flushes;
    std::vector<std::function<void ()>> after;
    GstClockTime flush_at;
    bool eos;
    {
      std::lock_guard<std::mutex> lk (st->lock);
      if (st->posts.empty () && st->flushes.empty () && st->after.empty ()
          && !st->post_input_eos) {
        st->draining = false;
        return;
      }
      after.swap (st->after);
      posts.swap (st->posts);
      flushes.swap (st->flushes);
      flush_at = st->flush_at_;
      eos = std::exchange (st->post_input_eos, false);
    }
    for (GstRealtimeOutput *out : flushes)
      gst_realtime_output_flush (out, flush_at);
    for (GstMessage *msg : posts)
      gst_element_post_message (st->bin, msg);
    for (auto &fn : after)
      fn ();
    /* The bin's only sink: this lets the bin, and the pipeline, end. */
    if (eos)
      gst_realtime_input_post_eos (st->input);
  }
}

RealtimeConversation::~RealtimeConversation ()
{
  State *st = state_.get ();
  {
    std::lock_guard<std::mutex> lk (st->lock);
    st->closing = true;
    st->post_closed ("stopped");
  }
  run_pending (st);
  /* The EOS timeout first (it uses the socket), then the socket, whose
   * callbacks stop when it is gone. */
  st->io->invoke_sync ([st] () {
        std::lock_guard<std::mutex> lk (st->lock);
        st->stop_eos_timeout ();
      });
  if (st->io->is_current ()) {
    /* An application tore the bin down from a sync bus handler on the I/O
     * thread: another thread waits for the socket, keeping the state alive
     * until the callback we are in has returned. */
    std::thread ([ws = std::move (st->ws), keep = state_] () mutable {
          ws.reset ();
          keep.reset ();
        }).detach ();
  } else {
    st->ws.reset ();
  }
  std::lock_guard<std::mutex> lk (st->lock);
  for (GstMessage *msg : st->posts)
    gst_message_unref (msg);
  st->posts.clear ();
}

/* The endpoint URL with ?model= unless the user gave a query. */
static std::string
connect_url (const RealtimeConversationConfig & config)
{
  if (config.url.find ('?') != std::string::npos)
    return config.url;
  gchar *model = g_uri_escape_string (config.model.c_str (), nullptr, FALSE);
  std::string url = config.url + "?model=" + model;
  g_free (model);
  return url;
}

static void handle_message (RealtimeConversation::State * st,
    std::string_view text);

static std::string
http_failure_text (guint status)
{
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

bool
RealtimeConversation::start (GError ** error)
{
  State *st = state_.get ();
  RealtimeConversationConfig & c = st->config;

  /* Settings that cannot make a session fail the state change, not later. */
  realtime::JsonObjectPtr session =
      realtime::build_session_object (c.session, error);
  if (!session)
    return false;

  std::weak_ptr<State> weak = state_;
  realtime::WebSocketClient::Callbacks cb;
  cb.opened = [weak] () {
    if (auto st = weak.lock ())
      GST_DEBUG_OBJECT (st->bin, "WebSocket open, waiting for session.created");
  };
  cb.message = [weak] (std::string_view text) {
    auto st = weak.lock ();
    if (!st)
      return;
    handle_message (st.get (), text);
    run_pending (st.get ());
  };
  cb.failed = [weak] (guint status, const GError * err) {
    auto st = weak.lock ();
    if (!st)
      return;
    {
      LOCKED (st);
      if (st->closing)
        return;
      std::string where = "Could not connect to the Realtime API at " +
          st->config.url;
      if (status == 401 || status == 403) {
        st->fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
            http_failure_text (status), err ? err->message : "",
            gst_structure_new ("realtime-connection", "http-status-code",
                G_TYPE_UINT, status, nullptr));
      } else if (status != 0) {
        st->fail (GST_RESOURCE_ERROR, status == 404 ?
            GST_RESOURCE_ERROR_NOT_FOUND : GST_RESOURCE_ERROR_OPEN_READ,
            http_failure_text (status), err ? err->message : "",
            gst_structure_new ("realtime-connection", "http-status-code",
                G_TYPE_UINT, status, nullptr));
      } else if (err && err->domain == G_TLS_ERROR) {
        st->fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
            "The Realtime API endpoint's TLS certificate was not accepted ("
            + std::string (err->message) + "). For a private endpoint, set "
            "the ca-file property to the CA certificate that signed it.",
            err->message);
      } else {
        st->fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
            where + ": " + (err ? err->message : "unknown error") +
            ". Check the url property and the network.",
            err ? err->message : "");
      }
      st->post_closed (err ? err->message : "connection failed");
    }
    run_pending (st.get ());
  };
  cb.closed = [weak] (gushort code, const std::string & reason) {
    auto st = weak.lock ();
    if (!st)
      return;
    {
      LOCKED (st);
      if (st->closing)
        return;
      st->closing = true;
      std::string why = reason.empty ()? "no reason given" : reason;
      st->post_closed (why);
      st->fail (GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
          "The Realtime API closed the session (WebSocket close code " +
          std::to_string (code) + ": " + why + ").",
          "server closed the connection",
          gst_structure_new ("realtime-connection", "close-code",
              G_TYPE_UINT, (guint) code, nullptr));
    }
    run_pending (st.get ());
  };

  realtime::WebSocketClient::Options opts;
  opts.url = connect_url (c);
  if (!c.api_key.empty ())
    opts.headers.emplace_back ("Authorization", "Bearer " + c.api_key);
  opts.ca_file = c.ca_file;

  {
    LOCKED (st);
    st->ws.reset (new realtime::WebSocketClient (st->io, std::move (cb)));
    st->post (gst_message_new_progress (GST_OBJECT (st->bin),
            GST_PROGRESS_TYPE_START, "connect",
            ("Connecting to " + c.url).c_str ()));
    st->post (realtime_message_session (GST_OBJECT (st->bin), "connecting",
            "", ""));
  }
  run_pending (st);
  GST_INFO_OBJECT (st->bin, "connecting to %s", opts.url.c_str ());
  st->ws->connect (std::move (opts));
  return true;
}

/* --- server events, on the I/O thread --- */

static void
on_session_created (RealtimeConversation::State * st, const ServerEvent & ev)
{
  if (ev.session)
    st->session_id = ev.session->id;
  st->post (realtime_message_session (GST_OBJECT (st->bin), "connected",
          st->session_id, ""));

  GError *err = nullptr;
  std::string id = st->next_event_id ("update");
  std::string update = realtime::build_session_update (st->config.session,
      id, &err);
  if (update.empty ()) {
    st->fail (GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        std::string ("The session settings are not valid: ") + err->message,
        "");
    g_error_free (err);
    st->closing = true;
    st->ws->close (1000, "");
    return;
  }
  st->update_event_ids.push_front (id);   /* goes out before the backlog */
  st->updates_sent++;
  st->send_now (std::move (update));
  st->ready = true;
  if (st->eos == EosState::Barrier && st->eos_barrier == 0)
    st->eos_barrier = ++st->updates_sent;
  while (!st->backlog.empty ()) {
    st->send_now (std::move (st->backlog.front ()));
    st->backlog.pop_front ();
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
    st->updates_acked++;        /* a refused update still answers it */
  }
  if (st->response_event_ids.erase (e.event_id))
    st->awaiting_response = false;

  /* Races every client has with the server's own VAD responses: a response
   * was already active, or had already ended when our cancel arrived. The
   * conversation is fine either way. */
  if (e.code == "conversation_already_has_active_response"
      || e.code == "response_cancel_not_active") {
    GST_INFO_OBJECT (st->bin, "benign: %s (%s)", e.code.c_str (),
        e.message.c_str ());
    return;
  }

  std::string text = "The Realtime API reported an error";
  if (!e.code.empty ())
    text += " (" + e.code + ")";
  text += ": " + (e.message.empty ()? std::string ("no message") : e.message);
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
    if (st->live () || !GST_CLOCK_TIME_IS_VALID (rt))
      st->interrupt (target, st->now (), st->render_latency);
    else
      st->interrupt (target, rt, 0);
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
  guint64 silence = (guint64) st->config.session.vad_silence_duration_ms *
      GST_MSECOND;
  if (st->config.session.turn_detection == realtime::TurnDetection::ServerVad
      && GST_CLOCK_TIME_IS_VALID (rt) && rt >= silence)
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
  st->post (realtime_message_response_started (GST_OBJECT (st->bin),
          *ev.response));
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
  if (st->carry) {
    GST_WARNING_OBJECT (st->bin, "response %s ended on half a sample",
        resp.id.c_str ());
    st->carry.reset ();
  }
  st->post (realtime_message_response_done (GST_OBJECT (st->bin), resp,
          latency));
  if (resp.status == "failed") {
    st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
        "The Realtime API could not complete a response: " +
        (resp.status_error.message.empty ()? resp.status_reason :
            resp.status_error.message), "response " + resp.id + " failed",
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
    case ServerEventType::InputAudioBufferTimeoutTriggered:
    {
      GstClockTime rt = st->input_timeline.running_time_at_ms (ev.audio_end_ms);
      st->post (realtime_message_vad (GST_OBJECT (st->bin), "timeout",
              ev.audio_end_ms, rt, ev.item_id));
      break;
    }
    case ServerEventType::InputAudioBufferCommitted:
    {
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
    case ServerEventType::InputAudioTranscriptionFailed:
    {
      realtime::ErrorInfo e = ev.error.value_or (realtime::ErrorInfo ());
      st->spans.erase (ev.item_id);
      st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
          "The Realtime API could not transcribe the user's speech: " +
          e.message, "item " + ev.item_id, realtime_error_details (e));
      break;
    }
    case ServerEventType::ResponseCreated:
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
      else if (ev.item && ev.item->type == "message")
        st->response_items[ev.response_id].push_back (ev.item->id);
      break;
    case ServerEventType::ResponseFunctionCallArgumentsDone:
    {
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
        st->after.push_back ([st, call_id = ev.call_id, name,
                args = ev.arguments] () {
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
      st->post (realtime_message_rate_limits (GST_OBJECT (st->bin),
              ev.rate_limits));
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
handle_message (RealtimeConversation::State * st, std::string_view text)
{
  LOCKED (st);
  if (st->closing || st->failed)
    return;
  st->stats.bytes_received += text.size ();
  st->stats.events_received++;

  GError *err = nullptr;
  std::optional<ServerEvent> ev = realtime::parse_server_event (text, &err);
  if (!ev && g_error_matches (err, REALTIME_PROTOCOL_ERROR,
          REALTIME_PROTOCOL_ERROR_BETA_PROTOCOL)) {
    /* Not a glitch: the endpoint speaks the retired beta protocol. */
    st->fail (GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE,
        std::string ("The endpoint speaks the retired beta Realtime "
            "protocol; realtimebin speaks the GA protocol only. Check the "
            "url property: ") + err->message, "beta protocol");
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
              "read; it was skipped: ") + err->message,
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
  dispatch (st, *ev);
  st->check_eos ();
}

/* --- streaming thread --- */

GstFlowReturn
RealtimeConversation::push_audio (GstBuffer * buffer,
    GstClockTime running_time)
{
  State *st = state_.get ();
  GstFlowReturn ret = GST_FLOW_OK;
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_ERROR;
  {
    LOCKED (st);
    if (st->failed) {
      ret = GST_FLOW_ERROR;
    } else if (st->eos == EosState::None) {
      gsize samples = map.size / 2;
      st->input_timeline.append (running_time, samples);
      st->input_end = GST_CLOCK_TIME_IS_VALID (running_time) ?
          running_time + gst_util_uint64_scale_int (samples, GST_SECOND,
          realtime::AUDIO_RATE) : GST_CLOCK_TIME_NONE;
      st->uncommitted_samples += samples;

      gsize chunk_bytes = (gsize) st->config.chunk_ms *
          realtime::AUDIO_BYTES_PER_MS;
      const guint8 *data = map.data;
      gsize left = samples * 2;
      while (left > 0) {
        gsize take = MIN (left, chunk_bytes - st->chunk.size ());
        st->chunk.insert (st->chunk.end (), data, data + take);
        data += take;
        left -= take;
        if (st->chunk.size () >= chunk_bytes)
          st->flush_chunk ();
      }
    }
  }
  gst_buffer_unmap (buffer, &map);
  run_pending (st);
  return ret;
}

void
RealtimeConversation::input_eos ()
{
  State *st = state_.get ();
  {
    LOCKED (st);
    if (st->eos == EosState::Finished) {
      /* EOS again after a flush: the conversation is over, end again. */
      gst_realtime_output_push_eos (st->audio_output);
      gst_realtime_output_push_eos (st->text_output);
      st->post_input_eos = true;
      lk.unlock ();
      run_pending (st);
      return;
    }
    if (st->eos != EosState::None)
      return;
    st->flush_chunk ();
    if (st->failed || st->config.eos_timeout_ms == 0) {
      st->finish (st->failed ? "failed" : "end of stream");
    } else {
      if (st->config.session.turn_detection == realtime::TurnDetection::None
          && st->uncommitted_samples >= MIN_COMMIT_SAMPLES) {
        st->commit ();
        st->request_response ({});
      }
      st->send_eos_barrier ();

      guint timeout = st->config.eos_timeout_ms;
      std::weak_ptr<State> weak = state_;
      st->io->invoke ([weak, timeout] () {
            auto sp = weak.lock ();
            if (!sp)
              return;
            State *st = sp.get ();
            LOCKED (st);
            if (st->eos == EosState::Finished || st->closing)
              return;
            st->eos_timeout = g_timeout_source_new (timeout);
            g_source_set_callback (st->eos_timeout, [](gpointer data) {
                  auto *s = static_cast<RealtimeConversation::State *> (data);
                  {
                    LOCKED (s);
                    if (s->closing)
                      return G_SOURCE_REMOVE;
                    s->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
                        "realtimebin stopped waiting for the last response "
                        "after eos-timeout-ms (" +
                        std::to_string (s->config.eos_timeout_ms) + " ms).",
                        "EOS timeout");
                    g_source_unref (s->eos_timeout);
                    s->eos_timeout = nullptr;
                    s->finish ("eos-timeout");
                  }
                  run_pending (s);
                  return G_SOURCE_REMOVE;
                }, st, nullptr);
            g_source_attach (st->eos_timeout, st->io->context ());
          });
    }
  }
  run_pending (st);
}

void
RealtimeConversation::input_flushed ()
{
  State *st = state_.get ();
  {
    LOCKED (st);
    /* Audio from before a flushing seek is stale: do not send it. */
    st->chunk.clear ();
    /* After the end, the outputs' EOS is stale too: flush them so the next
     * EOS can go out again. */
    if (st->eos == EosState::Finished) {
      st->flushes.push_back (st->audio_output);
      st->flushes.push_back (st->text_output);
      st->flush_at_ = GST_CLOCK_TIME_NONE;
    }
  }
  run_pending (st);
}

/* --- applications --- */

void
RealtimeConversation::update_session (const realtime::SessionSettings &
    settings)
{
  State *st = state_.get ();
  {
    LOCKED (st);
    GError *err = nullptr;
    std::string id = st->next_event_id ("update");
    std::string update = realtime::build_session_update (settings, id, &err);
    if (update.empty ()) {
      st->warn (GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
          std::string ("The new session settings are not valid and were "
              "not sent: ") + err->message, "");
      g_error_free (err);
    } else {
      st->config.session = settings;
      if (st->ready && !st->closing) {
        st->update_event_ids.push_back (id);
        st->updates_sent++;
        st->send (std::move (update));
      }
      /* Not ready yet: session.created will send these settings. */
    }
  }
  run_pending (st);
}

void
RealtimeConversation::set_text_roles (guint roles)
{
  LOCKED (state_);
  state_->config.text_roles = roles;
}

void
RealtimeConversation::set_chunk_ms (guint chunk_ms)
{
  LOCKED (state_);
  state_->config.chunk_ms = chunk_ms;
}

void
RealtimeConversation::set_latency (GstClockTime latency)
{
  LOCKED (state_);
  state_->config.latency = latency;
}

void
RealtimeConversation::set_eos_timeout_ms (guint ms)
{
  LOCKED (state_);
  state_->config.eos_timeout_ms = ms;
}

void
RealtimeConversation::commit_input ()
{
  State *st = state_.get ();
  {
    LOCKED (st);
    if (st->uncommitted_samples < MIN_COMMIT_SAMPLES) {
      st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
          "commit-input ignored: " + std::to_string (st->uncommitted_samples
              * 1000 / realtime::AUDIO_RATE) + " ms of audio since the last "
          "commit or clear; the Realtime API needs at least 100 ms.",
          "commit of less than 100 ms not sent");
    } else {
      st->commit ();
    }
  }
  run_pending (st);
}

void
RealtimeConversation::clear_input ()
{
  State *st = state_.get ();
  LOCKED (st);
  st->chunk.clear ();
  st->uncommitted_samples = 0;
  st->send (realtime::build_input_audio_buffer_clear ());
}

void
RealtimeConversation::create_response (const gchar * instructions)
{
  State *st = state_.get ();
  realtime::ResponseOptions options;
  if (instructions)
    options.instructions = instructions;
  LOCKED (st);
  st->request_response (options);
}

void
RealtimeConversation::cancel_response ()
{
  State *st = state_.get ();
  {
    LOCKED (st);
    if (!st->responses.empty ())
      st->send (realtime::build_response_cancel (st->responses.begin ()->
              first));
    std::string target = st->interrupt_target ();
    if (!target.empty ())
      st->interrupt (target, st->now (), st->render_latency);
    st->deferred_response.reset ();
  }
  run_pending (st);
}

void
RealtimeConversation::send_text (const gchar * text)
{
  State *st = state_.get ();
  LOCKED (st);
  realtime::JsonObjectPtr item = realtime::make_user_text_item (text);
  st->send (realtime::build_conversation_item_create (item.get ()));
  st->turn_unanswered = false;
  st->request_response ({});
}

void
RealtimeConversation::send_function_result (const gchar * call_id,
    const gchar * output)
{
  State *st = state_.get ();
  LOCKED (st);
  st->submit_function_result (call_id, output);
}

void
RealtimeConversation::send_event (const gchar * json)
{
  State *st = state_.get ();
  {
    LOCKED (st);
    GError *err = nullptr;
    realtime::JsonNodePtr node = realtime::json_parse (json, &err);
    if (!node || !JSON_NODE_HOLDS_OBJECT (node.get ())
        || !json_object_has_member (json_node_get_object (node.get ()),
            "type")) {
      st->warn (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
          "send-event needs a JSON object with a \"type\"; nothing was sent.",
          err ? err->message : "not an object with a type");
      g_clear_error (&err);
    } else {
      JsonObject *obj = json_node_get_object (node.get ());
      if (!json_object_has_member (obj, "event_id"))
        json_object_set_string_member (obj, "event_id",
            st->next_event_id ("event").c_str ());
      st->send (realtime::json_object_to_string (obj));
    }
  }
  run_pending (st);
}

/* --- pads --- */

gboolean
RealtimeConversation::answer_latency (GstQuery * query)
{
  State *st = state_.get ();
  /* Ask upstream now: pipelines compute latency at PLAYING, before any
   * input has flowed. */
  gst_realtime_input_query_latency (st->input);
  gboolean live = gst_realtime_input_is_live (st->input);
  GstClockTime upstream = gst_realtime_input_upstream_latency (st->input);
  GstClockTime ours;
  {
    LOCKED (st);
    ours = st->config.latency;
  }
  gst_query_set_latency (query, live, upstream + ours, GST_CLOCK_TIME_NONE);
  return TRUE;
}

GstClockTime
RealtimeConversation::idle_horizon ()
{
  State *st = state_.get ();
  if (!st->live ())
    return GST_CLOCK_TIME_NONE;
  {
    /* A response in progress continues where its audio ends, however late
     * its next delta is: that time is not idle. */
    LOCKED (st);
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
  LOCKED (state_);
  state_->render_latency = latency;
}

std::string
RealtimeConversation::session_id ()
{
  LOCKED (state_);
  return state_->session_id;
}

GstStructure *
RealtimeConversation::stats ()
{
  LOCKED (state_);
  return realtime_stats_structure (state_->stats);
}
