/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Test helpers for realtimebin acceptance tests: the in-process simulator
 * with a frame log, a reader for that log (what realtimebin sent and what
 * it was sent), real pipelines around realtimebin with probes on the sinks,
 * a bus recorder, and test signals. Everything here looks at the element
 * from the outside only: pads, properties, signals, bus messages and the
 * wire (the simulator's log). */
#pragma once

#include "ajv-validator.h"
#include "json-helpers.h"
#include "wav-helpers.h"

#include <gst/check/gstcheck.h>
#include <gst/realtime/base64.h>
#include <gst/realtime/json-util.h>
#include <tools/simulator/audio-synth.h>
#include <tools/simulator/scenario.h>
#include <tools/simulator/simulator.h>

#include <glib/gstdio.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace rtb {

using realtime::JsonNodePtr;
using realtime::sim::Pcm;
using realtime::sim::Scenario;
using realtime::sim::Simulator;
using realtime::sim::SimulatorOptions;

/* The protocol's audio format, as caps. */
static const char * const kS16Mono24kCaps =
    "audio/x-raw,format=S16LE,rate=24000,channels=1,layout=interleaved";

/* A key the simulator accepts unless told otherwise; it must never show up
 * in anything the element posts or logs. */
static const char * const kTestKey = "sk-test-0123456789-never-print-me";

/* String equality for std::string and C strings alike. Unlike
 * fail_unless_equals_string(), it keeps its arguments alive: a c_str() of a
 * temporary would dangle inside that macro. */
static inline std::string
as_string (const std::string & s)
{
  return s;
}

static inline std::string
as_string (const char * s)
{
  return s ? s : "(null)";
}

#define fail_unless_equals_str(a, b)                                           \
  G_STMT_START                                                                 \
  {                                                                            \
    const std::string _first = rtb::as_string (a);                             \
    const std::string _second = rtb::as_string (b);                            \
    fail_unless (_first == _second, "'%s' (%s) is not equal to '%s' (%s)", #a, \
        _first.c_str (), #b, _second.c_str ());                                \
  }                                                                            \
  G_STMT_END

static inline GstClockTime
ms_to_ns (double ms)
{
  return (GstClockTime) std::llround (ms * GST_MSECOND);
}

static inline double
ns_to_ms (GstClockTime ns)
{
  return (double) ns / GST_MSECOND;
}

/* ---- simulator ---------------------------------------------------------- */

/* Removes the *.jsonl files of @dir (a suite starts from an empty folder:
 * its last test reads all of it). */
static inline void
clear_log_dir (const std::string & dir)
{
  g_mkdir_with_parents (dir.c_str (), 0755);
  g_autoptr (GDir) d = g_dir_open (dir.c_str (), 0, nullptr);
  while (const gchar * name = d ? g_dir_read_name (d) : nullptr) {
    if (!g_str_has_suffix (name, ".jsonl"))
      continue;
    g_autofree gchar * path = g_build_filename (dir.c_str (), name, nullptr);
    g_unlink (path);
  }
}

static inline Scenario
parse_scenario (const char * json)
{
  g_autoptr (GError) error = nullptr;
  std::optional<Scenario> s = Scenario::parse (json, ".", &error);
  fail_unless (s.has_value (), "scenario: %s", error ? error->message : "");
  return *s;
}

/* Options for a simulator logging every frame to @dir/@name.jsonl. */
static inline SimulatorOptions
sim_options (const std::string & dir, const char * name, const char * scenario,
    double pace = 0)
{
  SimulatorOptions o;
  o.scenario = parse_scenario (scenario);
  o.pace = pace;
  g_mkdir_with_parents (dir.c_str (), 0755);
  o.log_path = dir + "/" + name + ".jsonl";
  return o;
}

static inline std::unique_ptr<Simulator>
start_simulator (SimulatorOptions o)
{
  auto sim = std::make_unique<Simulator> (std::move (o));
  g_autoptr (GError) error = nullptr;
  fail_unless (sim->start (&error), "simulator: %s",
      error ? error->message : "");
  fail_unless (sim->port () > 0);
  return sim;
}

/* Waits (at most @timeout_ms) until the simulator has no live session. */
static inline bool
wait_sessions_closed (Simulator & sim, guint timeout_ms = 5000)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
  while (sim.session_count () > 0 && g_get_monotonic_time () < deadline)
    g_usleep (5000);
  return sim.session_count () == 0;
}

/* ---- the simulator's frame log ------------------------------------------- */

struct LogLine
{
  guint conn = 0;
  std::string dir;  /* "in" (from realtimebin), "out", "" for notes */
  std::string note; /* "open", "closed", "stall"… for notes */
  std::string type; /* the event's type, when the frame is an event */
  bool json = true;
  JsonNodePtr root;             /* the whole line */
  JsonNode * frame = nullptr;   /* owned by root */
  JsonObject * event = nullptr; /* frame as an object, when it is one */
};

/* Every line of a simulator frame log (docs/simulator.md, "Frame log"). */
class SimLog
{
public:
  explicit SimLog (const std::string & path)
  {
    g_autofree gchar * text = nullptr;
    gsize size = 0;
    fail_unless (g_file_get_contents (path.c_str (), &text, &size, nullptr),
        "cannot read %s", path.c_str ());
    std::string all (text, size);
    gsize pos = 0;
    while (pos < all.size ()) {
      gsize nl = all.find ('\n', pos);
      if (nl == std::string::npos)
        break; /* a line still being written */
      std::string line = all.substr (pos, nl - pos);
      pos = nl + 1;
      if (line.empty ())
        continue;
      LogLine l;
      l.root = parse_json_object (line);
      JsonObject * o = json_node_get_object (l.root.get ());
      l.conn = (guint) json_object_get_int_member_with_default (o, "conn", 0);
      l.dir = json_object_get_string_member_with_default (o, "dir", "");
      l.note = json_object_get_string_member_with_default (o, "note", "");
      l.json = json_object_get_boolean_member_with_default (o, "json", TRUE);
      l.frame = json_object_get_member (o, "frame");
      if (l.frame && l.json && JSON_NODE_HOLDS_OBJECT (l.frame)) {
        l.event = json_node_get_object (l.frame);
        l.type =
            json_object_get_string_member_with_default (l.event, "type", "");
      }
      lines.push_back (std::move (l));
    }
  }

  /* Events of @type (any type when null) in direction @dir, in order. */
  std::vector<JsonObject *> events (const char * dir,
      const char * type = nullptr) const
  {
    std::vector<JsonObject *> out;
    for (const LogLine & l : lines)
      if (l.event && l.dir == dir && (type == nullptr || l.type == type))
        out.push_back (l.event);
    return out;
  }

  /* Index in lines of the first event of @type in @dir after @from. */
  gssize find (const char * dir, const char * type, gsize from = 0) const
  {
    for (gsize i = from; i < lines.size (); i++)
      if (lines[i].event && lines[i].dir == dir && lines[i].type == type)
        return (gssize) i;
    return -1;
  }

  gsize count (const char * dir, const char * type) const
  {
    return events (dir, type).size ();
  }

  /* All audio realtimebin appended (on connection @conn; 0: on all),
   * decoded (PCM16 24 kHz mono). */
  Pcm appended (guint conn = 0) const
  {
    std::vector<guint8> bytes;
    for (const LogLine & l : lines)
      if (l.event && l.dir == "in" && l.type == "input_audio_buffer.append" &&
          (conn == 0 || l.conn == conn))
        decode_into (json_object_get_string_member (l.event, "audio"), bytes);
    return to_pcm (bytes);
  }

  /* Bytes of each append, in order. */
  std::vector<gsize> append_sizes () const
  {
    std::vector<gsize> out;
    for (JsonObject * e : events ("in", "input_audio_buffer.append")) {
      std::vector<guint8> bytes;
      decode_into (json_object_get_string_member (e, "audio"), bytes);
      out.push_back (bytes.size ());
    }
    return out;
  }

  /* Ids of the responses the simulator created, in order. */
  std::vector<std::string> response_ids () const
  {
    std::vector<std::string> out;
    for (JsonObject * e : events ("out", "response.created"))
      out.push_back (
          json_object_get_string_member (json_object_get_object_member (e,
                                             "response"),
              "id"));
    return out;
  }

  /* The audio the simulator sent for @response_id, decoded. */
  Pcm response_audio (const std::string & response_id) const
  {
    std::vector<guint8> bytes;
    for (JsonObject * e : events ("out", "response.output_audio.delta"))
      if (response_id == json_object_get_string_member (e, "response_id"))
        decode_into (json_object_get_string_member (e, "delta"), bytes);
    return to_pcm (bytes);
  }

  /* response.done of @response_id (fails if absent). */
  JsonObject * response_done (const std::string & response_id) const
  {
    for (JsonObject * e : events ("out", "response.done")) {
      JsonObject * r = json_object_get_object_member (e, "response");
      if (response_id == json_object_get_string_member (r, "id"))
        return r;
    }
    fail ("no response.done for %s", response_id.c_str ());
    return nullptr;
  }

  /* The `session` of the session.created the simulator sent first. */
  std::string session_id () const
  {
    std::vector<JsonObject *> c = events ("out", "session.created");
    fail_unless (!c.empty (), "no session.created in the log");
    return json_object_get_string_member (json_object_get_object_member (c[0],
                                              "session"),
        "id");
  }

  std::vector<LogLine> lines;

private:
  static void decode_into (const char * b64, std::vector<guint8> & bytes)
  {
    g_autoptr (GError) error = nullptr;
    fail_unless (realtime::base64_decode_append (b64 ? b64 : "", bytes, &error),
        "bad base64 in the log: %s", error ? error->message : "");
  }

  static Pcm to_pcm (const std::vector<guint8> & bytes)
  {
    Pcm pcm (bytes.size () / 2);
    for (gsize i = 0; i < pcm.size (); i++)
      pcm[i] = (gint16) (bytes[2 * i] | (bytes[2 * i + 1] << 8));
    return pcm;
  }
};

/* Waits until the log at @path holds a line satisfying @pred. */
static inline bool
wait_for_log (const std::string & path,
    const std::function<bool (const SimLog &)> & pred, guint timeout_ms = 5000)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
  do {
    if (pred (SimLog (path)))
      return true;
    g_usleep (20 * 1000);
  } while (g_get_monotonic_time () < deadline);
  return false;
}

