import fc from 'fast-check';
import { readLE } from '../bits/bits.js';
import { EXT_CAP_ID } from '../config/cap/capability.js';
import type { ConfigSpace } from '../config/config-space.js';
import { configSpaceFromImage } from '../config/image.js';
import { walkCapabilities, walkExtendedCapabilities } from '../config/walk.js';
import type { Access } from '../regs/access.js';
import { deviceFromDump } from '../sriov/from-dump.js';
import { vfRoutingId } from '../sriov/routing.js';
import { runForwardingSuite } from './forwarding.js';
import { fromCheck, reportOf, seedOf, type ConfigTarget, type ConformanceOptions, type ConformanceReport, type ForwardingTarget, type Outcome } from './target.js';

/** The requirements the PCIe suite checks against a target, in catalogue order. */
const SUITE = [
  'REG-WIDTH-01', 'REG-RO-01', 'REG-RW-01', 'REG-W1C-01', 'REG-RSVDP-01', 'REG-RSVDZ-01',
  'CFG-CAP-02', 'CFG-BAR-01', 'SRIOV-RID-01', 'SRIOV-LIFE-01', 'SRIOV-LIFE-02', 'SRIOV-VF-01',
] as const;

/** A snapshot of one function, with the oracle our model builds from it. */
interface Fn {
  readonly rid: number;
  readonly bytes: Uint8Array;
  readonly oracle: ConfigSpace;
  /** Per bit of the space: the attribute our model knows, or undefined where the suite does not judge. */
  readonly judge: (Access | undefined)[];
  /** DWORD offsets holding judged bits. */
  readonly dwords: readonly number[];
  /** Bytes of judged registers: random writes touch only these (never a register with side effects). */
  readonly judgedBytes: Uint8Array;
  readonly sriov: number | undefined;
}

const hex = (n: number, d = 0): string => `0x${n.toString(16).padStart(d, '0')}`;

function snapshot(t: ConfigTarget, rid: number): Uint8Array {
  const b = new Uint8Array(4096);
  for (let o = 0; o < 4096; o += 4) {
    const v = t.configRead(rid, o, 4) >>> 0;
    b[o] = v & 0xff;
    b[o + 1] = (v >>> 8) & 0xff;
    b[o + 2] = (v >>> 16) & 0xff;
    b[o + 3] = v >>> 24;
  }
  return b;
}

/** Probes the size of every implemented BAR (write all ones, read back, restore). */
function probeBars(t: ConfigTarget, rid: number, base: number, slots: number): (bigint | undefined)[] {
  const sizes: (bigint | undefined)[] = [];
  for (let i = 0; i < slots; i++) {
    const at = base + i * 4;
    const old = t.configRead(rid, at, 4) >>> 0;
    t.configWrite(rid, at, 4, 0xffff_ffff);
    const lo = t.configRead(rid, at, 4) >>> 0;
    t.configWrite(rid, at, 4, old);
    if (lo === 0) {
      sizes.push(undefined);
      continue;
    }
    const io = (lo & 1) === 1;
    const is64 = !io && ((lo >>> 1) & 3) === 2 && i + 1 < slots;
    let mask = BigInt((lo & (io ? ~3 : ~0xf)) >>> 0);
    if (is64) {
      const oldHi = t.configRead(rid, at + 4, 4) >>> 0;
      t.configWrite(rid, at + 4, 4, 0xffff_ffff);
      mask |= BigInt(t.configRead(rid, at + 4, 4) >>> 0) << 32n;
      t.configWrite(rid, at + 4, 4, oldHi);
    }
    const width = is64 ? 64 : io ? 32 : 32;
    const size = BigInt.asUintN(width, -mask) & BigInt.asUintN(width, ~0n);
    sizes.push(size === 0n ? undefined : size);
    if (is64) {
      sizes.push(undefined);
      i++;
    }
  }
  return sizes;
}

/** Probes the Expansion ROM BAR's size, or undefined when it is not implemented. */
function probeRom(t: ConfigTarget, rid: number, at: number): number | undefined {
  const old = t.configRead(rid, at, 4) >>> 0;
  t.configWrite(rid, at, 4, 0xffff_f800);
  const probe = (t.configRead(rid, at, 4) & 0xffff_f800) >>> 0;
  t.configWrite(rid, at, 4, old);
  return probe === 0 ? undefined : (~probe >>> 0) + 1;
}

