import { show } from '../bits/show.js';
import { Kernel, type Clocked } from '../sim/kernel.js';
import { Rng, streamSeed } from '../sim/rng.js';
import { BurstCable } from '../link/burst-cable.js';
import type { BurstPort } from '../link/segment.js';
import { asMac, BROADCAST, type Mac } from '../link/frame.js';
import { DEFAULT_TIMING } from '../link/timing.js';
import { BurstHost } from '../devices/burst-host.js';
import { Switch } from '../devices/switch.js';
import { NicError } from './errors.js';
import { FunctionDriver, Nic, nicToWire, type NicDmaOptions } from './nic.js';
import type { SwitchMode } from './pf-block.js';
import { VSwitch, type VSwitchCosts } from './vswitch.js';

/** EtherType of measured frames (IEEE 802 local experimental 1) and of the warm-up frames (local experimental 2). */
const MEASURED = 0x88b5;
const WARMUP = 0x88b6;
/** Cycle length of every comparison run, in nanoseconds (DEFAULT_TIMING: one byte time at 1 Gb/s). */
const CYCLE_NS = DEFAULT_TIMING.cycleNs;

const vmMac = (i: number): Mac => asMac(0x0200_0000_1000 + i);
const WIRE_MAC = asMac(0x0200_0000_2000);

/** A frame without FCS: destination, source, type, then a 32-bit sequence number, zero-padded to `len` bytes. */
function frameBytes(dst: Mac, src: Mac, type: number, seq: number, len: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < 6; i++) {
    b[i] = Math.floor(dst / 2 ** (8 * (5 - i))) % 256;
    b[6 + i] = Math.floor(src / 2 ** (8 * (5 - i))) % 256;
  }
  b[12] = type >>> 8;
  b[13] = type & 0xff;
  b[14] = seq >>> 24;
  b[15] = (seq >>> 16) & 0xff;
  b[16] = (seq >>> 8) & 0xff;
  b[17] = seq & 0xff;
  return b;
}

/** The sequence number of a measured frame (untagged, without FCS), or −1 for any other frame. */
function seqOf(b: Uint8Array): number {
  if (b.length < 18 || ((b[12]! << 8) | b[13]!) !== MEASURED) return -1;
  return ((b[14]! << 24) | (b[15]! << 16) | (b[16]! << 8) | b[17]!) >>> 0;
}

/** One offer of a schedule: at `cycle`, endpoint `src` sends frame `seq` to endpoint `dst` (index `vms` is the wire host). */
interface Offer {
  readonly cycle: number;
  readonly src: number;
  readonly dst: number;
  readonly seq: number;
}

/** A component that runs a sorted list of offers at their cycles. */
class OfferSchedule implements Clocked {
  private head = 0;
  constructor(readonly name: string, private readonly offers: readonly Offer[], private readonly base: number, private readonly run: (o: Offer, cycle: number) => void) {}
  evaluate(): void {}
  commit(cycle: number): void {
    const list = this.offers;
    while (this.head < list.length && this.base + list[this.head]!.cycle <= cycle) this.run(list[this.head++]!, cycle);
  }
  *wakes(): Iterable<Clocked> {
    // What it offers goes to components that are poked by the offer itself.
  }
  nextEvent(from: number): number {
    return this.head < this.offers.length ? Math.max(from, this.base + this.offers[this.head]!.cycle) : Infinity;
  }
}

/**
 * Which path the VMs' frames take in a comparison run.
 * - `vswitch`: each VM's virtio-like queue into the hypervisor's software switch ({@link VSwitch}),
 *   whose uplink is the NIC's PF (driven through PF BAR0).
 * - `vf`: each VM drives its own VF through the VF's BAR window; the NIC's embedded switch does the rest.
 * @spec iovsim design (hypervisor-bypass comparison)
 * @category NIC
 */
export type ComparePath = 'vswitch' | 'vf';

/**
 * The traffic of a comparison row: VM i to VM i + 1 (mod the number of VMs), or every VM to a host
 * on the wire behind the top-of-rack switch.
 * @spec iovsim design (hypervisor-bypass comparison)
 * @category NIC
 */
export type CompareTraffic = 'vm-to-vm' | 'vm-to-wire';

/**
 * Options of {@link compareVswitchVsVf}.
 * @category NIC
 */
