#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# Runs the RTSP camera bridge offline: a loopback camera (rtsp-test-camera:
# PCMU or AAC audio beside video, an ONVIF backchannel taking PCMU or PCMA
# that records what it gets), the simulator, the bridge, and an RTSP client
# recording the bridge's output. Checks that one full turn reaches the
# output stream and the camera's backchannel, then the bridge's errors.
# Usage: test-rtsp-bridge.sh SIMULATOR BRIDGE CAMERA SCENARIO EXAMPLES_MD
#            SYSTEM_PLUGIN_DIR WORKDIR
set -euo pipefail
sim=$1 bridge=$2 camera=$3 scenario=$4 doc=$5 system_plugins=$6 work=$7
rm -rf "$work"
mkdir -p "$work"
cd "$work"
# The commands below are those of docs/examples.md, by these names.
PATH=$(dirname "$sim"):$(dirname "$bridge"):$PATH
SCENARIO=$scenario

# The system's gst-launch-1.0 and gst-inspect-1.0 must not load the plugin of
# this build (it may be built with AddressSanitizer): they see only the
# system's plugins.
system_registry=$(dirname "$work")/system-registry.dat
system_gst() {
  GST_PLUGIN_PATH_1_0=$system_plugins GST_REGISTRY=$system_registry "$@"
}

# Each element the test needs, with the Debian package that has it: a
# missing one fails the test (scripts/install-deps.sh installs them all).
for pair in rtspsrc:gstreamer1.0-plugins-good \
    rtpjitterbuffer:gstreamer1.0-plugins-good \
    rtppcmudepay:gstreamer1.0-plugins-good \
    rtpmp4gdepay:gstreamer1.0-plugins-good \
    avdec_aac:gstreamer1.0-libav avenc_aac:gstreamer1.0-libav \
    opusenc:gstreamer1.0-plugins-base opusdec:gstreamer1.0-plugins-base \
    mulawenc:gstreamer1.0-plugins-good jpegenc:gstreamer1.0-plugins-good \
    wavenc:gstreamer1.0-plugins-good; do
  element=${pair%%:*} package=${pair#*:}
  if ! system_gst gst-inspect-1.0 --exists "$element"; then
    echo "FAIL: the GStreamer element $element is missing: install $package" \
      "(scripts/install-deps.sh does)"
    exit 1
  fi
done

# --- The commands of docs/examples.md, "RTSP camera bridge" ---------------
SIMULATOR='gst-realtime-simulator --port 0 --pace 0 --scenario "$SCENARIO" --log frames.jsonl'
BRIDGE_UDP='realtime-rtsp-bridge "$CAMERA" --url "$REALTIME_URL" --port 0 --backchannel --set vad-silence-duration-ms=300'
BRIDGE_TCP='realtime-rtsp-bridge "$CAMERA" --url "$REALTIME_URL" --port 0 --tcp --codec pcmu --backchannel --set vad-silence-duration-ms=300'
CLIENT='gst-launch-1.0 -e rtspsrc location="$OUTPUT" latency=100 ! decodebin ! audioconvert ! wavenc ! filesink location=reply.wav'
for command in "$SIMULATOR" "$BRIDGE_UDP" "$BRIDGE_TCP" "$CLIENT"; do
  if ! grep -qF -- "$command" "$doc"; then
    echo "docs/examples.md does not show the command the test runs: $command"
    exit 1
  fi
done

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  for log in *.out; do echo "--- $log"; cat "$log"; done
  exit 1
}

# wait_for FILE PATTERN PID: until a line of FILE matches the ERE PATTERN,
# while PID lives, for at most 20 s.
wait_for() {
  local file=$1 pattern=$2 pid=$3 deadline=$((SECONDS + 20))
  until grep -qE -- "$pattern" "$file" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || fail "gone before /$pattern/ in $file"
    ((SECONDS < deadline)) || fail "no /$pattern/ in $file"
    sleep 0.05
  done
}

