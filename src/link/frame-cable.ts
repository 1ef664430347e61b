import type { Clocked } from '../sim/kernel.js';
import type { Rng } from '../sim/rng.js';
import { withPreamble } from './frame.js';
import { noiseByte } from './segment.js';
import { belowThreshold } from './timing.js';
import { setUpCable, type CableOptions } from './cable.js';

/**
 * A device's attachment to a frame-mode cable: it sends whole frames with their start cycle, and
 * keeps the frames on their way to it, each with the cycle its receiver takes it in.
 *
 * @remarks Frame mode is full duplex only: each direction of a cable carries one transmitter's
 * frames, one after the other, so arrivals are in cycle order. Memory is bounded by the frames in
 * flight on the cable.
 * @category Link
 */
export class FramePort {
  /** The cable attached (set by the cable). */
  cable: Clocked | undefined;
  /** The device the port belongs to. */
  owner: Clocked | undefined;
  /** Set by the owner: told of the cycle of each arrival queued (its next event may be earlier). */
  onArrival: ((due: number) => void) | undefined;
  /** The far end, the cable's delay, whether the signal arrives below the receiver threshold, the cable's noise key (set by the cable). @internal */
  link: { readonly far: FramePort; readonly delay: number; readonly weak: boolean; readonly key: number; readonly cable: FrameCable } | undefined;
  /** Arrivals, a ring (oldest at `head`, grows by doubling): the cycle the receiving MAC takes each in, and its bytes (header to FCS). */
  private dues = new Float64Array(4);
  /** Per arrival: its cycles on the wire. */
  private cycles = new Float64Array(4);
  private frames: (Uint8Array | null)[] = [null, null, null, null];
  /** Per arrival: the bytes as received, preamble first, when the cable corrupted them (else null). */
  private wires: (Uint8Array | null)[] = [null, null, null, null];
  private head = 0;
  private count = 0;

  /** @param name - `device.portN`, for traces and errors. */
  constructor(readonly name: string) {}

  /** Whether a cable is attached. */
  get attached(): boolean {
    return this.cable !== undefined;
  }

  /** The cycle of the next arrival, or Infinity. */
  get nextArrival(): number {
    return this.count > 0 ? this.dues[this.head]! : Infinity;
  }

  /**
   * Sends `bytes` (header to FCS) whose first symbol (preamble) goes out at `start`, taking
   * `cycles` cycles on the wire: it is queued at the far end for the cycle its receiver would take
   * it in. A port with no cable sends into nothing (as an unplugged port does in the other modes).
   * @spec IEEE 802.3-2022 §4.2 (MAC frame transmission and reception: a frame is received after its last bit)
   */
  transmit(bytes: Uint8Array, start: number, cycles: number, cpb: number): void {
    if (this.watchers !== undefined) for (const w of this.watchers) w('tx', withPreamble(bytes), start, cycles, cpb);
    const l = this.link;
    if (l === undefined) return;
    // Burst mode: the end edge leaves at start + cycles, reaches the far end `delay` later and is
    // taken in by the receiving MAC at the next cycle.
    l.far.queue(start + cycles + l.delay + 1, bytes, l.weak ? corrupted(bytes, l.key, start + l.delay, cpb) : null, cycles, cpb);
  }

  /**
   * Set by the owning MAC: the kernel's clock (the next cycle it executes), so the cable can count
   * a corrupted frame from the cycle burst mode counts it.
   * @internal
   */
  clock: (() => number) | undefined;

  /** Cycles of corrupted frames still on their way here whose last symbol has arrived by cycle `c` (taken in at `c`). @internal */
  arrivedCorrupted(c: number): number {
    let n = 0;
    const mask = this.dues.length - 1;
    for (let k = 0; k < this.count; k++) {
      const j = (this.head + k) & mask;
      if (this.dues[j]! > c) break;
      if (this.wires[j] !== null) n += this.cycles[j]!;
    }
    return n;
  }

  /**
   * Adds a passive watcher (a tap), told of every frame sent from this port (`tx`) and every frame
   * on its way to it (`rx`, when it is sent): its symbols as they appear on this side, preamble
   * first, the cycle of the first and how many cycles they last.
   */
  watch(fn: (side: 'rx' | 'tx', symbols: Uint8Array, start: number, cycles: number, cpb: number) => void): void {
    (this.watchers ??= []).push(fn);
  }

  private watchers: ((side: 'rx' | 'tx', symbols: Uint8Array, start: number, cycles: number, cpb: number) => void)[] | undefined;

