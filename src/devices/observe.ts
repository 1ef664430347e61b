import { show } from '../bits/show.js';
import type { Clocked } from '../sim/kernel.js';
import { SimError } from '../sim/kernel.js';
import { EXTENSION, type Port, type Symbol } from '../link/port.js';
import { DEFAULT_TIMING, type LinkTiming } from '../link/timing.js';

/**
 * Which side of a {@link Port} an observer watches: `rx` (what reaches the device), `tx` (what the
 * device drives) or `both`.
 * @example
 * ```ts
 * const d: TapDirection = 'rx';
 * ```
 * @remarks With `both`, each side is followed separately; in full duplex the two sides may carry
 * a burst each at the same time.
 * @category Devices
 */
export type TapDirection = 'rx' | 'tx' | 'both';

/**
 * One carrier burst seen by a {@link PortTap}: when it started and its bytes without preamble and
 * SFD.
 *
 * @remarks Structurally a pcap packet (`timeNs`, `data`, `originalLength`), so an array of
 * captures can go straight to `formatPcap` of `src/formats` (devices do not import formats).
 * `data` runs from the destination MAC to the FCS inclusive (a LINKTYPE_ETHERNET reader shows the
 * FCS as 4 trailing bytes). A burst with no `0x55…0xD5` preamble and SFD (a collision fragment
 * made of preamble and jam, say) is kept raw, preamble included, with `truncated: true`.
 * @example
 * ```ts
 * const c = tap.captures[0]!;
 * console.log(c.cycle, c.timeNs, c.data.length, c.truncated);
 * ```
 * @category Devices
 */
export interface Capture {
  /** Cycle of the burst's first symbol. */
  readonly cycle: number;
  /** Cycle of the burst's last symbol. */
  readonly endCycle: number;
  /** `cycle` × the cycle length, in nanoseconds. */
  readonly timeNs: bigint;
  /** The bytes after the SFD (or every byte when `truncated`), at most `snapLen` of them. */
  readonly data: Uint8Array;
  /** Bytes the burst really had after the SFD (or in all when `truncated`); ≥ `data.length`. */
  readonly originalLength: number;
  /** True when the burst had no preamble and SFD, or was still going when {@link PortTap.flush} cut it. */
  readonly truncated: boolean;
  /** Which side of the port carried the burst. */
  readonly direction: 'rx' | 'tx';
}

/**
 * Options of a {@link PortTap}.
 * @example
 * ```ts
 * const opts: PortTapOptions = { direction: 'rx', limit: 1000 };
 * ```
 * @remarks Every option has a default; memory stays bounded by `limit` × `snapLen` bytes.
 * @category Devices
 */
export interface PortTapOptions {
  /** Side(s) of the port to watch. @defaultValue 'rx' */
  readonly direction?: TapDirection;
  /** Cycle length, for `timeNs`. @defaultValue DEFAULT_TIMING */
  readonly timing?: LinkTiming;
  /** Captures kept; later bursts are only counted in {@link PortTap.dropped}. @defaultValue 100000 */
  readonly limit?: number;
  /** Bytes kept per burst; the rest are only counted in `originalLength`. @defaultValue 65535 */
  readonly snapLen?: number;
}

/** Nanoseconds of `cycle` cycles of `cycleNs`. */
function cycleTimeNs(cycle: number, cycleNs: number): bigint {
  return Number.isInteger(cycleNs) ? BigInt(cycle) * BigInt(cycleNs) : BigInt(Math.round(cycle * cycleNs));
}

function checkTiming(name: string, timing: LinkTiming): void {
  if (!Number.isFinite(timing.cycleNs) || timing.cycleNs <= 0) throw new SimError('sim.bad-option', `${name}: cycle length ${show(timing.cycleNs)} ns`);
}

function checkCount(name: string, what: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new SimError('sim.bad-option', `${name}: ${show(what)} ${show(n)} is not an integer ≥ ${show(min)}`);
}

/** The burst under way on one side of a port. @internal */
export interface Burst {
  start: number;
  end: number;
  bytes: number[];
  total: number;
}