function buildFn(t: ConfigTarget, rid: number): Fn {
  const bytes = snapshot(t, rid);
  const type = bytes[0x0e]! & 0x7f;
  const barSizes = type === 0 || type === 1 ? probeBars(t, rid, 0x10, type === 0 ? 6 : 2) : [];
  const romSize = type === 0 || type === 1 ? probeRom(t, rid, type === 0 ? 0x30 : 0x38) : undefined;
  const rom = romSize === undefined ? {} : { expansionRomSize: romSize };
  const ext = walkCapabilities(bytes).entries.some((e) => e.id === 0x10) ? walkExtendedCapabilities(bytes).entries : [];
  const sriov = ext.find((e) => e.id === EXT_CAP_ID.sriov)?.offset;
  let oracle: ConfigSpace;
  if (sriov !== undefined) {
    const vfBarSizes = probeBars(t, rid, sriov + 0x24, 6);
    const dev = deviceFromDump([{ address: { domain: 0, bus: rid >>> 8, device: (rid >>> 3) & 0x1f, function: rid & 7 }, bytes }], { vfBarSizes, barSizes, ...rom }).device;
    oracle = dev.pfs[0]!.space;
  } else {
    oracle = configSpaceFromImage(bytes, { barSizes, ...rom }).space;
  }
  const judge: (Access | undefined)[] = new Array(4096 * 8).fill(undefined);
  const dwords = new Set<number>();
  const judgedBytes = new Uint8Array(4096);
  for (const r of oracle.layout.registers) {
    // Registers with side effects (FLR, power state, SR-IOV control) are judged by their own requirements.
    if (r.checked.def.hooks !== undefined && Object.keys(r.checked.def.hooks).length > 0) continue;
    if (/\.id[0-9a-f]+$/.test(r.block)) continue; // opaque capabilities (cap.id09 …): the model does not know their types
    for (const f of r.checked.fields) {
      for (let b = f.lo; b <= f.hi; b++) judge[r.offset * 8 + b] = f.access;
    }
    if (r.checked.def.rest !== undefined) {
      const covered = r.checked.fields.reduce((m, f) => m | f.mask, 0);
      for (let b = 0; b < r.width; b++) if (((covered >>> b) & 1) === 0) judge[r.offset * 8 + b] = r.checked.def.rest;
    }
    dwords.add(r.offset & ~3);
    judgedBytes.fill(1, r.offset, r.offset + r.width / 8);
  }
  return { rid, bytes, oracle, judge, dwords: [...dwords].sort((a, b) => a - b), judgedBytes, sriov };
}

const CLASS: Record<string, readonly Access[]> = {
  'REG-RO-01': ['RO', 'ROS', 'HwInit'],
  'REG-RW-01': ['RW', 'RWS'],
  'REG-W1C-01': ['RW1C', 'RW1CS'],
  'REG-RSVDP-01': ['RsvdP'],
  'REG-RSVDZ-01': ['RsvdZ'],
};

/** Random writes through judged registers; after each, the judged bits of `classes` must match the model. */
function accessLaw(t: ConfigTarget, fns: readonly Fn[], req: string, cfg: { seed: number; numRuns: number }): Outcome {
  const classes = CLASS[req]!;
  const eligible = fns.map((f) => f.dwords.filter((d) => {
    for (let b = d * 8; b < d * 8 + 32; b++) if (f.judge[b] !== undefined && classes.includes(f.judge[b]!)) return true;
    return false;
  }));
  if (eligible.every((e) => e.length === 0)) return { status: 'not-applicable' };
  const fi = fns.map((_, i) => i).filter((i) => eligible[i]!.length > 0);
  const write = fc.constantFrom(...fi).chain((i) =>
    fc.record({ fn: fc.constant(i), dword: fc.constantFrom(...eligible[i]!), size: fc.constantFrom<1 | 2 | 4>(1, 2, 4), lane: fc.nat(3), value: fc.nat({ max: 0xffff_ffff }) }),
  );
  const prop = fc.property(fc.array(write, { minLength: 1, maxLength: 8 }), (ws) => {
    for (const w of ws) {
      const f = fns[w.fn]!;
      const offset = w.dword + (w.size === 4 ? 0 : w.size === 2 ? (w.lane & 1) * 2 : w.lane);
      const value = w.size === 4 ? w.value : w.value % 2 ** (8 * w.size);
      if (f.judgedBytes.subarray(offset, offset + w.size).includes(0)) continue; // would touch a register with side effects
      const before = t.configRead(f.rid, w.dword, 4) >>> 0;
      f.oracle.poke(w.dword, new Uint8Array([before & 0xff, (before >>> 8) & 0xff, (before >>> 16) & 0xff, before >>> 24]));
      t.configWrite(f.rid, offset, w.size, value);
      f.oracle.write(offset, w.size, value);
      const got = t.configRead(f.rid, w.dword, 4) >>> 0;
      const want = f.oracle.read(w.dword, 4);
      for (let b = 0; b < 32; b++) {
        const a = f.judge[w.dword * 8 + b];
        if (a === undefined || !classes.includes(a)) continue;
        if (((got >>> b) & 1) !== ((want >>> b) & 1)) {
          throw new Error(`function ${hex(f.rid, 4)}: after a ${w.size}-byte write of ${hex(value)} at ${hex(offset, 3)}, DWORD ${hex(w.dword, 3)} bit ${b} (${a}) reads ${(got >>> b) & 1}, the spec requires ${(want >>> b) & 1} (was ${hex(before, 8)}, now ${hex(got, 8)})`);
        }
      }
    }
  });
  return fromCheck(fc.check(prop, cfg));
}

