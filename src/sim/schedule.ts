/**
 * Next-event times of numbered items (components, or the ports of a switch), with the earliest
 * found in O(log n): a binary heap with lazy deletion over a table of current times.
 *
 * @remarks `set(i, t)` replaces item i's time; superseded heap entries are skipped when they
 * surface. `takeDue(t, out)` removes every item whose time is exactly `t` (they must be set again
 * once handled). Memory stays bounded: the heap is rebuilt when stale entries outnumber live ones.
 * @example
 * ```ts
 * const s = new EventSchedule(3);
 * s.set(0, 10); s.set(2, 5);
 * s.peek(); // 5
 * ```
 * @category Sim Kernel
 */
export class EventSchedule {
  private times: Float64Array;
  private hTime: Float64Array;
  private hIdx: Int32Array;
  private size = 0;

  /** @param n - number of items, all with no event (Infinity). */
  constructor(n: number) {
    this.times = new Float64Array(n).fill(Infinity);
    this.hTime = new Float64Array(Math.max(16, n * 2));
    this.hIdx = new Int32Array(Math.max(16, n * 2));
  }

  /** Number of items. */
  get length(): number {
    return this.times.length;
  }

  /** Item i's current time (Infinity: none). */
  get(i: number): number {
    return this.times[i]!;
  }

  /** Sets item i's time. */
  set(i: number, t: number): void {
    if (this.times[i] === t) return;
    this.times[i] = t;
    if (t !== Infinity) this.push(t, i);
  }

  /** The earliest time of any item, or Infinity. */
  peek(): number {
    while (this.size > 0) {
      const i = this.hIdx[0]!;
      if (this.times[i] === this.hTime[0]) return this.hTime[0]!;
      this.pop(); // stale
    }
    return Infinity;
  }

  /** Removes every item whose time is `t` (the earliest) into `out`; returns how many. Their times become Infinity. */
  takeDue(t: number, out: Int32Array): number {
    let k = 0;
    while (this.size > 0 && this.hTime[0]! <= t) {
      const i = this.hIdx[0]!;
      const ht = this.hTime[0]!;
      this.pop();
      if (this.times[i] === ht && ht === t) {
        this.times[i] = Infinity;
        out[k++] = i;
      }
    }
    return k;
  }

  private push(t: number, i: number): void {
    if (this.size === this.hTime.length) {
      if (this.size > 4 * this.times.length) {
        this.rebuild();
        if (this.size < this.hTime.length) return this.push(t, i);
      }
      const nt = new Float64Array(this.hTime.length * 2);
      nt.set(this.hTime);
      const ni = new Int32Array(this.hIdx.length * 2);
      ni.set(this.hIdx);
      this.hTime = nt;
      this.hIdx = ni;
    }
    let c = this.size++;
    const ht = this.hTime;
    const hi = this.hIdx;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (ht[p]! < t || (ht[p] === t && hi[p]! <= i)) break;
      ht[c] = ht[p]!;
      hi[c] = hi[p]!;
      c = p;
    }
    ht[c] = t;
    hi[c] = i;
  }

  private pop(): void {
    const ht = this.hTime;
    const hi = this.hIdx;
    const n = --this.size;
    if (n === 0) return;
    const t = ht[n]!;
    const i = hi[n]!;
    let c = 0;
    for (;;) {
      let m = 2 * c + 1;
      if (m >= n) break;
      if (m + 1 < n && (ht[m + 1]! < ht[m]! || (ht[m + 1] === ht[m] && hi[m + 1]! < hi[m]!))) m++;
      if (ht[m]! > t || (ht[m] === t && hi[m]! >= i)) break;
      ht[c] = ht[m]!;
      hi[c] = hi[m]!;
      c = m;
    }
    ht[c] = t;
    hi[c] = i;
  }

  /** Drops stale entries: one entry per item with a finite time. */
  private rebuild(): void {
    this.size = 0;
    const times = this.times;
    for (let i = 0; i < times.length; i++) if (times[i] !== Infinity) this.push(times[i]!, i);
  }
}