/**
 * A passive capture point on one {@link Port}, like a tap on a cable: it collects the bytes of
 * each carrier burst (a byte is latched on its `first` cycle) and, when carrier ends, records a
 * {@link Capture} with the burst's first cycle, its time and its bytes without preamble and SFD.
 *
 * @remarks
 * - **Passive**: `nextEvent` is always `Infinity`, so a tap never keeps the kernel awake and never
 *   changes what other components do; it sees every non-idle symbol because the components
 *   driving a port keep the kernel stepping while the port is active.
 * - **Two-phase**: `evaluate` reads the committed port state only and stages it; `commit` records.
 *   A symbol read at `evaluate(c)` was published by the previous stepped cycle's commit, so times
 *   are exact with or without idle skipping.
 * - **Bounded**: at most `limit` captures of at most `snapLen` bytes; later bursts are counted in
 *   {@link PortTap.dropped}.
 * - A burst still open when the run ends is recorded by {@link PortTap.flush}.
 * @example
 * ```ts
 * const tap = k.add(new PortTap('tap0', hub.ports[0]!, { direction: 'rx' }));
 * k.run();
 * tap.flush();
 * writeFileSync('port0.pcap', formatPcap(tap.packets()));
 * ```
 * @category Devices
 */
/**
 * What {@link PortTap} and {@link BurstTap} share: options, the captures and their bounds, and the
 * pcap view.
 * @category Devices
 */
export abstract class TapBase {
  /** A passive observer: stepped at every cycle the kernel steps. */
  readonly observer = true;
  /** Recorded bursts, in the order they ended. */
  readonly captures: Capture[] = [];
  /** Bursts not recorded because `limit` captures were already held. */
  dropped = 0;
  /** Side(s) watched. */
  readonly direction: TapDirection;
  /** Nanoseconds per cycle, for `timeNs`. */
  protected readonly cycleNs: number;
  private readonly limit: number;
  /** Bytes kept per burst. */
  protected readonly snapLen: number;

  /**
   * @param name - component name.
   * @param options - direction, timing and bounds.
   * @throws {SimError} `sim.bad-option` for a bad limit, snapshot length or cycle length.
   */
  constructor(readonly name: string, options: PortTapOptions = {}) {
    this.direction = options.direction ?? 'rx';
    if (!['rx', 'tx', 'both'].includes(this.direction)) throw new SimError('sim.bad-option', `${name}: direction ${String(this.direction)}`);
    const timing = options.timing ?? DEFAULT_TIMING;
    checkTiming(name, timing);
    this.cycleNs = timing.cycleNs;
    this.limit = options.limit ?? 100_000;
    checkCount(name, 'limit', this.limit, 0);
    this.snapLen = options.snapLen ?? 65535;
    checkCount(name, 'snapLen', this.snapLen, 1);
  }

  /**
   * The captures as pcap packets (`timeNs`, `data`, `originalLength`), sorted by time (the received
   * side first on a tie), as `formatPcap` needs them; the same in symbol and burst mode.
   * @param opts - `complete: true` leaves out truncated captures (collision fragments).
   * @example
   * ```ts
   * formatPcap(tap.packets({ complete: true }));
   * ```
   */
  packets(opts: { readonly complete?: boolean } = {}): {
    /** Time of the first symbol, in nanoseconds. */
    timeNs: bigint;
    /** Captured bytes, destination MAC through FCS. */
    data: Uint8Array;
    /** Bytes on the wire before any truncation. */
    originalLength: number;
  }[] {
    const list = opts.complete === true ? this.captures.filter((c) => !c.truncated) : [...this.captures];
    list.sort((a, b) => a.cycle - b.cycle || (a.direction === b.direction ? a.endCycle - b.endCycle : a.direction === 'rx' ? -1 : 1));
    return list.map((c) => ({ timeNs: c.timeNs, data: c.data, originalLength: c.originalLength }));
  }

  /** Records a burst that ended (or was cut by `flush`). */
  protected record(side: 'rx' | 'tx', b: Burst, cut: boolean): void {
    if (this.captures.length >= this.limit) {
      this.dropped++;
      return;
    }
    let i = 0;
    while (i < b.bytes.length && b.bytes[i] === 0x55) i++;
    const sfd = i > 0 && i < b.bytes.length && b.bytes[i] === 0xd5;
    const from = sfd ? i + 1 : 0;
    const data = Uint8Array.from(b.bytes.slice(from, from + this.snapLen));
    this.captures.push({
      cycle: b.start,
      endCycle: b.end,
      timeNs: cycleTimeNs(b.start, this.cycleNs),
      data,
      originalLength: b.total - from,
      truncated: !sfd || cut,
      direction: side,
    });
  }

