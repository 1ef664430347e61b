import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import type { BarSpec } from '../../src/config/index.js';
import { AccessError, LayoutError } from '../../src/regs/index.js';
import {
  asRoutingId, igbProfile, SriovDevice, SriovError, SriovOracle, vfNumberOf, vfRoutingId, type PhysicalFunction, type RoutingId, type SriovPolicy,
} from '../../src/sriov/index.js';
import {
  CTRL, dwords, enableVfs, expectedVfRid, manyPfs, onePf, pcieAt, policyArb, SR, sriovAt, u16Arb, wr,
} from '../helpers/arb-sriov.js';

// ---------------------------------------------------------------------------------------------
// SRIOV-RID-01: Routing IDs of random profiles
// ---------------------------------------------------------------------------------------------

const ridCase = fc
  .record({
    offset: fc.oneof(fc.integer({ min: 1, max: 0x100 }), u16Arb(1)),
    stride: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 0x200 }), u16Arb(0)),
    total: fc.oneof(fc.integer({ min: 1, max: 0x400 }), u16Arb(1)),
    bus: fc.integer({ min: 0, max: 255 }),
    device: fc.integer({ min: 0, max: 31 }),
    fn: fc.integer({ min: 0, max: 7 }),
    ari: fc.boolean(),
  })
  .chain((c) =>
    fc.record({
      n: fc.oneof(fc.constant(c.total), fc.integer({ min: 1, max: c.total })),
      picks: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 24 }),
    }).map((x) => ({ ...c, ...x })),
  );

function tryDevice(make: () => SriovDevice): SriovDevice | undefined {
  try {
    return make();
  } catch (e) {
    if (e instanceof LayoutError) return undefined; // a combination the model refuses: skipped
    throw e;
  }
}

