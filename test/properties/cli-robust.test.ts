import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { runCli } from '../helpers/cli.js';

// Inputs every command is handed: valid ones from the repository, then mutated. Whatever comes in,
// a command must answer with exit 0, 1 or 2 (an error message on stderr), never an exception.

const root = new URL('../../', import.meta.url).pathname;
const simExample = JSON.parse(readFileSync(join(root, 'examples/switch.json'), 'utf8')) as unknown;
const hubScenario = {
  topology: {
    seed: 3,
    nodes: [{ kind: 'hub', name: 'hub', ports: 2 }, { kind: 'host', name: 'h0', mac: '02:00:00:00:00:00' }, { kind: 'host', name: 'h1', mac: '02:00:00:00:00:01' }],
    links: [{ a: 'h0', b: 'hub.0', metres: 10 }, { a: 'h1', b: 'hub.1', metres: 20 }],
  },
  traffic: [{ from: 'h0', to: 'h1', periodic: { start: 0, interval: 2000, count: 3 } }, { from: 'h1', to: 'broadcast', at: 100 }],
  mode: 'burst',
};
const sequence = {
  frames: [
    { in_port: 0, src: '02:00:00:00:00:0a', dst: 'ff:ff:ff:ff:ff:ff' },
    { in_port: 1, src: '02:00:00:00:00:0b', dst: '02:00:00:00:00:0a', wait_s: 0.5 },
    { in_port: 2, src: '02:00:00:00:00:0c', dst: '01:80:c2:00:00:0e', ethertype: '0x88cc' },
  ],
  static_fdb: [{ port: 1, mac: '02:00:00:00:00:0b' }],
};
const dumpDir = join(root, 'test/fixtures/real-dumps');
const dumps = readdirSync(dumpDir).sort().map((f) => readFileSync(join(dumpDir, f), 'utf8'));

/** Values that break assumptions: wrong types, edges of ranges, huge and non-integer numbers. */
const oddValue = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 0.5, 1e9, 1e300, -1e300, 2 ** 53, 2 ** 32, 65536, 4096, '', 'x', '02:00:00:00:00:01', 'ff:ff:ff:ff:ff:ff', 'burst', 'frame', 'half', [], {}),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Numbers at the edges of what a field can mean: negative, fractional, beyond 2^32, 2^53 and any length. */
const oddNumber = fc.constantFrom(-1, 0, 0.5, 255, 65535, 2 ** 31, 2 ** 32, 1e9, 1e15, 2 ** 50, 2 ** 53, 1e300, -1e300);

type Edit = { readonly at: number; readonly op: 'set' | 'delete' | 'insert' | 'number'; readonly value: unknown; readonly n: number };
const jsonEdits = fc.array(
  fc.record({ at: fc.nat(), op: fc.constantFrom<Edit['op']>('set', 'delete', 'insert', 'number', 'number'), value: oddValue, n: oddNumber }),
  { minLength: 1, maxLength: 4 },
);

/**
 * Applies `edits` to a copy of `doc`: each picks a place (an object property or array element) by
 * index; `number` picks among the places holding a number and puts an odd number there.
 */
function applyEdits(doc: unknown, edits: readonly Edit[]): unknown {
  const copy = structuredClone(doc);
  for (const e of edits) {
    const all: [Record<string, unknown> | unknown[], string | number][] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach((x, i) => { all.push([v, i]); walk(x); });
      else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) { all.push([v as Record<string, unknown>, k]); walk(x); }
    };
    walk(copy);
    const places = e.op === 'number' ? all.filter(([p, k]) => typeof (p as Record<string | number, unknown>)[k] === 'number') : all;
    if (places.length === 0) continue;
    const [parent, key] = places[e.at % places.length]!;
    if (e.op === 'number') {
      (parent as Record<string | number, unknown>)[key] = e.n;
      continue;
    }
    if (Array.isArray(parent)) {
      const i = key as number;
      if (e.op === 'delete') parent.splice(i, 1);
      else if (e.op === 'insert') parent.splice(i, 0, structuredClone(e.value));
      else parent[i] = structuredClone(e.value);
    } else if (e.op === 'delete') delete parent[key as string];
    else parent[e.op === 'insert' ? `${key as string}_` : (key as string)] = structuredClone(e.value);
  }
  return copy;
}

type LineEdit = { readonly line: number; readonly op: 'delete' | 'duplicate' | 'truncate' | 'byte' | 'insert'; readonly pos: number; readonly text: string };
const lineEdits = fc.array(
  fc.record({
    line: fc.nat(), op: fc.constantFrom<LineEdit['op']>('delete', 'duplicate', 'truncate', 'byte', 'insert'), pos: fc.nat(),
    text: fc.constantFrom('ff', '00', '7f', '80', 'zz', ' ', '\t', ':', '1', 'ffffffff', '-'),
  }),
  { minLength: 1, maxLength: 6 },
);

