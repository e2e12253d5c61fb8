/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

// The `openai` npm package's peer of realtime-bench (docs/performance.md,
// "Peers"): N sessions in this one process, each an OpenAIRealtimeWS doing
// what one realtimebin session does in the bench — 20 ms appends of a
// 300 Hz tone at real time, every --turn-s a commit and a response.create,
// and every response.output_audio.delta base64-decoded into PCM.
//
//   node bench/peers/openai-node.mjs -n 10 -s 30 \
//       --url wss://127.0.0.1:PORT/v1/realtime --ca-file cert.pem --sim-pid PID
//
// The official client only connects with wss://, so the simulator serves TLS
// and --ca-file is its certificate. Prints one CSV line in realtime-bench's
// columns plus the latency percentiles (--header: the column names first);
// exits 1 after printing if the server sent an error or a connection closed.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';

const MODE = 'openai-node';
const HEADER = 'mode,input,sessions,seconds,cpu_percent,cpu_percent_per_session,'
  + 'rss_mb,rss_kb_per_session,responses,underruns,late_drops,audio_buffers,'
  + 'simulator_cpu_percent,out_latency_p50_ms,out_latency_p99_ms,'
  + 'in_latency_p50_ms,in_latency_p99_ms';
const CHUNK_MS = 20;

const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', short: 'n', default: '10' },
    seconds: { type: 'string', short: 's', default: '60' },
    'warmup-s': { type: 'string', default: '5' },
    'turn-s': { type: 'string', default: '3' },
    url: { type: 'string' },
    'ca-file': { type: 'string' },
    'sim-pid': { type: 'string', default: '0' },
    header: { type: 'boolean', default: false },
  },
});
const sessions = Number(args.sessions);
const seconds = Number(args.seconds);
const warmupS = Number(args['warmup-s']);
const turnS = Number(args['turn-s']);
const simPid = Number(args['sim-pid']);
if (!args.url?.startsWith('wss://') || !args['ca-file']) {
  console.error(`${MODE}: --url wss://HOST:PORT/v1/realtime and --ca-file are needed`);
  process.exit(2);
}

// What realtimebin turn-detection=none sends (the simulator's --log shows it).
const SESSION_UPDATE = {
  type: 'session.update',
  session: {
    type: 'realtime',
    output_modalities: ['audio'],
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        noise_reduction: null,
        transcription: { model: 'gpt-transcribe' },
        turn_detection: null,
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1.0 },
    },
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
  },
};

// 20 ms of a 300 Hz sine at 24 kHz, volume 0.3 (the bench's audiotestsrc).
// 480 samples are exactly six periods, so every chunk continues the last.
const CHUNK = Buffer.alloc(480 * 2);
for (let i = 0; i < 480; i++)
  CHUNK.writeInt16LE(Math.round(0.3 * 32767 * Math.sin(2 * Math.PI * 300 * i / 24000)), i * 2);

// The client takes the endpoint from its base URL: https://HOST:PORT/v1.
const client = new OpenAI({
  apiKey: 'sk-simulated',
  baseURL: args.url.replace(/^wss:/, 'https:').replace(/\/realtime$/, ''),
});
const ca = fs.readFileSync(args['ca-file']);

let measuring = false;
let responses = 0;
let audioBuffers = 0;
let serverErrors = 0;
let lostConnections = 0;
let stopping = false;
const outLatency = [];
const inLatency = [];

function rssKb() {
  return process.memoryUsage.rss() / 1024;
}

// utime + stime of another process, from /proc/PID/stat.
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString());
function cpuSecondsOf(pid) {
  if (!pid) return 0;
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

function cpuSecondsSelf() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function percentile(values, p) {
  if (values.length === 0) return '';
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(0, Math.ceil(p / 100 * sorted.length) - 1)].toFixed(2);
}

