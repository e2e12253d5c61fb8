/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/realtime/json-util.h>

#include <gio/gio.h>

#include <string>
#include <string_view>

namespace realtime::sim {

class JsonSchema;

/* The `error` object of the `error` event the service sends back for a client
 * event it refuses (docs/simulator.md, "Events"); the session stays usable. */
struct ClientEventError
{
  std::string type = "invalid_request_error";
  /* invalid_json               the frame is not JSON
   * invalid_event              JSON, but not an object with a string `type`
   * invalid_value              unknown event type, a value outside an enum,
   *                            range or length, a retired beta shape
   * unknown_parameter          a member the GA schema does not have
   * missing_required_parameter a required member is absent
   * invalid_type               a value of the wrong JSON type */
  std::string code;
  /* Service style: "Unknown parameter: 'session.temperature'." */
  std::string message;
  /* Dotted path of the offending field ("session.audio.input.format.rate",
   * "item.content[0].text"); empty when none (sent as null). */
  std::string param;
  /* The client's event_id when it could be read; empty: null. */
  std::string event_id;
};

/* Parses one client text frame (strict JSON, as JavaScript reads it) and
 * validates it against the embedded strict GA client schema with the
 * schema's exact verdict. Returns the parsed root object when valid;
 * otherwise null, with @error filled as the service would answer. */
JsonNodePtr validate_client_event (std::string_view text,
    ClientEventError & error);

/* The whole `error` server event for @error, compact JSON:
 * {"type":"error","event_id":@event_id,"error":{"type":…,"code":…,
 * "message":…,"param":…|null,"event_id":…|null}}. */
std::string build_client_event_error (const ClientEventError & error,
    std::string_view event_id);

/* The embedded realtime-client-events.strict.schema.json (a new reference),
 * byte for byte as in tests/conformance/. */
GBytes * client_event_schema_bytes ();

/* That schema, compiled on first use (thread-safe) and kept for the life
 * of the process. */
const JsonSchema & client_event_schema ();

} // namespace realtime::sim