function widthLaw(t: ConfigTarget, fns: readonly Fn[], cfg: { seed: number; numRuns: number }): Outcome {
  const prop = fc.property(fc.nat(fns.length - 1), fc.nat(0x3ff), (i, d) => {
    const f = fns[i]!;
    const at = d * 4;
    const dw = t.configRead(f.rid, at, 4) >>> 0;
    const bytes = [0, 1, 2, 3].map((k) => t.configRead(f.rid, at + k, 1));
    const words = [0, 2].map((k) => t.configRead(f.rid, at + k, 2));
    const fromBytes = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
    if (fromBytes !== dw || ((words[0]! | (words[1]! << 16)) >>> 0) !== dw) {
      throw new Error(`function ${hex(f.rid, 4)} at ${hex(at, 3)}: DWORD ${hex(dw, 8)}, bytes ${bytes.map((x) => hex(x, 2)).join(' ')}, words ${words.map((x) => hex(x, 4)).join(' ')}`);
    }
  });
  return fromCheck(fc.check(prop, cfg));
}

function chainLaw(fns: readonly Fn[]): Outcome {
  for (const f of fns) {
    const problems = [...walkCapabilities(f.bytes).problems, ...walkExtendedCapabilities(f.bytes).problems].filter((p) => p.code !== 'cap.misaligned');
    if (problems.length > 0) return { status: 'failed', detail: `function ${hex(f.rid, 4)}: ${problems.map((p) => p.message).join('; ')}` };
  }
  return { status: 'passed' };
}

function barLaw(t: ConfigTarget, fns: readonly Fn[]): Outcome {
  let any = false;
  for (const f of fns) {
    const type = f.bytes[0x0e]! & 0x7f;
    const slots = type === 0 ? 6 : type === 1 ? 2 : 0;
    for (let i = 0; i < slots; i++) {
      const at = 0x10 + i * 4;
      const old = t.configRead(f.rid, at, 4) >>> 0;
      t.configWrite(f.rid, at, 4, 0xffff_ffff);
      const probe = t.configRead(f.rid, at, 4) >>> 0;
      t.configWrite(f.rid, at, 4, old);
      const back = t.configRead(f.rid, at, 4) >>> 0;
      if (probe === 0) continue;
      any = true;
      const io = (probe & 1) === 1;
      const addr = (probe & (io ? ~3 : ~0xf)) >>> 0;
      const contiguous = addr === 0 || ((~addr + 1) & ~addr) >>> 0 === 0 || (((-addr >>> 0) & (-addr - 1)) >>> 0) === 0;
      if (!contiguous) return { status: 'failed', detail: `function ${hex(f.rid, 4)} BAR${i}: probe answered ${hex(probe, 8)}, not a size mask (the writable address bits must be contiguous from bit 31 down)` };
      if ((probe & (io ? 3 : 0xf)) !== (old & (io ? 3 : 0xf))) return { status: 'failed', detail: `function ${hex(f.rid, 4)} BAR${i}: type bits changed by the probe (${hex(old, 8)} -> ${hex(probe, 8)})` };
      if (back !== old) return { status: 'failed', detail: `function ${hex(f.rid, 4)} BAR${i}: writing back ${hex(old, 8)} after the probe reads ${hex(back, 8)}` };
      if (!io && ((probe >>> 1) & 3) === 2) i++;
    }
  }
  return any ? { status: 'passed' } : { status: 'not-applicable' };
}