function openSession(index, start) {
  const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime-2.1', options: { ca } }, client);
  let inputStart = Infinity;
  let frameArrival = 0;
  let playerBytes = 0;

  rt.on('error', (e) => {
    serverErrors++;
    if (serverErrors <= 3) console.error(`${MODE}: session ${index}: ${e.message}`);
  });
  rt.socket.on('close', () => {
    if (!stopping) lostConnections++;
  });
  // Runs before the client's own listener parses the frame, so the output
  // latency includes the client's JSON parsing and event dispatch.
  rt.socket.prependListener('message', () => {
    frameArrival = performance.now();
  });

  // 20 ms appends on an absolute schedule: a late timer makes the next
  // chunk due sooner, never shifts the ones after it; an early one (timers
  // have 1 ms granularity) waits, as a chunk cannot be sent before its time.
  let due = 0;
  const append = () => {
    const early = due - performance.now();
    if (early > 0) {
      setTimeout(append, Math.ceil(early));
      return;
    }
    const scheduled = due;
    const event = { type: 'input_audio_buffer.append', audio: CHUNK.toString('base64') };
    // What rt.send() does, plus ws's callback: the frame reached the socket.
    rt.socket.send(JSON.stringify(event), (err) => {
      if (!err && measuring) inLatency.push(performance.now() - scheduled);
    });
    due += CHUNK_MS;
    setTimeout(append, Math.max(0, Math.ceil(due - performance.now())));
  };

  rt.on('session.created', () => {
    rt.send(SESSION_UPDATE);
    inputStart = performance.now();
    due = inputStart;
    append();
  });
  rt.on('response.output_audio.delta', (event) => {
    const pcm = Buffer.from(event.delta, 'base64');
    playerBytes += pcm.length;
    if (measuring) {
      outLatency.push(performance.now() - frameArrival);
      audioBuffers++;
    }
  });
  rt.on('response.done', () => {
    if (measuring) responses++;
  });

  // Turns spread over the period like the bench's, then one every turnS;
  // none before 100 ms of audio (the least a commit takes).
  let nextTurn = start + 500 + turnS * 1000 * index / sessions;
  const turn = () => {
    if (performance.now() - inputStart >= 100) {
      rt.send({ type: 'input_audio_buffer.commit' });
      rt.send({ type: 'response.create' });
    }
    nextTurn += turnS * 1000;
    setTimeout(turn, Math.max(0, nextTurn - performance.now()));
  };
  setTimeout(turn, Math.max(0, nextTurn - performance.now()));
  return rt;
}

const rssBefore = rssKb();
const start = performance.now();
const clients = [];
for (let i = 0; i < sessions; i++) clients.push(openSession(i, start));

let cpu0 = 0;
let sim0 = 0;
let t0 = 0;
setTimeout(() => {
  cpu0 = cpuSecondsSelf();
  sim0 = cpuSecondsOf(simPid);
  t0 = performance.now();
  measuring = true;
}, warmupS * 1000);

setTimeout(() => {
  measuring = false;
  const wall = (performance.now() - t0) / 1000;
  const cpu = (cpuSecondsSelf() - cpu0) / wall * 100;
  const sim = simPid ? (cpuSecondsOf(simPid) - sim0) / wall * 100 : 0;
  const rss = rssKb();
  // No player, so underruns and late drops are not measured: left empty.
  const row = [MODE, 'mono24', sessions, wall.toFixed(1), cpu.toFixed(1),
    (cpu / sessions).toFixed(3), (rss / 1024).toFixed(1),
    Math.trunc((rss - rssBefore) / sessions), responses, '', '', audioBuffers,
    sim.toFixed(1), percentile(outLatency, 50), percentile(outLatency, 99),
    percentile(inLatency, 50), percentile(inLatency, 99)];
  if (args.header) console.log(HEADER);
  console.log(row.join(','));
  stopping = true;
  for (const rt of clients) rt.socket.terminate();
  if (serverErrors || lostConnections)
    console.error(`${MODE}: ${serverErrors} errors, ${lostConnections} connections lost`);
  process.exit(serverErrors || lostConnections ? 1 : 0);
}, (warmupS + seconds) * 1000);
