import { show } from '../bits/show.js';
import { poke, type Clocked } from '../sim/kernel.js';
import { ForwardingCore, FORWARDING_DROP_REASONS, type ForwardingDropReason, type ForwardingOptions } from '../devices/forwarding.js';
import { NicError } from './errors.js';
import { nicFrameHeader } from './nic.js';

/**
 * The costs of the hypervisor's software switch, in cycles of the simulation (8 ns by default).
 *
 * @remarks The defaults model a kernel path (vhost-net and the Linux bridge or the Open vSwitch
 * kernel datapath) on one core:
 * - `frameCycles` 375 (3 µs) per frame: the guest's notification (a VM exit on the kick), the
 *   vhost worker's wake-up and descriptor handling, the bridge or flow lookup, and the interrupt
 *   injected into the receiving guest. One core then forwards about 330 000 small frames per
 *   second: a few microseconds per frame, and a few hundred thousand frames per second per core,
 *   is the order of magnitude usually reported for VM traffic through vhost-net and a kernel
 *   switch (for the measurement literature see e.g. Emmerich et al., "Performance Characteristics
 *   of Virtual Switching", IEEE CloudNet 2014; for the Open vSwitch kernel datapath, Pfaff et al.,
 *   "The Design and Implementation of Open vSwitch", USENIX NSDI 2015). A plausible default, not a
 *   calibration: change it to model another host.
 * - `copyCyclesPerByte` 1/16 (0.5 ns per byte): each frame is copied twice (from the sending
 *   guest's buffers into the host, and into the receiving guest's), each at about 4 GB/s, the
 *   order of a memcpy that misses the cache.
 * @spec iovsim design (hypervisor software switch cost model)
 * @category NIC
 */
export interface VSwitchCosts {
  /** CPU cycles per frame, whatever its length. @defaultValue 375 */
  readonly frameCycles?: number;
  /** CPU cycles per byte copied (fractional; a frame's total rounds up to whole cycles). @defaultValue 0.0625 */
  readonly copyCyclesPerByte?: number;
}

/**
 * Options of a {@link VSwitch}.
 * @category NIC
 */
export interface VSwitchOptions extends VSwitchCosts {
  /** Ports (virtio queues of the VMs, the uplink), 1..4096. */
  readonly ports: number;
  /** Frames each port's input ring holds (a virtio ring's size); a frame offered to a full ring is dropped. @defaultValue 256 */
  readonly ringSize?: number;
  /** Forwarding options of the learning switch (profile, ageing, VLANs). @defaultValue linux profile */
  readonly forwarding?: ForwardingOptions;
  /**
   * Called for every copy the switch sends out of port `port` (the frame without FCS), at the cycle
   * its processing ends; returns false when the port cannot take it (counted as an output drop).
   */
  readonly onOutput: (port: number, bytes: Uint8Array, cycle: number) => boolean;
}

/**
 * Counters of a {@link VSwitch}.
 * @spec iovsim design (every frame delivered or counted as dropped with a reason)
 * @category NIC
 */
export interface VSwitchCounters {
  /** Frames accepted into an input ring. */
  received: number;
  /** Frames refused because the input ring was full. */
  ringDrops: number;
  /** Frames processed by the switch's core. */
  processed: number;
  /** Processed frames for which at least one copy was sent. */
  forwarded: number;
  /** Processed frames dropped by the switching decision (or shorter than a header: `malformed`). */
  readonly dropped: Record<ForwardingDropReason | 'malformed' | 'local', number>;
  /** Copies handed to `onOutput`. */
  copies: number;
  /** Copies `onOutput` refused. */
  outputDrops: number;
  /** Core cycles spent processing. */
  busyCycles: number;
}

/**
 * The hypervisor's software virtual switch: a learning switch ({@link ForwardingCore}) run by one
 * CPU core, whose ports are the VMs' virtio-like queues and the uplink (the PF's queues). Every
 * frame waits in its port's input ring, then costs the core `frameCycles` plus `copyCyclesPerByte`
 * for each byte (rounded up); the core serves the rings round-robin, one frame at a time, and the
 * copies leave when the frame's processing ends.
 *
 * @remarks The model is the baseline of the hypervisor-bypass comparison: the same VMs and
 * traffic as through the NIC's VFs, with every frame through the host's CPU. Frames are held without
 * FCS (as virtio-net carries them).
 * @spec iovsim design (hypervisor software switch); IEEE 802.1Q-2022 §8.6 (forwarding process); net/bridge/br_input.c (a learning bridge)
 * @example
 * ```ts
 * const vsw = k.add(new VSwitch('vsw', { ports: 3, onOutput: (port, bytes, cycle) => deliver(port, bytes, cycle) }));
 * vsw.input(0, frame); // VM 0 transmits
 * ```
 * @category NIC
 */
export class VSwitch implements Clocked {
  /** The learning switch. */
  readonly core: ForwardingCore;
  /** Counters. */
  readonly counters: VSwitchCounters;
  private readonly frameCycles: number;
  private readonly perByte: number;
  private readonly ringSize: number;
  private readonly onOutput: VSwitchOptions['onOutput'];
  private readonly rings: Uint8Array[][];
  private readonly ringHead: number[];
  private waiting = 0;
  private rr = -1;
  private current: { readonly port: number; readonly bytes: Uint8Array; readonly done: number } | undefined;
  private freeAt = 0;
  private staged = false;