export interface CompareOptions {
  /** VMs (each with a VF on the VF path), 2..64. @defaultValue 4 */
  readonly vms?: number;
  /** The NIC's embedded switch mode on the VF path (VEPA reflects VM-to-VM traffic at the top-of-rack switch). @defaultValue 'veb' */
  readonly mode?: SwitchMode;
  /** Seed of the schedules and of the kernels. @defaultValue 1 */
  readonly seed?: number;
  /** Frame size on the wire, FCS included, 64..1518. @defaultValue 64 */
  readonly frameBytes?: number;
  /** Frames of the latency run. @defaultValue 2000 */
  readonly latencyFrames?: number;
  /** Offered load of the latency run, as a fraction of the vswitch core's capacity (Poisson arrivals, same for both paths). @defaultValue 0.3 */
  readonly latencyLoad?: number;
  /** Frames per throughput trial. @defaultValue 4000 */
  readonly trialFrames?: number;
  /** The throughput search stops when its bounds are within this fraction. @defaultValue 0.01 */
  readonly precision?: number;
  /** Costs of the hypervisor's switch. */
  readonly vswitch?: VSwitchCosts & {
    /** Frames per virtio ring. @defaultValue 256 */
    readonly ringSize?: number;
  };
  /** The NIC's host-interface timing. */
  readonly dma?: NicDmaOptions;
}

/**
 * Latency percentiles in microseconds (nearest-rank: the p-th percentile is the smallest value with
 * at least p % of the samples at or below it).
 * @spec iovsim design (hypervisor-bypass comparison)
 * @category NIC
 */
export interface LatencySummary {
  /** Samples (frames delivered). */
  readonly frames: number;
  /** Smallest. */
  readonly min: number;
  /** 50th percentile. */
  readonly median: number;
  /** 99th percentile. */
  readonly p99: number;
  /** Largest. */
  readonly max: number;
}

/**
 * One row of the comparison: a path and a traffic pattern, measured.
 * @spec iovsim design (hypervisor-bypass comparison)
 * @category NIC
 */
export interface ComparisonRow {
  /** The path. */
  readonly path: ComparePath;
  /** The traffic. */
  readonly traffic: CompareTraffic;
  /** Human-readable path, e.g. `SR-IOV VF (VEB)`. */
  readonly label: string;
  /** One-way latency, from the sender's post to the frame in the receiver's memory (RX ring, virtio ring, or the wire host's MAC). */
  readonly latencyUs: LatencySummary;
  /** Largest offered rate (frames per second, all VMs together) at which a trial lost no frame. */
  readonly maxLossFreeFps: number;
  /** Throughput trials run by the search. */
  readonly trials: number;
}

/**
 * The result of {@link compareVswitchVsVf}: the parameters used and the measured rows.
 * @spec iovsim design (hypervisor-bypass comparison)
 * @category NIC
 */
export interface Comparison {
  /** VMs. */
  readonly vms: number;
  /** Embedded switch mode of the VF path. */
  readonly mode: SwitchMode;
  /** Seed. */
  readonly seed: number;
  /** Frame size on the wire (FCS included). */
  readonly frameBytes: number;
  /** Nanoseconds per cycle. */
  readonly cycleNs: number;
  /** Offered rate of the latency runs, frames per second (all VMs together). */
  readonly latencyOfferedFps: number;
  /** Frames per throughput trial. */
  readonly trialFrames: number;
  /** Search precision. */
  readonly precision: number;
  /** The vswitch's costs: cycles per frame, cycles per byte, ring size. */
  readonly vswitch: {
    /** Cycles per frame. */
    readonly frameCycles: number;
    /** Cycles per byte copied. */
    readonly copyCyclesPerByte: number;
    /** Frames per virtio ring. */
    readonly ringSize: number;
  };
  /** The rows: for each traffic pattern, the vswitch path then the VF path. */
  readonly rows: readonly ComparisonRow[];
}

interface Resolved {
  readonly vms: number;
  readonly mode: SwitchMode;
  readonly seed: number;
  readonly frameBytes: number;
  readonly latencyFrames: number;
  readonly latencyLoad: number;
  readonly trialFrames: number;
  readonly precision: number;
  readonly frameCycles: number;
  readonly copyCyclesPerByte: number;
  readonly ringSize: number;
  readonly dma: NicDmaOptions;
}