describe('VF Routing IDs (property)', () => {
  test.prop([ridCase])(
    'SRIOV-RID-01: should give VF n the Routing ID PF + offset + (n − 1) × stride (undefined above 0xFFFF), distinct when stride ≥ 1, never a PF\'s, with vfNumberOf as inverse',
    (c) => {
      const dev = tryDevice(() => new SriovDevice(onePf({ totalVfs: c.total, vfDeviceId: 1, offsetStride: { offset: c.offset, stride: c.stride } }, { ari: c.ari, function: c.fn }), { bus: c.bus, device: c.device }));
      fc.pre(dev !== undefined);
      const pf = dev.pfs[0]!;
      expect(pf.rid).toBe((c.bus << 8) | (c.device << 3) | c.fn);
      const n = c.n;
      enableVfs(dev, pf, n);
      expect(pf.enabledVfs).toBe(n);
      expect([pf.firstVfOffset, pf.vfStride]).toEqual([c.offset, c.stride]);
      // VF numbers to check: the first, the last, random ones, and the last two below the 0xFFFF edge.
      const edge = c.stride === 0 ? 1 : Math.floor((0xffff - pf.rid - c.offset) / c.stride) + 1;
      const ks = new Set<number>([1, n, Math.min(n, 2), ...c.picks.map((p) => 1 + (p % n)), ...[edge - 1, edge, edge + 1].filter((k) => k >= 1 && k <= n)]);
      for (const k of ks) {
        const want = expectedVfRid(pf.rid, c.offset, c.stride, k);
        const got = pf.vfRid(k);
        expect(got, `VF ${k}`).toBe(want);
        expect(vfRoutingId(pf.rid, c.offset, c.stride, k)).toBe(want);
        if (want === undefined) continue;
        expect(want).not.toBe(pf.rid); // offset ≥ 1: never the PF
        if (c.stride >= 1 || k === 1) {
          expect(vfNumberOf(pf.rid, c.offset, c.stride, got!, n)).toBe(k);
          expect(dev.functionAt(got!)).toEqual({ kind: 'vf', pf: 0, vf: k, rid: want });
        }
        // A Routing ID between two VFs names no VF.
        if (c.stride >= 2 && want + 1 <= 0xffff) expect(vfNumberOf(pf.rid, c.offset, c.stride, asRoutingId(want + 1), n)).toBeUndefined();
      }
      // Distinct when stride ≥ 1: VF Routing IDs are strictly increasing in n.
      if (c.stride >= 1) {
        const sorted = [...ks].sort((a, b) => a - b).map((k) => pf.vfRid(k)).filter((r): r is RoutingId => r !== undefined);
        for (let i = 1; i < sorted.length; i++) expect(sorted[i]!).toBeGreaterThan(sorted[i - 1]!);
      }
      // Just past the last VF, and just before the first, there is no VF of this PF.
      const after = expectedVfRid(pf.rid, c.offset, c.stride, n + 1);
      if (after !== undefined && c.stride >= 1) expect(pf.vfAt(asRoutingId(after))).toBeUndefined();
      if (pf.rid + c.offset - 1 <= 0xffff) expect(pf.vfAt(asRoutingId(pf.rid + c.offset - 1))).toBeUndefined();
      expect(dev.functionAt(pf.rid)).toEqual({ kind: 'pf', pf: 0, rid: pf.rid });
    },
  );

  test.prop([
    fc.integer({ min: 2, max: 4 }),
    fc.integer({ min: 0, max: 0x60 }),
    fc.integer({ min: 1, max: 4 }),
    fc.integer({ min: 1, max: 40 }),
    fc.integer({ min: 0, max: 255 }),
  ])(
    'SRIOV-RID-01: should never give a VF the Routing ID of any PF when every PF lies below the VF range (PFs 0..m−1, offset ≥ m)',
    (m, extra, stride, total, bus) => {
      const offset = m + extra;
      const dev = new SriovDevice(manyPfs([...Array(m).keys()], () => ({ totalVfs: total, vfDeviceId: 1, offsetStride: { offset, stride } })), { bus });
      const pfRids = new Set<number>(dev.pfs.map((p) => p.rid));
      for (const pf of dev.pfs) {
        enableVfs(dev, pf, total);
        for (let k = 1; k <= total; k++) {
          const r = pf.vfRid(k);
          if (r !== undefined) expect(pfRids.has(r), `PF ${pf.index} VF ${k}`).toBe(false);
        }
      }
      for (const pf of dev.pfs) expect(dev.functionAt(pf.rid)).toEqual({ kind: 'pf', pf: pf.index, rid: pf.rid });
    },
  );
});

// ---------------------------------------------------------------------------------------------
// SRIOV-BAR-02: VF BAR windows and memory decode
// ---------------------------------------------------------------------------------------------

interface BarCase {
  readonly specs: readonly { readonly slot: number; readonly spec: BarSpec; readonly log2: number }[];
  readonly bases: readonly bigint[];
  readonly n: number;
  readonly probes: readonly bigint[];
}