/* Every client event realtimebin sent in a suite — the "in" frames of all
 * the simulator logs (*.jsonl) in @log_dir — is valid under the strict GA
 * client schema (ajv): zero violations. Each suite's last test calls this
 * on its own log folder, which the suite empties when it starts
 * (clear_log_dir), so only that run's logs are read. A full run must have
 * left at least @min_files logs; with GST_CHECKS picking tests, one. */
static inline void
check_client_events_conform (const std::string & log_dir, guint min_files)
{
  g_autoptr (GDir) dir = g_dir_open (log_dir.c_str (), 0, nullptr);
  fail_unless (dir != nullptr, "no log folder %s", log_dir.c_str ());
  std::vector<std::string> lines;
  guint files = 0;
  while (const gchar * name = g_dir_read_name (dir)) {
    if (!g_str_has_suffix (name, ".jsonl"))
      continue;
    files++;
    SimLog log (log_dir + "/" + name);
    for (const LogLine & l : log.lines)
      if (l.dir == "in")
        lines.push_back (realtime::json_to_string (l.frame));
  }
  guint want = g_getenv ("GST_CHECKS") ? 1u : min_files;
  fail_unless (files >= want, "only %u logs in %s (expected %u)", files,
      log_dir.c_str (), want);
  fail_unless (!lines.empty (), "no client events to check");

  ValidatorRun run = run_validator ("client-strict", lines);
  if (run.exit_status != 0) {
    /* The violations, not ajv's per-line "valid" noise. */
    std::string bad;
    g_auto (GStrv) out = g_strsplit (run.output.c_str (), "\n", -1);
    for (int i = 0; out[i] != nullptr && bad.size () < 4000; i++)
      if (strstr (out[i], "INVALID") || strstr (out[i], "not JSON"))
        bad += std::string (out[i]) + "\n";
    fail ("%" G_GSIZE_FORMAT " client events from %u logs; violations:\n%s",
        lines.size (), files, bad.c_str ());
  }
  GST_INFO ("%" G_GSIZE_FORMAT " client events from %u logs conform",
      lines.size (), files);
}