# stop PID: SIGINT, then its exit status (killed after 10 s).
stop() {
  local pid=$1 status=0 tries=200
  kill -INT "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((tries-- > 0)); do sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" || status=$?
  return "$status"
}

# audio_stats SOX_INPUT...: "LEAD ACTIVE FREQUENCY": seconds of silence
# before the first sound (above 1% of full scale), seconds from the first
# to the last sound, and the sound's rough frequency.
audio_stats() {
  local total after_lead active frequency
  total=$(sox "$@" -n stat 2>&1 | awk '/^Length/ {print $3}')
  after_lead=$(sox "$@" -n silence 1 0.01 1% stat 2>&1 | awk '/^Length/ {print $3}')
  read -r active frequency < <(sox "$@" -n silence 1 0.01 1% reverse \
      silence 1 0.01 1% reverse stat 2>&1 |
    awk '/^Length/ {l=$3} /^Rough/ {f=$3} END {print l, f}')
  echo "$(awk -v t="$total" -v a="$after_lead" 'BEGIN {print t - a}') $active $frequency"
}

# check_reply NAME LEAD ACTIVE FREQUENCY MIN_LEAD: the scenario's reply, a
# 1 s tone at 440 Hz, after at least MIN_LEAD s of silence.
check_reply() {
  awk -v n="$1" -v lead="$2" -v active="$3" -v f="$4" -v min_lead="$5" 'BEGIN {
    ok = lead >= min_lead && active >= 0.9 && active <= 1.1 && f >= 400 && f <= 480
    printf "%s: %.2f s of silence, then %.2f s of sound at %d Hz: %s\n", n, lead, active, f, ok ? "ok" : "WRONG"
    exit !ok }' || fail "$1 is not the 1 s reply at 440 Hz"
}

"$camera" --record-dir "$work" >camera.out 2>&1 &
camera_pid=$!
pids+=("$camera_pid")
wait_for camera.out '^[0-9]+$' "$camera_pid"
camera_port=$(head -n1 camera.out)

# turn NAME MOUNT BRIDGE_COMMAND BACKCHANNEL_CODEC: one question from the
# camera, the reply recorded from the bridge's stream and the camera's
# backchannel.
turn() {
  local name=$1 mount=$2 bridge_command=$3 backchannel_codec=$4
  mkdir "$name"
  pushd "$name" >/dev/null

  eval "exec $SIMULATOR" >simulator.out 2>&1 &
  local sim_pid=$!
  pids+=("$sim_pid")
  wait_for simulator.out '^[0-9]+$' "$sim_pid"
  REALTIME_URL=ws://127.0.0.1:$(head -n1 simulator.out)/v1/realtime
  CAMERA=rtsp://127.0.0.1:$camera_port/$mount

  eval "exec $bridge_command" >bridge.out 2>&1 &
  local bridge_pid=$!
  pids+=("$bridge_pid")
  wait_for bridge.out '^serving rtsp://' "$bridge_pid"
  OUTPUT=$(awk '/^serving/ {print $2; exit}' bridge.out)
  wait_for bridge.out '^camera audio: ' "$bridge_pid"
  grep -q "^backchannel: $backchannel_codec 8000 Hz" bridge.out ||
    fail "no $backchannel_codec backchannel"
  wait_for bridge.out '^realtime: connected' "$bridge_pid"

  (export GST_PLUGIN_PATH_1_0=$system_plugins GST_REGISTRY=$system_registry
    eval "exec $CLIENT") >client.out 2>&1 &
  local client_pid=$!
  pids+=("$client_pid")
  wait_for bridge.out '^rtsp client .* playing' "$bridge_pid"

  # The camera asks; the bridge's stream must carry silence until the reply.
  kill -USR1 "$camera_pid"
  wait_for frames.jsonl '"dir":"out".*"type":"response.done"' "$bridge_pid"
  # The reply (1 s) plays out in real time behind the bridge's and the
  # client's latency.
  sleep 1.6
  # gst-launch-1.0 -e finishes the WAV at EOS; rtspsrc's TEARDOWN after it
  # sometimes fails with the connection already closed (status 1). The
  # recording is what counts, and it is checked below.
  stop "$client_pid" || echo "(the client exited with status $?)"
  stop "$bridge_pid" || fail "the bridge did not stop cleanly on SIGINT"
  grep -q '^stopped$' bridge.out || fail "the bridge did not say it stopped"
  stop "$sim_pid" || true
  cat bridge.out

  # The simulator heard one turn and answered it once, in full.
  grep -q '"dir":"out".*"type":"input_audio_buffer.speech_stopped"' frames.jsonl ||
    fail "the simulator heard no question"
  [ "$(grep -c '"dir":"out".*"type":"response.done"' frames.jsonl)" = 1 ] ||
    fail "not exactly one response"
  grep '"dir":"out".*"type":"response.done"' frames.jsonl |
    grep -q '"status":"completed"' || fail "the response did not complete"

  check_reply "$name: the bridge's stream" $(audio_stats reply.wav) 0.8
  popd >/dev/null
  check_reply "$name: the camera's backchannel" \
    $(audio_stats -t raw -r 8000 -e signed -b 16 -c 1 "backchannel-$mount.raw") 0.8
}

