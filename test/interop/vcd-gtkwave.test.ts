import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatVcd, parseVcd } from '../../src/formats/index.js';
import type { VcdChange, VcdDump, VcdSignal, VcdValue } from '../../src/formats/index.js';

const onPath = (tool: string): boolean => spawnSync(tool, ['--help'], { encoding: 'utf8' }).error === undefined;
const missing = ['vcd2fst', 'fst2vcd'].filter((t) => !onPath(t));
const haveGtkwave = missing.length === 0;
if (!haveGtkwave) console.warn(`[iovsim] skipping VCD interop: ${missing.join(' and ')} not found (apt-get install gtkwave)`);

const SIGNALS: readonly VcdSignal[] = [
  { scope: 'hub.port0', name: 'tx_en', width: 1 },
  { scope: 'hub.port0', name: 'carrier', width: 1 },
  { scope: 'hub.port0', name: 'collision', width: 1 },
  { scope: 'hub.port0', name: 'data', width: 8 },
  { scope: 'host1', name: 'tx_en', width: 1 },
  { scope: 'host1', name: 'data', width: 8 },
  { scope: 'hub', name: 'cycle', width: 64 },
];

/**
 * A hub run: host1 sends a few bytes through port 0 (8 ns per byte), then a collision; with x, z
 * and a 64-bit counter so that every kind of value goes through the FST file.
 */
function hubRun(): VcdChange[] {
  const changes: VcdChange[] = [];
  const at = (time: number, signal: number, value: VcdValue): void => {
    changes.push({ time, signal, value });
  };
  at(0, 0, 0);
  at(0, 1, 0);
  at(0, 2, 0);
  at(0, 4, 0);
  at(0, 5, 'z');
  at(0, 6, 0n);
  let t = 100;
  at(t, 4, 1);
  at(t, 1, 1);
  at(t, 0, 1);
  const bytes = [0x55, 0x55, 0xd5, 0x02, 0x00, 0xff, 0xa5];
  for (const b of bytes) {
    at(t, 5, b);
    at(t, 3, b);
    at(t, 6, BigInt(t) * 0x1_0000_0001n);
    t += 8;
  }
  at(t, 2, 1);
  at(t, 3, 'x');
  t += 16;
  at(t, 0, 0);
  at(t, 4, 0);
  at(t, 5, 'z');
  at(t, 2, 0);
  at(t, 1, 0);
  at(t, 3, 0);
  at(2_000_000_000, 6, 0xffff_ffff_ffff_ffffn);
  return changes;
}

/** Per signal `scope.name`: its width and the (time, value) sequence, values as text. */
function histories(dump: VcdDump): Map<string, { width: number; values: string[] }> {
  const out = new Map<string, { width: number; values: string[] }>();
  const keys = dump.signals.map((s) => `${s.scope}.${s.name}`);
  dump.signals.forEach((s, i) => out.set(keys[i] ?? '', { width: s.width, values: [] }));
  for (const c of dump.changes) {
    out.get(keys[c.signal] ?? '')?.values.push(`${c.time}:${typeof c.value === 'string' ? c.value : BigInt(c.value).toString(16)}`);
  }
  return out;
}

function run(tool: string, args: readonly string[]): string {
  const r = spawnSync(tool, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  expect(r.error).toBeUndefined();
  expect(r.status, `${tool} ${args.join(' ')} failed: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe.skipIf(!haveGtkwave)('VCD interop (gtkwave vcd2fst / fst2vcd)', () => {
  const dir = haveGtkwave ? mkdtempSync(join(tmpdir(), 'iovsim-vcd-')) : '';
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it("FMT-VCD-03: gtkwave's vcd2fst then fst2vcd keep every signal and value change", () => {
    const ours = formatVcd({ signals: SIGNALS, changes: hubRun(), timescale: '1 ns', date: 'simulation start', comment: 'iovsim hub run' });
    const inVcd = join(dir, 'in.vcd');
    const fst = join(dir, 'out.fst');
    const backVcd = join(dir, 'back.vcd');
    writeFileSync(inVcd, ours);
    run('vcd2fst', [inVcd, fst]);
    writeFileSync(backVcd, run('fst2vcd', [fst]));

    const back = parseVcd(readFileSync(backVcd, 'utf8'));
    const mine = parseVcd(ours);
    expect(back.timescale).toBe('1 ns');
    // The same signals (identifiers may differ), each with the same value history.
    expect(back.signals.map((s) => `${s.scope}.${s.name}/${s.width}`).sort()).toEqual(SIGNALS.map((s) => `${s.scope}.${s.name}/${s.width}`).sort());
    const want = histories(mine);
    const got = histories(back);
    expect(got).toEqual(want);
    // Spot checks of the values themselves.
    expect(want.get('hub.port0.data')?.values).toEqual(['0:x', '100:55', '116:d5', '124:2', '132:0', '140:ff', '148:a5', '156:x', '172:0']);
    expect(want.get('host1.data')?.values.at(-1)).toBe('172:z');
    expect(want.get('hub.cycle')?.values.at(-1)).toBe('2000000000:ffffffffffffffff');
    expect(want.get('hub.port0.collision')?.values).toEqual(['0:0', '156:1', '172:0']);
  });
});
