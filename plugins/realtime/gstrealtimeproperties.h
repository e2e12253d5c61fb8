/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gstrealtimeenums.h"

#include <gst/gst.h>
#include <gst/realtime/session-settings.h>

#include <memory>
#include <mutex>
#include <string>

/* The properties of the realtime elements, generated from the rows of
 * gstrealtimeproperties.def: an element installs the groups it has, keeps
 * a GstRealtimeSettings, and forwards get_property and set_property here. */

/* Groups of rows, for an element to install by name. All but CONVERSATION
 * fit any element that talks to the service (realtimebin, a transcriber). */
enum GstRealtimePropertyGroup : guint {
  GST_REALTIME_PROPERTY_GROUP_CONNECTION = 1 << 0,
  GST_REALTIME_PROPERTY_GROUP_RELIABILITY = 1 << 1,
  GST_REALTIME_PROPERTY_GROUP_INPUT = 1 << 2,
  GST_REALTIME_PROPERTY_GROUP_VAD = 1 << 3,
  GST_REALTIME_PROPERTY_GROUP_TRANSCRIPTION = 1 << 4,
  GST_REALTIME_PROPERTY_GROUP_CONVERSATION = 1 << 5,
  GST_REALTIME_PROPERTY_GROUP_ALL = (1 << 6) - 1,
};

/* One id per row, in the table's order (the order gst-inspect shows). */
enum GstRealtimePropertyId : guint {
  GST_REALTIME_PROP_0,
#define REALTIME_PROPERTY(id, ...) GST_REALTIME_PROP_##id,
#define REALTIME_STATUS(id, ...) GST_REALTIME_PROP_##id,
#include "gstrealtimeproperties.def"
#undef REALTIME_PROPERTY
#undef REALTIME_STATUS
  GST_REALTIME_PROP_COUNT
};

/* What a change does while the element's engine runs (a row's APPLY). */
enum class GstRealtimeApply {
  NONE, /* not stored (a refused value) */
  /* Nothing now; the next READY->PAUSED uses it (reconnects within a run
   * keep the value they started with). */
  NEXT_START,
  SESSION_UPDATE, /* the session settings go out as session.update */
  TEXT_ROLES,     /* the engine setters, one per kind of change */
  PRICES,
  INPUT_CHUNK,
  EOS_TIMEOUT,
  LATENCY,
};

/* The api-key property: never logged, never readable. */
struct GstRealtimeApiKey
{
  std::string value;
  bool set_on_element = false; /* not from OPENAI_API_KEY */
};

/* The `prices` property: USD per million tokens over the published
 * prices (NULL: none set). */
struct GstRealtimePrices
{
  std::shared_ptr<const GstStructure> structure;
  /* A refused value set while no bus could take the warning (e.g. on a
   * launch line), for the element to warn about when it starts. */
  std::string problem;
};

/* What the properties set, one field per row; copied under @lock when an
 * element starts its engine. A new value starts at its row's DEFAULT
 * (api_key at OPENAI_API_KEY). */
struct GstRealtimeSettings
{
  GstRealtimeSettings ();

  std::mutex lock;
  std::string url;
  std::string model;
  GstRealtimeApiKey api_key;
  std::string ca_file;
  std::string client_secret_url;
  GstRealtimeAuth auth;
  realtime::SessionSettings session;
  guint text_roles; /* GstRealtimeTextRoles */
  guint latency_ms;
  guint input_chunk_ms;
  guint eos_timeout_ms;
  guint reconnect_attempts;
  guint reconnect_initial_delay_ms;
  guint reconnect_max_delay_ms;
  guint stall_timeout_ms;
  guint input_backlog_ms;
  guint replay_turns;
  bool interrupt_flush;
  guint rollover_margin_s;
  guint max_incoming_payload;
  GstRealtimePrices prices;
};

/* class_init: installs the rows of @groups (GstRealtimePropertyGroup) and
 * marks their enum types as plugin API. */
void gst_realtime_properties_install (GObjectClass * klass, guint groups);

/* set_property: stores @value for @prop_id in @settings, under its lock;
 * returns how to apply it to a running engine. A `prices` value that is not
 * a valid realtime-prices structure is refused with a warning posted by
 * @element (GstRealtimeApply::NONE); called without locks, since that
 * warning may reach a synchronous bus handler. */
GstRealtimeApply gst_realtime_properties_set (GstElement * element,
    GstRealtimeSettings & settings, guint prop_id, const GValue * value);

/* get_property: reads @prop_id from @settings, under its lock. FALSE for a
 * REALTIME_STATUS row or an id not in the table: the element answers. */
gboolean gst_realtime_properties_get (GstRealtimeSettings & settings,
    guint prop_id, GValue * value);
