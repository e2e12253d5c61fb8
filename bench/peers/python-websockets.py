#!/usr/bin/python3
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

"""The Python `websockets` peer of realtime-bench (docs/performance.md,
"Peers"): N sessions in this one asyncio process, each doing what one
realtimebin session does in the bench - 20 ms appends of a 300 Hz tone at
real time, every --turn-s a commit and a response.create, and every
response.output_audio.delta base64-decoded into PCM.

  /usr/bin/python3 bench/peers/python-websockets.py -n 10 -s 30 \\
      --url wss://127.0.0.1:PORT/v1/realtime --ca-file cert.pem --sim-pid PID

Debian's python3-websockets (10.x). A wss:// URL needs --ca-file, the
simulator's certificate. Prints one CSV line in realtime-bench's columns
plus the latency percentiles (--header: the column names first); exits 1
after printing if the server sent an error or a connection closed.
"""

import argparse
import asyncio
import base64
import json
import math
import os
import resource
import ssl
import struct
import sys
import time

import websockets

MODE = "python-websockets"
HEADER = ("mode,input,sessions,seconds,cpu_percent,cpu_percent_per_session,"
          "rss_mb,rss_kb_per_session,responses,underruns,late_drops,"
          "audio_buffers,simulator_cpu_percent,out_latency_p50_ms,"
          "out_latency_p99_ms,in_latency_p50_ms,in_latency_p99_ms")
CHUNK_S = 0.020
MODEL = "gpt-realtime-2.1"

# What realtimebin turn-detection=none sends (the simulator's --log shows it).
SESSION_UPDATE = json.dumps({
    "type": "session.update",
    "session": {
        "type": "realtime",
        "output_modalities": ["audio"],
        "audio": {
            "input": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "noise_reduction": None,
                "transcription": {"model": "gpt-transcribe"},
                "turn_detection": None,
            },
            "output": {"format": {"type": "audio/pcm", "rate": 24000},
                       "voice": "marin", "speed": 1.0},
        },
        "tools": [],
        "tool_choice": "auto",
        "max_output_tokens": "inf",
    },
})
COMMIT = json.dumps({"type": "input_audio_buffer.commit"})
RESPONSE_CREATE = json.dumps({"type": "response.create"})

# 20 ms of a 300 Hz sine at 24 kHz, volume 0.3 (the bench's audiotestsrc).
# 480 samples are exactly six periods, so every chunk continues the last.
CHUNK = struct.pack("<480h", *(
    round(0.3 * 32767 * math.sin(2 * math.pi * 300 * i / 24000))
    for i in range(480)))


class Stats:
    """Counters and latency samples, taken only while measuring."""

    def __init__(self):
        self.measuring = False
        self.stopping = False
        self.responses = 0
        self.audio_buffers = 0
        self.server_errors = 0
        self.lost_connections = 0
        self.out_latency = []
        self.in_latency = []


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds_self():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def cpu_seconds_of(pid):
    """utime + stime of another process, from /proc/PID/stat."""
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    if not values:
        return ""
    ordered = sorted(values)
    return f"{ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]:.2f}"


async def send_input(ws, stats):
    """20 ms appends on an absolute schedule: a late wakeup makes the next
    chunk due sooner, never shifts the ones after it; an early one waits, as
    a chunk cannot be sent before its time."""
    loop = asyncio.get_running_loop()
    due = loop.time()
    while True:
        early = due - loop.time()
        if early > 0:
            await asyncio.sleep(early)
            continue
        event = json.dumps({"type": "input_audio_buffer.append",
                            "audio": base64.b64encode(CHUNK).decode("ascii")})
        await ws.send(event)
        if stats.measuring:
            stats.in_latency.append((loop.time() - due) * 1000)
        due += CHUNK_S


async def request_turns(ws, first, turn_s):
    """Turns spread over the period like the bench's, then one every turn_s;
    none before 100 ms of audio (the least a commit takes)."""
    loop = asyncio.get_running_loop()
    due = first
    while due < loop.time() + 0.1:
        due += turn_s
    while True:
        await asyncio.sleep(max(0.0, due - loop.time()))
        await ws.send(COMMIT)
        await ws.send(RESPONSE_CREATE)
        due += turn_s


