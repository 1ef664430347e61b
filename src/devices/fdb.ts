import { show } from '../bits/show.js';
import { SimError } from '../sim/kernel.js';
import type { Mac } from '../link/frame.js';
import { DEFAULT_TIMING } from '../link/timing.js';

/**
 * The default ageing time of dynamic filtering entries, in seconds.
 * @spec IEEE 802.1Q-2022 §8.8.3 (Ageing Time, recommended default 300 s, Table 8-6)
 * @category Layer 2
 */
export const DEFAULT_AGEING_SECONDS = 300;

/**
 * Converts a duration in seconds to whole cycles (rounded to the nearest cycle).
 * @param seconds - the duration, ≥ 0.
 * @param cycleNs - nanoseconds per cycle; defaults to the 8 ns of `DEFAULT_TIMING`.
 * @throws {SimError} `sim.bad-option` for a negative or non-finite duration or cycle length, or a
 * result beyond 2^53.
 * @spec iovsim design (integer cycles; src/link/timing.ts)
 * @example
 * ```ts
 * secondsToCycles(300); // 37_500_000_000 (300 s at 8 ns per cycle)
 * secondsToCycles(1, 10); // 100_000_000
 * ```
 * @category Layer 2
 */
export function secondsToCycles(seconds: number, cycleNs: number = DEFAULT_TIMING.cycleNs): number {
  if (!Number.isFinite(cycleNs) || cycleNs <= 0) throw new SimError('sim.bad-option', `cycle length ${show(cycleNs)} ns is not a positive number`);
  if (!Number.isFinite(seconds) || seconds < 0) throw new SimError('sim.bad-option', `duration ${show(seconds)} s is not a non-negative number`);
  const c = Math.round((seconds * 1e9) / cycleNs);
  if (!Number.isSafeInteger(c)) throw new SimError('sim.bad-option', `duration ${show(seconds)} s is too long in ${show(cycleNs)} ns cycles`);
  return c;
}

/**
 * The default ageing time, 300 s, in cycles of the default 8 ns: 37 500 000 000.
 * @spec IEEE 802.1Q-2022 §8.8.3 (Table 8-6)
 * @category Layer 2
 */
export const DEFAULT_AGEING_CYCLES: number = secondsToCycles(DEFAULT_AGEING_SECONDS);

/**
 * What {@link Fdb.learn} did with a source address.
 * - `learned`: a new dynamic entry.
 * - `refreshed`: the entry already pointed at this port; its last-seen time is now.
 * - `moved`: the entry pointed at another port and now points at this one (station move; in the
 *   `staticRoams` mode also a non-sticky static entry, which stays static).
 * - `static-kept`: a static entry that may not move (sticky, or static without `staticRoams`) was
 *   seen on another port and was left unchanged.
 * - `full`: no entry and the limit of learned entries is reached; counted in `refused`.
 * - `disabled`: learning is off because the ageing time is 0; nothing changed.
 * @spec IEEE 802.1Q-2022 §8.7 (Learning Process), §8.8.1; net/bridge/br_fdb.c (br_fdb_update)
 * @category Layer 2
 */
export type LearnResult = 'learned' | 'refreshed' | 'moved' | 'static-kept' | 'full' | 'disabled';

/**
 * One filtering database entry as {@link Fdb.entries} and {@link Fdb.get} report it.
 * @spec IEEE 802.1Q-2022 §8.8.1 (static filtering entries), §8.8.3 (dynamic filtering entries)
 * @category Layer 2
 */
export interface FdbEntry {
  /** VLAN ID of the entry (0 in a VLAN-unaware bridge). */
  readonly vid: number;
  /** The MAC address. */
  readonly mac: Mac;
  /** The port the address lives behind. */
  readonly port: number;
  /** A static entry: configured, never ages. */
  readonly static: boolean;
  /** A sticky static entry: never moves to another port. */
  readonly sticky: boolean;
  /** Cycle at which the address was last seen as a source (for a static entry: when it was added or last seen). */
  readonly lastSeen: number;
}

/**
 * Counters of a filtering database.
 * @spec iovsim design (nothing is lost silently); net/bridge/br_fdb.c (fdb_max_learned refusals)
 * @category Layer 2
 */
export interface FdbCounters {
  /** New dynamic entries created by learning. */
  learned: number;
  /** Entries moved to another port by learning (station moves). */
  moved: number;
  /** Learns refused because the limit of learned entries was reached. */
  refused: number;
  /** Dynamic entries removed because they aged out (counted when the expired entry is removed). */
  aged: number;
}

