/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "server-events.h"

#include <optional>
#include <string_view>

namespace realtime {

/* The light parse path of response.output_audio.delta, most of the bytes a
 * session receives: reads the common form of that event without building a
 * JSON tree, so the base64 audio is looked at once (by the decoder) rather
 * than tokenized and UTF-8-checked first.
 *
 * Handles only a flat JSON object whose members are exactly type,
 * event_id, response_id, item_id, output_index, content_index and delta, in
 * any order, with `type` "response.output_audio.delta", strings of
 * printable ASCII without escapes, indices as plain JSON integers (no
 * fraction or exponent, at most 15 digits), valid base64 in `delta`, and
 * nothing but JSON whitespace around. The event is then the one
 * parse_server_event_tree() returns for the same text.
 *
 * Anything else, well-formed or not, returns nothing: "not handled here",
 * never an error; the full parser decides. */
std::optional<ServerEvent> scan_audio_delta (std::string_view text);

} // namespace realtime