async def run_session(url, ssl_context, first_turn, turn_s, stats):
    tasks = []
    try:
        async with websockets.connect(
                f"{url}?model={MODEL}", ssl=ssl_context, compression=None,
                ping_interval=None, max_size=None) as ws:
            async for frame in ws:
                arrival = time.perf_counter()
                event = json.loads(frame)
                kind = event["type"]
                if kind == "response.output_audio.delta":
                    pcm = base64.b64decode(event["delta"])
                    if stats.measuring and pcm:
                        stats.out_latency.append(
                            (time.perf_counter() - arrival) * 1000)
                        stats.audio_buffers += 1
                elif kind == "response.done":
                    if stats.measuring:
                        stats.responses += 1
                elif kind == "session.created":
                    await ws.send(SESSION_UPDATE)
                    tasks.append(asyncio.create_task(send_input(ws, stats)))
                    tasks.append(asyncio.create_task(
                        request_turns(ws, first_turn, turn_s)))
                elif kind == "error":
                    stats.server_errors += 1
                    if stats.server_errors <= 3:
                        print(f"{MODE}: {event['error'].get('message')}",
                              file=sys.stderr)
    except (OSError, websockets.ConnectionClosed) as e:
        if not stats.stopping:
            print(f"{MODE}: {e}", file=sys.stderr)
    finally:
        for task in tasks:
            task.cancel()
    if not stats.stopping:
        stats.lost_connections += 1


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--sessions", type=int, default=10)
    parser.add_argument("-s", "--seconds", type=int, default=60)
    parser.add_argument("--warmup-s", type=int, default=5)
    parser.add_argument("--turn-s", type=int, default=3)
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca-file")
    parser.add_argument("--sim-pid", type=int, default=0)
    parser.add_argument("--header", action="store_true")
    args = parser.parse_args()
    ssl_context = None
    if args.url.startswith("wss://"):
        ssl_context = ssl.create_default_context(cafile=args.ca_file)

    stats = Stats()
    loop = asyncio.get_running_loop()
    rss_before = rss_kb()
    start = loop.time()
    sessions = [asyncio.create_task(run_session(
        args.url, ssl_context,
        start + 0.5 + args.turn_s * i / args.sessions, args.turn_s, stats))
        for i in range(args.sessions)]

    await asyncio.sleep(args.warmup_s)
    cpu0 = cpu_seconds_self()
    sim0 = cpu_seconds_of(args.sim_pid)
    t0 = time.monotonic()
    stats.measuring = True
    await asyncio.sleep(args.seconds)
    stats.measuring = False

    wall = time.monotonic() - t0
    cpu = (cpu_seconds_self() - cpu0) / wall * 100
    sim = ((cpu_seconds_of(args.sim_pid) - sim0) / wall * 100
           if args.sim_pid else 0.0)
    rss = rss_kb()
    # No player, so underruns and late drops are not measured: left empty.
    row = [MODE, "mono24", args.sessions, f"{wall:.1f}", f"{cpu:.1f}",
           f"{cpu / args.sessions:.3f}", f"{rss / 1024:.1f}",
           (rss - rss_before) // args.sessions, stats.responses, "", "",
           stats.audio_buffers, f"{sim:.1f}",
           percentile(stats.out_latency, 50), percentile(stats.out_latency, 99),
           percentile(stats.in_latency, 50), percentile(stats.in_latency, 99)]
    if args.header:
        print(HEADER)
    print(",".join(str(v) for v in row), flush=True)

    stats.stopping = True
    for task in sessions:
        task.cancel()
    await asyncio.gather(*sessions, return_exceptions=True)
    if stats.server_errors or stats.lost_connections:
        print(f"{MODE}: {stats.server_errors} errors, "
              f"{stats.lost_connections} connections lost", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
