#!/usr/bin/env bash
# gst-realtime
# Copyright (C) 2026 gst-realtime developers
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# The API key never leaks (docs/realtimebin.md: `api-key` is "never printed,
# logged, posted or readable back").
#
# A recognizable fake key goes through every path a user has: the api-key
# property on a gst-launch-1.0 line, OPENAI_API_KEY in the environment, and
# g_object_set() from a program (secret-readback.c). Everything runs at
# GST_DEBUG=*:9 with G_MESSAGES_DEBUG=all and GST_DEBUG_DUMP_DOT_DIR set,
# against the simulator (offline): once where the simulator requires this key
# (a whole conversation), once where it requires another one (the 401 error
# path, with our key in the request), and once where it cuts the connection
# mid-session (the drop and reconnect path). gst-launch-1.0 runs with -v (property
# notifications) and -m (every bus message, errors with their details);
# gst-inspect-1.0 realtimebin runs with the key in the environment. Then every
# file produced (stdout, stderr, dot files, the simulator's frame logs and
# stderr) is searched for the key and for fragments of it: the random part,
# its first and last 12 characters (a truncated key), base64 and base64url at
# all three alignments (an encoded key, alone or inside a longer encoded
# text) and hex dumps (GST_MEMDUMP). secret-readback also checks that the
# property cannot be read back and that no readable property of any element
# (stats and session-id included) holds the key.
#
# One exception, reported but not failed: GStreamer core's launch-line parser
# (gstparse.c, parse.l, types.h) logs the command line it parses, key
# included, at GST_DEBUG levels INFO and DEBUG. That is gst-launch-1.0's
# command line, not realtimebin; keys belong in OPENAI_API_KEY, whose run
# below has no exception at all.
#
# So that the test cannot pass by producing nothing, each run must show what
# it is for: MBs of debug log with realtimebin's own lines, the -v caps
# notifications, a `realtime-response` done, the 401 error, dot files; and a
# canary file holding the key plain, truncated and base64-encoded must be
# found by the same search.
#
# Usage: check-secrets.sh SIMULATOR PLUGIN_DIR SYSTEM_PLUGINS_DIR READBACK WORKDIR
set -euo pipefail

[ $# -eq 5 ] || {
  echo "usage: $0 SIMULATOR PLUGIN_DIR SYSTEM_PLUGINS_DIR READBACK WORKDIR" >&2
  exit 2
}
sim=$1 plugin_dir=$2 system_plugins=$3 readback=$4 work=$5
out=$work/out               # everything searched for the key

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
die() { echo "check-secrets: error: $*" >&2; exit 1; }

for tool in gst-launch-1.0 gst-inspect-1.0 base64 od timeout; do
  command -v "$tool" >/dev/null || die "$tool not found"
done

rm -rf "$work"
mkdir -p "$out"

# The same hermetic environment as the gst-check tests (tests/meson.build).
export GST_PLUGIN_SYSTEM_PATH_1_0=
export GST_PLUGIN_PATH_1_0="$plugin_dir:$system_plugins"
export GST_REGISTRY="$out/registry.dat"
# No real key, from the caller's environment, anywhere in this test.
unset OPENAI_API_KEY GST_REALTIME_SIMULATOR_API_KEY GST_DEBUG_FILE \
  GST_DEBUG_DUMP_DOT_DIR GST_TRACERS

# --- the key and its fragments ------------------------------------------------

