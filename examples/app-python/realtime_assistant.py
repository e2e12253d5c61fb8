#!/usr/bin/python3
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

"""A voice assistant built on realtimebin, in Python (PyGObject).

The same program as the C++ realtime-assistant: speak (or type lines) to the
model, it answers aloud and may call the tools get_time and disk_usage.
The API key is read from OPENAI_API_KEY. Ctrl-C ends the conversation after
the answer in progress; a second Ctrl-C quits at once. See docs/examples.md,
"A Python application", and --help.

Run it with Debian's Python, which has PyGObject and GStreamer's bindings
(python3-gst-1.0).
"""

import argparse
import os
import signal
import sys
import threading
from collections import deque
from dataclasses import dataclass

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gio, GLib, Gst  # noqa: E402

import assistant_tools as tools  # noqa: E402

# Posted by the input file's probe when the whole file was heard.
INPUT_FILE_HEARD = "realtime-assistant-input-file-heard"
# A line from another thread, printed in order with the bus messages.
PRINT = "realtime-assistant-print"

# The silence keeps the conversation open, as a quiet microphone would:
# realtimebin ends the conversation when its input ends. A WAV file is
# played first (concat), and clocksync makes it all real time. Not a mixer
# with a live silence: a loaded machine makes it drop the file's buffers as
# late, and the question is never heard.
SILENCE = "audiotestsrc wave=silence is-live=true"
FILE_THEN_SILENCE = ("filesrc name=input-file ! "
                     "wavparse name=input-file-parse ! "
                     "audioconvert name=input-file-end ! file-then-silence. "
                     "audiotestsrc wave=silence ! file-then-silence. "
                     "concat name=file-then-silence ! "
                     "audioconvert ! audioresample ! "
                     "audio/x-raw,rate=24000,channels=1 ! clocksync")


def say(line):
    print(line, flush=True)


def warn(line):
    print(line, file=sys.stderr, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="realtime_assistant.py",
        description="Talk with an OpenAI Realtime model. Speak (or type "
                    "lines) to the model; it answers aloud and may call the "
                    "tools get_time and disk_usage. The API key is read from "
                    "OPENAI_API_KEY. Ctrl-C ends the conversation after the "
                    "answer in progress; a second Ctrl-C quits at once.")
    parser.add_argument(
        "--url", help="Realtime endpoint (default: OpenAI's; "
                      "ws://127.0.0.1:PORT/v1/realtime for "
                      "gst-realtime-simulator)")
    parser.add_argument("--model", help="Realtime model (default: "
                                        "realtimebin's)")
    parser.add_argument("--instructions",
                        default="You are a helpful voice assistant. "
                                "Answer briefly.",
                        help="Instructions for the model")
    parser.add_argument("--tools", default="get_time,disk_usage",
                        help="Tools offered to the model, comma-separated: "
                             "get_time, disk_usage (default: both), or none")
    parser.add_argument("-i", "--input", default="auto",
                        metavar="auto|silence|FILE.wav",
                        help="What the assistant hears: auto (the "
                             "microphone, default), silence (type only), or "
                             "a WAV file, then silence")
    parser.add_argument("-o", "--output", default="auto",
                        metavar="auto|FILE.wav",
                        help="Where the assistant's speech goes: auto (the "
                             "speakers, default) or a WAV file")
    parser.add_argument("--text-output", metavar="FILE",
                        help="Also write the assistant's transcripts "
                             "(src_text) to FILE")
    parser.add_argument("--say", action="append", default=[], metavar="TEXT",
                        help="Send TEXT as if typed, once the conversation "
                             "is idle (after the input file, if any, was "
                             "answered); repeat for more lines, each sent "
                             "once the previous one was answered")
    parser.add_argument("--shutdown-timeout", type=int, default=30,
                        metavar="S",
                        help="On Ctrl-C, wait at most S seconds (0-3600) for "
                             "the last answer (default 30)")
    options = parser.parse_args(argv)

    names = [n.strip() for n in options.tools.split(",") if n.strip()]
    if options.tools == "none":
        names = []
    for name in names:
        if name not in tools.DECLARATIONS:
            parser.error(f'--tools: there is no tool called "{name}"; the '
                         f'tools are {" ".join(tools.DECLARATIONS)} (or none)')
    options.tools = names
    if not 0 <= options.shutdown_timeout <= 3600:
        parser.error("--shutdown-timeout must be 0 to 3600 seconds")
    return options