/* ---- GstStructure fields with their contract types ------------------------ */

static inline const GValue *
field (const GstStructure * s, const char * name, GType type)
{
  const GValue * v = gst_structure_get_value (s, name);
  fail_unless (v != nullptr, "%s has no field %s", gst_structure_get_name (s),
      name);
  fail_unless (G_VALUE_TYPE (v) == type, "%s.%s is a %s, not a %s",
      gst_structure_get_name (s), name, G_VALUE_TYPE_NAME (v),
      g_type_name (type));
  return v;
}

static inline std::string
str_field (const GstStructure * s, const char * name)
{
  const char * v = g_value_get_string (field (s, name, G_TYPE_STRING));
  return v ? v : "";
}

static inline guint64
u64_field (const GstStructure * s, const char * name)
{
  return g_value_get_uint64 (field (s, name, G_TYPE_UINT64));
}

static inline guint
uint_field (const GstStructure * s, const char * name)
{
  return g_value_get_uint (field (s, name, G_TYPE_UINT));
}

static inline gboolean
bool_field (const GstStructure * s, const char * name)
{
  return g_value_get_boolean (field (s, name, G_TYPE_BOOLEAN));
}

/* ---- bus ---------------------------------------------------------------- */

/* Keeps every message popped from a pipeline's bus, so a test can wait for
 * one and look at all of them afterwards. */
class BusLog
{
public:
  explicit BusLog (GstElement * pipeline)
      : bus_ (gst_element_get_bus (pipeline))
  {}

  ~BusLog ()
  {
    clear ();
    gst_object_unref (bus_);
  }

  void clear ()
  {
    for (GstMessage * m : messages)
      gst_message_unref (m);
    messages.clear ();
  }