  /** Adds a byte to a burst (carrier extension is not data), keeping at most `snapLen` + 8. */
  protected latch(b: Burst, byte: number): void {
    if (byte >= EXTENSION) return;
    b.total++;
    if (b.bytes.length < this.snapLen + 8) b.bytes.push(byte);
  }
}

export class PortTap extends TapBase implements Clocked {
  private readonly open: { rx: Burst | undefined; tx: Burst | undefined } = { rx: undefined, tx: undefined };
  private stagedRx: Symbol | null = null;
  private stagedTx: Symbol | null = null;
  /** The cycle whose commit published the state read now (the last stepped cycle). */
  private lastCommit = -1;
  private stagedAt = -1;
  /** The committed state {@link PortTap.flush} already took in (never taken in twice). */
  private flushedAt = -Infinity;

  /**
   * @param name - component name.
   * @param port - the port watched.
   * @param options - direction, timing and bounds.
   * @throws {SimError} `sim.bad-option` for a bad limit, snapshot length or cycle length.
   */
  constructor(name: string, readonly port: Port, options: PortTapOptions = {}) {
    super(name, options);
  }

  /** Reads the committed port state and stages it. */
  evaluate(cycle: number): void {
    this.stagedRx = this.direction === 'tx' ? null : this.port.rx;
    this.stagedTx = this.direction === 'rx' ? null : this.port.tx;
    this.stagedAt = this.lastCommit < 0 ? cycle - 1 : this.lastCommit;
  }

  /** Adds the staged symbols to the bursts under way, and records the bursts that ended. */
  commit(cycle: number): void {
    if (this.stagedAt !== this.flushedAt) {
      this.observe('rx', this.stagedRx, this.stagedAt);
      this.observe('tx', this.stagedTx, this.stagedAt);
    }
    this.lastCommit = cycle;
  }

  /** Never any work of its own: a tap only observes. */
  nextEvent(_from: number): number {
    return Infinity;
  }

  /**
   * Takes in the port state committed since the last stepped cycle and records every burst still
   * open (a burst whose carrier is still on is recorded with `truncated: true`). Call once the run
   * is over: when the kernel goes idle right after a burst ends, no later step shows the tap the
   * end of carrier. Calling it twice, or running on afterwards, takes no state in twice (a burst
   * cut by `flush` and still going goes on as a new, truncated capture).
   * @example
   * ```ts
   * k.run();
   * tap.flush();
   * ```
   */
  flush(): void {
    if (this.lastCommit >= 0 && this.flushedAt !== this.lastCommit) {
      this.flushedAt = this.lastCommit;
      if (this.direction !== 'tx') this.observe('rx', this.port.rx, this.lastCommit);
      if (this.direction !== 'rx') this.observe('tx', this.port.tx, this.lastCommit);
    }
    for (const side of ['rx', 'tx'] as const) {
      const b = this.open[side];
      if (b !== undefined) this.close(side, b, true);
    }
  }

  private observe(side: 'rx' | 'tx', sym: Symbol | null, at: number): void {
    const b = this.open[side];
    if (sym === null) {
      if (b !== undefined) this.close(side, b, false);
      return;
    }
    const burst = b ?? (this.open[side] = { start: at, end: at, bytes: [], total: 0 });
    burst.end = at;
    if (sym.first) this.latch(burst, sym.byte);
  }

  private close(side: 'rx' | 'tx', b: Burst, cut: boolean): void {
    this.open[side] = undefined;
    this.record(side, b, cut);
  }
}

/**
 * A waveform signal of a {@link SignalRecorder}: structurally a VCD signal of `src/formats`.
 * @example
 * ```ts
 * const s: RecordedSignal = { scope: 'hub.port0', name: 'tx_en', width: 1 };
 * ```
 * @remarks `scope` is the port's name, so `hub.port0` nests as module `port0` in module `hub`.
 * @category Devices
 */
export interface RecordedSignal {
  /** Dotted scope: the port's name. */
  readonly scope: string;
  /** `tx_en`, `carrier`, `collision` or `data`. */
  readonly name: string;
  /** Bits: 1, or 8 for `data`. */
  readonly width: number;
}