function resolve(o: CompareOptions): Resolved {
  const int = (what: string, v: number | undefined, dflt: number, lo: number, hi: number): number => {
    const x = v ?? dflt;
    if (!Number.isInteger(x) || x < lo || x > hi) throw new NicError('nic.bad-option', `${show(what)} ${show(x)} is not an integer ${show(lo)}..${show(hi)}`);
    return x;
  };
  const frac = (what: string, v: number | undefined, dflt: number, lo: number, hi: number): number => {
    const x = v ?? dflt;
    if (typeof x !== 'number' || !Number.isFinite(x) || x <= lo || x > hi) throw new NicError('nic.bad-option', `${show(what)} ${show(x)} is not in (${show(lo)}, ${show(hi)}]`);
    return x;
  };
  const mode = o.mode ?? 'veb';
  if (mode !== 'veb' && mode !== 'vepa') throw new NicError('nic.bad-option', `mode '${show(mode)}' is not veb or vepa`);
  const vs = o.vswitch ?? {};
  const frameCycles = vs.frameCycles ?? 375;
  const copy = vs.copyCyclesPerByte ?? 1 / 16;
  if (!Number.isFinite(frameCycles) || frameCycles < 0 || !Number.isFinite(copy) || copy < 0) throw new NicError('nic.bad-option', 'vswitch costs must be numbers >= 0');
  return {
    vms: int('vms', o.vms, 4, 2, 64), mode, seed: int('seed', o.seed, 1, -(2 ** 31), 2 ** 32 - 1),
    frameBytes: int('frameBytes', o.frameBytes, 64, 64, 1518), latencyFrames: int('latencyFrames', o.latencyFrames, 2000, 1, 1_000_000),
    latencyLoad: frac('latencyLoad', o.latencyLoad, 0.3, 0, 1), trialFrames: int('trialFrames', o.trialFrames, 4000, 1, 10_000_000),
    precision: frac('precision', o.precision, 0.01, 0, 1), frameCycles, copyCyclesPerByte: copy, ringSize: int('vswitch.ringSize', vs.ringSize, 256, 1, 65536),
    dma: o.dma ?? {},
  };
}

/** What one run measured. */
interface RunResult {
  readonly offered: number;
  readonly received: number;
  readonly latencies: number[];
  /** Mean backlog (offered, neither arrived nor refused) at the offers of the first and of the second half. */
  readonly backlog: readonly [number, number];
}

/**
 * A throughput trial passes when every frame arrived and the backlog did not grow from the first
 * half to the second (beyond one frame and 5 %): a backlog that grows is a loss a longer trial would show.
 */
function sustained(res: RunResult): boolean {
  return res.received === res.offered && res.backlog[1] <= res.backlog[0] * 1.05 + 1;
}

/**
 * Builds the world of one path (NIC, top-of-rack switch, wire host, VMs), warms it up so every
 * switch has learned every address, then runs `offers` from the end of the warm-up. At each offer
 * it samples the backlog (frames offered and neither arrived nor refused).
 */