  /* Pops messages until one satisfies @pred (returned, still owned here) or
   * @timeout_ms pass (nullptr). An ERROR message that @pred does not want
   * fails the test with its text unless @errors_ok. */
  GstMessage * wait (const std::function<bool (GstMessage *)> & pred,
      guint timeout_ms, bool errors_ok = false)
  {
    for (GstMessage * m : messages)
      if (pred (m))
        return m;
    gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
    for (;;) {
      gint64 left = deadline - g_get_monotonic_time ();
      if (left <= 0)
        return nullptr;
      GstMessage * m = gst_bus_timed_pop (bus_, left * GST_USECOND);
      if (m == nullptr)
        return nullptr;
      messages.push_back (m);
      if (pred (m))
        return m;
      if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR && !errors_ok) {
        g_autoptr (GError) err = nullptr;
        g_autofree gchar * dbg = nullptr;
        gst_message_parse_error (m, &err, &dbg);
        fail ("unexpected error from %s: %s (%s)", GST_MESSAGE_SRC_NAME (m),
            err->message, dbg ? dbg : "");
      }
    }
  }

  /* Pops whatever is queued without waiting. */
  void drain ()
  {
    while (GstMessage * m = gst_bus_pop (bus_))
      messages.push_back (m);
  }

  /* Structures of the element messages named @name posted by @from. */
  std::vector<const GstStructure *> element (GstElement * from,
      const char * name) const
  {
    std::vector<const GstStructure *> out;
    for (GstMessage * m : messages)
      if (is_element (m, from, name))
        out.push_back (gst_message_get_structure (m));
    return out;
  }

  /* Index in messages of the first message satisfying @pred, or -1. */
  gssize index_of (const std::function<bool (GstMessage *)> & pred) const
  {
    for (gsize i = 0; i < messages.size (); i++)
      if (pred (messages[i]))
        return (gssize) i;
    return -1;
  }

  static bool is_element (GstMessage * m, GstElement * from, const char * name)
  {
    return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT &&
        GST_MESSAGE_SRC (m) == GST_OBJECT (from) &&
        gst_message_has_name (m, name);
  }

  std::vector<GstMessage *> messages;

private:
  GstBus * bus_;
};

/* Predicates for BusLog::wait. */
static inline std::function<bool (GstMessage *)>
is_type (GstMessageType type)
{
  return [type] (GstMessage * m) { return GST_MESSAGE_TYPE (m) == type; };
}

static inline std::function<bool (GstMessage *)>
is_element_msg (GstElement * from, const char * name,
    const char * string_field = nullptr, const char * value = nullptr)
{
  std::string n (name), f (string_field ? string_field : ""),
      v (value ? value : "");
  return [from, n, f, v] (GstMessage * m) {
    if (!BusLog::is_element (m, from, n.c_str ()))
      return false;
    if (f.empty ())
      return true;
    const char * got =
        gst_structure_get_string (gst_message_get_structure (m), f.c_str ());
    return got != nullptr && v == got;
  };
}

/* ---- what reaches a sink ------------------------------------------------- */

struct RecBuffer
{
  GstBuffer * buffer;
  GstClockTime running_time; /* of its PTS, in the segment it came in */
  /* The pipeline clock's running time when it reached the sink pad
   * (GST_CLOCK_TIME_NONE without a clock, e.g. before PLAYING). */
  GstClockTime arrival = GST_CLOCK_TIME_NONE;
};

/* A GAP event that reached a sink pad, in running time. */
/* The running time of @element's clock now; GST_CLOCK_TIME_NONE unless
 * it is PLAYING. */
static inline GstClockTime
clock_running_time (GstElement * element)
{
  if (GST_STATE (element) != GST_STATE_PLAYING)
    return GST_CLOCK_TIME_NONE;
  GstClock * clock = gst_element_get_clock (element);
  if (clock == nullptr)
    return GST_CLOCK_TIME_NONE;
  GstClockTime now = gst_clock_get_time (clock);
  GstClockTime base = gst_element_get_base_time (element);
  gst_object_unref (clock);
  return now > base ? now - base : 0;
}

struct RecGap
{
  GstClockTime running_time;
  GstClockTime duration; /* GST_CLOCK_TIME_NONE when it had none */
  GstClockTime arrival;  /* clock running time when it reached the
                                 * sink; NONE before PLAYING */
};

/* Records buffers and events reaching the sink pad of a sink element, from
 * the streaming thread; read it after EOS or after stopping the pipeline
 * (or under lock). */
class PadLog
{
public:
  PadLog () { gst_segment_init (&segment, GST_FORMAT_UNDEFINED); }

  ~PadLog ()
  {
    for (RecBuffer & b : buffers)
      gst_buffer_unref (b.buffer);
    if (sink)
      gst_object_unref (sink);
    if (caps)
      gst_caps_unref (caps);
  }

  void attach (GstElement * sink)
  {
    GstPad * pad = gst_element_get_static_pad (sink, "sink");
    fail_unless (pad != nullptr);
    this->sink = GST_ELEMENT (gst_object_ref (sink));
    gst_pad_add_probe (pad,
        (GstPadProbeType) (GST_PAD_PROBE_TYPE_BUFFER |
            GST_PAD_PROBE_TYPE_BUFFER_LIST |
            GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
            GST_PAD_PROBE_TYPE_EVENT_FLUSH),
        probe, this, nullptr);
    gst_object_unref (pad);
  }

