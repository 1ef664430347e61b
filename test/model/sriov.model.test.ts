import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { asRoutingId, igbProfile, SriovDevice, type PhysicalFunction, type SriovPolicy } from '../../src/sriov/index.js';
import { pcieAt, SR, sriovAt } from '../helpers/arb-sriov.js';

/**
 * SRIOV-MODEL-01: a small reference of one igb PF (01:00.0; TotalVFs 8; offset 0x180 / 0x80 with ARI
 * Capable Hierarchy; stride 2; Supported Page Sizes 0x553; VF BAR0/3 16 KiB 64-bit non-prefetchable)
 * written from the spec and the policy table, not from src.
 */

const TOTAL = 8;
const SUPPORTED = 0x553;
const PF_RID = 0x0100;
/** VF Command bits a VF implements as RW: Bus Master, Parity Error Response, SERR# Enable. */
const VF_COMMAND_RW = 0x0144;

class Model {
  vfe = false;
  mse = false;
  ari = false;
  numVfs = 0;
  sps = 1;
  bars = [0x4, 0, 0, 0x4, 0, 0];
  enabled = 0;
  vfCmd = new Map<number, number>();
  constructor(readonly policy: SriovPolicy) {}

  get offset(): number {
    return this.ari ? 0x80 : 0x180;
  }
  rid(k: number): number {
    return PF_RID + this.offset + (k - 1) * 2;
  }
  reset(kind: 'cold' | 'warm' | 'hot' | 'flr'): void {
    const keepAri = kind === 'flr' ? this.ari : false; // ARI Capable Hierarchy is not affected by FLR (§9.3.3.3.5)
    Object.assign(this, { vfe: false, mse: false, ari: keepAri, numVfs: 0, sps: 1, bars: [0x4, 0, 0, 0x4, 0, 0], enabled: 0 });
    this.vfCmd.clear();
  }
}

interface Real {
  readonly dev: SriovDevice;
  readonly pf: PhysicalFunction;
  readonly cap: number;
}

/** Everything the reference predicts, checked after every command. */
function agree(m: Model, r: Real): void {
  const { dev, pf, cap } = r;
  const ctrl = (m.vfe ? 1 : 0) | (m.mse ? 8 : 0) | (m.ari ? 0x10 : 0);
  expect(dev.configRead(pf.rid, cap + SR.control, 2), 'SR-IOV Control').toBe(ctrl);
  expect(dev.configRead(pf.rid, cap + SR.numVfs, 2), 'NumVFs').toBe(m.numVfs);
  expect(dev.configRead(pf.rid, cap + SR.systemPageSize, 4), 'System Page Size').toBe(m.sps);
  expect(dev.configRead(pf.rid, cap + SR.firstVfOffset, 2), 'First VF Offset').toBe(m.offset);
  expect(dev.configRead(pf.rid, cap + SR.vfStride, 2), 'VF Stride').toBe(2);
  expect([0, 1, 2, 3, 4, 5].map((i) => dev.configRead(pf.rid, cap + SR.vfBar(i), 4)), 'VF BARs').toEqual(m.bars);
  expect(pf.enabledVfs, 'enabled VFs').toBe(m.enabled);
  // Which Routing IDs exist: every candidate VF position under either offset.
  const exist = new Set<number>();
  for (let k = 1; k <= m.enabled; k++) exist.add(m.rid(k));
  for (const off of [0x80, 0x180]) {
    for (let k = 1; k <= TOTAL + 1; k++) {
      const rid = PF_RID + off + (k - 1) * 2;
      const f = dev.functionAt(asRoutingId(rid));
      if (exist.has(rid)) expect(f, `0x${rid.toString(16)}`).toMatchObject({ kind: 'vf', vf: (rid - PF_RID - m.offset) / 2 + 1 });
      else expect(f, `0x${rid.toString(16)} should not exist`).toBeUndefined();
    }
  }
  for (let k = 1; k <= m.enabled; k++) expect(dev.configRead(asRoutingId(m.rid(k)), 0x04, 2), `VF ${k} Command`).toBe(m.vfCmd.get(k) ?? 0);
  expect(dev.vfBusRange()).toEqual(m.enabled === 0 ? undefined : { first: m.rid(1) >>> 8, last: m.rid(m.enabled) >>> 8 });
}

