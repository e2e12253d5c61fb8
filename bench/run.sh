#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# The benchmark command (docs/performance.md): builds the benchmarks and the
# simulator in build/, then runs, each against a simulator in its own
# process (its CPU reported apart):
# - live: N live full-duplex sessions in one process, and the same pipeline
#   shape without realtimebin (the floor); bench/results/live.csv, live.md;
# - throughput: non-live sessions against a simulator that sends each
#   answer at once, audio-seconds moved per CPU-second;
#   bench/results/throughput.csv, throughput.md;
# - peers: the same mono24 live sessions with realtimebin and with the peer
#   clients of bench/peers/ (the `openai` npm package's OpenAIRealtimeWS,
#   Python websockets), all over wss://; bench/results/peers.csv, peers.md.
# `bash bench/run.sh [live] [throughput] [peers]` runs only those.
#
# Environment: BENCH_SECONDS (live and peers: measured seconds per run,
# default 60), BENCH_SESSIONS (live and peers: default "10 100 200 500"),
# BENCH_INPUTS (live: default "mono24 stereo48"), BENCH_BUS (live: how the
# bench reads each pipeline's bus, default "sync"; "sync watch" runs
# realtimebin both ways), BENCH_REPEAT (live: runs of each kind, the
# floor's and realtimebin's interleaved, default 1; the table gives their
# means, as single runs at 10 sessions spread by ±15 %),
# BENCH_THROUGHPUT_SESSIONS
# (default "1 50"), BENCH_THROUGHPUT_TURNS (turns per throughput run, spread
# over the sessions, default 500), BENCH_PEERS (default "openai-node
# python-websockets").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${BENCH_SECONDS:-60}
sessions=${BENCH_SESSIONS:-10 100 200 500}
inputs=${BENCH_INPUTS:-mono24 stereo48}
buses=${BENCH_BUS:-sync}
repeat=${BENCH_REPEAT:-1}
case $repeat in ''|*[!0-9]*|0) echo "bench: BENCH_REPEAT must be a positive number" >&2; exit 2 ;; esac
out=bench/results
mkdir -p "$out"

[ -f build/meson-private/coredata.dat ] || meson setup build >/dev/null
meson compile -C build bench/realtime-bench bench/realtime-throughput \
  tools/gst-realtime-simulator plugins/realtime/gstrealtime >/dev/null

