/**
 * Next-event times of numbered items (components, or the ports of a switch), with the earliest
 * found in O(1) and updates in O(log n): an indexed binary heap holding each item with a finite
 * time exactly once.
 *
 * @remarks `set(i, t)` moves item i to time t (Infinity removes it); `takeDue(t, out)` removes
 * every item whose time is exactly `t` (they must be set again once handled). Ties are broken by
 * item number, so the order is deterministic. Memory is fixed at construction: no entry ever goes
 * stale.
 * @example
 * ```ts
 * const s = new EventSchedule(3);
 * s.set(0, 10); s.set(2, 5);
 * s.peek(); // 5
 * ```
 * @category Sim Kernel
 */
export class EventSchedule {
  private readonly times: Float64Array;
  /** Heap slot of each item, or −1 when it has no finite time. */
  private readonly pos: Int32Array;
  /** Items in heap order. */
  private readonly heap: Int32Array;
  private size = 0;

  /** @param n - number of items, all with no event (Infinity). */
  constructor(n: number) {
    this.times = new Float64Array(n).fill(Infinity);
    this.pos = new Int32Array(n).fill(-1);
    this.heap = new Int32Array(n);
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
    const old = this.times[i]!;
    if (old === t) return;
    this.times[i] = t;
    const p = this.pos[i]!;
    if (t === Infinity) {
      this.removeAt(p);
    } else if (p < 0) {
      const at = this.size++;
      this.heap[at] = i;
      this.pos[i] = at;
      this.up(at);
    } else if (t < old) {
      this.up(p);
    } else {
      this.down(p);
    }
  }

  /** The earliest time of any item, or Infinity. */
  peek(): number {
    return this.size === 0 ? Infinity : this.times[this.heap[0]!]!;
  }

  /** Removes every item whose time is `t` (the earliest) into `out`, in item order; returns how many. Their times become Infinity. */
  takeDue(t: number, out: Int32Array): number {
    let k = 0;
    while (this.size > 0) {
      const i = this.heap[0]!;
      if (this.times[i] !== t) break;
      out[k++] = i;
      this.times[i] = Infinity;
      this.removeAt(0);
    }
    return k;
  }

  /** Whether item a comes before item b (earlier time, then lower number). */
  private before(a: number, b: number): boolean {
    const ta = this.times[a]!;
    const tb = this.times[b]!;
    return ta < tb || (ta === tb && a < b);
  }

  private removeAt(p: number): void {
    if (p < 0) return;
    const heap = this.heap;
    const gone = heap[p]!;
    this.pos[gone] = -1;
    const last = --this.size;
    if (p === last) return;
    const moved = heap[last]!;
    heap[p] = moved;
    this.pos[moved] = p;
    if (p > 0 && this.before(moved, heap[(p - 1) >> 1]!)) this.up(p);
    else this.down(p);
  }

  private up(p: number): void {
    const heap = this.heap;
    const item = heap[p]!;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const q = heap[parent]!;
      if (!this.before(item, q)) break;
      heap[p] = q;
      this.pos[q] = p;
      p = parent;
    }
    heap[p] = item;
    this.pos[item] = p;
  }

  private down(p: number): void {
    const heap = this.heap;
    const n = this.size;
    const item = heap[p]!;
    for (;;) {
      let c = 2 * p + 1;
      if (c >= n) break;
      if (c + 1 < n && this.before(heap[c + 1]!, heap[c]!)) c++;
      const q = heap[c]!;
      if (!this.before(q, item)) break;
      heap[p] = q;
      this.pos[q] = p;
      p = c;
    }
    heap[p] = item;
    this.pos[item] = p;
  }
}