/**
 * Options of a {@link Fdb}.
 * @spec IEEE 802.1Q-2022 §8.8.3 (Ageing Time); net/bridge/br_fdb.c (fdb_max_learned, static entries that roam)
 * @category Layer 2
 */
export interface FdbOptions {
  /**
   * Ageing time in cycles: a dynamic entry is gone once this many cycles have passed since its
   * address was last seen as a source. 0 disables learning and makes every dynamic entry expire.
   * @defaultValue DEFAULT_AGEING_CYCLES (300 s at 8 ns per cycle)
   */
  readonly ageingCycles?: number;
  /** Most dynamic (learned) entries at once; static entries do not count. @defaultValue unlimited */
  readonly limit?: number;
  /**
   * Non-sticky static entries move when their address is seen as a source on another port (the
   * Linux bridge). When false (IEEE 802.1Q), learning never overrides a static entry.
   * @defaultValue false
   */
  readonly staticRoams?: boolean;
}

/**
 * Options of {@link Fdb.addStatic}.
 * @spec IEEE 802.1Q-2022 §8.8.1; net/bridge/br_fdb.c (BR_FDB_STICKY)
 * @category Layer 2
 */
export interface StaticEntryOptions {
  /** The entry never moves to another port, whatever source addresses are seen. @defaultValue false */
  readonly sticky?: boolean;
  /** Cycle recorded as the entry's last-seen time. @defaultValue the latest cycle the database has seen */
  readonly now?: number;
}

interface Slot {
  port: number;
  readonly isStatic: boolean;
  readonly sticky: boolean;
  lastSeen: number;
}

const VIDS = 4096;

/** Checks a non-negative safe integer option. */
function count(what: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new SimError('sim.bad-option', `${show(what)} ${show(v)} is not a non-negative integer`);
  return v;
}

/**
 * A filtering database: (VLAN, MAC) → port, with dynamic entries that age from the last time their
 * address was seen as a source, static and sticky static entries, and a limit on learned entries.
 * It has no clock of its own: every call that depends on time takes `now` in cycles, which must
 * never decrease. Expiry is lazy and exact: an entry whose ageing time has passed is absent from
 * every lookup whether or not {@link Fdb.sweep} ran, so no result depends on when sweeps happen.
 *
 * @remarks Lookups are O(1): one map per VLAN, keyed by the 48-bit address. A (VLAN, MAC) pair does
 * not fit one exact double (12 + 48 bits > 53), hence the map per VLAN.
 * The Linux bridge checks expiry only in its periodic garbage collection, so its boundary is fuzzy
 * by tens of milliseconds; ours is exact (an entry seen at cycle t is gone from t + ageing on).
 * @spec IEEE 802.1Q-2022 §8.8 (Filtering Database), §8.8.1 (static filtering entries), §8.8.3 (dynamic filtering entries, ageing), §8.7 (Learning Process)
 * @spec net/bridge/br_fdb.c (br_fdb_update, has_expired, fdb_max_learned; sticky entries)
 * @example
 * ```ts
 * const fdb = new Fdb({ ageingCycles: 1000 });
 * fdb.learn(0, parseMac('02:00:00:00:00:0a'), 2, 0); // 'learned'
 * fdb.lookup(0, parseMac('02:00:00:00:00:0a'), 999); // 2
 * fdb.lookup(0, parseMac('02:00:00:00:00:0a'), 1000); // undefined: aged out
 * ```
 * @category Layer 2
 */
export class Fdb {
  /** Counters since construction. */
  readonly counters: FdbCounters = { learned: 0, moved: 0, refused: 0, aged: 0 };
  /** Most dynamic entries at once (`Infinity`: unlimited). */
  readonly limit: number;
  /** Whether non-sticky static entries move on a station move (Linux) or stay (IEEE). */
  readonly staticRoams: boolean;
  private ageing: number;
  private readonly tables: (Map<number, Slot> | undefined)[] = new Array<Map<number, Slot> | undefined>(VIDS);
  /** Dynamic entries held, expired ones not yet removed included. */
  private dynamic = 0;
  /** No dynamic entry expires before this cycle (a lower bound; 0 forces the next sweep to run). */
  private sweepHint = 0;
  private latest = 0;

