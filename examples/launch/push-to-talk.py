#!/usr/bin/python3
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

"""Push-to-talk with realtimebin, from the keyboard.

The microphone is live, but nothing reaches the assistant until you press
the talk key; pressing it again sends what you said and asks for an answer.
Pressing it while the assistant speaks interrupts it.

In a terminal: space or Enter starts and stops talking, q ends once the
answer being spoken is over, Ctrl-C ends at once. When standard input is
not a terminal, every line starts or stops talking and the end of input
ends.

Usage: push-to-talk.py [REALTIMEBIN-PROPERTY=VALUE ...]
  push-to-talk.py instructions="Be brief."             OpenAI (OPENAI_API_KEY)
  push-to-talk.py url=ws://127.0.0.1:8765/v1/realtime  the simulator
Environment:
  MIC      pipeline fragment for the microphone (default: autoaudiosrc)
  SPEAKER  pipeline fragment for the speakers (default: autoaudiosink)
"""

import os
import sys
import termios
import tty

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

# The service refuses a commit of less than 100 ms of audio.
MIN_TURN_S = 0.1


class PushToTalk:
    def __init__(self, properties):
        mic = os.environ.get("MIC", "autoaudiosrc")
        speaker = os.environ.get("SPEAKER", "autoaudiosink")
        # The valve keeps the microphone from the assistant between turns.
        # transform-to-gap lets the end of stream through while it is shut.
        self.pipeline = Gst.parse_launch(
            f"{mic} ! audioconvert ! audioresample"
            " ! valve name=talk drop=true drop-mode=transform-to-gap"
            " ! realtimebin name=rt turn-detection=none"
            f" rt.src_audio ! audioconvert ! audioresample ! {speaker}")
        self.rt = self.pipeline.get_by_name("rt")
        self.valve = self.pipeline.get_by_name("talk")
        for prop in properties:
            name, sep, value = prop.partition("=")
            if not sep:
                sys.exit(f"push-to-talk: '{prop}' is not PROPERTY=VALUE")
            if self.rt.find_property(name) is None:
                sys.exit(f"push-to-talk: realtimebin has no property '{name}'")
            Gst.util_set_object_arg(self.rt, name, value)

        self.talking = False
        self.spoken_s = 0.0
        self.ending = False
        self.loop = GLib.MainLoop()
        self.status = 0
        # What passes the valve is what the assistant hears: count it.
        self.valve.get_static_pad("src").add_probe(
            Gst.PadProbeType.BUFFER, self.on_talk_buffer)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)

    def on_talk_buffer(self, pad, info):
        buf = info.get_buffer()
        if buf.duration != Gst.CLOCK_TIME_NONE:
            self.spoken_s += buf.duration / Gst.SECOND
        return Gst.PadProbeReturn.OK

    def toggle(self):
        if self.ending:
            return
        if not self.talking:
            # Interrupt the assistant (nothing is sent when it is silent)
            # and start a new turn.
            self.rt.emit("cancel-response")
            self.rt.emit("clear-input")
            self.spoken_s = 0.0
            self.valve.set_property("drop", False)
            self.talking = True
            print("talking... (press again to send)", flush=True)
        else:
            self.valve.set_property("drop", True)
            self.talking = False
            if self.spoken_s < MIN_TURN_S:
                self.rt.emit("clear-input")
                print(f"too short ({self.spoken_s:.2f} s), not sent",
                      flush=True)
                return
            self.rt.emit("commit-input")
            self.rt.emit("create-response", None)
            print(f"sent {self.spoken_s:.2f} s of speech", flush=True)

    def end(self):
        """Ends after the answer being spoken."""
        if self.talking:
            self.toggle()
        if not self.ending:
            self.ending = True
            self.pipeline.send_event(Gst.Event.new_eos())

    def on_message(self, bus, msg):
        if msg.type == Gst.MessageType.ELEMENT and msg.src == self.rt:
            s = msg.get_structure()
            name = s.get_name()
            if name == "realtime-transcript" and s.get_value("final"):
                print(f"{s.get_string('role')}: {s.get_string('text')}",
                      flush=True)
            elif name == "realtime-session" and \
                    s.get_string("state") == "connected":
                print("connected: press space or Enter to talk", flush=True)
            elif name == "realtime-interrupted":
                print("(assistant interrupted)", flush=True)
        elif msg.type == Gst.MessageType.WARNING:
            err, _ = msg.parse_warning()
            print(f"warning: {err.message}", file=sys.stderr, flush=True)
        elif msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            print(f"error: {err.message}\n{debug or ''}", file=sys.stderr,
                  flush=True)
            self.status = 1
            self.loop.quit()
        elif msg.type == Gst.MessageType.EOS:
            self.loop.quit()

    def on_key(self, fd, condition):
        key = os.read(fd, 1)
        if key in (b" ", b"\n", b"\r"):
            self.toggle()
        elif key in (b"q", b"Q", b"\x04", b""):
            self.end()
            return GLib.SOURCE_REMOVE
        return GLib.SOURCE_CONTINUE

    def on_lines(self, fd, condition):
        data = os.read(fd, 4096)
        for _ in range(data.count(b"\n")):
            self.toggle()
        if data == b"":
            self.end()
            return GLib.SOURCE_REMOVE
        return GLib.SOURCE_CONTINUE

    def run(self):
        if self.pipeline.set_state(Gst.State.PLAYING) == \
                Gst.StateChangeReturn.FAILURE:
            print("error: the pipeline could not start", file=sys.stderr)
            return 1
        fd = sys.stdin.fileno()
        saved = None
        if os.isatty(fd):
            saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)  # one key at a time, no echo
            GLib.io_add_watch(fd, GLib.IO_IN | GLib.IO_HUP, self.on_key)
        else:
            GLib.io_add_watch(fd, GLib.IO_IN | GLib.IO_HUP, self.on_lines)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 2, self.loop.quit)
        try:
            self.loop.run()
        finally:
            if saved is not None:
                termios.tcsetattr(fd, termios.TCSADRAIN, saved)
            self.pipeline.set_state(Gst.State.NULL)
        return self.status


def main():
    Gst.init(None)
    try:
        app = PushToTalk(sys.argv[1:])
    except GLib.Error as e:
        print(f"error: the pipeline could not be made: {e.message}"
              " (check MIC and SPEAKER)", file=sys.stderr)
        return 1
    return app.run()


if __name__ == "__main__":
    sys.exit(main())
