import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import type { NicPcie } from '../../src/nic/index.js';
import {
  frameOf, INT, PF_BAR0, postFrame, Q, snapshot, SRIOV, upNic, VF_BAR0, VF_SIZE, vfBase, vfPcieAt, vfRid,
} from '../unit/nic/nic-helpers.js';

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

/** What one VF's driver and the data path have done before the property's action. */
interface VfActivity {
  readonly touched: boolean;
  readonly ctrl: number;
  readonly rx: number;
  readonly tx: number;
  readonly take: number;
  readonly clear: number;
}

const activityArb: fc.Arbitrary<VfActivity> = fc.record({
  touched: fc.boolean(),
  ctrl: fc.integer({ min: 0, max: 3 }),
  rx: fc.integer({ min: 0, max: 6 }),
  tx: fc.integer({ min: 0, max: 9 }),
  take: fc.integer({ min: 0, max: 3 }),
  clear: fc.integer({ min: 0, max: 0x1f }),
});

/** n VFs (2..6) with activity each, and a chosen VF A. */
const nicCase = fc.integer({ min: 2, max: 6 }).chain((n) =>
  fc.record({ n: fc.constant(n), a: fc.integer({ min: 1, max: n }), acts: fc.array(activityArb, { minLength: n, maxLength: n }), portUp: fc.boolean() }));

/** Builds the NIC of a case: frames delivered and posted, some taken, some interrupt bits cleared. */
function build(c: { readonly n: number; readonly acts: readonly VfActivity[]; readonly portUp: boolean }) {
  const r = upNic(c.n);
  r.nic.setPortLink(c.portUp);
  c.acts.forEach((act, i) => {
    const k = i + 1;
    if (!act.touched) return;
    const b = vfBase(k);
    r.nic.memWrite(b + BigInt(Q.ctrl), 4, act.ctrl);
    for (let j = 0; j < act.rx; j++) r.nic.queues(k).deliverRx(frameOf(60 + j, k * 16 + j));
    for (let j = 0; j < act.tx; j++) postFrame(r.nic, b, frameOf(64 + j, k * 32 + j));
    for (let j = 0; j < act.take; j++) r.nic.queues(k).postedTx();
    r.nic.memWrite(b + BigInt(Q.intStatus), 4, act.clear);
  });
  r.nic.takeDiagnostics();
  return r;
}

/**
 * Snapshot without VF `a`'s queue block (and the count of blocks, which a first touch of `a`
 * changes); without `a`'s configuration space too when `withConfig` is false.
 */
function othersOf(nic: NicPcie, n: number, a: number, withConfig = true): Record<string, unknown> {
  const s = snapshot(nic, n);
  delete s['materialised'];
  if (withConfig) s[`vf${a}`] = { config: (s[`vf${a}`] as { config: unknown }).config };
  else delete s[`vf${a}`];
  return s;
}

/** Offsets in a queue block worth hitting often, and anywhere else. */
const offsetArb = fc.oneof(
  fc.constantFrom(Q.ctrl, Q.status, Q.func, Q.macLo, Q.macHi, Q.intStatus, Q.intMask, Q.txLen, Q.txDoorbell, Q.txPending, Q.rxHead, Q.rxTail, Q.rxLen(0), Q.txBuffer, Q.rxSlot(0)),
  fc.integer({ min: 0, max: Number(VF_SIZE) - 1 }),
);

/** A memory access: read or write, size, an offset aligned to it, and a value that fits. */
const accessArb = fc.record({
  write: fc.boolean(),
  size: fc.constantFrom(1 as const, 2 as const, 4 as const),
  offset: offsetArb,
  value: fc.oneof(fc.constant(1), fc.constant(0xffff_ffff), fc.integer({ min: 0, max: 0xffff_ffff })),
}).map((x) => ({ ...x, offset: x.offset - (x.offset % x.size), value: x.size === 4 ? x.value : x.value % (x.size === 2 ? 0x10000 : 0x100) }));

// ---------------------------------------------------------------------------------------------
// VF isolation
// ---------------------------------------------------------------------------------------------