  /** @throws {SimError} `sim.bad-option` for a negative or non-integer ageing time or limit. */
  constructor(options: FdbOptions = {}) {
    this.ageing = count('ageing time', options.ageingCycles ?? DEFAULT_AGEING_CYCLES);
    this.limit = options.limit === undefined ? Infinity : count('fdb limit', options.limit);
    this.staticRoams = options.staticRoams === true;
  }

  /**
   * The ageing time in cycles (0: learning off). Setting it is `setAgeing(cycles, t)` with `t` the
   * latest cycle the database has seen; prefer {@link Fdb.setAgeing}, which names the cycle.
   * @throws {SimError} `sim.bad-option` when set to a negative or non-integer value.
   */
  get ageingCycles(): number {
    return this.ageing;
  }

  /** Sets the ageing time at the latest cycle seen. */
  set ageingCycles(cycles: number) {
    this.setAgeing(cycles, this.latest);
  }

  /**
   * Changes the ageing time at cycle `now` (STP shortens it during a topology change). The new
   * value applies at once to every dynamic entry; entries that had already expired under the old
   * value stay gone (a longer ageing time never brings an entry back). 0 disables learning.
   * @throws {SimError} `sim.bad-option` for a negative or non-integer value, `sim.bad-time` when
   * `now` is earlier than a time already seen.
   */
  setAgeing(cycles: number, now: number): void {
    count('ageing time', cycles);
    this.tick(now);
    if (cycles > this.ageing) this.sweep(now);
    this.ageing = cycles;
    this.sweepHint = 0;
  }

  /**
   * Learns that `mac` was seen as a source on `port` in VLAN `vid` at cycle `now`.
   * @returns what happened (see {@link LearnResult}).
   * @throws {SimError} `sim.bad-vlan` for a VID outside 0..4095, `sim.bad-option` for a bad port,
   * `sim.bad-time` when `now` is earlier than a time already seen.
   */
  learn(vid: number, mac: Mac, port: number, now: number): LearnResult {
    this.tick(now);
    checkVid(vid);
    count('port', port);
    if (this.ageing === 0) return 'disabled';
    let table = this.tables[vid];
    if (table === undefined) this.tables[vid] = table = new Map();
    let e = table.get(mac);
    if (e !== undefined && this.expired(e, now)) {
      this.drop(table, mac);
      e = undefined;
    }
    if (e === undefined) {
      if (this.dynamic >= this.limit && now >= this.sweepHint) this.sweep(now);
      if (this.dynamic >= this.limit) {
        this.counters.refused++;
        return 'full';
      }
      table.set(mac, { port, isStatic: false, sticky: false, lastSeen: now });
      this.dynamic++;
      this.counters.learned++;
      this.sweepHint = Math.min(this.sweepHint, now + this.ageing);
      return 'learned';
    }
    e.lastSeen = now;
    if (e.port === port) return 'refreshed';
    if (e.sticky || (e.isStatic && !this.staticRoams)) return 'static-kept';
    e.port = port;
    this.counters.moved++;
    return 'moved';
  }

  /**
   * The port `mac` lives behind in VLAN `vid` at cycle `now`, or undefined when there is no live
   * entry. An expired entry found here is removed (and counted as aged).
   * @throws {SimError} `sim.bad-vlan`, `sim.bad-time` as {@link Fdb.learn}.
   */
  lookup(vid: number, mac: Mac, now: number): number | undefined {
    return this.live(vid, mac, now)?.port;
  }

  /**
   * The live entry for (`vid`, `mac`) at cycle `now`, or undefined.
   * @throws {SimError} `sim.bad-vlan`, `sim.bad-time` as {@link Fdb.learn}.
   */
  get(vid: number, mac: Mac, now: number): FdbEntry | undefined {
    const e = this.live(vid, mac, now);
    return e === undefined ? undefined : view(vid, mac, e);
  }

  /**
   * Adds (or replaces) a static entry: it never ages; a sticky one never moves. A dynamic entry for
   * the same (VLAN, MAC) is replaced. Static entries do not count against the limit.
   * @param options - `sticky`: never moves (default false); `now`: the cycle recorded as the
   * entry's last-seen time (default: the latest time seen).
   * @throws {SimError} `sim.bad-vlan`, `sim.bad-option` for a bad port, `sim.bad-time`.
   */
  addStatic(vid: number, mac: Mac, port: number, options: StaticEntryOptions = {}): void {
    const now = options.now ?? this.latest;
    const sticky = options.sticky === true;
    this.tick(now);
    checkVid(vid);
    count('port', port);
    let table = this.tables[vid];
    if (table === undefined) this.tables[vid] = table = new Map();
    const old = table.get(mac);
    if (old !== undefined && !old.isStatic) this.dynamic--;
    table.set(mac, { port, isStatic: true, sticky, lastSeen: now });
  }