  private queue(due: number, bytes: Uint8Array, wire: Uint8Array | null, cycles: number, cpb: number): void {
    if (this.watchers !== undefined) for (const w of this.watchers) w('rx', wire ?? withPreamble(bytes), due - 1 - cycles, cycles, cpb);
    if (this.count === this.dues.length) this.grow();
    const at = (this.head + this.count++) & (this.dues.length - 1);
    this.dues[at] = due;
    this.cycles[at] = cycles;
    this.frames[at] = bytes;
    this.wires[at] = wire;
    this.onArrival?.(due);
  }

  private grow(): void {
    const n = this.dues.length;
    const dues = new Float64Array(2 * n);
    const cycles = new Float64Array(2 * n);
    const frames = new Array<Uint8Array | null>(2 * n).fill(null);
    const wires = new Array<Uint8Array | null>(2 * n).fill(null);
    for (let k = 0; k < n; k++) {
      const j = (this.head + k) & (n - 1);
      dues[k] = this.dues[j]!;
      cycles[k] = this.cycles[j]!;
      frames[k] = this.frames[j]!;
      wires[k] = this.wires[j]!;
    }
    this.dues = dues;
    this.cycles = cycles;
    this.frames = frames;
    this.wires = wires;
    this.head = 0;
  }

  /**
   * When the cable corrupted the arrival last taken: the symbols as received, preamble first; else null.
   * @internal
   */
  takenWire: Uint8Array | null = null;

  /**
   * Takes the next arrival (the owner calls it at the cycle of {@link FramePort.nextArrival}): its
   * frame as sent; {@link FramePort.takenWire} tells whether the cable corrupted it.
   * @internal
   */
  take(): Uint8Array {
    const h = this.head;
    const frame = this.frames[h]!;
    this.takenWire = this.wires[h]!;
    if (this.takenWire !== null) this.link!.cable.settled += this.cycles[h]!;
    this.frames[h] = null;
    this.wires[h] = null;
    this.head = (h + 1) & (this.dues.length - 1);
    this.count--;
    return frame;
  }
}

/**
 * The symbols a weak cable delivers for a frame: preamble, SFD and frame, each XORed with the noise
 * byte of the cycle it arrived at (`at` + i × `cpb`), exactly as burst and symbol mode corrupt them.
 */
function corrupted(bytes: Uint8Array, key: number, at: number, cpb: number): Uint8Array {
  const out = withPreamble(bytes);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! ^ noiseByte(key, at + i * cpb);
  return out;
}

/**
 * A point-to-point full-duplex cable in frame mode: the same cable as {@link Cable} and
 * {@link BurstCable} (delay, attenuation, the receiver threshold and the same noise), carrying
 * each frame as one event: it reaches the far end's MAC at the cycle it would in burst mode.
 *
 * @remarks Passive: never stepped and no events of its own (the transmitting MAC queues the frame at
 * the far port).
 * @spec IEEE 802.3-2022 §14.4 (link segment), §25 (100BASE-TX), §4.1 (half and full duplex operation)
 * @example
 * ```ts
 * k.add(new FrameCable('c0', host.port, sw.ports[0]!, { metres: 50 }, k.rng('c0')));
 * ```
 * @category Link
 */
export class FrameCable implements Clocked {
  /** Propagation delay in cycles. */
  readonly delay: number;
  /** Amplitude factor over the whole length. */
  readonly attenuation: number;
  /** Cycles of corrupted frames taken in by their receivers. @internal */
  settled = 0;
  /** Never stepped. */
  readonly passive = true;
  private readonly ends: readonly [FramePort, FramePort];

  /** @throws {SimError} `sim.port-in-use` when a port already has a cable, `sim.bad-length` for a bad length. */
  constructor(readonly name: string, a: FramePort, b: FramePort, options: CableOptions, rng: Rng) {
    const { delay, attenuation, key } = setUpCable(this, a, b, FramePort, options, rng);
    this.delay = delay;
    this.attenuation = attenuation;
    const weak = belowThreshold(this.attenuation);
    a.link = { far: b, delay: this.delay, weak, key, cable: this };
    b.link = { far: a, delay: this.delay, weak, key, cable: this };
    this.ends = [a, b];
  }

  /**
   * Symbols (cycles) corrupted because they arrived below the threshold, as in the other modes:
   * counted once a frame's last symbol has arrived, at the cycle burst mode counts it.
   */
  get corrupted(): number {
    const [a, b] = this.ends;
    const c = a.clock?.() ?? b.clock?.() ?? -Infinity;
    return this.settled + a.arrivedCorrupted(c) + b.arrivedCorrupted(c);
  }

  /** Nothing: the cable is never stepped. */
  evaluate(): void {}

  /** Nothing: the cable is never stepped. */
  commit(): void {}

  /** Never any work of its own. */
  nextEvent(): number {
    return Infinity;
  }
}
