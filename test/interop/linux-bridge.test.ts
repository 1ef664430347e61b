import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { arbOracleSequence } from '../helpers/arb-l2.js';
import { runCli } from '../helpers/cli.js';

/**
 * Differential test: frame sequences go through the real Linux bridge (the oracle in
 * ../shared/oracles/linux-bridge, or IOVSIM_LINUX_BRIDGE_ORACLE) and through `iovsim replay`
 * in the linux profile; both must print the same line, so every frame reached the same ports.
 */
const SHARED = resolve(process.cwd(), '../shared/oracles/linux-bridge/oracle.py');
const VENDORED = resolve(process.cwd(), 'test/oracles/linux-bridge/oracle.py');
const ORACLE = process.env['IOVSIM_LINUX_BRIDGE_ORACLE'] ?? (existsSync(SHARED) ? SHARED : VENDORED);
const SEQUENCES = join(dirname(ORACLE), 'sequences');
/** Namespace prefix of this run (the oracle creates <tag>br, <tag>h0.., <tag>sync and deletes them). */
const TAG = `ivs${process.pid}`;

function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root');
  const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (python.error !== undefined || python.status !== 0) missing.push('python3');
  const bridge = spawnSync('bridge', ['-V'], { encoding: 'utf8' });
  if (bridge.error !== undefined || bridge.status !== 0) missing.push('iproute2 bridge command');
  if (!existsSync(ORACLE)) missing.push(`the oracle (${ORACLE}; set IOVSIM_LINUX_BRIDGE_ORACLE)`);
  if (missing.length === 0) {
    // Network namespaces must really work here (containers often forbid them).
    const probe = `${TAG}probe`;
    const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
    if (add.error !== undefined || add.status !== 0) missing.push(`working ip netns (${(add.stderr ?? add.error?.message ?? '').trim()})`);
    else spawnSync('ip', ['netns', 'del', probe]);
  }
  return missing;
}

const missing = missingPrerequisites();
if (missing.length > 0) console.warn(`[iovsim] skipping the Linux-bridge differential test: missing ${missing.join(', ')}`);

interface Options {
  readonly ports: number;
  readonly ageing?: number;
  readonly stp?: boolean;
  readonly groupFwdMask?: number;
}

function flags(o: Options): string[] {
  return [
    '--ports', String(o.ports),
    ...(o.ageing === undefined ? [] : ['--ageing', String(o.ageing)]),
    ...(o.stp === true ? ['--stp'] : []),
    ...(o.groupFwdMask === undefined ? [] : ['--group-fwd-mask', `0x${o.groupFwdMask.toString(16)}`]),
  ];
}

const totals = { sequences: 0, frames: 0, oracleSeconds: 0 };

/** The oracle's stdout line for `seq` (throws with its stderr when it fails). */
function oracle(seq: unknown, o: Options): string {
  const t0 = performance.now();
  const r = spawnSync('python3', [ORACLE, ...flags(o), '--tag', TAG, '-'], { input: JSON.stringify(seq), encoding: 'utf8', timeout: 120_000 });
  totals.oracleSeconds += (performance.now() - t0) / 1000;
  if (r.error !== undefined || r.status !== 0) throw new Error(`oracle failed (${r.status ?? r.error?.message}): ${r.stderr}`);
  return r.stdout;
}

/** Our line for `seq`. */
function ours(seq: unknown, o: Options): string {
  const r = runCli(['replay', 'seq.json', ...flags(o)], { 'seq.json': JSON.stringify(seq) });
  if (r.code !== 0) throw new Error(`iovsim replay exited ${r.code}: ${r.err}`);
  return r.out;
}

/** Runs `seq` through both and compares; the message names the frames that differ. */
function compare(seq: { frames: readonly unknown[] }, o: Options): void {
  const real = oracle(seq, o);
  const model = ours(seq, o);
  totals.sequences++;
  totals.frames += seq.frames.length;
  if (real === model) return;
  const a = JSON.parse(real) as Record<string, number[]>;
  const b = JSON.parse(model) as Record<string, number[]>;
  const diffs = Object.keys(a)
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `  frame ${k} ${JSON.stringify(seq.frames[Number(k)])}: Linux ${JSON.stringify(a[k])}, iovsim ${JSON.stringify(b[k])}`);
  throw new Error(`iovsim replay ${flags(o).join(' ')} differs from the Linux bridge:\n${diffs.join('\n') || `  output text: ${JSON.stringify(real)} vs ${JSON.stringify(model)}`}\nsequence: ${JSON.stringify(seq)}`);
}