  /**
   * Removes the entry for (`vid`, `mac`), static or dynamic, at cycle `now`.
   * @returns whether a live entry was there (an expired one counts as aged, not as removed).
   * @throws {SimError} `sim.bad-vlan`, `sim.bad-time`.
   */
  remove(vid: number, mac: Mac, now: number): boolean {
    const e = this.live(vid, mac, now);
    if (e === undefined) return false;
    if (!e.isStatic) this.dynamic--;
    this.tables[vid]!.delete(mac);
    return true;
  }

  /**
   * Removes the dynamic entries (with `scope` 'all', the static ones too) of one port, or of every
   * port when `port` is undefined. STP flushes a port's entries when it leaves the forwarding
   * path; the Linux bridge keeps static entries on such a flush.
   * @returns the number of entries removed.
   * @spec IEEE 802.1Q-2022 §8.8.3; net/bridge/br_fdb.c (br_fdb_delete_by_port, br_fdb_flush)
   */
  flush(port?: number, scope: 'dynamic' | 'all' = 'dynamic'): number {
    let n = 0;
    for (const table of this.tables) {
      if (table === undefined) continue;
      for (const [mac, e] of table) {
        if ((port !== undefined && e.port !== port) || (e.isStatic && scope === 'dynamic')) continue;
        if (!e.isStatic) this.dynamic--;
        table.delete(mac);
        n++;
      }
    }
    return n;
  }

  /**
   * Removes every expired dynamic entry (counting each as aged). Never needed for correctness:
   * lookups ignore expired entries anyway; it only frees memory.
   * @returns the number removed.
   * @throws {SimError} `sim.bad-time`.
   */
  sweep(now: number): number {
    this.tick(now);
    let n = 0;
    let next = Infinity;
    for (const table of this.tables) {
      if (table === undefined) continue;
      for (const [mac, e] of table) {
        if (e.isStatic) continue;
        if (this.expired(e, now)) {
          this.drop(table, mac);
          n++;
        } else {
          next = Math.min(next, e.lastSeen + this.ageing);
        }
      }
    }
    this.sweepHint = next;
    return n;
  }

  /**
   * Every live entry at cycle `now`, ordered by VLAN then MAC (expired entries are left out, not
   * removed).
   * @throws {SimError} `sim.bad-time`.
   */
  entries(now: number): FdbEntry[] {
    this.tick(now);
    const out: FdbEntry[] = [];
    this.tables.forEach((table, vid) => {
      if (table === undefined) return;
      const macs = [...table.keys()].sort((a, b) => a - b);
      for (const mac of macs) {
        const e = table.get(mac)!;
        if (!this.expired(e, now)) out.push(view(vid, mac as Mac, e));
      }
    });
    return out;
  }

  private expired(e: Slot, now: number): boolean {
    return !e.isStatic && now - e.lastSeen >= this.ageing;
  }

  private drop(table: Map<number, Slot>, mac: number): void {
    table.delete(mac);
    this.dynamic--;
    this.counters.aged++;
  }

  private live(vid: number, mac: Mac, now: number): Slot | undefined {
    this.tick(now);
    checkVid(vid);
    const table = this.tables[vid];
    const e = table?.get(mac);
    if (e === undefined || table === undefined) return undefined;
    if (this.expired(e, now)) {
      this.drop(table, mac);
      return undefined;
    }
    return e;
  }

  private tick(now: number): void {
    if (!Number.isSafeInteger(now) || now < this.latest) throw new SimError('sim.bad-time', `cycle ${show(now)} is not an integer at or after cycle ${show(this.latest)}`);
    this.latest = now;
  }
}

function checkVid(vid: number): void {
  if (!Number.isInteger(vid) || vid < 0 || vid >= VIDS) throw new SimError('sim.bad-vlan', `VLAN ID ${show(vid)} is not in 0..4095`);
}

function view(vid: number, mac: Mac, e: Slot): FdbEntry {
  return { vid, mac, port: e.port, static: e.isStatic, sticky: e.sticky, lastSeen: e.lastSeen };
}
