/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/realtime/json-util.h>

#include <string_view>

namespace realtime::sim {

/* Parses @text as exactly one RFC 8259 JSON value, accepting what
 * JavaScript's JSON.parse() accepts: the conformance schemas are checked
 * with ajv under node, so this is the parser their verdicts assume.
 * json-glib's own parser is more lenient (comments, 'single quotes', leading
 * zeros, raw control characters in strings, a byte order mark) and wraps
 * integers that overflow gint64, which would change verdicts.
 *
 * Numbers: an integer literal that fits gint64 becomes a G_TYPE_INT64 node,
 * every other number a G_TYPE_DOUBLE node, rounded as JavaScript rounds it
 * (±inf when out of range). Duplicate members: the last one wins.
 *
 * Refused although JSON.parse() accepts them, because a JsonNode string is
 * NUL-terminated UTF-8: the escape \u0000 and unpaired surrogate escapes.
 * Also refused: nesting deeper than MAX_JSON_DEPTH (json-glib frees trees
 * recursively).
 *
 * On failure returns null and sets @error (REALTIME_PROTOCOL_ERROR_INVALID_JSON,
 * message ending in "at line L, column C"). */
inline constexpr int MAX_JSON_DEPTH = 512;

JsonNodePtr parse_strict_json (std::string_view text, GError ** error);

} // namespace realtime::sim