/** Two or three VF BARs of random kinds and sizes, programmed to disjoint, aligned regions. */
const barCaseArb: fc.Arbitrary<BarCase> = fc
  .record({
    kinds: fc.constantFrom<readonly { readonly slot: number; readonly k: 'mem32' | 'mem64' }[]>(
      [{ slot: 0, k: 'mem64' }, { slot: 3, k: 'mem64' }],
      [{ slot: 0, k: 'mem32' }, { slot: 1, k: 'mem64' }, { slot: 4, k: 'mem32' }],
      [{ slot: 2, k: 'mem32' }, { slot: 5, k: 'mem32' }],
    ),
    logs: fc.array(fc.integer({ min: 12, max: 22 }), { minLength: 3, maxLength: 3 }),
    n: fc.integer({ min: 1, max: 16 }),
    order: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
    gaps: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 3, maxLength: 3 }),
    start: fc.integer({ min: 1, max: 0x20 }),
    high: fc.integer({ min: 0, max: 0xfff }),
    probes: fc.array(fc.bigInt({ min: 0n, max: 0xffff_ffffn }), { maxLength: 16 }),
    prefetch: fc.boolean(),
  })
  .map((r) => {
    const specs = r.kinds.map((x, i) => {
      const log2 = r.logs[i]!;
      const spec: BarSpec = x.k === 'mem64' ? { kind: 'mem64', size: 2 ** log2, prefetchable: r.prefetch } : { kind: 'mem32', size: 2 ** log2 };
      return { slot: x.slot, spec, log2 };
    });
    // Place the regions one after another (in a random order) from 0x?0000000, each aligned to its per-VF size.
    const order = specs.map((_, i) => i).sort((a, b) => (r.order[a]! - r.order[b]!) || a - b);
    const bases: bigint[] = new Array<bigint>(specs.length).fill(0n);
    // Below 4 GiB when a 32-bit VF BAR is involved; anywhere below 2^44 otherwise.
    const all64 = specs.every((x) => x.spec.kind === 'mem64');
    let cursor = (BigInt(r.start) << 26n) + (all64 ? BigInt(r.high) << 32n : 0n);
    for (const i of order) {
      const size = 1n << BigInt(specs[i]!.log2);
      cursor = ((cursor + size - 1n) / size) * size + BigInt(r.gaps[i]!) * size;
      bases[i] = cursor;
      cursor += size * BigInt(r.n);
    }
    return { specs, bases, n: r.n, probes: r.probes };
  });

function barDevice(c: BarCase, ctrl: number): { dev: SriovDevice; pf: PhysicalFunction } {
  const vfBars: (BarSpec | undefined)[] = [];
  for (const s of c.specs) vfBars[s.slot] = s.spec;
  const dev = new SriovDevice(onePf({ totalVfs: 16, vfDeviceId: 1, offsetStride: { offset: 0x10, stride: 1 }, vfBars }), { bus: 4 });
  const pf = dev.pfs[0]!;
  c.specs.forEach((s, i) => {
    const base = c.bases[i]!;
    wr(dev, pf, SR.vfBar(s.slot), 4, Number(base & 0xffff_ffffn));
    if (s.spec.kind === 'mem64') wr(dev, pf, SR.vfBar(s.slot + 1), 4, Number(base >> 32n));
  });
  enableVfs(dev, pf, c.n, ctrl);
  return { dev, pf };
}

/** Addresses to probe: each window's edges and middle, the region edges, and random ones. */
function addresses(c: BarCase): bigint[] {
  const out: bigint[] = [...c.probes];
  c.specs.forEach((s, i) => {
    const size = 1n << BigInt(s.log2);
    const base = c.bases[i]!;
    out.push(base - 1n, base + size * BigInt(c.n), base + size * BigInt(c.n) - 1n);
    for (let k = 0; k < c.n; k++) out.push(base + size * BigInt(k), base + size * BigInt(k) + size / 2n, base + size * BigInt(k + 1) - 1n);
  });
  return out.filter((a) => a >= 0n);
}