/** Enables `n` VFs, runs `body`, and restores the PF's SR-IOV registers. */
function withVfs<T>(t: ConfigTarget, f: Fn, n: number, body: (first: number, stride: number) => T): T {
  const cap = f.sriov!;
  const ctl = t.configRead(f.rid, cap + 8, 2);
  const num = t.configRead(f.rid, cap + 0x10, 2);
  t.configWrite(f.rid, cap + 8, 2, ctl & ~1);
  t.configWrite(f.rid, cap + 0x10, 2, n);
  t.configWrite(f.rid, cap + 8, 2, (ctl & ~1) | 0x9);
  try {
    return body(t.configRead(f.rid, cap + 0x14, 2), t.configRead(f.rid, cap + 0x16, 2));
  } finally {
    t.configWrite(f.rid, cap + 8, 2, ctl & ~1);
    t.configWrite(f.rid, cap + 0x10, 2, num);
    t.configWrite(f.rid, cap + 8, 2, ctl);
  }
}

function sriovLaw(t: ConfigTarget, fns: readonly Fn[], req: string, cfg: { seed: number; numRuns: number }): Outcome {
  const pfs = fns.filter((f) => f.sriov !== undefined && readLE(f.bytes, f.sriov + 0x0e, 2) > 0);
  if (pfs.length === 0) return { status: 'not-applicable' };
  const pfRids = new Set(fns.map((f) => f.rid));
  const prop = fc.property(fc.nat(pfs.length - 1), fc.nat(), (pi, k) => {
    const f = pfs[pi]!;
    const total = readLE(f.bytes, f.sriov! + 0x0e, 2);
    const n = 1 + (k % Math.min(total, 64));
    withVfs(t, f, n, (offset, stride) => {
      for (let v = 1; v <= n; v++) {
        const rid = vfRoutingId(f.rid as never, offset, stride, v);
        if (rid === undefined) continue;
        const id = t.configRead(rid, 0, 4) >>> 0;
        if (req === 'SRIOV-RID-01' || req === 'SRIOV-LIFE-01') {
          if (pfRids.has(rid)) throw new Error(`VF ${v} of ${hex(f.rid, 4)} has the Routing ID of a PF (${hex(rid, 4)})`);
          if (id !== 0xffff_ffff) throw new Error(`VF ${v} of ${hex(f.rid, 4)} at ${hex(rid, 4)} (offset ${offset}, stride ${stride}) reads Vendor/Device ${hex(id, 8)}, a VF reads 0xffffffff there; is the VF at its Routing ID?`);
          if (t.configRead(rid, 0x06, 2) === 0xffff && t.configRead(rid, 0x0e, 1) === 0xff) throw new Error(`VF ${v} of ${hex(f.rid, 4)} at ${hex(rid, 4)} does not answer (all ones)`);
        }
        if (req === 'SRIOV-VF-01') {
          for (let b = 0; b < 6; b++) {
            t.configWrite(rid, 0x10 + b * 4, 4, 0xffff_ffff);
            const bar = t.configRead(rid, 0x10 + b * 4, 4);
            if (bar !== 0) throw new Error(`VF ${v} at ${hex(rid, 4)}: BAR${b} reads ${hex(bar, 8)} after an all-ones write; VF BARs are RO 0`);
          }
          t.configWrite(rid, 0x04, 2, 0x0003);
          const cmd = t.configRead(rid, 0x04, 2);
          if ((cmd & 3) !== 0) throw new Error(`VF ${v} at ${hex(rid, 4)}: Command I/O/Memory Space read ${cmd & 3}; they are RO 0 in a VF`);
        }
      }
      if (req === 'SRIOV-LIFE-02') {
        const past = vfRoutingId(f.rid as never, offset, stride, n + 1);
        if (past !== undefined && !pfRids.has(past) && n < total && stride > 0) {
          const v = t.configRead(past, 0, 4) >>> 0;
          if (v !== 0xffff_ffff) throw new Error(`with ${n} VFs, the Routing ID of VF ${n + 1} (${hex(past, 4)}) answers ${hex(v, 8)}; a function that does not exist answers all ones`);
        }
      }
    });
    if (req === 'SRIOV-LIFE-01') {
      // After VF Enable = 0, the first VF's Routing ID must read all ones.
      const cap = f.sriov!;
      const rid = vfRoutingId(f.rid as never, t.configRead(f.rid, cap + 0x14, 2), t.configRead(f.rid, cap + 0x16, 2), 1);
      if (rid !== undefined && (t.configRead(f.rid, cap + 8, 2) & 1) === 0 && !pfRids.has(rid)) {
        const v = t.configRead(rid, 0, 4) >>> 0;
        if (v !== 0xffff_ffff) throw new Error(`after VF Enable = 0, VF 1's Routing ID ${hex(rid, 4)} still answers ${hex(v, 8)}`);
      }
    }
  });
  return fromCheck(fc.check(prop, { ...cfg, numRuns: Math.min(cfg.numRuns, 20) }));
}

