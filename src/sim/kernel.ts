import { show } from '../bits/show.js';
import { EventSchedule } from './schedule.js';
import { Rng, streamSeed } from './rng.js';

/**
 * A clocked component under the two-phase contract.
 *
 * @remarks
 * - `evaluate(cycle)` reads committed state only (its own and other components' published
 *   outputs) and stages what changes; it must not publish anything.
 * - `commit(cycle)` publishes the staged state.
 * - `nextEvent(from)` is the earliest cycle ≥ `from` at which `evaluate` could change anything,
 *   judged from committed state; `Infinity` when the component waits for an input. A component
 *   stepped at a cycle before its next event must do nothing, so that skipping idle cycles gives
 *   exactly the result of stepping every cycle.
 * @category Sim Kernel
 */
export interface Clocked {
  /** Unique name (also the name of its random stream). */
  readonly name: string;
  /** Reads committed state and stages the next state. */
  evaluate(cycle: number): void;
  /** Publishes the staged state. */
  commit(cycle: number): void;
  /** Earliest cycle ≥ `from` with work to do, or `Infinity`. */
  nextEvent(from: number): number;
  /**
   * A passive observer (a tap, a waveform recorder): never has work of its own (`nextEvent` is
   * `Infinity`) but is stepped at every cycle the kernel steps, to watch the others. Other
   * components are stepped only at their own events.
   */
  readonly observer?: boolean;
  /**
   * The components whose inputs this one writes (a cable: the devices at its ends; a device: its
   * cables). When every component declares them, the kernel re-asks `nextEvent` only of the
   * components stepped and those they wake, instead of all of them at every step.
   */
  wakes?(): Iterable<Clocked>;
  /**
   * The components this one woke at the cycle it was just stepped, if it knows better than all of
   * `wakes()` (a switch: only the cables of the ports it stepped). Called after its commit.
   */
  wakesNow?(wake: (c: Clocked) => void): void;
  /**
   * Set by the kernel the component is added to; {@link poke} calls it. Components need not
   * declare or touch it.
   */
  onPoke?: (() => void) | undefined;
  /**
   * A passive component (a burst-mode cable): never stepped and never asked for its next event;
   * all it does is done by its {@link Clocked.wires}, which the kernel runs as timed events.
   */
  readonly passive?: boolean;
  /** The delay lines this component owns, which the kernel runs without stepping it (see {@link Wire}). */
  wires?(): Iterable<Wire>;
}

/**
 * A delay line the kernel runs as timed events instead of stepping its owner: what one end drives
 * at cycle t is published at the other end at a later cycle, and nothing happens in between.
 *
 * @remarks `fire(t)` publishes the value due at cycle `t` as if committed at `t` (receivers see it
 * from `t + 1`); the kernel calls it after the commits of cycle `t`, or before the first cycle after
 * `t` that it steps, which gives the same result because no component evaluates in between. The
 * line wakes the component it publishes to (with {@link poke}).
 * @category Sim Kernel
 */
export interface Wire {
  /** The cycle of the next publication, or `Infinity`. */
  due(): number;
  /** Publishes what is due at `cycle` (= `due()`). */
  fire(cycle: number): void;
  /** Set by the kernel: called by the line when `due()` may have changed (an edge was queued). */
  onSchedule?: (() => void) | undefined;
  /**
   * Set by the kernel: the first cycle at which something done now can take effect. Inside a
   * `fire(t)` or a commit at cycle t that is t + 1 (as for anything committed at t); between runs
   * it is the next cycle the kernel executes. A line whose owner acts on its own (a frame-mode MAC
   * starting to send) reads it to place the action.
   */
  now?: (() => number) | undefined;
}

/**
 * Tells the kernel that `c`'s state changed from outside its stepping (a frame offered by user
 * code, or by another component's callback), so its `nextEvent` must be asked again. A component
 * in no kernel is left alone (nothing is kept).
 * @example
 * ```ts
 * poke(host); // after changing host's queue by hand
 * ```
 * @category Sim Kernel
 */
export function poke(c: Clocked): void {
  c.onPoke?.();
}

/**
 * The cycle at which the clock stops (2^53 − 2): nothing is stepped or fired at or after it, so
 * every cycle used, and the one after it, is an exact integer. An event scheduled there or later
 * is refused with `sim.cycle-overflow` when the clock would reach it (a policy: at 8 ns a cycle,
 * about 2.3 years of simulated time).
 */
const MAX_CYCLE = Number.MAX_SAFE_INTEGER - 1;