function runPath(path: ComparePath, offers: readonly Offer[], r: Resolved): RunResult {
  const n = r.vms;
  const k = new Kernel({ seed: r.seed });
  const len = r.frameBytes - 4;
  const sentAt = new Float64Array(offers.length).fill(-1);
  const seen = new Uint8Array(offers.length);
  const latencies: number[] = [];
  let received = 0;
  const got = (bytes: Uint8Array, cycle: number): void => {
    const seq = seqOf(bytes);
    if (seq < 0 || seq >= offers.length || seen[seq] === 1 || sentAt[seq]! < 0) return;
    seen[seq] = 1;
    received++;
    latencies.push(cycle - sentAt[seq]!);
  };
  const vepa = path === 'vf' && r.mode === 'vepa';
  const nic = k.add(new Nic('nic', { totalVfs: Math.max(8, n), mode: 'burst', dma: r.dma }));
  const tor = k.add(new Switch('tor', { ports: 2, mac: asMac(0x0200_0000_f000), mode: 'burst', rate: 1000 }));
  if (vepa) tor.core.configurePort(0, { hairpin: true });
  const wire = k.add(new BurstHost('wire', { mac: WIRE_MAC, rate: 1000, onReceive: (_f, cycle, bytes) => got(bytes.subarray(0, bytes.length - 4), cycle) }));
  k.add(new BurstCable('c-nic', nic.ports[0] as BurstPort, tor.ports[0] as BurstPort, { metres: 2 }, k.rng('c-nic')));
  k.add(new BurstCable('c-wire', tor.ports[1] as BurstPort, wire.port, { metres: 10 }, k.rng('c-wire')));
  let send: (vm: number, bytes: Uint8Array) => boolean;
  if (path === 'vf') {
    nic.pcie.bringUp({ numVfs: n });
    nic.pcie.setSwitchMode(r.mode);
    const drivers = Array.from({ length: n }, (_, i) => {
      nic.pcie.setVfMac(i + 1, vmMac(i));
      const d = new FunctionDriver(nic, i + 1, got);
      d.enable();
      return d;
    });
    send = (vm, bytes) => drivers[vm]!.post(bytes);
  } else {
    nic.pcie.bringUp({ numVfs: 0 });
    let vsw: VSwitch | undefined;
    const pf = new FunctionDriver(nic, 0, (bytes) => vsw!.input(n, bytes));
    pf.enable();
    vsw = k.add(new VSwitch('vsw', {
      ports: n + 1, frameCycles: r.frameCycles, copyCyclesPerByte: r.copyCyclesPerByte, ringSize: r.ringSize,
      onOutput: (port, bytes, cycle) => {
        if (port === n) return pf.post(bytes);
        got(bytes, cycle);
        return true;
      },
    }));
    const sw = vsw;
    send = (vm, bytes) => sw.input(vm, bytes);
  }
  // Warm-up: every VM and the wire host announce themselves once, so that every address is learned.
  for (let i = 0; i < n; i++) send(i, frameBytes(BROADCAST, vmMac(i), WARMUP, 0, len));
  k.run();
  wire.send({ dst: BROADCAST, src: WIRE_MAC, type: WARMUP, payload: new Uint8Array(46) });
  k.run();
  const base = k.cycle + 1;
  let refused = 0;
  const half = Math.floor(offers.length / 2);
  const backlog = [0, 0];
  k.add(new OfferSchedule('offers', offers, base, (o, cycle) => {
    sentAt[o.seq] = cycle;
    const dst = o.dst === n ? WIRE_MAC : vmMac(o.dst);
    if (!send(o.src, frameBytes(dst, vmMac(o.src), MEASURED, o.seq, len))) refused++;
    backlog[o.seq < half ? 0 : 1]! += o.seq + 1 - received - refused;
  }));
  k.run();
  const mean = (i: number, count: number): number => (count > 0 ? backlog[i]! / count : 0);
  return { offered: offers.length, received, latencies, backlog: [mean(0, half), mean(1, offers.length - half)] };
}

/** Destination of VM i's frames. */
const dstOf = (traffic: CompareTraffic, i: number, n: number): number => (traffic === 'vm-to-vm' ? (i + 1) % n : n);

/** Poisson offers from every VM, `total` frames, at `fps` frames per second in all. */
function poissonOffers(traffic: CompareTraffic, r: Resolved, total: number, fps: number): Offer[] {
  const n = r.vms;
  const meanCycles = n / (fps * CYCLE_NS * 1e-9);
  const out: Omit<Offer, 'seq'>[] = [];
  for (let i = 0; i < n; i++) {
    const rng = new Rng(streamSeed(r.seed, `latency-vm${i}`));
    let t = 0;
    const count = Math.floor(total / n) + (i < total % n ? 1 : 0);
    for (let j = 0; j < count; j++) {
      t += -Math.log(1 - rng.float()) * meanCycles;
      out.push({ cycle: Math.floor(t), src: i, dst: dstOf(traffic, i, n) });
    }
  }
  return sequence(out);
}

/** Periodic offers from every VM at `fps` frames per second in all, each VM with its own random phase. */
function periodicOffers(traffic: CompareTraffic, r: Resolved, total: number, fps: number): Offer[] {
  const n = r.vms;
  const interval = n / (fps * CYCLE_NS * 1e-9);
  const out: Omit<Offer, 'seq'>[] = [];
  for (let i = 0; i < n; i++) {
    const phase = new Rng(streamSeed(r.seed, `trial-vm${i}`)).float() * interval;
    const count = Math.floor(total / n) + (i < total % n ? 1 : 0);
    for (let j = 0; j < count; j++) out.push({ cycle: Math.floor(phase + j * interval), src: i, dst: dstOf(traffic, i, n) });
  }
  return sequence(out);
}