/** fast-check runs of the differential property: each spawns the oracle (about 1 s), and a failure is not shrunk (it reports the sequence instead). */
const runs = (numRuns: number): { numRuns: number; endOnFailure: boolean } => ({ numRuns, endOnFailure: true });

describe.skipIf(missing.length > 0)('differential test against the real Linux bridge', () => {
  afterAll(() => {
    console.log(`[iovsim] Linux-bridge differential test: ${totals.sequences} sequences, ${totals.frames} frames compared, identical port sets for every frame (oracle time ${totals.oracleSeconds.toFixed(1)} s)`);
    spawnSync('python3', [ORACLE, '--tag', TAG, '--cleanup-only', '-']);
  });

  it('FWD-DIFF-01 CLI-REPLAY-01: generated sequences (learning, moves, floods, link-local, invalid sources, static and own addresses) reach the same ports', () => {
    const scenario = fc.integer({ min: 1, max: 6 }).chain((ports) => fc.record({ ports: fc.constant(ports), ageing: fc.constantFrom(300, 300, 300, 0), seq: arbOracleSequence(ports, { minFrames: 20, maxFrames: 200 }) }));
    fc.assert(fc.property(scenario, ({ ports, ageing, seq }) => compare(seq, { ports, ageing })), runs(12));
  }, 180_000);

  it('FWD-DIFF-01: with --group-fwd-mask (random allowed mask) link-local frames follow the mask as in Linux', () => {
    const scenario = fc.record({ mask: fc.integer({ min: 1, max: 0x1fff }).map((x) => x << 3), seq: arbOracleSequence(4, { minFrames: 30, maxFrames: 50 }) });
    fc.assert(fc.property(scenario, ({ mask, seq }) => compare(seq, { ports: 4, groupFwdMask: mask })), runs(2));
  }, 120_000);

  it('FWD-DIFF-01: with --stp the bridge group address goes to the bridge and everything else is unchanged', () => {
    fc.assert(fc.property(arbOracleSequence(3, { minFrames: 30, maxFrames: 50 }), (seq) => compare(seq, { ports: 3, stp: true })), runs(1));
  }, 120_000);

  it('FWD-DIFF-01 FDB-AGE-01: ageing (0.6 s) against waits of 0.4 s keeps the same entries as Linux, at least 0.2 s from every boundary', () => {
    // Entry ages are multiples of 0.4 s: 0.4 (< 0.6) or ≥ 0.8, never within 0.2 s of 0.6, away from
    // the kernel's fuzzy expiry (its garbage collector runs late by up to tens of milliseconds).
    fc.assert(fc.property(arbOracleSequence(3, { minFrames: 20, maxFrames: 40, waits: [0.4], maxWaits: 3 }), (seq) => compare(seq, { ports: 3, ageing: 0.6 })), runs(1));
  }, 120_000);

  const HAND_WRITTEN: readonly [string, Omit<Options, 'ports'>][] = [
    ['basic.json', {}],
    ['static.json', { ageing: 1 }],
    ['ageing.json', { ageing: 1 }],
    ['lldp_fwd.json', { groupFwdMask: 0x4000 }],
    ['stp_on.json', { stp: true }],
  ];
  for (const [file, o] of HAND_WRITTEN) {
    it(`FWD-DIFF-01 CLI-REPLAY-01: the oracle's hand-written ${file} gives its expect lists, in Linux and in iovsim`, () => {
      const path = join(SEQUENCES, file);
      if (!existsSync(path)) {
        console.warn(`[iovsim] ${path} is missing: not compared`);
        return;
      }
      const seq = JSON.parse(readFileSync(path, 'utf8')) as { frames: { expect?: number[] }[] };
      const options = { ports: 4, ...o };
      const model = JSON.parse(ours(seq, options)) as Record<string, number[]>;
      seq.frames.forEach((f, i) => {
        if (f.expect !== undefined) expect(model[String(i)], `${file} frame ${i}`).toEqual([...f.expect].sort((x, y) => x - y));
      });
      compare(seq, options);
    }, 60_000);
  }
});