/** Applies line edits to a dump: lines dropped, repeated, cut, a byte replaced or text inserted. */
function editText(text: string, edits: readonly LineEdit[]): string {
  const lines = text.split('\n');
  for (const e of edits) {
    const j = e.line % lines.length;
    const l = lines[j]!;
    if (e.op === 'delete') lines.splice(j, 1);
    else if (e.op === 'duplicate') lines.splice(j, 0, l);
    else if (e.op === 'truncate') lines[j] = l.slice(0, e.pos % (l.length + 1));
    else if (e.op === 'byte') {
      const hexes = [...l.matchAll(/ [0-9a-f]{2}(?= |$)/g)];
      if (hexes.length > 0) {
        const m = hexes[e.pos % hexes.length]!;
        lines[j] = `${l.slice(0, m.index + 1)}${e.text}${l.slice(m.index + 3)}`;
      }
    } else lines[j] = `${l.slice(0, e.pos % (l.length + 1))}${e.text}${l.slice(e.pos % (l.length + 1))}`;
    if (lines.length === 0) lines.push('');
  }
  return lines.join('\n');
}

/** Runs one command and checks the contract: a number 0..2, and a message on stderr when 2. */
function answers(argv: string[], files: Record<string, string>): void {
  const r = runCli(argv, files);
  expect([0, 1, 2], `exit code of iovsim ${argv.join(' ')}`).toContain(r.code);
  if (r.code === 2) expect(r.err).toMatch(/\S/);
}

describe('every command answers any input with an exit code (property)', () => {
  const out = mkdtempSync(join(tmpdir(), 'iovsim-robust-'));

  test.prop([fc.constantFrom(simExample, hubScenario as unknown), jsonEdits], { numRuns: 300 })(
    'CLI-ROBUST-01: iovsim sim on a mutated scenario exits 0 or 2, never throws',
    (base, edits) => {
      // A valid scenario may ask for a million frames in symbol mode: frame counts are capped at 1000
      // to bound the work (far-off cycles and long cables cost nothing: idle cycles are skipped).
      const doc = JSON.stringify(applyEdits(base, edits), (k, v: unknown) => (k === 'count' && typeof v === 'number' && v > 1000 ? 1000 : v));
      answers(['sim', 's.json', '--out', out], { 's.json': doc });
    },
  );

  test.prop([jsonEdits, fc.constantFrom([], ['--stp'], ['--profile', 'ieee'], ['--ports', '3'])], { numRuns: 80 })(
    'CLI-ROBUST-01: iovsim replay on a mutated frame sequence exits 0 or 2, never throws',
    (edits, flags) => {
      answers(['replay', 'q.json', ...flags], { 'q.json': JSON.stringify(applyEdits(sequence, edits)) });
    },
  );

  test.prop([fc.nat({ max: dumps.length - 1 }), lineEdits, fc.constantFrom('dump', 'vfs', 'check', 'lspci')], { numRuns: 120 })(
    'CLI-ROBUST-01: iovsim dump, vfs, check and lspci on a mutated lspci dump exit 0, 1 or 2, never throw',
    (which, edits, cmd) => {
      answers([cmd, 'd.txt'], { 'd.txt': editText(dumps[which]!, edits) });
    },
  );

  test.prop([fc.uint8Array({ minLength: 0x40, maxLength: 0x40 }), fc.boolean()], { numRuns: 80 })(
    'CLI-ROBUST-01: iovsim vfs, check and lspci on a PF whose SR-IOV capability holds random bytes exit 0, 1 or 2, never throw',
    (sriov, ari) => {
      const b = new Uint8Array(4096);
      b.set([0x86, 0x80, 0xc9, 0x10, 0, 0, 0x10, 0, 1, 0, 0, 2]); // 8086:10c9, capabilities list, class 02
      b[0x34] = 0x40;
      b.set([0x10, 0, 2, 0], 0x40); // PCI Express capability, version 2, endpoint
      b.set(sriov, 0x100);
      b.set([0x10, 0x00, 0x01, ari ? 0x15 : 0x00], 0x100); // SR-IOV, version 1, next: ARI at 0x150 or none
      if (ari) b.set([0x0e, 0x00, 0x01, 0x00], 0x150);
      const hex = (x: number): string => x.toString(16).padStart(2, '0');
      let text = '01:00.0 Ethernet controller: random SR-IOV capability\n';
      for (let i = 0; i < 4096; i += 16) text += `${i.toString(16).padStart(2, '0')}: ${Array.from(b.subarray(i, i + 16), hex).join(' ')}\n`;
      for (const cmd of ['vfs', 'check', 'lspci']) answers([cmd, 'd.txt'], { 'd.txt': text });
    },
  );
});
