#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# A client of the benchmark (realtime-bench, or a peer of bench/peers/)
# still does its work: 2 sessions for 3 measured seconds against the
# simulator over wss:// (a certificate made here, on 127.0.0.1 only), and it
# must exit 0 (no server error, no lost connection) with a CSV line that
# counts responses and has latency figures. Not a measurement: the numbers
# are not checked.
#
# Usage: check-peer.sh SIMULATOR SCENARIO CLIENT-COMMAND...
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: $0 SIMULATOR SCENARIO CLIENT-COMMAND..." >&2; exit 2; }
sim=$1 scenario=$2
shift 2

work=$(mktemp -d)
sim_pid=
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" \
  -out "$work/cert.pem" -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 2>/dev/null

coproc SIM { exec "$sim" --port 0 --scenario "$scenario" \
    --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" 2>"$work/simulator.log"; }
sim_pid=$SIM_PID
read -r port <&"${SIM[0]}"

status=0
"$@" --header -n 2 -s 3 --warmup-s 1 --url "wss://127.0.0.1:$port/v1/realtime" \
  --ca-file "$work/cert.pem" --sim-pid "$sim_pid" >"$work/out.csv" || status=$?
cat "$work/out.csv"

# responses, and the output and input latency p50 columns.
awk -F, -v status="$status" '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  NR == 2 { rows++
            responses = $col["responses"]
            latencies = $col["out_latency_p50_ms"] != "" && $col["in_latency_p50_ms"] != "" }
  END {
    ok = status == 0 && rows == 1 && responses > 0 && latencies
    printf "%s: exit status %d, %d response(s), latencies %s\n", ok ? "ok" : "FAIL",
      status, responses, latencies ? "present" : "missing"
    exit !ok
  }' "$work/out.csv"