  /* Concatenated bytes of all buffers. */
  std::vector<guint8> bytes ()
  {
    std::lock_guard<std::mutex> g (lock);
    std::vector<guint8> out;
    for (RecBuffer & b : buffers) {
      GstMapInfo map;
      fail_unless (gst_buffer_map (b.buffer, &map, GST_MAP_READ));
      out.insert (out.end (), map.data, map.data + map.size);
      gst_buffer_unmap (b.buffer, &map);
    }
    return out;
  }

  bool saw_eos ()
  {
    std::lock_guard<std::mutex> g (lock);
    return eos;
  }

  std::mutex lock;
  std::vector<RecBuffer> buffers;
  std::vector<RecGap> gaps;
  /* "buffer", "eos", "gap", "segment", "caps", "flush-start"… in order */
  std::vector<std::string> sequence;
  GstSegment segment;
  GstCaps * caps = nullptr;
  bool eos = false;

private:
  GstElement * sink = nullptr;

  /* The pipeline clock's running time now, as the sink sees it. */
  GstClockTime clock_running_time () const
  {
    return sink ? rtb::clock_running_time (sink) : GST_CLOCK_TIME_NONE;
  }

  void add (GstBuffer * b)
  {
    GstClockTime rt = GST_CLOCK_TIME_NONE;
    if (segment.format == GST_FORMAT_TIME && GST_BUFFER_PTS_IS_VALID (b))
      rt = gst_segment_to_running_time (&segment, GST_FORMAT_TIME,
          GST_BUFFER_PTS (b));
    buffers.push_back ({gst_buffer_ref (b), rt, clock_running_time ()});
    sequence.push_back ("buffer");
  }

  static GstPadProbeReturn probe (GstPad *, GstPadProbeInfo * info,
      gpointer data)
  {
    auto * self = static_cast<PadLog *> (data);
    std::lock_guard<std::mutex> g (self->lock);
    if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
      self->add (GST_PAD_PROBE_INFO_BUFFER (info));
    } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
      GstBufferList * list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);
      for (guint i = 0; i < gst_buffer_list_length (list); i++)
        self->add (gst_buffer_list_get (list, i));
    } else if (GstEvent * e = GST_PAD_PROBE_INFO_EVENT (info)) {
      self->sequence.push_back (GST_EVENT_TYPE_NAME (e));
      switch (GST_EVENT_TYPE (e)) {
        case GST_EVENT_SEGMENT:
          gst_event_copy_segment (e, &self->segment);
          break;
        case GST_EVENT_CAPS: {
          GstCaps * c;
          gst_event_parse_caps (e, &c);
          gst_caps_replace (&self->caps, c);
          break;
        }
        case GST_EVENT_EOS:
          self->eos = true;
          break;
        case GST_EVENT_GAP: {
          GstClockTime ts, duration;
          gst_event_parse_gap (e, &ts, &duration);
          GstClockTime rt = self->segment.format == GST_FORMAT_TIME
              ? gst_segment_to_running_time (&self->segment, GST_FORMAT_TIME,
                    ts)
              : GST_CLOCK_TIME_NONE;
          self->gaps.push_back ({rt, duration, self->clock_running_time ()});
          break;
        }
        default:
          break;
      }
    }
    return GST_PAD_PROBE_OK;
  }
};

/* ---- a pipeline around realtimebin --------------------------------------- */

/* gst-launch text for a pipeline with realtimebin named "rt":
 * @input feeds rt.sink_audio ("appsrc name=src" is driven by Run::push);
 * @rt_props are realtimebin's properties (url and api-key come first);
 * @audio_caps: src_audio goes through a capsfilter with these caps to a
 * fakesink "asink" (nullptr: src_audio stays unlinked); @link_text: src_text
 * goes to a fakesink "tsink". */
static inline std::string
pipeline_text (Simulator & sim, const std::string & input,
    const std::string & rt_props = "",
    const char * audio_caps =
        "audio/x-raw,format=S16LE,rate=24000,channels=1,layout=interleaved",
    bool link_text = true)
{
  std::string p;
  if (!input.empty ())
    p += input + " ! ";
  p += "realtimebin name=rt url=" + sim.url () + " api-key=" + kTestKey + " " +
      rt_props;
  if (audio_caps)
    p += std::string (" rt.src_audio ! capsfilter caps=\"") + audio_caps +
        "\" ! fakesink name=asink sync=false async=false";
  if (link_text)
    p += " rt.src_text ! fakesink name=tsink sync=false async=false";
  return p;
}