  /**
   * @param name - component name.
   * @param options - ports, costs, ring size, forwarding options, output callback.
   * @throws {NicError} `nic.bad-option` for a bad port count, cost or ring size.
   * @throws {SimError} As {@link ForwardingCore} for its options.
   */
  constructor(readonly name: string, options: VSwitchOptions) {
    const n = options.ports;
    if (!Number.isInteger(n) || n < 1 || n > 4096) throw new NicError('nic.bad-option', `${show(name)}: ${show(n)} ports (1..4096)`);
    const num = (what: string, v: number | undefined, dflt: number): number => {
      const x = v ?? dflt;
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new NicError('nic.bad-option', `${show(name)}: ${show(what)} ${show(x)} is not a number >= 0`);
      return x;
    };
    this.frameCycles = num('frameCycles', options.frameCycles, 375);
    this.perByte = num('copyCyclesPerByte', options.copyCyclesPerByte, 1 / 16);
    this.ringSize = options.ringSize ?? 256;
    if (!Number.isInteger(this.ringSize) || this.ringSize < 1) throw new NicError('nic.bad-option', `${show(name)}: ring size ${show(this.ringSize)} (>= 1)`);
    this.onOutput = options.onOutput;
    this.core = new ForwardingCore(n, { profile: 'linux', ...options.forwarding });
    this.rings = Array.from({ length: n }, () => []);
    this.ringHead = new Array<number>(n).fill(0);
    const dropped = Object.fromEntries([...FORWARDING_DROP_REASONS, 'malformed', 'local'].map((r) => [r, 0])) as VSwitchCounters['dropped'];
    this.counters = { received: 0, ringDrops: 0, processed: 0, forwarded: 0, dropped, copies: 0, outputDrops: 0, busyCycles: 0 };
  }

  /** Cycles the core spends on a frame of `bytes` bytes. */
  cost(bytes: number): number {
    return Math.max(1, Math.ceil(this.frameCycles + this.perByte * bytes));
  }

  /**
   * A frame (without FCS) arrives on port `port`'s input ring: from a VM (its virtio transmit
   * queue) or from the uplink. Returns false, and counts a ring drop, when the ring is full.
   * @throws {NicError} `nic.bad-option` for a port out of range.
   */
  input(port: number, bytes: Uint8Array): boolean {
    if (!Number.isInteger(port) || port < 0 || port >= this.rings.length) throw new NicError('nic.bad-option', `${show(this.name)}: port ${show(port)} is not 0..${this.rings.length - 1}`);
    poke(this);
    const ring = this.rings[port]!;
    if (ring.length - this.ringHead[port]! >= this.ringSize) {
      this.counters.ringDrops++;
      return false;
    }
    ring.push(bytes);
    this.waiting++;
    this.counters.received++;
    return true;
  }

  /** Frames waiting in the input rings (not counting the one being processed). */
  get queued(): number {
    return this.waiting;
  }

  /** Stages whether the core starts on a new frame at this cycle. */
  evaluate(cycle: number): void {
    this.staged = (this.current === undefined || this.current.done <= cycle) && this.waiting > 0 && cycle >= this.freeAt;
  }

  /** Finishes the frame whose processing ends now (switching it), then starts the staged one. */
  commit(cycle: number): void {
    const cur = this.current;
    if (cur !== undefined && cur.done <= cycle) {
      this.current = undefined;
      this.finish(cur.port, cur.bytes, cycle);
    }
    if (this.staged) {
      this.staged = false;
      this.start(cycle);
    }
  }

  /** The vswitch's inputs are written by other components' callbacks, which poke it. */
  *wakes(): Iterable<Clocked> {
    // No component's inputs are written by the switch except through `onOutput`, whose owners poke themselves.
  }

  /** The end of the frame in processing, or, with frames waiting, when the core is free. */
  nextEvent(from: number): number {
    let next = Infinity;
    if (this.current !== undefined) next = this.current.done;
    else if (this.waiting > 0) next = this.freeAt;
    return Math.max(next, from);
  }

  private start(cycle: number): void {
    const n = this.rings.length;
    for (let k = 1; k <= n; k++) {
      const p = (this.rr + k) % n;
      const ring = this.rings[p]!;
      const h = this.ringHead[p]!;
      if (h >= ring.length) continue;
      const bytes = ring[h]!;
      this.ringHead[p] = h + 1;
      if (h + 1 === ring.length) {
        ring.length = 0;
        this.ringHead[p] = 0;
      }
      this.waiting--;
      this.rr = p;
      const c = this.cost(bytes.length);
      this.counters.busyCycles += c;
      this.current = { port: p, bytes, done: cycle + c };
      this.freeAt = cycle + c;
      return;
    }
  }

  private finish(port: number, bytes: Uint8Array, cycle: number): void {
    this.counters.processed++;
    const h = nicFrameHeader(bytes);
    if (h === undefined) {
      this.counters.dropped.malformed++;
      return;
    }
    const d = this.core.decide(port, h, cycle);
    if (d.kind === 'local') {
      this.counters.dropped.local++;
      return;
    }
    if (d.kind === 'drop') {
      this.counters.dropped[d.reason]++;
      return;
    }
    this.counters.forwarded++;
    for (const out of d.ports) {
      this.counters.copies++;
      if (!this.onOutput(out, bytes, cycle)) this.counters.outputDrops++;
    }
  }
}