function overflow(at: number): SimError {
  return new SimError('sim.cycle-overflow', `an event at cycle ${at}: the clock stops at cycle 2^53 − 2 (beyond it cycles are not exact integers)`);
}

/**
 * `options` when it is an object (what an untyped caller passes may not be), else a
 * `sim.bad-option` error naming the component; a `name` that is not a string is refused too.
 * @internal
 */
export function optionsObject<T>(name: unknown, options: T): T {
  if (typeof name !== 'string') throw new SimError('sim.bad-option', `a component's name must be a string, not ${show(name)}`);
  if (typeof options !== 'object' || options === null) throw new SimError('sim.bad-option', `${name}: options must be an object, not ${show(options)}`);
  return options;
}

/**
 * Options of {@link Kernel}.
 * @category Sim Kernel
 */
export interface KernelOptions {
  /** Seed of every random stream. @defaultValue 1 */
  readonly seed?: number;
  /** Jump over cycles at which no component has work. @defaultValue true */
  readonly skipIdle?: boolean;
}

/**
 * Why {@link Kernel.run} stopped.
 * @category Sim Kernel
 */
export type StopReason = 'cycles' | 'idle' | 'condition';

/**
 * A typed error of the simulation kernel.
 * @category Sim Kernel
 */
export class SimError extends Error {
  /** Error name. */
  override readonly name = 'SimError';
  /** Stable code, e.g. `sim.duplicate-name`. */
  readonly code: string;
  /** @param code - stable code; @param message - explanation. */
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/**
 * The simulation kernel: integer cycles, two-phase stepping (every component evaluates before any
 * commits, so component order never changes a result), one independent random stream per
 * component, and idle skipping. Delay lines ({@link Wire}s, e.g. burst-mode cables) run as timed
 * events between steps: a publication due at cycle t happens after the commits of t and before
 * anything evaluates at t + 1, as if the line had been stepped at t.
 *
 * @example
 * ```ts
 * const k = new Kernel({ seed: 7 });
 * k.add(myHub);
 * k.run({ cycles: 10_000 });
 * ```
 * @category Sim Kernel
 */
export class Kernel {
  /** The next cycle to execute. */
  cycle = 0;
  /** Cycles actually stepped (less than elapsed cycles when idle cycles are skipped). */
  stepped = 0;
  /** Seed of every random stream. */
  readonly seed: number;
  private readonly skipIdle: boolean;
  private readonly parts: Clocked[] = [];
  private readonly names = new Set<string>();
  /** Each component's next event (cached; asked again only when stepped, woken or poked). */
  private sched = new EventSchedule(0);
  private active: Clocked[] = [];
  private activeIdx = new Int32Array(0);
  private activeCount = 0;
  /** Per component: its `wakes` as indices, or null when it has none (then it is asked at every step). */
  private wakeLists: (Int32Array | null)[] | undefined;
  private always = new Int32Array(0);
  private observers = new Int32Array(0);
  private dirtyStack = new Int32Array(0);
  private dirtyCount = 0;
  private isDirty = new Uint8Array(0);
  private index = new Map<Clocked, number>();
  private dynamic = new Uint8Array(0);
  private lines: Wire[] = [];
  private timers = new EventSchedule(0);
  private timerDue = new Int32Array(0);
  /** While firing or committing at cycle t: t + 1 (see {@link Wire.now}); otherwise −1. */
  private acting = -1;
  private readonly nowFn = (): number => (this.acting >= 0 ? this.acting : this.cycle);
  private readonly wakeFn = (c: Clocked): void => {
    const j = this.index.get(c);
    if (j !== undefined) this.markDirty(j);
  };

  /** @param options - seed and idle skipping. */
  constructor(options: KernelOptions = {}) {
    this.seed = options.seed ?? 1;
    if (!Number.isInteger(this.seed)) throw new SimError('sim.bad-option', `seed ${show(this.seed)} is not an integer`);
    this.skipIdle = options.skipIdle ?? true;
  }

  /**
   * Adds a component.
   * @throws {SimError} `sim.duplicate-name` if the name is taken.
   */
  add<T extends Clocked>(c: T): T {
    if (this.names.has(c.name)) throw new SimError('sim.duplicate-name', `a component named '${c.name}' exists`);
    this.names.add(c.name);
    const i = this.parts.length;
    this.parts.push(c);
    this.wakeLists = undefined;
    (c as { onPoke?: (() => void) | undefined }).onPoke = c.passive === true ? undefined : () => {
      if (this.wakeLists !== undefined) this.markDirty(i); // before the first step everything is asked anyway
    };
    // A line may act before the first run (a frame offered by user code): it places the action by the kernel's clock.
    if (typeof c.wires === 'function') for (const w of c.wires()) w.now = this.nowFn;
    return c;
  }