class Run
{
public:
  explicit Run (const std::string & launch)
  {
    g_autoptr (GError) error = nullptr;
    pipeline = gst_parse_launch_full (launch.c_str (), nullptr,
        GST_PARSE_FLAG_FATAL_ERRORS, &error);
    fail_unless (pipeline != nullptr, "cannot build '%s': %s", launch.c_str (),
        error ? error->message : "");
    if (!GST_IS_PIPELINE (pipeline)) {
      /* A single element comes back bare. */
      GstElement * p = gst_pipeline_new (nullptr);
      gst_bin_add (GST_BIN (p), pipeline);
      pipeline = p;
    }
    bin = gst_bin_get_by_name (GST_BIN (pipeline), "rt");
    fail_unless (bin != nullptr);
    src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
    if (src)
      g_object_set (src, "format", GST_FORMAT_TIME, "is-live", FALSE,
          "max-bytes", (guint64) 0, nullptr);
    if (GstElement * s = gst_bin_get_by_name (GST_BIN (pipeline), "asink")) {
      audio.attach (s);
      gst_object_unref (s);
    }
    if (GstElement * s = gst_bin_get_by_name (GST_BIN (pipeline), "tsink")) {
      text.attach (s);
      gst_object_unref (s);
    }
    bus = std::make_unique<BusLog> (pipeline);
  }

  ~Run ()
  {
    stop ();
    bus.reset ();
    if (src)
      gst_object_unref (src);
    gst_object_unref (bin);
    gst_object_unref (pipeline);
  }

  void set_input_caps (const char * caps_text)
  {
    fail_unless (src != nullptr);
    GstCaps * caps = gst_caps_from_string (caps_text);
    g_object_set (src, "caps", caps, nullptr);
    gst_caps_unref (caps);
  }

  /* PLAYING; a failure fails the test with the bus error. */
  void play ()
  {
    GstStateChangeReturn r =
        gst_element_set_state (pipeline, GST_STATE_PLAYING);
    if (r == GST_STATE_CHANGE_FAILURE) {
      bus->drain ();
      std::string why;
      for (GstMessage * m : bus->messages)
        if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
          g_autoptr (GError) err = nullptr;
          gst_message_parse_error (m, &err, nullptr);
          why += err->message;
        }
      fail ("PLAYING failed: %s", why.c_str ());
    }
  }

  void stop ()
  {
    if (pipeline)
      fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL) ==
          GST_STATE_CHANGE_SUCCESS);
  }

  /* Pushes @pcm (S16LE mono 24 kHz) from @pts in buffers of @chunk samples
   * through appsrc "src". Returns the PTS after the last sample. */
  GstClockTime push (const Pcm & pcm, GstClockTime pts, gsize chunk = 480)
  {
    fail_unless (src != nullptr);
    guint64 first = gst_util_uint64_scale_round (pts, 24000, GST_SECOND);
    for (gsize i = 0; i < pcm.size (); i += chunk) {
      gsize n = MIN (chunk, pcm.size () - i);
      GstBuffer * b = gst_buffer_new_memdup (pcm.data () + i, n * 2);
      /* PTS from sample counts, so nothing drifts. */
      GstClockTime t0 =
          gst_util_uint64_scale_int (first + i, GST_SECOND, 24000);
      GstClockTime t1 =
          gst_util_uint64_scale_int (first + i + n, GST_SECOND, 24000);
      GST_BUFFER_PTS (b) = t0;
      GST_BUFFER_DURATION (b) = t1 - t0;
      GstFlowReturn ret = GST_FLOW_OK;
      g_signal_emit_by_name (src, "push-buffer", b, &ret);
      gst_buffer_unref (b);
      fail_unless_equals_int (ret, GST_FLOW_OK);
    }
    return gst_util_uint64_scale_int (first + pcm.size (), GST_SECOND, 24000);
  }

  void end_of_stream ()
  {
    GstFlowReturn ret = GST_FLOW_OK;
    g_signal_emit_by_name (src, "end-of-stream", &ret);
    fail_unless_equals_int (ret, GST_FLOW_OK);
  }

  /* Waits for the pipeline's EOS message; fails on an error or timeout. */
  void wait_eos (guint timeout_ms = 10000)
  {
    fail_unless (bus->wait (is_type (GST_MESSAGE_EOS), timeout_ms) != nullptr,
        "no EOS within %u ms", timeout_ms);
  }

  void wait_connected (guint timeout_ms = 5000)
  {
    fail_unless (bus->wait (is_element_msg (bin, "realtime-session", "state",
                                "connected"),
                     timeout_ms) != nullptr,
        "realtimebin did not post realtime-session state=connected within "
        "%u ms",
        timeout_ms);
  }

  std::vector<const GstStructure *> messages (const char * name) const
  {
    return bus->element (bin, name);
  }

  GstElement * pipeline = nullptr;
  GstElement * bin = nullptr;
  GstElement * src = nullptr;
  PadLog audio, text;
  std::unique_ptr<BusLog> bus;
};

/* ---- test signals --------------------------------------------------------- */

