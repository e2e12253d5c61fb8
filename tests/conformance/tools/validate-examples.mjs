#!/usr/bin/env node
/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

// Validate the example messages under tests/conformance/examples against the
// generated schemas, and (optionally) the example payloads embedded in the
// OpenAPI document itself.
//
// Usage (run from a folder where `npm install ajv yaml` was done):
//   node validate-examples.mjs <conformance-dir> [openapi.yaml]
//
// Exit status is 1 if any example under examples/ does not get its expected
// verdict (valid/ must pass, invalid/ must fail; exceptions listed below).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.join(process.cwd(), 'noop.js'));
const Ajv2020 = require('ajv/dist/2020').default;

const [, , confDir, specPath] = process.argv;
if (!confDir) {
  console.error('usage: node validate-examples.mjs <conformance-dir> [openapi.yaml]');
  process.exit(2);
}

const load = (f) => JSON.parse(fs.readFileSync(path.join(confDir, f), 'utf8'));
const mk = (schema) => new Ajv2020({ strict: true, allErrors: true }).compile(schema);
const validators = {
  client: mk(load('realtime-client-events.schema.json')),
  'client-strict': mk(load('realtime-client-events.strict.schema.json')),
  server: mk(load('realtime-server-events.schema.json')),
};

// Known, intended exceptions to "invalid/ fails every schema of its side".
const EXPECT_PASS = {
  client: new Set(['02-beta-fields-with-ga-type.json']), // unknown keys are tolerated by the lenient schema
};

function brief(errors) {
  if (!errors) return '';
  // Keep the most specific few messages.
  const seen = new Set();
  const out = [];
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'anyOf') continue;
    const m = `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}${e.params?.allowedValues ? ` ${JSON.stringify(e.params.allowedValues).slice(0, 60)}` : ''}`;
    if (!seen.has(m)) { seen.add(m); out.push(m); }
    if (out.length >= 3) break;
  }
  return out.join('; ');
}

let failures = 0;
for (const side of ['client', 'server']) {
  const kinds = side === 'client' ? ['client', 'client-strict'] : ['server'];
  for (const verdict of ['valid', 'invalid']) {
    const dir = path.join(confDir, 'examples', side, verdict);
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
      const msg = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      const cells = [];
      for (const k of kinds) {
        const ok = validators[k](msg);
        const expected = verdict === 'valid' || (EXPECT_PASS[k]?.has(f) ?? false);
        if (ok !== expected) failures++;
        cells.push(`${k}=${ok ? 'PASS' : 'FAIL'}${ok !== expected ? ' (UNEXPECTED)' : ''}`);
        if (!ok && k === kinds[kinds.length - 1]) cells.push(`[${brief(validators[k].errors)}]`);
      }
      console.log(`${side}/${verdict}/${f}: ${cells.join('  ')}`);
    }
  }
}

if (specPath) {
  // The spec's x-oaiMeta examples are hand-written and not always strict JSON
  // (comments, trailing commas); parse them leniently.
  const YAML = require('yaml');
  const S = YAML.parse(fs.readFileSync(specPath, 'utf8')).components.schemas;
  const lenient = (t) => JSON.parse(t.replace(/^\s*\/\/.*$/gm, '').replace(/\/\/[^"\n]*$/gm, '').replace(/,(\s*[}\]])/g, '$1'));
  console.log('\nExamples embedded in the OpenAPI document (informational):');
  for (const [side, root] of [['client', 'RealtimeClientEvent'], ['server', 'RealtimeServerEvent']]) {
    for (const r of S[root].anyOf) {
      const name = r.$ref.split('/').pop();
      const ex = S[name]['x-oaiMeta']?.example;
      if (!ex) { console.log(`  ${side} ${name}: no example`); continue; }
      // Some examples contain several JSON documents separated by comments.
      const chunks = ex.split(/\n\s*\n(?=\s*\/\/|\s*\{)/).map((c) => c.trim()).filter((c) => c.includes('{'));
      for (const c of chunks) {
        let msg;
        try { msg = lenient(c); } catch (e) { console.log(`  ${side} ${name}: unparsable example (${e.message.slice(0, 60)})`); continue; }
        const ok = validators[side](msg);
        console.log(`  ${side} ${name}: ${ok ? 'PASS' : 'FAIL [' + brief(validators[side].errors) + ']'}`);
      }
    }
  }
}

console.log(failures ? `\n${failures} unexpected verdict(s)` : '\nall example verdicts as expected');
process.exit(failures ? 1 : 0);