  /** The components, in the order added. */
  get components(): readonly Clocked[] {
    return this.parts;
  }

  /** A new random stream for `name`, independent of every other name's. */
  rng(name: string): Rng {
    return new Rng(streamSeed(this.seed, name));
  }

  /** Executes one cycle: every component evaluates, then every component commits. */
  step(): void {
    if (this.wakeLists === undefined) this.prepare();
    const c = this.cycle;
    if (c >= MAX_CYCLE) throw overflow(c + 1);
    for (const p of this.parts) p.evaluate(c);
    this.acting = c + 1;
    for (const p of this.parts) p.commit(c);
    this.acting = -1;
    this.fireTimers(c + 1);
    this.cycle = c + 1;
    this.stepped++;
  }

  /**
   * Asks every component for its next event; returns the earliest, and leaves in `active` the
   * components whose next event it is.
   */
  private collect(): number {
    const now = this.cycle;
    if (this.wakeLists === undefined) this.prepare();
    const parts = this.parts;
    const sched = this.sched;
    const always = this.always;
    for (let k = 0; k < always.length; k++) {
      const i = always[k]!;
      sched.set(i, Math.max(parts[i]!.nextEvent(now), now));
    }
    const stack = this.dirtyStack;
    const dirty = this.isDirty;
    while (this.dirtyCount > 0) {
      const i = stack[--this.dirtyCount]!;
      dirty[i] = 0;
      sched.set(i, Math.max(parts[i]!.nextEvent(now), now));
    }
    return sched.peek();
  }

  /** Takes the components due at `next` (and every observer) as the active set. */
  private takeActive(next: number): void {
    const k = this.sched.takeDue(next, this.activeIdx);
    const idx = this.activeIdx;
    let n = k;
    for (let j = 0; j < this.observers.length; j++) idx[n++] = this.observers[j]!;
    for (let j = 0; j < n; j++) this.active[j] = this.parts[idx[j]!]!;
    this.activeCount = n;
  }

  /** Runs every wire publication due before `limit`, earliest first (ties in wire order). */
  private fireTimers(limit: number): void {
    const timers = this.timers;
    const lines = this.lines;
    const due = this.timerDue;
    for (let t = timers.peek(); t < limit; t = timers.peek()) {
      const k = timers.takeDue(t, due);
      this.acting = t + 1;
      for (let j = 0; j < k; j++) {
        const w = lines[due[j]!]!;
        w.fire(t);
        const next = w.due();
        // A wire must publish everything due at t when fired at t, or this loop would never end.
        if (next <= t) throw new SimError('sim.wire-stuck', `a wire fired at cycle ${t} is still due at ${next}`);
        timers.set(due[j]!, next);
      }
      this.acting = -1;
    }
  }

  private markDirty(i: number): void {
    if (this.isDirty[i] === 1) return;
    this.isDirty[i] = 1;
    this.dirtyStack[this.dirtyCount++] = i;
  }

  /** Resolves every component's wake list to indices and marks everything to be asked again. */
  private prepare(): void {
    const parts = this.parts;
    const n = parts.length;
    this.index = new Map<Clocked, number>(parts.flatMap((p, i) => (p.passive === true ? [] : [[p, i] as const])));
    this.wakeLists = parts.map((p) => {
      if (p.passive === true) return new Int32Array(0);
      if (typeof p.wakes !== 'function') return null;
      const out: number[] = [];
      for (const w of p.wakes()) {
        const i = this.index.get(w);
        if (i !== undefined) out.push(i);
      }
      return Int32Array.from(out);
    });
    this.sched = new EventSchedule(n);
    this.active = new Array<Clocked>(n);
    this.activeIdx = new Int32Array(n);
    this.observers = Int32Array.from(parts.flatMap((p, i) => (p.observer === true && p.passive !== true ? [i] : [])));
    this.always = Int32Array.from(parts.flatMap((p, i) => (p.observer !== true && this.wakeLists![i] === null ? [i] : [])));
    this.dynamic = Uint8Array.from(parts, (p, i) => (typeof p.wakesNow === 'function' && this.wakeLists![i] !== null ? 1 : 0));
    this.dirtyStack = new Int32Array(n);
    this.isDirty = new Uint8Array(n);
    this.dirtyCount = 0;
    for (let i = 0; i < n; i++) if (parts[i]!.passive !== true) this.markDirty(i);
    this.lines = parts.flatMap((p) => (typeof p.wires === 'function' ? [...p.wires()] : []));
    this.timers = new EventSchedule(this.lines.length);
    this.timerDue = new Int32Array(this.lines.length);
    this.lines.forEach((w, j) => {
      w.now = this.nowFn;
      w.onSchedule = () => this.timers.set(j, w.due());
      this.timers.set(j, w.due());
    });
  }