def build_pipeline(options):
    """The pipeline: input -> realtimebin -> speakers or a WAV file.
    Returns (pipeline, realtimebin, the input file's pad or None); raises
    ValueError with a message for the user."""
    file_input = options.input not in ("auto", "silence")
    if file_input and not os.path.isfile(options.input):
        raise ValueError(f'--input: "{options.input}" is not a file (give a '
                         f'WAV file, auto or silence)')

    if options.input == "auto":
        description = "autoaudiosrc"
    elif options.input == "silence":
        description = SILENCE
    else:
        description = FILE_THEN_SILENCE
    description += " ! realtimebin name=rt rt.src_audio ! audioconvert ! "
    if options.output == "auto":
        description += "audioresample ! autoaudiosink"
    else:
        description += "wavenc ! filesink name=output-file"
    if options.text_output:
        description += " rt.src_text ! filesink name=text-file"

    try:
        pipeline = Gst.parse_launch_full(description, None,
                                         Gst.ParseFlags.FATAL_ERRORS)
    except GLib.Error as e:
        message = f"could not build the pipeline: {e.message}"
        if e.matches(Gst.parse_error_quark(), Gst.ParseError.NO_SUCH_ELEMENT):
            message += (" (realtimebin needs the realtime plugin on "
                        "GST_PLUGIN_PATH: run from `meson devenv -C build`, "
                        "or install it)")
        raise ValueError(message) from None

    input_file_pad = None
    if file_input:
        pipeline.get_by_name("input-file").props.location = options.input
        input_file_pad = pipeline.get_by_name(
            "input-file-end").get_static_pad("src")
    if options.output != "auto":
        pipeline.get_by_name("output-file").props.location = options.output
    if options.text_output:
        pipeline.get_by_name("text-file").props.location = options.text_output

    rt = pipeline.get_by_name("rt")
    if options.url:
        rt.props.url = options.url
    if options.model:
        rt.props.model = options.model
    if options.tools:
        rt.props.tools = tools.tools_json(options.tools)
    rt.props.instructions = options.instructions
    rt.set_property("eos-timeout-ms", options.shutdown_timeout * 1000)
    return pipeline, rt, input_file_pad


def describe_message(s):
    """realtimebin's bus message `s` (a Gst.Structure) as a line a person
    reads, or None for those not printed (deltas, rate limits)."""
    name = s.get_name()
    if name == "realtime-session":
        line = f"session: {s.get_string('state')}"
        if s.get_string("state") == "connected":
            line += f" ({s.get_string('session-id')})"
        if s.get_string("reason"):
            line += f": {s.get_string('reason')}"
        return line
    if name == "realtime-vad":
        if s.get_string("event") == "timeout":
            return "vad: timeout"
        return f"vad: {s.get_string('event')} at {s.get_value('audio-ms')} ms"
    if name == "realtime-transcript":
        if s.get_value("final"):
            return f"{s.get_string('role')}: {s.get_string('text')}"
        return None
    if name == "realtime-response":
        if s.get_string("event") != "done":
            return f"response: {s.get_string('event')}"
        line = f"response: {s.get_string('status')}"
        if s.get_string("reason"):
            line += f" ({s.get_string('reason')})"
        line += (f", {s.get_value('input-tokens')} tokens in, "
                 f"{s.get_value('output-tokens')} out")
        if s.has_field("first-audio-latency"):
            latency = s.get_value("first-audio-latency")
            if latency != Gst.CLOCK_TIME_NONE:
                line += f", first audio after {latency // Gst.MSECOND} ms"
        return line
    if name == "realtime-function-call":
        return (f"the model calls {s.get_string('name')}"
                f"({s.get_string('arguments')})")
    if name == "realtime-interrupted":
        return (f"interrupted: the listener heard {s.get_value('played-ms')} "
                f"ms of {s.get_string('item-id')} ({s.get_string('action')})")
    return None


class TurnTracker:
    """Whether the conversation is idle: nobody speaking, no answer on its
    way. Scripted lines (--say) wait for that, so they do not cut into a
    turn."""

    def __init__(self):
        self.connected = False
        self.input_file_playing = False
        self.speech_open = False
        self.response_expected = False
        self.response_active = False
        self.slow_calls = 0

    def on_message(self, s):
        """Follows a realtime-* message from realtimebin."""
        name = s.get_name()
        if name == "realtime-session":
            self.connected = s.get_string("state") == "connected"
            # A new connection starts without a turn in progress;
            # realtimebin ends a response the old one cut with a done.
            if not self.connected:
                self.speech_open = self.response_expected = False
        elif name == "realtime-vad":
            if s.get_string("event") == "speech-started":
                self.speech_open = True
            elif s.get_string("event") == "speech-stopped":
                # the server's VAD commits the turn and answers it
                self.speech_open = False
                self.response_expected = True
        elif name == "realtime-response":
            self.response_active = s.get_string("event") == "started"
            if self.response_active:
                self.response_expected = False
        elif name == "realtime-function-call":
            # posted before its response's done: the answer to the
            # function's output follows
            self.response_expected = True

    def idle(self):
        return (self.connected and not self.input_file_playing
                and not self.speech_open and not self.response_expected
                and not self.response_active and self.slow_calls == 0)


