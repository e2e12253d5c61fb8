#!/usr/bin/env bash
# The benchmark command (docs/performance.md): builds realtime-bench and the
# simulator in build/, then runs the live-concurrency benchmark — N live
# full-duplex sessions in one process against a simulator in its own
# process, and the same pipeline shape without realtimebin (the floor) —
# and writes bench/results/live.csv and bench/results/live.md.
#
# Environment: BENCH_SECONDS (measured seconds per run, default 60),
# BENCH_SESSIONS (default "10 100 200 500"), BENCH_INPUTS (default
# "mono24 stereo48").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${BENCH_SECONDS:-60}
sessions=${BENCH_SESSIONS:-10 100 200 500}
inputs=${BENCH_INPUTS:-mono24 stereo48}
out=bench/results
mkdir -p "$out"

[ -f build/meson-private/coredata.dat ] || meson setup build >/dev/null
meson compile -C build bench/realtime-bench tools/gst-realtime-simulator \
  plugins/realtime/gstrealtime >/dev/null

export GST_PLUGIN_PATH=$PWD/build/plugins/realtime
export GST_REGISTRY=$PWD/build/registry.dat
bench=build/bench/realtime-bench
sim_pid=
cleanup() { if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

csv=$out/live.csv
"$bench" --header --mode floor -n 1 -s 1 --warmup-s 0 | head -n 1 >"$csv"
machine="$(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"

for input in $inputs; do
  for n in $sessions; do
    echo "bench: floor, $input, $n sessions, ${seconds} s" >&2
    "$bench" --mode floor --input "$input" -n "$n" -s "$seconds" >>"$csv"

    echo "bench: realtimebin, $input, $n sessions, ${seconds} s" >&2
    coproc SIM { exec build/tools/gst-realtime-simulator --port 0 \
        --scenario bench/scenario.json 2>"$out/simulator.log"; }
    sim_pid=$SIM_PID
    read -r port <&"${SIM[0]}"
    "$bench" --input "$input" -n "$n" -s "$seconds" \
      --url "ws://127.0.0.1:$port/v1/realtime" --sim-pid "$sim_pid" >>"$csv"
    kill "$sim_pid"
    wait "$sim_pid" 2>/dev/null || true
    sim_pid=
  done
done

# The markdown table: each realtimebin row with its floor's CPU beside it.
python3 - "$csv" "$machine" "$seconds" >"$out/live.md" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
floor = {(r["input"], r["sessions"]): r for r in rows if r["mode"] == "floor"}
print(f"Live concurrency, {sys.argv[3]} s measured per run, {sys.argv[2]}.\n")
print("| input | sessions | realtimebin CPU % | floor CPU % | ratio | CPU % per session | RSS per session (KB) | responses | underruns | late drops | simulator CPU % |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    if r["mode"] != "realtimebin":
        continue
    f = floor.get((r["input"], r["sessions"]))
    fc = float(f["cpu_percent"]) if f else 0
    ratio = f"{float(r['cpu_percent']) / fc:.2f}" if fc else "-"
    print(f"| {r['input']} | {r['sessions']} | {r['cpu_percent']} | {fc:.1f} | {ratio} | "
          f"{r['cpu_percent_per_session']} | {r['rss_kb_per_session']} | {r['responses']} | "
          f"{r['underruns']} | {r['late_drops']} | {r['simulator_cpu_percent']} |")
PY
cat "$out/live.md"
