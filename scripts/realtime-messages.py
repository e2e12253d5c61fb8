#!/usr/bin/python3
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

"""Prints realtimebin's bus messages in readable form.

Reads the output of `gst-launch-1.0 -m ...` (stdout and stderr) on stdin and
prints one line per realtimebin message that matters to a person: session
state, voice activity, final transcripts, responses with their usage,
function calls, interruptions, rate limits, and GStreamer errors and
warnings. Everything else is dropped.

    gst-launch-1.0 -m ... realtimebin ... 2>&1 | scripts/realtime-messages.py

Times in brackets are running time in seconds: when the server heard speech
start or stop, and where an assistant transcript's audio starts.
"""

import os
import sys

# Parsing structures needs GStreamer's type system, not its plugins.
os.environ.setdefault("GST_REGISTRY_DISABLE", "yes")

import gi  # noqa: E402

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

CLOCK_TIME_NONE = 2**64 - 1
NO_TIME = " " * 11
ELEMENT_MESSAGE = "(element): "


def stamp(ns):
    """`[  1.52 s] ` for a GstClockTime, blanks when there is none."""
    if not isinstance(ns, int) or ns == CLOCK_TIME_NONE:
        return NO_TIME
    return "[%6.2f s] " % (ns / 1e9)


def fields(s):
    return {s.nth_field_name(i): s.get_value(s.nth_field_name(i))
            for i in range(s.n_fields())}


def plain(value):
    """A field value as a person would write it."""
    if isinstance(value, Gst.Structure):
        inner = ", ".join("%s %s" % (k, plain(v))
                          for k, v in fields(value).items())
        return "(" + inner + ")"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "%d" % value if value.is_integer() else "%g" % value
    return str(value)


def extra(f, known):
    """Fields this formatter does not know, so nothing is hidden."""
    return ["%s %s" % (k, plain(v)) for k, v in f.items() if k not in known]


def tokens(total, kind, parts):
    """`31 input tokens (31 audio)`: the parts that are not zero."""
    shown = ", ".join("%d %s" % (n, what) for what, n in parts if n)
    return "%d %s tokens%s" % (total, kind, " (" + shown + ")" if shown else "")


def session(f):
    state, sid, reason = f.get("state", "?"), f.get("session-id", ""), \
        f.get("reason", "")
    details = [x for x in (sid if state == "connected" else "", reason) if x]
    return "session %s%s" % (state,
                             ": " + ", ".join(details) if details else "")


def vad(f):
    event = f.get("event", "?")
    what = {"speech-started": "user started speaking",
            "speech-stopped": "user stopped speaking",
            "timeout": "no speech before the idle timeout"}.get(
        event, "voice activity: " + event)
    return stamp(f.get("running-time")) + what


RESPONSE_DONE_KNOWN = {
    "event", "response-id", "status", "reason", "input-tokens",
    "output-tokens", "input-audio-tokens", "input-text-tokens",
    "input-cached-tokens", "output-audio-tokens", "output-text-tokens",
    "first-audio-latency", "estimated-cost-usd",
}


def response(f):
    event, status, reason = f.get("event", "?"), f.get("status", ""), \
        f.get("reason", "")
    if event != "done":
        return NO_TIME + "response %s" % event
    parts = [status + (" (" + reason + ")" if reason else "")]
    if "input-tokens" in f:
        parts.append(tokens(f["input-tokens"], "input", [
            ("audio", f.get("input-audio-tokens", 0)),
            ("text", f.get("input-text-tokens", 0)),
            ("cached", f.get("input-cached-tokens", 0))]))
    if "output-tokens" in f:
        parts.append(tokens(f["output-tokens"], "output", [
            ("audio", f.get("output-audio-tokens", 0)),
            ("text", f.get("output-text-tokens", 0))]))
    latency = f.get("first-audio-latency")
    if isinstance(latency, int) and latency != CLOCK_TIME_NONE:
        parts.append("first audio after %d ms" % round(latency / 1e6))
    cost = f.get("estimated-cost-usd")
    if isinstance(cost, (int, float)):
        parts.append("estimated cost $%.4f" % cost)
    parts += extra(f, RESPONSE_DONE_KNOWN)
    return NO_TIME + "response done: " + ", ".join(parts)


def transcript(f):
    if not f.get("final", False):
        return None   # deltas: the final transcript repeats them whole
    role = f.get("role", "?")
    when = stamp(f.get("running-time")) if role == "assistant" else NO_TIME
    return when + '%s: "%s"' % (role, f.get("text", ""))


def function_call(f):
    return NO_TIME + "function call: %s(%s), call %s" % (
        f.get("name", "?"), f.get("arguments", ""), f.get("call-id", "?"))


def interrupted(f):
    return NO_TIME + "interrupted: %s ms of %s heard, %s" % (
        f.get("played-ms", "?"), f.get("item-id", "?"), f.get("action", "?"))


def rate_limits(f):
    limits = []
    for name, value in f.items():
        if isinstance(value, Gst.Structure):
            v = fields(value)
            limits.append("%s %s of %s left" % (
                name, plain(v.get("remaining", "?")),
                plain(v.get("limit", "?"))))
        else:
            limits.append("%s %s" % (name, plain(value)))
    return NO_TIME + "rate limits: " + ", ".join(limits)


FORMATTERS = {
    "realtime-session": lambda f: NO_TIME + session(f),
    "realtime-vad": vad,
    "realtime-transcript": transcript,
    "realtime-response": response,
    "realtime-function-call": function_call,
    "realtime-interrupted": interrupted,
    "realtime-rate-limits": rate_limits,
}


def element_message(text):
    """The line for one element message, or None to drop it."""
    try:
        parsed = Gst.Structure.from_string(text)
    except TypeError:
        return None
    s = parsed[0] if isinstance(parsed, tuple) else parsed
    if s is None or not s.get_name().startswith("realtime-"):
        return None
    f = fields(s)
    formatter = FORMATTERS.get(s.get_name())
    if formatter is None:
        return NO_TIME + "%s: %s" % (s.get_name(), ", ".join(extra(f, ())))
    return formatter(f)


def main():
    Gst.init(None)
    # After an ERROR/WARNING line gst-launch-1.0 prints "Additional debug
    # info:" and one line of details.
    state = None
    for line in sys.stdin:
        line = line.rstrip("\n")
        out = None
        at = line.find(ELEMENT_MESSAGE)
        if state == "details" and not line.startswith("Got message #"):
            out, state = NO_TIME + "  " + line.strip(), None
        elif state == "error" and line == "Additional debug info:":
            state = "details"
        elif line.startswith("Got message #") and at >= 0:
            out = element_message(line[at + len(ELEMENT_MESSAGE):])
        elif line.startswith(("ERROR: ", "WARNING: ")):
            kind, _, text = line.partition(": ")
            # "from element /GstPipeline:pipeline0/GstRealtimeBin:rt: text"
            if text.startswith("from element "):
                text = text.split(": ", 1)[-1]
            out, state = NO_TIME + "%s: %s" % (kind.lower(), text), "error"
        else:
            state = None
        if out is not None:
            print(out, flush=True)


if __name__ == "__main__":
    main()