export GST_PLUGIN_PATH=$PWD/build/plugins/realtime
export GST_REGISTRY=$PWD/build/registry.dat
bench=build/bench/realtime-bench
sim_pid=
cleanup() { if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT
# A simulator in its own process (options added to --port 0): sets sim_pid
# and sim_port.
start_simulator() {
  coproc SIM { exec build/tools/gst-realtime-simulator --port 0 "$@" \
      2>"$out/simulator.log"; }
  sim_pid=$SIM_PID
  read -r sim_port <&"${SIM[0]}"
}
stop_simulator() {
  kill "$sim_pid"
  wait "$sim_pid" 2>/dev/null || true
  sim_pid=
}
machine="$(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"

# ---- Throughput benchmark ---------------------------------------------------
# Per session count, three shapes of turn, each against a fresh simulator
# with --pace 0 (answers sent at once): duplex (8 s of input, then a 30 s
# answer), input (8 s of input, no answer) and output (a 30 s answer, no
# input). BENCH_THROUGHPUT_TURNS turns per run, spread over the sessions.
throughput_benchmark() {
  local csv=$out/throughput.csv header=--header
  local turns=${BENCH_THROUGHPUT_TURNS:-500} n shape
  : >"$csv"
  for n in ${BENCH_THROUGHPUT_SESSIONS:-1 50}; do
    for shape in duplex input output; do
      local args=(--input-s 8)
      [ "$shape" = input ] && args=(--input-s 8 --no-answer)
      [ "$shape" = output ] && args=(--input-s 0)
      echo "bench: throughput, $shape, $n sessions" >&2
      start_simulator --pace 0 --scenario bench/throughput-scenario.json
      build/bench/realtime-throughput $header -n "$n" \
        -r $(( turns / n > 0 ? turns / n : 1 )) "${args[@]}" \
        --url "ws://127.0.0.1:$sim_port/v1/realtime" --sim-pid "$sim_pid" \
        >>"$csv"
      header=
      stop_simulator
    done
  done

  python3 - "$csv" "$machine" >"$out/throughput.md" <<'PY'
import csv, sys
print(f"Throughput, non-live, simulator at --pace 0, {sys.argv[2]}.\n")
print("| shape | sessions | turns per session | input audio s | output audio s | input dropped s | wall s | CPU s | input audio-s / CPU-s | output audio-s / CPU-s | total audio-s / CPU-s | realtime factor | simulator CPU s | peak RSS MB |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in csv.DictReader(open(sys.argv[1])):
    shape = ("output" if r["input_s_per_round"] == "0" else
             "duplex" if r["answers"] == "yes" else "input")
    print(f"| {shape} | {r['sessions']} | {r['rounds']} | {r['input_audio_s']} | "
          f"{r['output_audio_s']} | {r['input_dropped_s']} | {r['wall_s']} | {r['cpu_s']} | "
          f"{r['input_per_cpu_s']} | {r['output_per_cpu_s']} | {r['total_per_cpu_s']} | "
          f"{r['realtime_factor']} | {r['simulator_cpu_s']} | {r['peak_rss_mb']} |")
PY
  cat "$out/throughput.md"
}

# ---- Live concurrency benchmark ---------------------------------------------
live_benchmark() {
  local csv=$out/live.csv input n bus
  "$bench" --header --mode floor -n 1 -s 1 --warmup-s 0 | head -n 1 >"$csv"

  for input in $inputs; do
    for n in $sessions; do
      for ((run = 1; run <= repeat; run++)); do
        echo "bench: floor, $input, $n sessions, ${seconds} s (run $run of $repeat)" >&2
        "$bench" --mode floor --input "$input" -n "$n" -s "$seconds" >>"$csv"

        for bus in $buses; do
          echo "bench: realtimebin, $input, $n sessions, bus $bus, ${seconds} s (run $run of $repeat)" >&2
          start_simulator --scenario bench/scenario.json
          "$bench" --input "$input" -n "$n" -s "$seconds" --bus "$bus" \
            --url "ws://127.0.0.1:$sim_port/v1/realtime" --sim-pid "$sim_pid" >>"$csv"
          stop_simulator
        done
      done
    done
  done

  # The markdown table: realtimebin's runs of each input, count and bus
  # with the floor's beside them; means, with the CPU's range, the sums of
  # underruns and late drops, and the worst p99s.
  python3 - "$csv" "$machine" "$seconds" >"$out/live.md" <<'PY'
import csv, sys
from collections import defaultdict
rows = list(csv.DictReader(open(sys.argv[1])))
groups = defaultdict(list)
for r in rows:
    groups[(r["mode"], r["input"], r["sessions"], r["bus"] if r["mode"] == "realtimebin" else "")].append(r)
# Empty fields (nothing measured in a run) are left out; none at all: nan.
def values(rs, k):
    return [float(r[k]) for r in rs if r.get(k) not in ("", None)]
def mean(rs, k):
    v = values(rs, k)
    return sum(v) / len(v) if v else float("nan")
def worst(rs, k):
    v = values(rs, k)
    return max(v) if v else float("nan")
def total(rs, k):
    return int(sum(values(rs, k)))
print(f"Live concurrency, {sys.argv[3]} s measured per run, {sys.argv[2]}; "
      "means over the runs (CPU's range in brackets).\n")
print("| input | sessions | bus | runs | realtimebin CPU % | floor CPU % | ratio | CPU % per session | RSS per session (KB) | responses | underruns | late drops | output latency p50 / p99 (ms) | input latency p50 / p99 (ms) | simulator CPU % |")
print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for (mode, inp, n, bus), rs in groups.items():
    if mode != "realtimebin":
        continue
    fs = groups.get(("floor", inp, n, ""), [])
    cpu = mean(rs, "cpu_percent")
    lo, hi = min(values(rs, "cpu_percent")), worst(rs, "cpu_percent")
    fc = mean(fs, "cpu_percent") if fs else 0
    flo = min(values(fs, "cpu_percent")) if fs else 0
    fhi = worst(fs, "cpu_percent") if fs else 0
    ratio = f"{cpu / fc:.2f}" if fc else "-"
    cpu_text = f"{cpu:.1f}" + (f" [{lo:.1f}–{hi:.1f}]" if len(rs) > 1 else "")
    floor_text = f"{fc:.1f}" + (f" [{flo:.1f}–{fhi:.1f}]" if len(fs) > 1 else "")
    print(f"| {inp} | {n} | {bus} | {len(rs)} | {cpu_text} | {floor_text} | {ratio} | "
          f"{mean(rs, 'cpu_percent_per_session'):.3f} | {mean(rs, 'rss_kb_per_session'):.0f} | "
          f"{mean(rs, 'responses'):.0f} | {total(rs, 'underruns')} | {total(rs, 'late_drops')} | "
          f"{mean(rs, 'out_latency_p50_ms'):.3f} / {worst(rs, 'out_latency_p99_ms'):.3f} | "
          f"{mean(rs, 'in_latency_p50_ms'):.3f} / {worst(rs, 'in_latency_p99_ms'):.3f} | "
          f"{mean(rs, 'simulator_cpu_percent'):.1f} |")
PY
  cat "$out/live.md"
}

# ---- Peer benchmark (docs/performance.md, "Peers") --------------------------
peers=${BENCH_PEERS-openai-node python-websockets}

# The official openai client only connects with wss://, so all three clients
# run over TLS against a certificate for 127.0.0.1 made once in build/.
peer_tls=$PWD/build/bench-tls
peer_tls_cert() {
  [ -f "$peer_tls/cert.pem" ] && return
  mkdir -p "$peer_tls"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$peer_tls/key.pem" \
    -out "$peer_tls/cert.pem" -days 3650 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 2>/dev/null
}

# The command of one client; the flags after it are the same for all.
peer_command() {
  case $1 in
    realtimebin) echo "$bench --input mono24 --input-chunk-ms 20" ;;
    openai-node) echo "node bench/peers/openai-node.mjs" ;;
    python-websockets) echo "/usr/bin/python3 bench/peers/python-websockets.py" ;;
    *) echo "bench: unknown peer '$1'" >&2; return 1 ;;
  esac
}