type Cmd = fc.Command<Model, Real>;

class NumVfs implements Cmd {
  constructor(readonly value: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    r.dev.configWrite(r.pf.rid, r.cap + SR.numVfs, 2, this.value);
    if (!m.vfe) m.numVfs = this.value > TOTAL && m.policy === 'clamp' ? TOTAL : this.value;
    agree(m, r);
  }
  toString = () => `NumVFs ← ${this.value}`;
}

class Control implements Cmd {
  constructor(readonly value: number, readonly wide: boolean) {}
  check = () => true;
  run(m: Model, r: Real): void {
    if (this.wide) r.dev.configWrite(r.pf.rid, r.cap + SR.control, 4, this.value); // Control + Status (RW1C, 0)
    else r.dev.configWrite(r.pf.rid, r.cap + SR.control, 2, this.value & 0xffff);
    let ari = (this.value & 0x10) !== 0;
    if (m.vfe && ari !== m.ari && m.policy !== 'qemu') ari = m.ari; // POL-05
    let vfe = (this.value & 1) !== 0;
    if (!m.vfe && vfe && (m.numVfs > TOTAL || (m.numVfs === 0 && m.policy === 'strict'))) vfe = false; // POL-02, POL-03
    if (!m.vfe && vfe) m.enabled = m.numVfs;
    if (m.vfe && !vfe) m.enabled = 0;
    if (m.vfe !== vfe) m.vfCmd.clear();
    m.vfe = vfe;
    m.mse = (this.value & 8) !== 0;
    m.ari = ari;
    agree(m, r);
  }
  toString = () => `Control ← 0x${this.value.toString(16)}${this.wide ? ' (4 bytes)' : ''}`;
}

class PageSize implements Cmd {
  constructor(readonly value: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    r.dev.configWrite(r.pf.rid, r.cap + SR.systemPageSize, 4, this.value);
    const v = this.value;
    const valid = v !== 0 && (v & (v - 1)) === 0 && (v & SUPPORTED) === v;
    if (m.vfe) {
      if (v !== m.sps && m.policy === 'qemu') m.sps = (v & SUPPORTED) >>> 0;
    } else if (valid) m.sps = v;
    else if (m.policy === 'qemu') m.sps = (v & SUPPORTED) >>> 0;
    agree(m, r);
  }
  toString = () => `System Page Size ← 0x${this.value.toString(16)}`;
}

class VfBar implements Cmd {
  constructor(readonly slot: number, readonly value: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    r.dev.configWrite(r.pf.rid, r.cap + SR.vfBar(this.slot), 4, this.value);
    const s = this.slot;
    m.bars[s] = s === 0 || s === 3 ? ((this.value & 0xffff_c000) | 0x4) >>> 0 : s === 1 || s === 4 ? this.value : 0;
    agree(m, r);
  }
  toString = () => `VF BAR${this.slot} ← 0x${this.value.toString(16)}`;
}

class Reset implements Cmd {
  constructor(readonly kind: 'cold' | 'warm' | 'hot' | 'flr' | 'initiate-flr') {}
  check = () => true;
  run(m: Model, r: Real): void {
    if (this.kind === 'initiate-flr') r.dev.configWrite(r.pf.rid, pcieAt(r.pf.space) + 0x08, 2, 0x8000);
    else r.pf.space.reset(this.kind);
    m.reset(this.kind === 'initiate-flr' ? 'flr' : this.kind);
    agree(m, r);
  }
  toString = () => `PF reset ${this.kind}`;
}