rand=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F)
[ ${#rand} -eq 32 ] || die "could not make a random key"
key="sk-test-SECRET-$rand"
other_key="sk-test-OTHER-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

frags=$work/fragments.tsv   # label TAB fragment
: >"$frags"
frag() { printf '%s\t%s\n' "$1" "$2" >>"$frags"; }

# The base64 characters that depend on TEXT alone, whatever comes before or
# after it, for TEXT starting at byte offset 0, 1 or 2 of a 3-byte group.
b64_frags() {
  local label=$1 text=$2 len=${#2} s enc first last
  for s in 0 1 2; do
    enc=$(printf '%*s%s' "$s" '' "$text" | base64 -w0)
    first=$(( (8 * s + 5) / 6 ))
    last=$(( (8 * (s + len) - 6) / 6 ))
    frag "base64 of the $label (offset $s)" "${enc:first:last-first+1}"
    frag "base64url of the $label (offset $s)" \
      "$(tr '+/' '-_' <<<"${enc:first:last-first+1}")"
  done
}
# TEXT's bytes as GST_MEMDUMP prints them ("39 46 33 ..."): every 8-byte
# window, so a dump wrapped at 16 bytes a line still has a whole one.
hex_frags() {
  local label=$1 text=$2 i
  for ((i = 0; i + 8 <= ${#text}; i++)); do
    frag "hex dump of the $label" \
      "$(printf '%s' "${text:i:8}" | od -An -tx1 | sed 's/^ *//; s/ *$//')"
  done
  frag "hex of the $label" "$(printf '%s' "$text" | od -An -tx1 | tr -d ' \n')"
}

frag "key" "$key"
frag "random part of the key" "$rand"
frag "key truncated (first 12 random characters)" "${rand:0:12}"
frag "key's last 12 characters" "${rand:20:12}"
b64_frags key "$key"
b64_frags "random part" "$rand"
b64_frags "Authorization header" "Authorization: Bearer $key"
hex_frags "random part" "$rand"
cut -f2 "$frags" | sort -u >"$work/patterns"

# --- the simulators -----------------------------------------------------------

sim_pids=()
cleanup() {
  local p
  for p in "${sim_pids[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# start_sim NAME KEY [FLAGS...]: a simulator that requires KEY; sets $port.
start_sim() {
  local name=$1 required=$2 i
  shift 2
  : >"$work/$name.port"
  "$sim" --port 0 --pace 0 --api-key "$required" "$@" \
    --log "$out/$name-frames.jsonl" \
    >"$work/$name.port" 2>"$out/$name-simulator.stderr" &
  sim_pids+=($!)
  port=
  for ((i = 0; i < 100; i++)); do
    read -r port <"$work/$name.port" 2>/dev/null && [ -n "$port" ] && return
    sleep 0.1
  done
  die "the simulator $name did not print its port"
}
start_sim sim-ours "$key"
url_ours=ws://127.0.0.1:$port/v1/realtime
start_sim sim-other "$other_key"
url_other=ws://127.0.0.1:$port/v1/realtime
# Cuts the first connection after the session is set up: the drop (and, where
# realtimebin reconnects, the reconnection) runs with the key.
start_sim sim-drop "$key" --drop-after-events 4 --fault-connections 1
url_drop=ws://127.0.0.1:$port/v1/realtime

# --- the runs -----------------------------------------------------------------

# Scan the plugins once, quietly, so the runs' logs are about the runs.
gst-inspect-1.0 realtimebin >/dev/null 2>&1 || die "realtimebin is not found"

# run NAME [VAR=VALUE...] COMMAND...: at GST_DEBUG=*:9, stdout and stderr in
# $out/NAME.stdout and .stderr, dot files in $out/NAME-dot/; sets $rc.
run() {
  local name=$1
  shift
  mkdir -p "$out/$name-dot"
  rc=0
  env GST_DEBUG='*:9' GST_DEBUG_NO_COLOR=1 G_MESSAGES_DEBUG=all \
    GST_DEBUG_DUMP_DOT_DIR="$out/$name-dot" "$@" \
    >"$out/$name.stdout" 2>"$out/$name.stderr" </dev/null || rc=$?
  echo "ran $name: exit status $rc, $(cat "$out/$name.stdout" "$out/$name.stderr" \
    | wc -c) bytes of output, $(find "$out/$name-dot" -type f | wc -l) dot files"
}

launch=(timeout 20 gst-launch-1.0 -v -m)
# pipeline URL [realtimebin properties...]: sets $pipe to a gst-launch line.
pipeline() {
  local url=$1
  shift
  pipe=(audiotestsrc num-buffers=40 ! realtimebin name=rt "url=$url" "$@"
    rt.src_audio ! fakesink rt.src_text ! fakesink)
}
pipeline "$url_ours" "api-key=$key"
run launch-property "${launch[@]}" "${pipe[@]}"
launch_property_rc=$rc
pipeline "$url_other" "api-key=$key"
run launch-refused "${launch[@]}" "${pipe[@]}"
launch_refused_rc=$rc
pipeline "$url_ours"
run launch-env OPENAI_API_KEY="$key" "${launch[@]}" "${pipe[@]}"
launch_env_rc=$rc
pipeline "$url_drop"
run launch-drop OPENAI_API_KEY="$key" "${launch[@]}" "${pipe[@]}"
run readback-ok SECRETS_TEST_KEY="$key" timeout 20 "$readback" ok "$url_ours"
readback_ok_rc=$rc
run readback-refused SECRETS_TEST_KEY="$key" timeout 20 "$readback" refused \
  "$url_other"
readback_refused_rc=$rc
run inspect OPENAI_API_KEY="$key" gst-inspect-1.0 realtimebin
inspect_rc=$rc
cleanup
sim_pids=()

# --- each run did what it is for ---------------------------------------------

# expect NAME FILE... -- ERE: some line of the files matches.
expect() {
  local what=$1
  shift
  local files=()
  while [ "$1" != -- ]; do files+=("$1"); shift; done
  grep -a -q -E -e "$2" "${files[@]}" || fail "$what (no line matching '$2')"
}
# A debug log worth searching: MBs, and at least MIN lines from realtimebin's
# own categories (a conversation logs many, a refused connection two).
expect_debug_log() { # NAME MIN
  local name=$1 min=$2 f=$out/$1.stderr
  [ "$(wc -c <"$f")" -gt 2000000 ] \
    || fail "$name: the GST_DEBUG=*:9 log is under 2 MB"
  [ "$(grep -a -c -E ' (realtime|realtimebin) .*<rt>' "$f")" -ge "$min" ] \
    || fail "$name: fewer than $min debug lines from realtimebin's categories"
  [ "$(grep -a -c '<rt>' "$f")" -ge 500 ] \
    || fail "$name: fewer than 500 debug lines about the realtimebin"
  expect "$name: realtimebin logged where it connects" "$f" -- \
    ' realtime .*<rt> .*ws://127\.0\.0\.1:[0-9]+/v1/realtime'
}
expect_dot() {
  local name=$1
  grep -a -q -l 'GstRealtimeBin' "$out/$name-dot"/*.dot 2>/dev/null \
    || fail "$name: no dot file showing the realtimebin"
}
conversation() { # NAME: a launch run that talked with the simulator to EOS
  local name=$1 so=$out/$1.stdout
  expect "$name: -v property notifications" "$so" -- \
    '^/GstPipeline:pipeline0/GstRealtimeBin:rt.*: caps = audio/x-raw'
  expect "$name: a connected session" "$so" -- \
    'realtime-session, state=\(string\)connected, session-id=\(string\)sess_'
  expect "$name: a realtime-response done" "$so" -- \
    'realtime-response, event=\(string\)done, .*status=\(string\)completed'
  expect "$name: EOS" "$so" -- '^Got EOS from element "pipeline0"'
  expect_debug_log "$name" 5
  expect_dot "$name"
}

[ "$launch_property_rc" -eq 0 ] || fail "launch-property: gst-launch-1.0 failed"
conversation launch-property
[ "$launch_env_rc" -eq 0 ] \
  || fail "launch-env: gst-launch-1.0 failed (OPENAI_API_KEY not used?)"
conversation launch-env

[ "$launch_refused_rc" -ne 0 ] \
  || fail "launch-refused: gst-launch-1.0 succeeded against a simulator wanting another key"
expect "launch-refused: gst-launch-1.0 printed the error" \
  "$out/launch-refused.stderr" -- \
  '^ERROR: from element /GstPipeline:pipeline0/GstRealtimeBin:rt: The Realtime API refused the API key \(HTTP 401\)'
expect_debug_log launch-refused 2
expect "launch-refused: realtimebin logged the refusal" \
  "$out/launch-refused.stderr" -- \
  ' ERROR +realtime .*<rt> The Realtime API refused the API key \(HTTP 401\)'
expect_dot launch-refused

# Whether it then reconnects or fails is realtimebin's business, not this
# test's: the drop happened with realtimebin's log at *:9.
expect "launch-drop: the simulator cut the connection" \
  "$out/sim-drop-frames.jsonl" -- '"conn":1,"note":"dropped"'
expect_debug_log launch-drop 2

[ "$readback_ok_rc" -eq 0 ] || fail "readback-ok: secret-readback failed"
[ "$readback_refused_rc" -eq 0 ] || fail "readback-refused: secret-readback failed"
for name in readback-ok readback-refused; do
  expect "$name: readable properties dumped" "$out/$name.stdout" -- \
    '^property after /GstPipeline:pipeline0/GstRealtimeBin:rt\.stats = "?realtime-stats'
  expect "$name: property notifications posted" "$out/$name.stdout" -- \
    'property-notify.*property-name=\(string\)url'
  expect "$name: GLib refused to read api-key" "$out/$name.stderr" -- \
    "property 'api-key' of object class 'GstRealtimeBin' is not readable"
  expect_debug_log "$name" 2
  expect_dot "$name"
done
expect "readback-ok: session-id read after the conversation" \
  "$out/readback-ok.stdout" -- '^session-id after the run: sess_'
expect "readback-ok: a realtime-response done" "$out/readback-ok.stdout" -- \
  'realtime-response, event=\(string\)done'
expect "readback-refused: the 401 error with its details" \
  "$out/readback-refused.stdout" -- \
  '^  error gst-resource-error-quark/[0-9]+: The Realtime API refused the API key \(HTTP 401\)'
expect "readback-refused: the 401 error's details" \
  "$out/readback-refused.stdout" -- \
  '^  details: realtime-connection, http-status-code=\(uint\)401'

[ "$inspect_rc" -eq 0 ] || fail "inspect: gst-inspect-1.0 failed"
expect "inspect: the api-key property is shown" "$out/inspect.stdout" -- \
  '^  api-key +: '
expect "inspect: GST_DEBUG=*:9 output" "$out/inspect.stderr" -- \
  'realtimebin'

# The simulators saw the conversations (their frame logs are searched too).
expect "sim-ours: client frames logged" "$out/sim-ours-frames.jsonl" -- \
  '"dir":"in".*"type":"input_audio_buffer.append"'

# --- the canary: the search below finds the key in every form --------------

mkdir -p "$out/canary"
{
  echo "canary plain: Authorization: Bearer $key"
  echo "canary truncated: ${key:0:27}..."
  echo "canary base64: $(printf 'Authorization: Bearer %s' "$key" | base64 -w0)"
  echo "canary hexdump: 00000000: $(printf '%s' "${rand:3:16}" | od -An -tx1 | sed 's/^ *//')"
} >"$out/canary/canary.txt"

# --- the search ---------------------------------------------------------------

total_bytes=$(find "$out" -type f -print0 | xargs -0 cat | wc -c)
total_files=$(find "$out" -type f | wc -l)
echo "searching $total_files files, $total_bytes bytes, for $(wc -l <"$work/patterns") fragments of the key"
grep -r -a -n -F -f "$work/patterns" "$out" >"$work/hits" || true

# The lines GStreamer core's parser logs about the gst-launch-1.0 command
# line: allowed only in the runs that put the key on that command line.
parser_line='^[0-9]+:[0-9][0-9]:[0-9][0-9]\.[0-9]+ +[0-9]+ +0x[0-9a-f]+ +[A-Z]+ +(GST_PIPELINE|default) (gstparse\.c:[0-9]+:gst_parse_launchv?_full|parse\.l:[0-9]+:priv_gst_parse_yylex|types\.h:[0-9]+:gst_parse_unescape): '
PARSER_LINE=$parser_line awk -v frags="$frags" -v out="$out/" '
  BEGIN {
    FS = "\t"
    while ((getline line < frags) > 0) {
      split(line, f, "\t"); n++; label[n] = f[1]; text[n] = f[2]
    }
    FS = "\n"
  }
  {
    # file:line:content
    p = index($0, ":"); file = substr($0, 1, p - 1); rest = substr($0, p + 1)
    p = index(rest, ":"); lineno = substr(rest, 1, p - 1)
    content = substr(rest, p + 1)
    rel = substr(file, length(out) + 1)
    labels = ""; masked = content
    for (i = 1; i <= n; i++) {
      if (index(content, text[i]) == 0) continue
      if (index(labels, label[i]) == 0) labels = labels (labels ? "; " : "") label[i]
      while ((q = index(masked, text[i])) > 0)
        masked = substr(masked, 1, q - 1) "<SECRET>" substr(masked, q + length(text[i]))
    }
    if (rel ~ /^canary\//) { kind = "CANARY" }
    else if (rel ~ /^launch-(property|refused)\.stderr$/ && content ~ ENVIRON["PARSER_LINE"]) { kind = "PARSER" }
    else { kind = "LEAK" }
    printf "%s\t%s:%s\t%s\t%s\n", kind, rel, lineno, labels, substr(masked, 1, 240)
  }' "$work/hits" >"$work/classified"

# Every canary line is found, each by the fragment meant for it.
canary_found() { # LINE-PREFIX LABEL
  awk -F'\t' -v p="$1" -v l="$2" '
    $1 == "CANARY" && index($4, p) == 1 && index("; " $3 "; ", "; " l "; ") { found = 1 }
    END { exit !found }' "$work/classified" \
    || fail "the search did not find the '$1' line by its $2"
}
canary_found "canary plain:" "key"
canary_found "canary truncated:" "key truncated (first 12 random characters)"
canary_found "canary base64:" "base64 of the Authorization header (offset 0)"
canary_found "canary hexdump:" "hex dump of the random part"
[ "$(grep -c '^CANARY' "$work/classified")" -eq 4 ] \
  || fail "the search did not find all 4 canary lines"

# Per file: how many lines, and (for the first 10 files) the first 3: file:line,
# what matched, the line with the key masked.
report() { # KIND
  awk -F'\t' -v kind="$1" '
    $1 != kind { next }
    {
      file = $2; sub(/:[0-9]+$/, "", file)
      if (!(file in count)) order[++n] = file
      count[file]++
      if (count[file] <= 3) shown[file] = shown[file] "    " $2 " [" $3 "]: " $4 "\n"
    }
    END {
      for (i = 1; i <= n; i++)
        if (i <= 10)
          printf "  %s: %d line(s)\n%s", order[i], count[order[i]], shown[order[i]]
        else
          printf "  %s: %d line(s)\n", order[i], count[order[i]]
    }' "$work/classified"
}

parser_hits=$(awk -F'\t' '$1 == "PARSER"' "$work/classified" | wc -l)
echo "GStreamer core's launch-line parser logged the gst-launch-1.0 command line (key included) on $parser_hits lines; not realtimebin, allowed:"
report PARSER

leaks=$(awk -F'\t' '$1 == "LEAK"' "$work/classified" | wc -l)
if [ "$leaks" -gt 0 ]; then
  fail "the key, or a fragment of it, is in the output ($leaks lines; shown as <SECRET>):"
  report LEAK
fi

if [ "$failures" -gt 0 ]; then
  echo "check-secrets: $failures failure(s); the output is in $out"
  exit 1
fi
echo "check-secrets: OK: no trace of the key in $total_files files ($total_bytes bytes)"