/* A stretch of sound in a test input, in ms of the input. */
struct Span
{
  gint64 start_ms, end_ms;
  double frequency = 0; /* 0: "speech-like" (two partials, noise, syllable
                           * modulation); else a plain sine */
  double amplitude = 0.3;
};

/* @total_ms of interleaved audio at @rate with @channels, silent except in
 * @spans; channel c is scaled by @gains[c]. Values in [-1, 1]. Sample-exact
 * span edges: the sound starts at sample start_ms * rate / 1000. */
static inline std::vector<double>
render_signal (guint rate, guint channels, gint64 total_ms,
    const std::vector<Span> & spans, const std::vector<double> & gains = {})
{
  gsize frames = (gsize) (total_ms * rate / 1000);
  std::vector<double> out (frames * channels, 0.0);
  guint32 noise = 12345;
  for (const Span & s : spans) {
    gsize a = (gsize) (s.start_ms * rate / 1000);
    gsize b = MIN ((gsize) (s.end_ms * rate / 1000), frames);
    for (gsize i = a; i < b; i++) {
      double t = (double) (i - a) / rate;
      double v;
      if (s.frequency > 0) {
        v = std::sin (2 * G_PI * s.frequency * t);
      } else {
        noise = noise * 1664525u + 1013904223u;
        double n = ((double) (noise >> 8) / (double) (1 << 24)) * 2 - 1;
        v = (0.6 * std::sin (2 * G_PI * 180 * t) +
                0.3 * std::sin (2 * G_PI * 540 * t) + 0.1 * n) *
            (0.75 + 0.25 * std::sin (2 * G_PI * 4 * t));
      }
      for (guint c = 0; c < channels; c++)
        out[i * channels + c] =
            s.amplitude * v * (c < gains.size () ? gains[c] : 1.0);
    }
  }
  return out;
}

/* As build_wav() rounds 16-bit samples. */
static inline Pcm
to_s16 (const std::vector<double> & v)
{
  Pcm out (v.size ());
  for (gsize i = 0; i < v.size (); i++)
    out[i] = (gint16) CLAMP (std::llrint (v[i] * 32768.0), -32768, 32767);
  return out;
}

/* A folder for a test's files, removed (with its files) by the destructor. */
class TempDir
{
public:
  TempDir ()
  {
    gchar * dir = g_dir_make_tmp ("realtimebin-XXXXXX", nullptr);
    fail_unless (dir != nullptr);
    path = dir;
    g_free (dir);
  }
  ~TempDir ()
  {
    for (const std::string & f : files_)
      g_unlink (f.c_str ());
    g_rmdir (path.c_str ());
  }
  std::string file (const char * name)
  {
    files_.push_back (path + "/" + name);
    return files_.back ();
  }
  std::string path;

private:
  std::vector<std::string> files_;
};

/* ---- checks on src_audio ------------------------------------------------- */

/* The buffers of one response on src_audio: a run that starts with a
 * DISCONT buffer. */
struct AudioRun
{
  std::vector<RecBuffer> buffers;
  guint64 samples = 0;
};

/* Splits src_audio buffers at DISCONT flags. The first buffer must be
 * DISCONT (docs/realtimebin.md, "Timing"). */
static inline std::vector<AudioRun>
split_at_discont (PadLog & log, guint bytes_per_frame = 2)
{
  std::lock_guard<std::mutex> g (log.lock);
  std::vector<AudioRun> runs;
  for (const RecBuffer & b : log.buffers) {
    if (runs.empty ())
      fail_unless (GST_BUFFER_IS_DISCONT (b.buffer),
          "the first buffer of a response is not DISCONT");
    if (GST_BUFFER_IS_DISCONT (b.buffer))
      runs.emplace_back ();
    runs.back ().buffers.push_back (b);
    runs.back ().samples += gst_buffer_get_size (b.buffer) / bytes_per_frame;
  }
  return runs;
}

/* Sample-accurate, contiguous timestamps within a run (docs/realtimebin.md,
 * "Timing"): PTS = first PTS + samples * GST_SECOND / rate (1 ns of rounding
 * allowed), duration up to the next sample-exact PTS, offsets counting
 * samples. */
