#!/usr/bin/env bash
# The benchmark command (docs/performance.md): builds realtime-bench and the
# simulator in build/, then runs the live-concurrency benchmark — N live
# full-duplex sessions in one process against a simulator in its own
# process, and the same pipeline shape without realtimebin (the floor) —
# and writes bench/results/live.csv and bench/results/live.md. Then the
# peers: the same mono24 sessions with realtimebin and with the peer
# clients of bench/peers/ (the `openai` npm package's OpenAIRealtimeWS,
# Python websockets), each against a fresh simulator serving wss://, into
# bench/results/peers.csv and bench/results/peers.md.
#
# Environment: BENCH_SECONDS (measured seconds per run, default 60),
# BENCH_SESSIONS (default "10 100 200 500"), BENCH_INPUTS (default
# "mono24 stereo48"), BENCH_PEERS (default "openai-node python-websockets";
# empty: no peer section), BENCH_PEERS_ONLY=1 (the peer section alone).
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

# ---- The peer section (docs/performance.md, "Peers") ----------------------
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
  local client=$1 n=$2 cmd port
  cmd=$(peer_command "$client")
  echo "bench: peers, $client, $n sessions, ${seconds} s" >&2
  coproc SIM { exec build/tools/gst-realtime-simulator --port 0 \
      --scenario bench/scenario.json --tls-cert "$peer_tls/cert.pem" \
      --tls-key "$peer_tls/key.pem" 2>"$out/simulator.log"; }
  sim_pid=$SIM_PID
  read -r port <&"${SIM[0]}"
  $cmd -n "$n" -s "$seconds" --url "wss://127.0.0.1:$port/v1/realtime" \
    --ca-file "$peer_tls/cert.pem" --sim-pid "$sim_pid" >"$out/peer-run.csv" \
    || echo "bench: $client exited with status $? (errors or lost connections)" >&2
  [ -s "$out/peer-run.csv" ] || echo "bench: $client printed no result" >&2
  cat "$out/peer-run.csv" >>"$out/peers.csv"
  rm -f "$out/peer-run.csv"
  kill "$sim_pid"
  wait "$sim_pid" 2>/dev/null || true
  sim_pid=
}

peer_section() {
  peer_tls_cert
  # realtime-bench's columns and the four latency percentiles of the peers.
  echo "mode,input,sessions,seconds,cpu_percent,cpu_percent_per_session,rss_mb,\
rss_kb_per_session,responses,underruns,late_drops,audio_buffers,\
simulator_cpu_percent,out_latency_p50_ms,out_latency_p99_ms,\
in_latency_p50_ms,in_latency_p99_ms" >"$out/peers.csv"
  for n in $sessions; do
    for client in realtimebin $peers; do
      peer_run "$client" "$n"
    done
  done
  python3 bench/peers/table.py "$out/peers.csv" "$seconds" \
    "$(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" \
    >"$out/peers.md"
  cat "$out/peers.md"
}

if [ "${BENCH_PEERS_ONLY:-0}" = 1 ]; then
  peer_section
  exit 0
fi
# ---- end of the peer section's definitions ---------------------------------

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

# The peers, after the live section (defined above).
if [ -n "$peers" ]; then
  peer_section
fi