  /**
   * One cycle for the components with work at it only: by the {@link Clocked} contract the others
   * would do nothing, so the result is that of {@link Kernel.step} (a property checks it).
   */
  private stepActive(): void {
    const c = this.cycle;
    const active = this.active;
    const n = this.activeCount;
    for (let i = 0; i < n; i++) active[i]!.evaluate(c);
    this.acting = c + 1;
    for (let i = 0; i < n; i++) active[i]!.commit(c);
    this.acting = -1;
    const wl = this.wakeLists!;
    const idx = this.activeIdx;
    for (let a = 0; a < n; a++) {
      const i = idx[a]!;
      this.markDirty(i);
      if (this.dynamic[i] === 1) {
        active[a]!.wakesNow!(this.wakeFn);
        continue;
      }
      const w = wl[i];
      if (w !== null && w !== undefined) for (let j = 0; j < w.length; j++) this.markDirty(w[j]!);
    }
    this.cycle = c + 1;
    this.stepped++;
  }

  /** Earliest cycle ≥ the current one at which any component has work, or Infinity. */
  nextEvent(): number {
    if (this.wakeLists === undefined) this.prepare();
    const now = this.cycle;
    let next = Math.max(this.timers.peek(), now);
    for (const p of this.parts) {
      const n = p.nextEvent(now);
      if (n <= now) return now; // someone has work now: no need to ask the rest
      if (n < next) next = n;
    }
    return next;
  }

  /**
   * Runs for `cycles` cycles (or until idle, or until `until` returns true, checked after each
   * stepped cycle). With idle skipping, cycles at which no component has work are jumped over;
   * the result is the same as stepping each of them.
   * @throws {SimError} `sim.bad-option` for a negative or non-integer cycle count, or one that would
   * take the clock past 2^53 − 2; `sim.cycle-overflow` when the next event lies at or beyond it.
   */
  run(opts: { readonly cycles?: number; readonly until?: (k: Kernel) => boolean } = {}): StopReason {
    const budget = opts.cycles ?? Infinity;
    if (budget !== Infinity && (!Number.isInteger(budget) || budget < 0)) throw new SimError('sim.bad-option', `cycles ${show(budget)} is not a non-negative integer`);
    if (budget !== Infinity && this.cycle + budget > MAX_CYCLE) throw new SimError('sim.bad-option', `cycles ${show(budget)} from cycle ${show(this.cycle)} would take the clock past cycle 2^53 − 2, where it stops`);
    const end = this.cycle + budget;
    if (this.wakeLists === undefined) {
      this.prepare();
    } else {
      // User code may have changed anything between runs.
      for (let i = 0; i < this.parts.length; i++) if (this.parts[i]!.passive !== true) this.markDirty(i);
    }
    while (this.cycle < end) {
      if (this.skipIdle) {
        let next = this.collect();
        // Wire publications due before the next step happen first (they wake their receivers).
        // Nothing is stepped before `next`, so the clock moves past each publication.
        for (let t = this.timers.peek(); t < next && t < end; t = this.timers.peek()) {
          if (t >= MAX_CYCLE) throw overflow(t);
          this.fireTimers(t + 1);
          if (this.cycle <= t) this.cycle = t + 1;
          if (opts.until?.(this) === true) return 'condition';
          // Only a component woken by the publications (or one asked at every step) can have moved `next`.
          if (this.dirtyCount > 0 || this.always.length > 0) next = this.collect();
        }
        if (next === Infinity && this.timers.peek() === Infinity) {
          if (budget !== Infinity) this.cycle = end;
          return 'idle';
        }
        if (next >= end) {
          this.cycle = end;
          return 'cycles';
        }
        if (next >= MAX_CYCLE) throw overflow(next);
        this.cycle = next;
        this.takeActive(next);
        this.stepActive();
      } else {
        if (budget === Infinity && this.nextEvent() === Infinity) return 'idle';
        this.step();
      }
      if (opts.until?.(this) === true) return 'condition';
    }
    return 'cycles';
  }
}