static inline void
check_run_timestamps (const AudioRun & run, guint rate, guint bytes_per_frame)
{
  fail_unless (!run.buffers.empty ());
  GstBuffer * first = run.buffers[0].buffer;
  fail_unless (GST_BUFFER_PTS_IS_VALID (first), "no PTS");
  GstClockTime pts0 = GST_BUFFER_PTS (first);
  guint64 off0 = GST_BUFFER_OFFSET (first);
  fail_unless (off0 != GST_BUFFER_OFFSET_NONE, "no offset on src_audio");
  guint64 samples = 0;
  for (gsize i = 0; i < run.buffers.size (); i++) {
    GstBuffer * b = run.buffers[i].buffer;
    guint64 n = gst_buffer_get_size (b) / bytes_per_frame;
    fail_unless (gst_buffer_get_size (b) % bytes_per_frame == 0);
    fail_unless (n > 0, "empty buffer %" G_GSIZE_FORMAT, i);
    if (i > 0)
      fail_if (GST_BUFFER_IS_DISCONT (b));
    GstClockTime want =
        pts0 + gst_util_uint64_scale_int (samples, GST_SECOND, rate);
    GstClockTime want_end =
        pts0 + gst_util_uint64_scale_int (samples + n, GST_SECOND, rate);
    fail_unless (GST_BUFFER_PTS_IS_VALID (b));
    fail_unless (GST_BUFFER_DURATION_IS_VALID (b), "no duration");
    gint64 pts_err = (gint64) GST_BUFFER_PTS (b) - (gint64) want;
    gint64 dur_err =
        (gint64) GST_BUFFER_DURATION (b) - (gint64) (want_end - want);
    fail_unless (ABS (pts_err) <= 1,
        "buffer %" G_GSIZE_FORMAT " PTS %" GST_TIME_FORMAT
        " is not %" GST_TIME_FORMAT " (%" G_GUINT64_FORMAT
        " samples after the first)",
        i, GST_TIME_ARGS (GST_BUFFER_PTS (b)), GST_TIME_ARGS (want), samples);
    fail_unless (ABS (dur_err) <= 1,
        "buffer %" G_GSIZE_FORMAT " duration %" GST_TIME_FORMAT
        " for %" G_GUINT64_FORMAT " samples",
        i, GST_TIME_ARGS (GST_BUFFER_DURATION (b)), n);
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (b), off0 + samples);
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET_END (b), off0 + samples + n);
    samples += n;
  }
}

static inline Pcm
pcm_of_run (const AudioRun & run)
{
  Pcm out;
  for (const RecBuffer & b : run.buffers) {
    GstMapInfo map;
    fail_unless (gst_buffer_map (b.buffer, &map, GST_MAP_READ));
    const gint16 * s = (const gint16 *) map.data;
    out.insert (out.end (), s, s + map.size / 2);
    gst_buffer_unmap (b.buffer, &map);
  }
  return out;
}

/* Index of the first differing sample, or -1. */
static inline gssize
first_difference (const Pcm & a, const Pcm & b)
{
  gsize n = MIN (a.size (), b.size ());
  for (gsize i = 0; i < n; i++)
    if (a[i] != b[i])
      return (gssize) i;
  return a.size () == b.size () ? -1 : (gssize) n;
}

/* Text of a src_text buffer. */
static inline std::string
buffer_text (GstBuffer * b)
{
  GstMapInfo map;
  fail_unless (gst_buffer_map (b, &map, GST_MAP_READ));
  std::string s ((const char *) map.data, map.size);
  gst_buffer_unmap (b, &map);
  return s;
}

/* WARNING messages posted so far (after draining), as text. */
static inline std::vector<std::string>
warnings (Run & run)
{
  run.bus->drain ();
  std::vector<std::string> out;
  for (GstMessage * m : run.bus->messages)
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING) {
      g_autoptr (GError) err = nullptr;
      g_autofree gchar * dbg = nullptr;
      gst_message_parse_warning (m, &err, &dbg);
      out.push_back (
          std::string (err->message) + " (" + (dbg ? dbg : "") + ")");
    }
  return out;
}

/* Plays @run (appsrc "src", turn-detection=none) through one spoken turn
 * (a 0.7 s burst in 1 s of S16LE 24 kHz mono, committed at EOS) and checks
 * that exactly one response completed before EOS. */
static inline void
push_to_talk_turn (Run & run)
{
  run.set_input_caps (kS16Mono24kCaps);
  run.play ();
  run.push (to_s16 (render_signal (24000, 1, 1000, {{100, 800}})), 0);
  run.end_of_stream ();
  run.wait_eos ();
  gsize done = 0;
  for (const GstStructure * s : run.messages ("realtime-response"))
    done += str_field (s, "event") == "done" &&
        str_field (s, "status") == "completed";
  fail_unless_equals_int (done, 1);
}

/* A guint64 counter of realtimebin's `stats` property. */
static inline guint64
stats_field (GstElement * bin, const char * name)
{
  GstStructure * s = nullptr;
  g_object_get (bin, "stats", &s, nullptr);
  fail_unless (s != nullptr);
  guint64 v = u64_field (s, name);
  gst_structure_free (s);
  return v;
}

/* Fails when |@got - @want| > @tolerance_ms, saying what. */
static inline void
check_time_near (GstClockTime got, double want_ms, double tolerance_ms,
    const char * what)
{
  fail_unless (GST_CLOCK_TIME_IS_VALID (got), "%s: no time", what);
  double diff = ns_to_ms (got) - want_ms;
  fail_unless (std::fabs (diff) <= tolerance_ms,
      "%s is %.3f ms, expected "
      "%.3f ms (± %.1f ms)",
      what, ns_to_ms (got), want_ms, tolerance_ms);
}

} // namespace rtb