/** Sorts offers by cycle (then VM) and numbers them. */
function sequence(list: Omit<Offer, 'seq'>[]): Offer[] {
  list.sort((a, b) => a.cycle - b.cycle || a.src - b.src);
  return list.map((o, seq) => ({ ...o, seq }));
}

/** Nearest-rank percentile of sorted values. */
const rank = (sorted: readonly number[], p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;

function summarise(cycles: readonly number[]): LatencySummary {
  const s = [...cycles].sort((a, b) => a - b);
  const us = (c: number): number => (c * CYCLE_NS) / 1000;
  if (s.length === 0) return { frames: 0, min: NaN, median: NaN, p99: NaN, max: NaN };
  return { frames: s.length, min: us(s[0]!), median: us(rank(s, 50)), p99: us(rank(s, 99)), max: us(s[s.length - 1]!) };
}

/**
 * The largest rate (frames per second) for which `lossFree` holds: doubling from `start` until a
 * trial loses frames, then bisection (geometric) until the bounds are within `precision`.
 */
function searchRate(lossFree: (fps: number) => boolean, start: number, precision: number): { readonly fps: number; readonly trials: number } {
  let trials = 0;
  const ok = (fps: number): boolean => {
    trials++;
    return lossFree(fps);
  };
  let lo = 0;
  let hi = start;
  if (ok(start)) {
    lo = start;
    hi = start * 2;
    while (hi < 1e10 && ok(hi)) {
      lo = hi;
      hi *= 2;
    }
  } else {
    while (hi > 1 && !ok(hi / 2)) hi /= 2;
    lo = hi / 2;
  }
  while (lo > 0 && hi / lo > 1 + precision) {
    const mid = Math.sqrt(lo * hi);
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return { fps: Math.floor(lo), trials };
}

/**
 * Measures the hypervisor-bypass claim in the model: the same VMs and the same traffic (a) through
 * the hypervisor's software switch, whose uplink is the NIC's PF, and (b) directly through each
 * VM's VF; for VM-to-VM and VM-to-wire traffic, the one-way latency distribution at a light
 * Poisson load and the largest offered rate with no frame lost, found by a search over the
 * offered load (periodic offers, trials of `trialFrames` frames, doubling then bisection).
 *
 * @remarks The world of every run: the NIC (burst-mode external port at 1 Gb/s), a 2-port
 * top-of-rack switch 2 m away (reflecting frames back to the NIC, hairpin, on the VF path in VEPA
 * mode), and a host on the wire 10 m behind it. Before measuring, every VM and the wire host send
 * one broadcast so that every switch has learned every address. Latency runs from the cycle the
 * sender posts (VF doorbell, or the virtio ring) to the cycle the frame is in the receiver's
 * memory (its RX ring or virtio ring, or the wire host's MAC). A trial is loss-free when every frame
 * arrives; frames are lost at full rings and queues (the VF's TX queue, the vswitch's rings, the
 * NIC's external port queue). Because those queues can absorb an overload for the length of a
 * short trial (four VMs' 256-frame virtio rings hold a quarter of a 4000-frame trial), a trial also
 * fails when the backlog — frames offered and not yet arrived — grows from its first half to its
 * second: with RFC 2544's 60-second trials such a growing backlog would overflow and lose frames.
 * Deterministic: the same options give the same numbers.
 * @spec iovsim design (hypervisor-bypass comparison); RFC 2544 §26.1 (throughput: the fastest rate with no frame lost)
 * @throws {NicError} `nic.bad-option` for an option out of range.
 * @example
 * ```ts
 * const c = compareVswitchVsVf({ vms: 4 });
 * console.log(formatComparison(c));
 * ```
 * @category NIC
 */
export function compareVswitchVsVf(options: CompareOptions = {}): Comparison {
  const r = resolve(options);
  const vsCost = Math.max(1, Math.ceil(r.frameCycles + r.copyCyclesPerByte * (r.frameBytes - 4)));
  const latencyFps = (r.latencyLoad / vsCost) * (1e9 / CYCLE_NS);
  const rows: ComparisonRow[] = [];
  for (const traffic of ['vm-to-vm', 'vm-to-wire'] as const) {
    const latencyOffers = poissonOffers(traffic, r, r.latencyFrames, latencyFps);
    for (const path of ['vswitch', 'vf'] as const) {
      const lat = runPath(path, latencyOffers, r);
      const search = searchRate((fps) => {
        return sustained(runPath(path, periodicOffers(traffic, r, r.trialFrames, fps), r));
      }, 10_000, r.precision);
      const label = path === 'vswitch' ? 'hypervisor vswitch (PF)' : `SR-IOV VF (${r.mode.toUpperCase()})`;
      rows.push({ path, traffic, label, latencyUs: summarise(lat.latencies), maxLossFreeFps: search.fps, trials: search.trials });
    }
  }
  return {
    vms: r.vms, mode: r.mode, seed: r.seed, frameBytes: r.frameBytes, cycleNs: CYCLE_NS, latencyOfferedFps: Math.round(latencyFps),
    trialFrames: r.trialFrames, precision: r.precision, vswitch: { frameCycles: r.frameCycles, copyCyclesPerByte: r.copyCyclesPerByte, ringSize: r.ringSize }, rows,
  };
}

/** `1234567` as `1,234,567`. */
const grouped = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * The comparison as a text table (one row per path and traffic), with the parameters underneath.
 * @spec iovsim design (hypervisor-bypass comparison)
 * @example
 * ```ts
 * process.stdout.write(formatComparison(compareVswitchVsVf()));
 * ```
 * @category NIC
 */
export function formatComparison(c: Comparison): string {
  const head = ['path', 'traffic', 'min µs', 'median µs', 'p99 µs', 'max µs', 'loss-free frames/s'];
  const body = c.rows.map((row) => [
    row.label, row.traffic === 'vm-to-vm' ? 'VM->VM' : 'VM->wire',
    row.latencyUs.min.toFixed(2), row.latencyUs.median.toFixed(2), row.latencyUs.p99.toFixed(2), row.latencyUs.max.toFixed(2), grouped(row.maxLossFreeFps),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((x, i) => (i < 2 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ').trimEnd();
  const perFrameUs = (c.vswitch.frameCycles * c.cycleNs) / 1000;
  const perByteNs = c.vswitch.copyCyclesPerByte * c.cycleNs;
  return [
    `Hypervisor vswitch vs SR-IOV VFs: ${c.vms} VMs, ${c.frameBytes}-byte frames, 1 Gb/s uplink, embedded switch ${c.mode.toUpperCase()}, seed ${c.seed}`,
    '',
    line(head),
    line(head.map((_, i) => '-'.repeat(widths[i]!))),
    ...body.map(line),
    '',
    `latency: one way, post to receiver's memory, ${grouped(c.latencyOfferedFps)} frames/s offered (Poisson, ${c.rows[0]?.latencyUs.frames ?? 0} frames)`,
    `loss-free: largest periodic offered rate at which a ${grouped(c.trialFrames)}-frame trial loses no frame and its backlog does not grow (search to ${(c.precision * 100).toFixed(0)} %)`,
    `vswitch: one core, ${perFrameUs.toFixed(2)} µs per frame + ${perByteNs.toFixed(2)} ns per byte copied, ${c.vswitch.ringSize}-frame rings; VF: the NIC's DMA engines and embedded switch, no host CPU`,
    '',
  ].join('\n');
}

/**
 * Options of {@link runNicTraffic}.
 * @category NIC
 */
export interface NicTrafficOptions {
  /** VFs, each driven by a VM, 1..4095. */
  readonly vfs: number;
  /** Frames offered in all. */
  readonly frames: number;
  /** Seed. @defaultValue 1 */
  readonly seed?: number;
  /** Embedded switch mode. @defaultValue 'veb' */
  readonly mode?: SwitchMode;
  /** Mean cycles between offers (all sources together, Poisson). @defaultValue 64 */
  readonly meanInterval?: number;
}

/**
 * What {@link runNicTraffic} observed.
 * @spec iovsim design (NIC data-path benchmark)
 * @category NIC
 */
export interface NicTrafficResult {
  /** Frames offered (posted by VMs, or sent by the wire host). */
  readonly offered: number;
  /** Frames that reached their destination (a VM's RX ring, or the wire host). */
  readonly delivered: number;
  /** Frames and copies the NIC dropped after the warm-up, plus posts refused by full TX queues. */
  readonly dropped: number;
  /** Cycles simulated. */
  readonly cycles: number;
  /** The NIC, after the run (its counters). */
  readonly nic: Nic;
}

/**
 * Random traffic among VMs (one VF each) and a host on the wire: every offer picks a source and a
 * different destination uniformly among the VMs and the wire host, at Poisson times. Used by the
 * benchmark (frames per wall second through the NIC model) and by tests.
 * @spec iovsim design (NIC data-path benchmark)
 * @throws {NicError} `nic.bad-option` for a VF count outside 1..4095 or a bad frame count or interval.
 * @example
 * ```ts
 * const r = runNicTraffic({ vfs: 64, frames: 20_000 });
 * console.log(r.delivered, r.cycles);
 * ```
 * @category NIC
 */
export function runNicTraffic(o: NicTrafficOptions): NicTrafficResult {
  const n = o.vfs;
  if (!Number.isInteger(n) || n < 1 || n > 4094) throw new NicError('nic.bad-option', `vfs ${show(n)} is not 1..4094`);
  if (!Number.isInteger(o.frames) || o.frames < 0) throw new NicError('nic.bad-option', `frames ${show(o.frames)} is not a non-negative integer`);
  const mean = o.meanInterval ?? 64;
  if (!Number.isFinite(mean) || mean < 1) throw new NicError('nic.bad-option', `meanInterval ${show(mean)} is not >= 1`);
  const seed = o.seed ?? 1;
  const k = new Kernel({ seed });
  let delivered = 0;
  const count = (bytes: Uint8Array): void => {
    if (seqOf(bytes) >= 0) delivered++;
  };
  const nic = k.add(new Nic('nic', { totalVfs: n, mode: 'burst' }));
  const wire = k.add(new BurstHost('wire', { mac: WIRE_MAC, rate: 1000, queueLimit: 1 << 20, onReceive: (_f, _c, bytes) => count(bytes.subarray(0, bytes.length - 4)) }));
  k.add(new BurstCable('c0', nic.ports[0] as BurstPort, wire.port, { metres: 10 }, k.rng('c0')));
  nic.pcie.bringUp({ numVfs: n });
  nic.pcie.setSwitchMode(o.mode ?? 'veb');
  const drivers = Array.from({ length: n }, (_, i) => {
    nic.pcie.setVfMac(i + 1, vmMac(i));
    const d = new FunctionDriver(nic, i + 1, count);
    d.enable();
    return d;
  });
  const rng = new Rng(streamSeed(seed, 'nic-traffic'));
  const offers: Offer[] = [];
  let t = 0;
  for (let seq = 0; seq < o.frames; seq++) {
    t += -Math.log(1 - rng.float()) * mean;
    const src = rng.int(0, n);
    let dst = rng.int(0, n - 1);
    if (dst >= src) dst++;
    offers.push({ cycle: Math.floor(t), src, dst, seq });
  }
  // Let the NIC learn the wire host first (VF addresses are static entries).
  wire.send({ dst: BROADCAST, src: WIRE_MAC, type: WARMUP, payload: new Uint8Array(46) });
  k.run();
  const c = nic.counters;
  const sum = (rec: Record<string, number>): number => Object.values(rec).reduce((a, b) => a + b, 0);
  const before = sum(c.dropped) + sum(c.copyDrops);
  k.add(new OfferSchedule('offers', offers, k.cycle + 1, (x) => {
    const mac = (e: number): Mac => (e === n ? WIRE_MAC : vmMac(e));
    const bytes = frameBytes(mac(x.dst), mac(x.src), MEASURED, x.seq, 60);
    if (x.src === n) wire.sendBytes(nicToWire(bytes));
    else drivers[x.src]!.post(bytes);
  }));
  k.run();
  const refused = drivers.reduce((a, d) => a + d.refused, 0);
  return { offered: o.frames, delivered, dropped: sum(c.dropped) + sum(c.copyDrops) - before + refused, cycles: k.cycle, nic };
}