describe('VF BAR windows (property)', () => {
  test.prop([barCaseArb])(
    'SRIOV-BAR-02: should lay VF windows out at base + (k − 1) × size inside [base, base + NumVFs × size), pairwise disjoint, and decode every address to at most the one window holding it',
    (c) => {
      const { dev, pf } = barDevice(c, CTRL.vfe | CTRL.mse);
      const windows: { k: number; bar: number; base: bigint; last: bigint }[] = [];
      c.specs.forEach((s, i) => {
        const size = 1n << BigInt(s.log2);
        const region = c.bases[i]!;
        for (let k = 1; k <= c.n; k++) {
          const w = pf.vfBarWindow(k, s.slot);
          expect(w, `VF ${k} BAR${s.slot}`).toEqual({ base: region + BigInt(k - 1) * size, size, last: region + BigInt(k) * size - 1n });
          expect(w!.base >= region && w!.last < region + BigInt(c.n) * size).toBe(true);
          windows.push({ k, bar: s.slot, base: w!.base, last: w!.last });
        }
      });
      const sorted = [...windows].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.base > sorted[i - 1]!.last, 'windows overlap').toBe(true);
      for (const a of addresses(c)) {
        const holders = windows.filter((w) => a >= w.base && a <= w.last);
        expect(holders.length).toBeLessThanOrEqual(1);
        const hit = dev.decodeAddress(a);
        const h = holders[0];
        if (h === undefined) expect(hit, `0x${a.toString(16)}`).toBeUndefined();
        else expect(hit, `0x${a.toString(16)}`).toEqual({ pf: 0, vf: h.k, rid: pf.vfRid(h.k), bar: h.bar, offset: a - h.base });
      }
    },
  );

  test.prop([barCaseArb, fc.constantFrom(0, CTRL.vfe, CTRL.mse)])(
    'SRIOV-BAR-02: should decode nothing unless VF Enable and VF MSE are both set',
    (c, ctrl) => {
      const { dev } = barDevice(c, ctrl);
      for (const a of addresses(c)) expect(dev.decodeAddress(a)).toBeUndefined();
    },
  );

  test.prop([barCaseArb, fc.nat()])(
    'SRIOV-BAR-02: should not decode a VF BAR whose sizing probe is in progress, while the other VF BARs still decode',
    (c, which) => {
      const { dev, pf } = barDevice(c, CTRL.vfe | CTRL.mse);
      const probed = c.specs[which % c.specs.length]!;
      wr(dev, pf, SR.vfBar(probed.slot), 4, 0xffff_ffff);
      if (probed.spec.kind === 'mem64') wr(dev, pf, SR.vfBar(probed.slot + 1), 4, 0xffff_ffff);
      for (const a of addresses(c)) {
        const hit = dev.decodeAddress(a);
        if (hit !== undefined) expect(hit.bar).not.toBe(probed.slot);
      }
      const others = c.specs.filter((s) => s !== probed);
      const i = c.specs.indexOf(others[0]!);
      expect(dev.decodeAddress(c.bases[i]!)?.bar).toBe(others[0]!.slot);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// SRIOV-ISO-01: configuration isolation between functions
// ---------------------------------------------------------------------------------------------

type Target = { readonly kind: 'pf'; readonly pf: number } | { readonly kind: 'vf'; readonly pf: number; readonly vf: number };

interface Access {
  readonly who: number; // index into the functions that exist when the write happens
  readonly offset: number;
  readonly size: 1 | 2 | 4;
  readonly value: number;
}

const sizeArb = fc.constantFrom<1 | 2 | 4>(1, 2, 4);
const accessArb: fc.Arbitrary<Access> = sizeArb.chain((size) =>
  fc.record({
    who: fc.nat(),
    offset: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 4096 / size - 1 }).map((i) => i * size) },
      { weight: 3, arbitrary: fc.integer({ min: 0, max: Math.floor(0x1ff / size) }).map((i) => i * size) },
      // Command, BARs, Interrupt Line, and (resolved per function below) the PCIe Device Control / SR-IOV control
      { weight: 4, arbitrary: fc.constantFrom(0x04, 0x10, 0x14, 0x3c, -1, -2, -3, -4).map((o) => (o < 0 ? o : o - (o % size))) },
    ),
    size: fc.constant(size),
    value: fc.integer({ min: 0, max: 2 ** (8 * size) - 1 }),
  }),
);

interface Snapshot {
  readonly pfs: Uint32Array[];
  readonly vfs: Map<string, Uint32Array>;
  readonly enabled: number[];
}

/** First DWORD index where two snapshots differ (as `0xOFFSET: before → after`), or 'same'. */
function firstDiff(a: Uint32Array, b: Uint32Array): string {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `0x${(i * 4).toString(16)}: 0x${a[i]!.toString(16)} → 0x${b[i]!.toString(16)}`;
  return 'same';
}