class VfCommand implements Cmd {
  constructor(readonly k: number, readonly value: number, readonly offset: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    // Address VF k under the current offset, or under the other one (nothing there).
    const rid = PF_RID + (this.offset === 0 ? m.offset : this.offset) + (this.k - 1) * 2;
    r.dev.configWrite(asRoutingId(rid), 0x04, 2, this.value);
    if (rid === m.rid(this.k) && this.k <= m.enabled) m.vfCmd.set(this.k, this.value & VF_COMMAND_RW);
    agree(m, r);
  }
  toString = () => `VF ${this.k}${this.offset === 0 ? '' : ` @offset 0x${this.offset.toString(16)}`} Command ← 0x${this.value.toString(16)}`;
}

class VfFlr implements Cmd {
  constructor(readonly k: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const at = pcieAt(r.pf.vfSpaceForRead(1)) + 0x08;
    r.dev.configWrite(asRoutingId(m.rid(this.k)), at, 2, 0x8000);
    if (this.k <= m.enabled) m.vfCmd.delete(this.k);
    agree(m, r);
  }
  toString = () => `VF ${this.k} FLR`;
}

class Read implements Cmd {
  constructor(readonly k: number, readonly offset: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const rid = asRoutingId(m.rid(this.k));
    const v = r.dev.configRead(rid, this.offset, 4);
    if (this.k > m.enabled) expect(v).toBe(0xffff_ffff);
    else if (this.offset === 0x00) expect(v).toBe(0xffff_ffff); // VF Vendor/Device ID
    else if (this.offset === 0x08) expect(v).toBe(0x0200_0001);
    else expect(v).toBe(0x0010_0000 | (m.vfCmd.get(this.k) ?? 0)); // Status: Capabilities List
    agree(m, r);
  }
  toString = () => `read VF ${this.k} @0x${this.offset.toString(16)}`;
}

const vfK = fc.integer({ min: 1, max: TOTAL + 1 });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const commands = [
  fc.oneof(fc.integer({ min: 0, max: TOTAL }), fc.integer({ min: TOTAL + 1, max: 20 }), fc.constant(0xffff)).map((v) => new NumVfs(v)),
  fc.oneof(
    { weight: 4, arbitrary: fc.subarray([0x01, 0x08, 0x10]).map((bits) => bits.reduce((a, b) => a | b, 0)) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
  ).chain((v) => fc.boolean().map((wide) => new Control(v, wide))),
  fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 0x10, 0x11, 0x40, 0x100, 0x400, 0x800, 0x553), u32).map((v) => new PageSize(v)),
  fc.tuple(fc.integer({ min: 0, max: 5 }), fc.oneof(u32, fc.constant(0xffff_ffff), fc.constant(0xfe90_0000))).map(([s, v]) => new VfBar(s, v)),
  fc.constantFrom('cold', 'warm', 'hot', 'flr', 'initiate-flr' as const).map((k) => new Reset(k)),
  fc.tuple(vfK, fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 0, 0, 0x80, 0x180)).map(([k, v, o]) => new VfCommand(k, v, o)),
  vfK.map((k) => new VfFlr(k)),
  fc.tuple(vfK, fc.constantFrom(0x00, 0x04, 0x08)).map(([k, o]) => new Read(k, o)),
];

describe.each(['strict', 'qemu', 'clamp'] as const)('SR-IOV PF against a reference model (%s)', (policy) => {
  it(`SRIOV-MODEL-01: should agree with the reference on register values, enabled VFs and existing Routing IDs after every command (${policy})`, () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 50, size: 'max' }), (cmds) => {
        const setup = () => {
          const dev = new SriovDevice(igbProfile(), { bus: 1, policy });
          const pf = dev.pfs[0]!;
          const real: Real = { dev, pf, cap: sriovAt(pf) };
          const model = new Model(policy);
          agree(model, real);
          return { model, real };
        };
        fc.modelRun(setup, cmds);
      }),
      { numRuns: Math.min(40, fc.readConfigureGlobal().numRuns ?? 40) },
    );
  });
});