class LineReader:
    """Calls `on_line` on the main loop for every non-empty line of stdin,
    until end of file, without blocking the loop."""

    def __init__(self, on_line):
        self.on_line = on_line
        self.cancellable = Gio.Cancellable()
        # poll() then read(): stdin stays a blocking descriptor, as the
        # shell that started us expects to find it.
        self.stream = Gio.DataInputStream.new(
            Gio.UnixInputStream.new(0, False))
        self._read_next()

    def close(self):
        self.cancellable.cancel()

    def _read_next(self):
        self.stream.read_line_async(GLib.PRIORITY_DEFAULT, self.cancellable,
                                    self._on_read)

    def _on_read(self, stream, result):
        try:
            line, _ = stream.read_line_finish(result)
        except GLib.Error as e:
            if not e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED):
                warn(f"warning: stopped reading stdin: {e.message}")
            return
        if line is None:
            return  # end of file: nothing more to type
        text = line.decode("utf-8", errors="replace").strip()
        if text:
            self.on_line(text)
        self._read_next()


@dataclass
class SlowCall:
    call_id: str
    name: str
    arguments: str
    output: str = ""


class Assistant:
    """One conversation through realtimebin, driven from a GLib main loop:
    bus messages, function calls, typed and scripted text, and a graceful
    end on Ctrl-C."""

    def __init__(self, options):
        self.options = options
        self.loop = GLib.MainLoop()
        self.turns = TurnTracker()
        self.say_queue = deque(options.say)
        self.cancel_slow_calls = threading.Event()
        self.shutting_down = False
        self.exit_status = 0
        self.pipeline = self.rt = None
        self.shutdown_timeout = None

    def run(self):
        """Holds the conversation until it ends; returns the exit status:
        0 after end of stream, 1 after an error, 130 after a second
        Ctrl-C."""
        try:
            self.pipeline, self.rt, input_file_pad = build_pipeline(
                self.options)
        except ValueError as e:
            warn(f"error: {e}")
            return 1

        self.rt.connect("function-call", self.on_function_call)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)
        if input_file_pad:
            self.turns.input_file_playing = True
            input_file_pad.add_probe(Gst.PadProbeType.EVENT_DOWNSTREAM,
                                     self.input_file_probe)
        signal_sources = [
            GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum,
                                 self.interrupt)
            for signum in (signal.SIGINT, signal.SIGTERM)]
        stdin = LineReader(self.on_typed_line)

        if self.pipeline.set_state(Gst.State.PLAYING) \
                == Gst.StateChangeReturn.FAILURE:
            message = bus.pop_filtered(Gst.MessageType.ERROR)
            if message:
                self.on_message(bus, message)
            else:
                warn("error: the pipeline did not start")
            self.exit_status = 1
        else:
            self.loop.run()

        self.cancel_slow_calls.set()
        stdin.close()
        for source in signal_sources:
            GLib.source_remove(source)
        self.pipeline.set_state(Gst.State.NULL)
        bus.remove_signal_watch()
        return self.exit_status

    def on_message(self, bus, message):
        if message.type == Gst.MessageType.ERROR:
            error, _ = message.parse_error()
            if message.src.get_name().startswith("input-file"):
                warn(f"error: reading --input {self.options.input}: "
                     f"{error.message}")
            else:
                warn(f"error: {error.message}")
            self.quit(1)
        elif message.type == Gst.MessageType.WARNING:
            warning, _ = message.parse_warning()
            warn(f"warning: {warning.message}")
        elif message.type == Gst.MessageType.EOS:
            say("end of stream")
            self.quit(0)
        elif message.type == Gst.MessageType.ELEMENT:
            s = message.get_structure()
            if message.src != self.rt or \
                    not s.get_name().startswith("realtime-"):
                return
            line = describe_message(s)
            if line is not None:
                say(line)
            self.turns.on_message(s)
            self.say_next_when_idle()
        elif message.type == Gst.MessageType.APPLICATION:
            if message.has_name(PRINT):
                say(message.get_structure().get_string("line"))
            elif message.has_name(INPUT_FILE_HEARD):
                say(f"input: end of {self.options.input}")
                self.turns.input_file_playing = False
                self.say_next_when_idle()

    def input_file_probe(self, pad, info):
        if info.get_event().type != Gst.EventType.EOS:
            return Gst.PadProbeReturn.OK
        # On the bus, so that it is handled in order with realtimebin's
        # messages, on the main loop.
        self.pipeline.post_message(Gst.Message.new_application(
            self.pipeline, Gst.Structure.new_empty(INPUT_FILE_HEARD)))
        return Gst.PadProbeReturn.REMOVE

    def print_in_bus_order(self, line):
        """Posted, not printed: the function's result then comes after the
        realtime-function-call line, which realtimebin posted before
        calling."""
        s = Gst.Structure.new_empty(PRINT)
        s.set_value("line", line)
        self.pipeline.post_message(Gst.Message.new_application(
            self.pipeline, s))

    def send_text(self, text):
        say(f"user (text): {text}")
        self.rt.emit("send-text", text)
        self.turns.response_expected = True

    def on_typed_line(self, text):
        if not self.shutting_down:
            self.send_text(text)

    def say_next_when_idle(self):
        if self.shutting_down or not self.say_queue or not self.turns.idle():
            return
        self.send_text(self.say_queue.popleft())

    def on_function_call(self, rt, call_id, name, arguments):
        """Runs on realtimebin's I/O thread, shared by every realtimebin of
        the process: a quick function is answered here, a slow one is
        handed to the main loop and answered later with
        send-function-result."""
        call = f"function {name}({arguments})"
        if name not in self.options.tools:
            output = tools.error_output(f"there is no function called {name}")
            self.print_in_bus_order(f"{call} -> {output}")
            return output
        if name in tools.SLOW:
            self.print_in_bus_order(f"{call}: answering later")
            GLib.idle_add(self.start_slow_call,
                          SlowCall(call_id, name, arguments))
            return None
        output = tools.run_tool(name, arguments)
        self.print_in_bus_order(f"{call} -> {output}")
        return output

    def start_slow_call(self, call):
        self.turns.slow_calls += 1

        def work():
            try:
                call.output = tools.run_tool(call.name, call.arguments,
                                             self.cancel_slow_calls)
            except tools.Cancelled:
                pass
            GLib.idle_add(self.finish_slow_call, call)

        threading.Thread(target=work, daemon=True).start()
        return GLib.SOURCE_REMOVE

    def finish_slow_call(self, call):
        self.turns.slow_calls -= 1
        if not self.cancel_slow_calls.is_set():
            say(f"function {call.name}({call.arguments}) -> {call.output}")
            self.rt.emit("send-function-result", call.call_id, call.output)
            self.say_next_when_idle()
        return GLib.SOURCE_REMOVE

    def interrupt(self):
        """Ctrl-C or SIGTERM: the first ends the input, so that realtimebin
        finishes the answer in progress and ends the stream; the second
        quits at once."""
        if self.shutting_down:
            warn("quitting at once")
            self.quit(130)
            return GLib.SOURCE_CONTINUE
        self.shutting_down = True
        warn("ending the conversation after the answer in progress "
             "(Ctrl-C again quits at once)")
        self.cancel_slow_calls.set()
        self.pipeline.send_event(Gst.Event.new_eos())
        # realtimebin itself waits at most shutdown-timeout (its
        # eos-timeout-ms) for the answer; this is the safety net if the
        # stream never ends.
        self.shutdown_timeout = GLib.timeout_add_seconds(
            self.options.shutdown_timeout + 5, self.on_shutdown_timeout)
        return GLib.SOURCE_CONTINUE

    def on_shutdown_timeout(self):
        warn(f"error: the pipeline did not reach end of stream within "
             f"{self.options.shutdown_timeout + 5} s of the interruption; "
             f"stopping it")
        self.quit(1)
        return GLib.SOURCE_REMOVE

    def quit(self, exit_status):
        self.exit_status = exit_status
        self.loop.quit()


def main():
    argv = Gst.init(sys.argv)
    options = parse_args(argv[1:])
    if not options.url and not os.environ.get("OPENAI_API_KEY"):
        warn("realtime_assistant.py: OPENAI_API_KEY is not set. Set it to "
             "your OpenAI API key, or give --url of another endpoint (such "
             "as gst-realtime-simulator's).")
        return 2
    return Assistant(options).run()


if __name__ == "__main__":
    sys.exit(main())