function snapshot(dev: SriovDevice): Snapshot {
  const vfs = new Map<string, Uint32Array>();
  for (const pf of dev.pfs) for (let k = 1; k <= pf.enabledVfs; k++) vfs.set(`${pf.index}.${k}`, dwords(pf.vfSpaceForRead(k)));
  return { pfs: dev.pfs.map((p) => dwords(p.space)), vfs, enabled: dev.pfs.map((p) => p.enabledVfs) };
}

function functions(dev: SriovDevice): Target[] {
  const out: Target[] = [];
  for (const pf of dev.pfs) {
    out.push({ kind: 'pf', pf: pf.index });
    for (let k = 1; k <= pf.enabledVfs; k++) out.push({ kind: 'vf', pf: pf.index, vf: k });
  }
  return out;
}

/** Resolves the symbolic offsets: −1/−2 the PCIe Device Control (FLR), −3/−4 SR-IOV Control / NumVFs (PFs only). */
function resolve(dev: SriovDevice, t: Target, a: Access): number {
  const pf = dev.pfs[t.pf]!;
  const space = t.kind === 'pf' ? pf.space : pf.vfSpaceForRead(t.vf);
  if (a.offset >= 0) return a.offset;
  const at = a.offset >= -2 || t.kind === 'vf' ? pcieAt(space) + 0x08 : sriovAt(pf) + (a.offset === -3 ? SR.control : SR.numVfs);
  return at - (at % a.size);
}

const isoSetup = fc.record({
  policy: policyArb,
  ari: fc.boolean(),
  n: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 })),
  writes: fc.array(accessArb, { minLength: 1, maxLength: 10 }),
});

