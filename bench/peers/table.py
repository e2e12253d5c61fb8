# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

"""The markdown table of bench/results/peers.csv (bench/run.sh): for each
number of sessions, realtimebin and each peer client, with the peer's CPU
and latencies as ratios to realtimebin's at the same N.

  python3 bench/peers/table.py peers.csv SECONDS MACHINE > peers.md
"""

import csv
import sys

LATENCIES = ["out_latency_p50_ms", "out_latency_p99_ms",
             "in_latency_p50_ms", "in_latency_p99_ms"]


def number(row, column):
    """The column's value, or None where the client did not measure it."""
    value = row.get(column) if row else None
    return float(value) if value not in (None, "") else None


def ratio(row, reference, column):
    mine, theirs = number(row, column), number(reference, column)
    if mine is None or not theirs:
        return "-"
    return f"{mine / theirs:.2f}"


def pair(row, first, second):
    a, b = row.get(first) or "-", row.get(second) or "-"
    return f"{a} / {b}"


def main():
    path, seconds, machine = sys.argv[1:4]
    rows = list(csv.DictReader(open(path)))
    reference = {r["sessions"]: r for r in rows if r["mode"] == "realtimebin"}
    print(f"Peers, mono24, {seconds} s measured per run, {machine}; every "
          "client over wss:// against its own simulator.\n")
    print("| sessions | client | CPU % | CPU % per session | CPU ratio | "
          "RSS per session (KB) | responses | output latency p50 / p99 (ms) | "
          "input latency p50 / p99 (ms) | latency ratios out p50, p99; in p50, p99 | "
          "simulator CPU % |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for r in sorted(rows, key=lambda r: (int(r["sessions"]),
                                         r["mode"] != "realtimebin")):
        ref = reference.get(r["sessions"])
        latency_ratios = "-" if r is ref else "{}, {}; {}, {}".format(
            *(ratio(r, ref, c) for c in LATENCIES))
        print(f"| {r['sessions']} | {r['mode']} | {r['cpu_percent']} | "
              f"{r['cpu_percent_per_session']} | "
              f"{'1' if r is ref else ratio(r, ref, 'cpu_percent_per_session')} | "
              f"{r['rss_kb_per_session']} | {r['responses']} | "
              f"{pair(r, *LATENCIES[:2])} | {pair(r, *LATENCIES[2:])} | "
              f"{latency_ratios} | {r['simulator_cpu_percent']} |")


if __name__ == "__main__":
    main()