# One client with N sessions against a fresh TLS simulator. A client that
# reports errors or lost connections still has its line kept (it prints the
# line first); one that printed nothing is said so on stderr.
peer_run() {
  local client=$1 n=$2 cmd
  cmd=$(peer_command "$client")
  echo "bench: peers, $client, $n sessions, ${seconds} s" >&2
  start_simulator --scenario bench/scenario.json \
    --tls-cert "$peer_tls/cert.pem" --tls-key "$peer_tls/key.pem"
  $cmd -n "$n" -s "$seconds" --url "wss://127.0.0.1:$sim_port/v1/realtime" \
    --ca-file "$peer_tls/cert.pem" --sim-pid "$sim_pid" >"$out/peer-run.csv" \
    || echo "bench: $client exited with status $? (errors or lost connections)" >&2
  [ -s "$out/peer-run.csv" ] || echo "bench: $client printed no result" >&2
  cat "$out/peer-run.csv" >>"$out/peers.csv"
  rm -f "$out/peer-run.csv"
  stop_simulator
}

peer_benchmark() {
  peer_tls_cert
  # realtime-bench's columns and the four latency percentiles of the peers.
  echo "mode,input,sessions,seconds,cpu_percent,cpu_percent_per_session,rss_mb,\
rss_kb_per_session,responses,underruns,late_drops,audio_buffers,\
simulator_cpu_percent,out_latency_p50_ms,out_latency_p99_ms,\
in_latency_p50_ms,in_latency_p99_ms,bus" >"$out/peers.csv"
  for n in $sessions; do
    for client in realtimebin $peers; do
      peer_run "$client" "$n"
    done
  done
  python3 bench/peers/table.py "$out/peers.csv" "$seconds" \
    "$machine" >"$out/peers.md"
  cat "$out/peers.md"
}

benchmarks=("$@")
[ ${#benchmarks[@]} -gt 0 ] || benchmarks=(live throughput peers)
for b in "${benchmarks[@]}"; do
  case $b in
    live) live_benchmark ;;
    throughput) throughput_benchmark ;;
    peers) [ -z "$peers" ] || peer_benchmark ;;
    *) echo "bench: unknown benchmark '$b' (live, throughput, peers)" >&2; exit 2 ;;
  esac
done