describe('VF isolation on the configuration path (property)', () => {
  test.prop([isoSetup])(
    'SRIOV-ISO-01: should let a write to one function (PF or VF) change no other function\'s configuration bytes; only a PF\'s own SR-IOV Control or FLR changes which of its VFs exist',
    ({ policy, ari, n, writes }) => {
      const dev = new SriovDevice(igbProfile(2), { bus: 1, policy });
      const [pf0, pf1] = [dev.pfs[0]!, dev.pfs[1]!];
      if (ari) wr(dev, pf0, SR.control, 2, CTRL.ari);
      enableVfs(dev, pf0, n[0], CTRL.vfe | CTRL.mse | (ari ? CTRL.ari : 0));
      if (n[1] > 0) enableVfs(dev, pf1, n[1]);
      for (const a of writes) {
        const fns = functions(dev);
        const t = fns[a.who % fns.length]!;
        const offset = resolve(dev, t, a);
        const before = snapshot(dev);
        const pf = dev.pfs[t.pf]!;
        const rid = t.kind === 'pf' ? pf.rid : pf.vfRid(t.vf)!;
        dev.configWrite(rid, offset, a.size, a.value);
        const after = snapshot(dev);
        const what = `${t.kind} ${t.pf}${t.kind === 'vf' ? `.${t.vf}` : ''} write 0x${offset.toString(16)}/${a.size} = 0x${a.value.toString(16)}`;
        const cap = sriovAt(pf);
        const hitsControl = t.kind === 'pf' && offset < cap + 0x0a && offset + a.size > cap + 0x08;
        const devctl = pcieAt(t.kind === 'pf' ? pf.space : pf.vfSpaceForRead(t.vf)) + 0x08;
        const flr = t.kind === 'pf' && offset <= devctl + 1 && offset + a.size > devctl + 1;
        for (const p of dev.pfs) {
          if (t.kind === 'pf' && t.pf === p.index) continue;
          const want = before.pfs[p.index]!.slice();
          // The lowest PF's ARI Capable Hierarchy governs First VF Offset / VF Stride of every PF (§9.3.3.9-10).
          if (hitsControl && t.pf === 0) want[(sriovAt(p) + SR.firstVfOffset) / 4] = after.pfs[p.index]![(sriovAt(p) + SR.firstVfOffset) / 4]!;
          expect(firstDiff(want, after.pfs[p.index]!), `PF ${p.index} changed by ${what}`).toBe('same');
          if (t.pf !== p.index || t.kind === 'vf') expect(after.enabled[p.index], `PF ${p.index} VF count changed by ${what}`).toBe(before.enabled[p.index]);
        }
        if (t.kind === 'pf') {
          const mayChangeVfs = hitsControl || flr;
          if (!mayChangeVfs) expect(after.enabled[t.pf], `VF count changed by ${what}`).toBe(before.enabled[t.pf]);
        }
        for (const [key, bytes] of before.vfs) {
          if (t.kind === 'vf' && key === `${t.pf}.${t.vf}`) continue;
          const now = after.vfs.get(key);
          if (now === undefined) continue; // the VF went away (VF Enable cleared / PF FLR): allowed, checked above
          if (after.enabled[Number(key.split('.')[0])] !== before.enabled[Number(key.split('.')[0])]) continue;
          expect(firstDiff(bytes, now), `VF ${key} changed by ${what}`).toBe('same');
        }
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------
// SRIOV-LIFE-05: VF Enable = 0 removes every VF; re-enabling gives VFs in reset state
// ---------------------------------------------------------------------------------------------

const lifeCase = fc.record({
  policy: policyArb,
  ari: fc.boolean(),
  n: fc.integer({ min: 1, max: 8 }),
  vfWrites: fc.array(fc.record({ k: fc.nat(), offset: fc.constantFrom(0x04, 0x0c, 0x3c, 0x40, 0x100, -1), value: fc.integer({ min: 0, max: 0xffff }) }), { maxLength: 12 }),
  disable: fc.constantFrom<'control' | 'flr' | 'hot'>('control', 'flr', 'hot'),
});

describe('VF lifecycle (property)', () => {
  test.prop([lifeCase])(
    'SRIOV-LIFE-05: should make every former VF\'s Routing ID read all ones after VF Enable = 0 (or a PF reset), and give VFs their reset state after re-enabling',
    ({ policy, ari, n, vfWrites, disable }) => {
      const make = (p: SriovPolicy) => {
        const dev = new SriovDevice(igbProfile(), { bus: 1, policy: p });
        const pf = dev.pfs[0]!;
        if (ari) wr(dev, pf, SR.control, 2, CTRL.ari);
        enableVfs(dev, pf, n, CTRL.vfe | CTRL.mse | (ari ? CTRL.ari : 0));
        return { dev, pf };
      };
      const reference = make(policy);
      const resetState = dwords(reference.pf.vfSpaceForRead(1));
      const { dev, pf } = make(policy);
      const rids = Array.from({ length: n }, (_, i) => pf.vfRid(i + 1)!);
      for (const w of vfWrites) {
        const k = 1 + (w.k % n);
        const space = pf.vfSpaceForRead(k);
        const at = w.offset < 0 ? pcieAt(space) + 0x08 : w.offset;
        dev.configWrite(rids[k - 1]!, at, 2, w.offset < 0 ? w.value & 0x7fff : w.value);
      }
      if (disable === 'control') wr(dev, pf, SR.control, 2, ari ? CTRL.ari : 0);
      else if (disable === 'flr') dev.configWrite(pf.rid, pcieAt(pf.space) + 0x08, 2, 0x8000);
      else pf.space.reset('hot');
      expect(pf.enabledVfs).toBe(0);
      dev.takeDiagnostics();
      for (const rid of rids) {
        expect(dev.functionAt(rid)).toBeUndefined();
        for (const o of [0x00, 0x04, 0x08, 0x0c, 0x34, 0x100]) expect(dev.configRead(rid, o, 4), `${rid.toString(16)} @0x${o.toString(16)}`).toBe(0xffff_ffff);
        expect(dev.configRead(rid, 0x0e, 1)).toBe(0xff);
        expect(dev.configRead(rid, 0x06, 2)).toBe(0xffff);
      }
      expect(dev.takeDiagnostics().filter((d) => d.code === 'device.unsupported-request')).toHaveLength(rids.length * 8);
      // Re-enable (restoring what a reset cleared).
      if (disable !== 'control' && ari) wr(dev, pf, SR.control, 2, CTRL.ari);
      enableVfs(dev, pf, n, CTRL.vfe | CTRL.mse | (ari ? CTRL.ari : 0));
      expect(pf.enabledVfs).toBe(n);
      for (let k = 1; k <= n; k++) {
        const rid = pf.vfRid(k)!;
        expect(dev.functionAt(rid)).toMatchObject({ kind: 'vf', vf: k });
        const got = Uint32Array.from({ length: 1024 }, (_, i) => dev.configRead(rid, i * 4, 4));
        expect(firstDiff(resetState, got), `VF ${k}`).toBe('same');
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------
// SRIOV-ORACLE-02: any question, any argument: an answer or a coded error
// ---------------------------------------------------------------------------------------------

describe('the oracle under any arguments (property)', () => {
  /** Arguments a JavaScript caller might pass: plausible values, edges, and anything at all. */
  const num = fc.oneof(fc.integer({ min: -2, max: 0x10002 }), fc.constantFrom(0.5, Number.NaN, Infinity, 2 ** 32, 2 ** 53, Object.create(null) as unknown), fc.anything());
  const question = fc.oneof(
    fc.record({ m: fc.constant('read' as const), args: fc.tuple(num, num, fc.oneof(fc.constantFrom(1, 2, 4), num)) }),
    fc.record({ m: fc.constant('write' as const), args: fc.tuple(num, num, fc.oneof(fc.constantFrom(1, 2, 4), num), num) }),
    fc.record({ m: fc.constant('whereIsVf' as const), args: fc.tuple(fc.oneof(fc.constant(0), num), num) }),
    fc.record({ m: fc.constant('vfBarWindow' as const), args: fc.tuple(fc.oneof(fc.constant(0), num), num, num) }),
    fc.record({ m: fc.constant('whatHits' as const), args: fc.tuple(fc.oneof(fc.bigInt(), num)) }),
    fc.record({ m: fc.constant('wouldLinuxEnable' as const), args: fc.tuple(fc.oneof(fc.constant(0), num), num, fc.oneof(fc.constant({}), fc.record({ pageSize: num }), fc.anything())) }),
    fc.record({ m: fc.constant('reachable' as const), args: fc.tuple(num, fc.oneof(fc.record({ secondary: num, subordinate: num, ariForwarding: fc.anything() }), fc.anything())) }),
  );

  test.prop([fc.array(question, { minLength: 1, maxLength: 30 }), fc.boolean()])(
    'SRIOV-ORACLE-02: every question, with any arguments an untyped caller can pass, is answered or refused with a coded SriovError or AccessError, never another exception',
    (questions, enabled) => {
      const oracle = SriovOracle.fromProfile(igbProfile());
      const pf = oracle.device.pfs[0]!;
      if (enabled) {
        oracle.write(pf.rid, sriovAt(pf) + SR.numVfs, 2, 4);
        oracle.write(pf.rid, sriovAt(pf) + SR.control, 2, CTRL.vfe | CTRL.mse);
      }
      for (const q of questions) {
        try {
          (oracle[q.m] as (...a: unknown[]) => unknown)(...q.args);
        } catch (e) {
          expect(e instanceof SriovError || e instanceof AccessError, `${q.m}(${fc.stringify(q.args)}) threw ${fc.stringify(e)}`).toBe(true);
          expect((e as { code: string }).code).toMatch(/^(sriov|access)\./);
        }
      }
    },
  );
});