turn pcmu-camera pcmu "$BRIDGE_UDP" PCMU
turn aac-camera-over-tcp aac "$BRIDGE_TCP" PCMA

# --- Errors: a clear message and exit status 1 ---------------------------
eval "exec $SIMULATOR" >simulator.out 2>&1 &
pids+=($!)
wait_for simulator.out '^[0-9]+$' "$!"
REALTIME_URL=ws://127.0.0.1:$(head -n1 simulator.out)/v1/realtime

expect_error() {
  local pattern=$1 status=0
  shift
  timeout 20 "$@" >error.out 2>&1 || status=$?
  cat error.out
  [ "$status" = 1 ] || fail "exit status $status, not 1, for: $*"
  grep -qE -- "$pattern" error.out || fail "no /$pattern/ for: $*"
}
expect_error "^error: cannot reach the camera at rtsp://127.0.0.1:9/x" \
  realtime-rtsp-bridge rtsp://127.0.0.1:9/x --url "$REALTIME_URL" --port 0
expect_error "^error: the camera at .* offers no audio stream \(it offers: video JPEG\)" \
  realtime-rtsp-bridge "rtsp://127.0.0.1:$camera_port/video" --url "$REALTIME_URL" --port 0
expect_error "^error: the camera has no stream at rtsp://user@127.0.0.1:$camera_port/none" \
  realtime-rtsp-bridge "rtsp://user:secret@127.0.0.1:$camera_port/none" --url "$REALTIME_URL" --port 0
! grep -q secret error.out || fail "the camera's password was printed"
expect_error "^error: Cannot serve RTSP on 127.0.0.1 port $camera_port: .*in use" \
  realtime-rtsp-bridge "rtsp://127.0.0.1:$camera_port/pcmu" --url "$REALTIME_URL" --address 127.0.0.1 --port "$camera_port"

# A camera without a backchannel: said once, and the bridge goes on.
CAMERA=rtsp://127.0.0.1:$camera_port/nobackchannel
eval "exec $BRIDGE_UDP" >bridge.out 2>&1 &
bridge_pid=$!
pids+=("$bridge_pid")
wait_for bridge.out '^camera audio: PCMU 8000 Hz' "$bridge_pid"
grep -q '^backchannel: the camera offers none' bridge.out || fail "no word on the missing backchannel"
stop "$bridge_pid" || fail "the bridge did not stop cleanly"
cat bridge.out
echo "rtsp bridge example: turns over PCMU and AAC, backchannel and errors OK"