describe('VF isolation (property)', () => {
  test.prop([nicCase, fc.array(accessArb, { minLength: 1, maxLength: 12 })], { numRuns: 60 })(
    'NIC-ISO-01: a memory access inside VF A\'s window changes only VF A\'s state',
    (c, accesses) => {
      const { nic } = build(c);
      const before = othersOf(nic, c.n, c.a);
      for (const x of accesses) {
        const addr = vfBase(c.a) + BigInt(x.offset);
        if (x.write) nic.memWrite(addr, x.size, x.value);
        else nic.memRead(addr, x.size);
      }
      expect(othersOf(nic, c.n, c.a)).toEqual(before);
      expect(nic.takeDiagnostics().filter((d) => d.code === 'nic.unclaimed-address')).toEqual([]);
    },
  );

  /** A configuration write to a VF: mostly its Command and Device Control (with Initiate FLR), else anywhere. */
  const configWriteArb = fc.record({
    target: fc.constantFrom('command', 'devctl', 'any'),
    size: fc.constantFrom(1 as const, 2 as const, 4 as const),
    offset: fc.integer({ min: 0, max: 0xfff }),
    value: fc.integer({ min: 0, max: 0xffff_ffff }),
  });

  test.prop([nicCase, fc.array(configWriteArb, { minLength: 1, maxLength: 10 })], { numRuns: 60 })(
    'NIC-ISO-02: configuration writes to one VF never change another VF\'s configuration space or queue block',
    (c, writes) => {
      const { nic } = build(c);
      const before = snapshot(nic, c.n);
      const rid = vfRid(nic, c.a);
      for (const w of writes) {
        const raw = w.target === 'command' ? 0x04 : w.target === 'devctl' ? vfPcieAt(nic, c.a) + 0x08 : w.offset;
        const size = w.target === 'any' ? w.size : 2;
        const offset = raw - (raw % size);
        nic.configWrite(rid, offset, size, w.value % 2 ** (8 * size));
      }
      const after = snapshot(nic, c.n);
      for (let k = 1; k <= c.n; k++) if (k !== c.a) expect(after[`vf${k}`], `VF ${k}`).toEqual(before[`vf${k}`]);
      expect([after['pfConfig'], after['pf'], after['control']]).toEqual([before['pfConfig'], before['pf'], before['control']]);
    },
  );

  test.prop([nicCase], { numRuns: 60 })(
    'NIC-ISO-04: an FLR of VF A flushes and resets A\'s queue block only, reporting exactly the frames it held',
    (c) => {
      const { nic, flushes } = build(c);
      const had = nic.peekQueues(c.a)?.depths();
      const before = othersOf(nic, c.n, c.a, false);
      nic.configWrite(vfRid(nic, c.a), vfPcieAt(nic, c.a) + 0x08, 2, 0x8000);
      expect(othersOf(nic, c.n, c.a, false)).toEqual(before);
      if (had === undefined) {
        expect(flushes).toEqual([]);
      } else {
        expect(flushes).toEqual([{ fn: c.a, reason: 'vf-flr', tx: had.tx, rx: had.rx }]);
        expect(nic.peekQueues(c.a)?.depths()).toEqual({ tx: 0, txInFlight: 0, rx: 0 });
        expect(nic.memRead(vfBase(c.a) + BigInt(Q.ctrl), 4)).toBe(0);
      }
    },
  );

  test.prop([nicCase, fc.constantFrom('disable', 'shrink'), fc.array(fc.integer({ min: 0, max: 0xfff }), { minLength: 1, maxLength: 16 })], { numRuns: 60 })(
    'NIC-ISO-03: clearing VF Enable removes the VF windows and flushes every queued frame as vf-removed',
    (c, how, picks) => {
      const { nic, flushes } = build(c);
      const held = new Map<number, { tx: number; rx: number }>();
      for (let k = 1; k <= c.n; k++) {
        const d = nic.peekQueues(k)?.depths();
        if (d !== undefined) held.set(k, { tx: d.tx, rx: d.rx });
      }
      const ctl = nic.pf.sriovOffset + SRIOV.control;
      nic.configWrite(nic.pf.rid, ctl, 2, SRIOV.mse | SRIOV.ari);
      const keep = how === 'shrink' ? 1 : 0;
      if (keep > 0) {
        nic.configWrite(nic.pf.rid, nic.pf.sriovOffset + SRIOV.numVfs, 2, keep);
        nic.configWrite(nic.pf.rid, ctl, 2, SRIOV.vfe | SRIOV.mse | SRIOV.ari);
      }
      // Every frame held before is reported flushed, VF by VF.
      expect(flushes.map((f) => [f.fn, f.reason, f.tx, f.rx])).toEqual([...held].map(([k, d]) => [k, 'vf-removed', d.tx, d.rx]));
      expect(nic.materialisedVfBlocks).toBe(0);
      // Former windows of removed VFs are unclaimed: all ones, reported, nothing created.
      nic.takeDiagnostics();
      for (const p of picks) {
        const k = keep + 1 + (p % (c.n - keep));
        const addr = vfBase(k) + BigInt((p * 4) % Number(VF_SIZE));
        expect(nic.memRead(addr, 4)).toBe(0xffff_ffff);
      }
      expect(nic.takeDiagnostics().map((d) => d.code)).toEqual(picks.map(() => 'nic.unclaimed-address'));
      expect(nic.materialisedVfBlocks).toBe(0);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Unclaimed addresses
// ---------------------------------------------------------------------------------------------

describe('memory decode (property)', () => {
  /** Decode switches and candidate addresses: edges of every window, and anywhere. */
  const unclaimedCase = fc.record({
    pfMse: fc.boolean(),
    vfe: fc.boolean(),
    vfMse: fc.boolean(),
    addrs: fc.array(fc.oneof(
      fc.bigInt({ min: 0n, max: (1n << 62n) - 1n }).map((a) => a * 4n),
      fc.constantFrom(PF_BAR0 - 4n, PF_BAR0, PF_BAR0 + 0x1_fffcn, PF_BAR0 + 0x2_0000n, VF_BAR0 - 4n, VF_BAR0, vfBase(4) - 4n, vfBase(4), vfBase(5), 0n, (1n << 64n) - 4n),
      fc.integer({ min: -64, max: 64 }).map((d) => VF_BAR0 + 4n * 0x4000n + BigInt(d * 4)),
    ), { minLength: 1, maxLength: 20 }),
  });

  test.prop([unclaimedCase, fc.constantFrom(1 as const, 2 as const, 4 as const)], { numRuns: 80 })(
    'NIC-MEM-02: an address outside every enabled window changes nothing, reads all ones, and is reported',
    (c, size) => {
      const { nic } = build({ n: 4, acts: [1, 2, 3, 4].map(() => ({ touched: true, ctrl: 3, rx: 2, tx: 2, take: 1, clear: 0 })), portUp: true });
      const cmd = nic.configRead(nic.pf.rid, 0x04, 2);
      nic.configWrite(nic.pf.rid, 0x04, 2, c.pfMse ? cmd | 2 : cmd & ~2);
      const ctl = (c.vfe ? SRIOV.vfe : 0) | (c.vfMse ? SRIOV.mse : 0) | SRIOV.ari;
      nic.configWrite(nic.pf.rid, nic.pf.sriovOffset + SRIOV.control, 2, ctl);
      // The reference: which addresses an enabled window claims.
      const claimed = (a: bigint): boolean =>
        (c.pfMse && a >= PF_BAR0 && a < PF_BAR0 + 0x2_0000n) || (c.vfe && c.vfMse && a >= VF_BAR0 && a < VF_BAR0 + 4n * VF_SIZE);
      const misses = c.addrs.filter((a) => !claimed(a));
      fc.pre(misses.length > 0);
      nic.takeDiagnostics();
      const before = snapshot(nic, 4);
      const ones = size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff;
      for (const a of misses) {
        expect(nic.memRead(a, size)).toBe(ones);
        nic.memWrite(a, size, ones);
        nic.memWrite(a, size, 0);
      }
      expect(snapshot(nic, 4)).toEqual(before);
      const d = nic.takeDiagnostics();
      expect(d.length).toBe(misses.length * 3);
      expect(d.every((x) => x.code === 'nic.unclaimed-address' && x.requirement === 'NIC-MEM-02')).toBe(true);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Interrupt status
// ---------------------------------------------------------------------------------------------

describe('interrupt status (property)', () => {
  /** Device events that set INT_STATUS bits, and software writes to INT_STATUS. */
  const eventArb = fc.oneof(
    fc.record({ kind: fc.constant('rx' as const) }),
    fc.record({ kind: fc.constant('tx' as const) }),
    fc.record({ kind: fc.constant('link' as const) }),
    fc.record({ kind: fc.constant('bad-post' as const) }),
    fc.record({ kind: fc.constant('write' as const), size: fc.constantFrom(1 as const, 2 as const, 4 as const), byte: fc.integer({ min: 0, max: 3 }), value: fc.integer({ min: 0, max: 0xffff_ffff }) }),
  );

  test.prop([fc.array(eventArb, { maxLength: 40 })])(
    'NIC-REG-02: INT_STATUS bits are set only by the device and clear only when 1 is written to them',
    (events) => {
      const { nic } = upNic(1);
      const b = vfBase(1);
      nic.memWrite(b + BigInt(Q.ctrl), 4, 3);
      const q = nic.queues(1);
      let model = 0;
      let link = false;
      for (const e of events) {
        if (e.kind === 'rx') {
          if (q.deliverRx(frameOf(64, 1))) model |= INT.rxReady;
          else model |= INT.rxDrop;
          nic.memWrite(b + BigInt(Q.rxTail), 4, nic.memRead(b + BigInt(Q.rxHead), 4)); // the driver consumes everything
        } else if (e.kind === 'tx') {
          postFrame(nic, b, frameOf(64, 2));
          q.postedTx();
          q.txDone();
          model |= INT.txDone;
        } else if (e.kind === 'link') {
          link = !link;
          nic.setPortLink(link);
          model |= INT.linkChange;
        } else if (e.kind === 'bad-post') {
          nic.memWrite(b + BigInt(Q.txLen), 4, 0);
          nic.memWrite(b + BigInt(Q.txDoorbell), 4, 1);
          model |= INT.txError;
        } else {
          const off = e.byte - (e.byte % e.size);
          const v = e.value % 2 ** (8 * e.size);
          nic.memWrite(b + BigInt(Q.intStatus + off), e.size, v);
          model &= ~((v * 2 ** (8 * off)) % 2 ** 32);
        }
        expect(nic.memRead(b + BigInt(Q.intStatus), 4)).toBe(model >>> 0);
      }
    },
  );
});