/**
 * A value change of a {@link SignalRecorder}: structurally a VCD change of `src/formats`.
 * @example
 * ```ts
 * const c: RecordedChange = { time: 800, signal: 3, value: 0x55 };
 * ```
 * @remarks `signal` indexes the signal list; `value` is a number or `'x'` (data while idle).
 * @category Devices
 */
export interface RecordedChange {
  /** Time in units of the timescale. */
  readonly time: number;
  /** Index into the signals. */
  readonly signal: number;
  /** New value. */
  readonly value: number | 'x';
}

/**
 * What {@link SignalRecorder.toVcd} returns: the input of `formatVcd` of `src/formats`.
 * @example
 * ```ts
 * const text = formatVcd(recorder.toVcd());
 * ```
 * @remarks Times are in units of `timescale`; see {@link vcdTimescale}.
 * @category Devices
 */
export interface RecordedWaves {
  /** Four signals per port: `tx_en`, `carrier`, `collision`, `data`. */
  readonly signals: RecordedSignal[];
  /** Value changes in time order, starting with every signal's value at time 0. */
  readonly changes: RecordedChange[];
  /** VCD timescale, e.g. `'1 ns'`. */
  readonly timescale: string;
}

/**
 * Options of a {@link SignalRecorder}.
 * @example
 * ```ts
 * const opts: SignalRecorderOptions = { ports: hub.ports, limit: 10_000 };
 * ```
 * @remarks Memory stays bounded by `limit` changes.
 * @category Devices
 */
export interface SignalRecorderOptions {
  /** Ports to record (names must differ). */
  readonly ports: readonly Port[];
  /** Cycle length, for the timescale. @defaultValue DEFAULT_TIMING */
  readonly timing?: LinkTiming;
  /** Value changes kept; later ones are only counted in {@link SignalRecorder.dropped}. @defaultValue 1000000 */
  readonly limit?: number;
}

const UNITS: readonly (readonly [string, number])[] = [['s', 1e15], ['ms', 1e12], ['us', 1e9], ['ns', 1e6], ['ps', 1e3], ['fs', 1]];

/**
 * The VCD timescale for a cycle length, and how many timescale units one cycle is. VCD allows only
 * 1, 10 or 100 of a unit, so a cycle of 8 ns is `'1 ns'` with 8 units per cycle and a cycle of
 * 10 ns is `'10 ns'` with 1.
 * @example
 * ```ts
 * vcdTimescale(8);  // { timescale: '1 ns', unitsPerCycle: 8 }
 * vcdTimescale(10); // { timescale: '10 ns', unitsPerCycle: 1 }
 * ```
 * @remarks The cycle length is rounded to whole femtoseconds.
 * @throws {SimError} `sim.bad-option` for a cycle length that is not positive and finite.
 * @category Devices
 */
export function vcdTimescale(cycleNs: number): {
  /** VCD `$timescale` text (1, 10 or 100 of a unit). */
  timescale: string;
  /** Timescale units per simulation cycle. */
  unitsPerCycle: number;
} {
  checkTiming('vcd', { cycleNs });
  const fs = Math.max(1, Math.round(cycleNs * 1e6));
  for (const [unit, size] of UNITS) {
    for (const mult of [100, 10, 1]) {
      if (fs % (mult * size) === 0) return { timescale: `${mult} ${unit}`, unitsPerCycle: fs / (mult * size) };
    }
  }
  return { timescale: '1 fs', unitsPerCycle: fs };
}

const IDLE = [0, 0, 0, 'x'] as const;

/**
 * Records waveforms of chosen ports for a VCD viewer: per port `tx_en` (the device drives),
 * `carrier` (something reaches it), `collision` (both at once) and `data` (the byte driven, else
 * the byte received, `x` while idle), as value changes only.
 *
 * @remarks
 * - **Passive**: `nextEvent` is always `Infinity`; the recorder never changes the simulation.
 * - **Two-phase**: `evaluate` reads committed port state only; `commit` records a change at the
 *   cycle whose commit published it (the last stepped cycle), so the waves are the same with or
 *   without idle skipping.
 * - **Bounded**: at most `limit` changes; later ones are counted in {@link SignalRecorder.dropped}
 *   (the waves are then incomplete).
 * - Times are kept in cycles; {@link SignalRecorder.toVcd} converts them to the timescale.
 * @example
 * ```ts
 * const rec = k.add(new SignalRecorder('waves', { ports: hub.ports }));
 * k.run();
 * writeFileSync('hub.vcd', formatVcd(rec.toVcd()));
 * ```
 * @category Devices
 */
