/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

// A client written independently of gst-realtime accepts the simulator: the
// official `openai` npm package's realtime WebSocket client (OpenAIRealtimeWS)
// runs one full audio turn and one text turn against gst-realtime-simulator.
//
//   node tests/node/openai-client.mjs /path/to/gst-realtime-simulator
//
// The official client always connects with wss://, so the simulator serves
// TLS with a certificate made here with openssl, trusted through `ca`.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';

const simulatorPath = process.argv[2];
if (!simulatorPath) {
  console.error('usage: node openai-client.mjs SIMULATOR');
  process.exit(2);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openai-client-'));
const cert = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes',
  '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1',
  '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });

const simulator = spawn(simulatorPath, ['--port', '0', '--pace', '0',
  '--tls-cert', cert, '--tls-key', key, '--api-key', 'sk-simulated',
  '--log', path.join(dir, 'frames.jsonl')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  createInterface({ input: simulator.stdout }).once('line', (l) => resolve(Number(l)));
  simulator.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
});

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok' : 'FAIL'} - ${what}`);
  if (!ok) failures++;
};

const client = new OpenAI({ apiKey: 'sk-simulated', baseURL: `https://127.0.0.1:${port}/v1` });
const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime-2.1', options: { ca: fs.readFileSync(cert) } }, client);
const events = [];
const errors = [];
rt.on('event', (e) => events.push(e));
rt.on('error', (e) => errors.push(e));

const waitFor = (type, after = 0, ms = 10000) => new Promise((resolve, reject) => {
  const deadline = setTimeout(() => reject(new Error(`no ${type} within ${ms} ms`)), ms);
  const poll = setInterval(() => {
    const i = events.findIndex((e, n) => n >= after && e.type === type);
    if (i >= 0) {
      clearTimeout(deadline);
      clearInterval(poll);
      resolve(i);
    }
  }, 5);
});

// 24 kHz PCM16: 500 ms silence, 1 s of a 300 Hz tone, 1.5 s silence.
function utterance() {
  const samples = new Int16Array(24000 * 3);
  for (let i = 12000; i < 36000; i++) samples[i] = Math.round(0.3 * 32767 * Math.sin(2 * Math.PI * 300 * i / 24000));
  return Buffer.from(samples.buffer);
}

try {
  await new Promise((resolve, reject) => {
    rt.socket.once('open', resolve);
    rt.socket.once('error', reject);
  });
  await waitFor('session.created');
  check(events[0].type === 'session.created', 'session.created is the first event');

  rt.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Be brief.',
    audio: { input: { transcription: { model: 'gpt-transcribe' } }, output: { voice: 'marin' } } } });
  await waitFor('session.updated');

  // One full audio turn, VAD-driven, in 20 ms appends.
  const pcm = utterance();
  for (let i = 0; i < pcm.length; i += 960) rt.send({ type: 'input_audio_buffer.append', audio: pcm.subarray(i, i + 960).toString('base64') });
  const started = await waitFor('input_audio_buffer.speech_started');
  const stopped = await waitFor('input_audio_buffer.speech_stopped', started);
  check(events[started].audio_start_ms === 200 && events[stopped].audio_end_ms === 2000,
    `VAD offsets ${events[started].audio_start_ms} / ${events[stopped].audio_end_ms} ms`);
  const created = await waitFor('response.created', stopped);
  const done = await waitFor('response.done', created);
  const audio = events.slice(created, done).filter((e) => e.type === 'response.output_audio.delta')
    .reduce((n, e) => n + Buffer.from(e.delta, 'base64').length, 0);
  check(audio > 0 && audio % 2 === 0, `audio turn: ${audio} bytes of PCM16 in deltas`);
  check(events[done].response.status === 'completed', 'audio turn completed');
  check(events.some((e) => e.type === 'conversation.item.input_audio_transcription.completed'), 'user transcript');

  // One text turn.
  rt.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user',
    content: [{ type: 'input_text', text: 'And now in text?' }] } });
  const added = await waitFor('conversation.item.added', done + 1);
  check(events[added].item.role === 'user', 'text item added');
  rt.send({ type: 'response.create', response: { output_modalities: ['text'] } });
  const textDone = await waitFor('response.output_text.done', added);
  check(events[textDone].text.length > 0, `text turn: "${events[textDone].text}"`);
  const done2 = await waitFor('response.done', textDone);
  check(events[done2].response.usage.total_tokens > 0, 'usage reported');
  check(errors.length === 0, `no client errors (${errors.map(String).join('; ')})`);
} catch (e) {
  check(false, String(e));
} finally {
  rt.close();
  simulator.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(`${events.length} events received`);
console.log(`${failures === 0 ? 'all' : 'some'} checks ${failures === 0 ? 'passed' : 'failed'}`);
process.exit(failures ? 1 : 0);