/**
 * Runs a requirement-keyed conformance suite against any implementation and reports, per
 * requirement, passed, failed (with the counterexample and the seed and path that reproduce it) or
 * not applicable. It never throws because a target fails; an exception inside the target counts as
 * a failure of the requirement being checked. Two suites, chosen by the kind of target:
 *
 * - a {@link ConfigTarget} (PCIe configuration reads and writes by Routing ID) runs the PCIe suite;
 * - a {@link ForwardingTarget} (a learning bridge or switch: inject frames on ports, observe which
 *   ports receive them) runs the forwarding suite (see {@link ForwardingTarget} for what it checks).
 *
 * @remarks PCIe suite: it reads each function's configuration space, probes its BAR sizes, and
 * builds the iovsim model of it as the oracle: the access type of every bit of the header and of
 * every capability the model knows (PM, MSI, MSI-X, PCI Express, ARI, SR-IOV). Random writes then
 * go to the target and the oracle alike, and the bits of each access type must agree. Registers
 * with side effects (Initiate FLR, PowerState, SR-IOV control) and opaque capabilities are left out
 * of the random writes; SR-IOV is checked by enabling VFs and probing their Routing IDs.
 *
 * Forwarding suite: random frame sequences (learning, station moves, known and unknown unicast,
 * broadcast, multicast, invalid sources, reserved addresses, waits and static entries where the
 * target supports them) run on a fresh device each; the ports that received each frame are
 * checked against the properties every learning bridge has.
 *
 * Works inside vitest or any other runner, or none (it uses `fc.check`, not `fc.assert`).
 * @spec PCIe Base r6.0 §7.4, §7.5, §9.3; IEEE 802.1Q-2022 §8.6, §8.7, §8.8 (see each requirement)
 * @example
 * ```ts
 * import { runConformance, configTargetFromDevice, forwardingTargetFromSwitch } from 'iovsim/conformance';
 * const report = runConformance(configTargetFromDevice(new SriovDevice(igbProfile(), { bus: 1 })), { seed: 42 });
 * report.failed; // 0
 * runConformance(forwardingTargetFromSwitch({ ports: 4 }), { seed: 42 }).failed; // 0
 * ```
 * @category Conformance
 */
export function runConformance(target: ConfigTarget | ForwardingTarget, options: ConformanceOptions = {}): ConformanceReport {
  const seed = seedOf(options);
  if (typeof (target as Partial<ForwardingTarget>).create === 'function') return runForwardingSuite(target as ForwardingTarget, options, seed);
  return runPcieSuite(target as ConfigTarget, options, seed);
}

function runPcieSuite(target: ConfigTarget, options: ConformanceOptions, seed: number): ConformanceReport {
  const cfg = { seed, numRuns: options.numRuns ?? 100 };
  const wanted = SUITE.filter((id) => options.only === undefined || options.only.includes(id));
  let fns: Fn[] = [];
  let setup: string | undefined;
  try {
    fns = target.functions().map((rid) => buildFn(target, rid));
    const absent = fns.find((f) => readLE(f.bytes, 0, 2) === 0xffff);
    if (fns.length === 0) setup = 'the target lists no functions';
    else if (absent !== undefined) setup = `function ${hex(absent.rid, 4)} does not answer (Vendor ID 0xffff)`;
  } catch (e) {
    setup = `reading the target failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  const outcomes = wanted.map((id): [string, Outcome] => {
    if (setup !== undefined) return [id, { status: 'failed', detail: setup }];
    try {
      return [id, id === 'REG-WIDTH-01' ? widthLaw(target, fns, cfg)
        : id in CLASS ? accessLaw(target, fns, id, cfg)
        : id === 'CFG-CAP-02' ? chainLaw(fns)
        : id === 'CFG-BAR-01' ? barLaw(target, fns)
        : sriovLaw(target, fns, id, cfg)];
    } catch (e) {
      return [id, { status: 'failed', detail: `the target threw: ${e instanceof Error ? e.message : String(e)}` }];
    }
  });
  return reportOf(target.name, seed, outcomes);
}