export class SignalRecorder implements Clocked {
  /** A passive observer: stepped at every cycle the kernel steps. */
  readonly observer = true;
  /** Value changes not kept because `limit` were already held. */
  dropped = 0;
  private readonly ports: readonly Port[];
  private readonly cycleNs: number;
  private readonly limit: number;
  /** Changes with times in cycles. */
  private readonly log: RecordedChange[] = [];
  private readonly current: (number | 'x')[];
  private staged: (number | 'x')[];
  private lastCommit = -1;
  private stagedAt = -1;

  /** @throws {SimError} `sim.bad-option` for no ports, two ports of one name, a bad limit or cycle length. */
  constructor(readonly name: string, options: SignalRecorderOptions) {
    this.ports = [...options.ports];
    if (this.ports.length === 0) throw new SimError('sim.bad-option', `${name}: no ports to record`);
    if (new Set(this.ports.map((p) => p.name)).size !== this.ports.length) throw new SimError('sim.bad-option', `${name}: two ports share a name`);
    const timing = options.timing ?? DEFAULT_TIMING;
    checkTiming(name, timing);
    this.cycleNs = timing.cycleNs;
    this.limit = options.limit ?? 1_000_000;
    checkCount(name, 'limit', this.limit, 0);
    this.current = this.ports.flatMap(() => [...IDLE]);
    this.staged = [...this.current];
  }

  /** The signals, four per port in port order. */
  get signals(): RecordedSignal[] {
    return this.ports.flatMap((p) => [
      { scope: p.name, name: 'tx_en', width: 1 },
      { scope: p.name, name: 'carrier', width: 1 },
      { scope: p.name, name: 'collision', width: 1 },
      { scope: p.name, name: 'data', width: 8 },
    ]);
  }

  /** Value changes recorded so far, times in cycles (initial values not included). */
  get changes(): readonly RecordedChange[] {
    return this.log;
  }

  /** Reads the committed state of every port and stages the signal values. */
  evaluate(cycle: number): void {
    this.staged = this.sample();
    this.stagedAt = this.lastCommit < 0 ? cycle - 1 : this.lastCommit;
  }

  /** Records the staged values that changed. */
  commit(cycle: number): void {
    this.record(this.staged, this.stagedAt);
    this.lastCommit = cycle;
  }

  /** Never any work of its own: a recorder only observes. */
  nextEvent(_from: number): number {
    return Infinity;
  }

  /**
   * The waves as `formatVcd` input: every signal's idle value at time 0, then the changes, with
   * times converted from cycles to the timescale ({@link vcdTimescale}). Takes in the port state
   * committed since the last stepped cycle first, so a run that went idle right after a burst
   * still shows its end.
   * @example
   * ```ts
   * const { signals, changes, timescale } = rec.toVcd();
   * ```
   */
  toVcd(): RecordedWaves {
    if (this.lastCommit >= 0) this.record(this.sample(), this.lastCommit);
    const { timescale, unitsPerCycle } = vcdTimescale(this.cycleNs);
    const initial = this.ports.flatMap((_, p) => IDLE.map((value, s) => ({ time: 0, signal: p * 4 + s, value })));
    const changes = [...initial, ...this.log.map((c) => ({ time: c.time * unitsPerCycle, signal: c.signal, value: c.value }))];
    return { signals: this.signals, changes, timescale };
  }

  private sample(): (number | 'x')[] {
    return this.ports.flatMap((p) => {
      const tx = p.tx;
      const rx = p.rx;
      const shown = tx ?? rx;
      const data = shown === null || shown.byte >= EXTENSION ? 'x' : shown.byte;
      return [tx !== null ? 1 : 0, rx !== null ? 1 : 0, tx !== null && rx !== null ? 1 : 0, data];
    });
  }

  private record(values: readonly (number | 'x')[], at: number): void {
    const time = Math.max(at, 0);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === this.current[i]) continue;
      this.current[i] = v;
      if (this.log.length >= this.limit) this.dropped++;
      else this.log.push({ time, signal: i, value: v });
    }
  }
}
