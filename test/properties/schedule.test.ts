import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { EventSchedule } from '../../src/sim/index.js';

// Mostly finite times, so that the heap fills up and a removal from its middle can pull the last
// item up past the hole's parent (a path a half-empty heap never takes).
const op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('set' as const), i: fc.nat(15), t: fc.oneof({ arbitrary: fc.nat(50), weight: 4 }, { arbitrary: fc.constant(Infinity), weight: 1 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('take' as const) }), weight: 1 },
);

describe('event schedule', () => {
  test.prop([fc.integer({ min: 1, max: 16 }), fc.array(op, { minLength: 20, maxLength: 300, size: 'large' })], { numRuns: 300 })('SIM-SCHED-01: the schedule agrees with a naive table: peek is the earliest time, takeDue removes exactly the items due then, in item order', (n, ops) => {
    const s = new EventSchedule(n);
    expect(s.length).toBe(n);
    const ref = new Array<number>(n).fill(Infinity);
    const out = new Int32Array(n);
    for (const o of ops) {
      if (o.kind === 'set') {
        if (o.i >= n) continue;
        s.set(o.i, o.t);
        ref[o.i] = o.t;
      } else {
        const min = Math.min(...ref);
        expect(s.peek()).toBe(min);
        if (min === Infinity) continue;
        const k = s.takeDue(min, out);
        const want = ref.flatMap((t, i) => (t === min ? [i] : []));
        expect([...out.subarray(0, k)]).toEqual(want); // in item order: the kernel fires ties in this order
        for (const i of want) ref[i] = Infinity;
      }
      for (let i = 0; i < n; i++) expect(s.get(i)).toBe(ref[i]);
    }
  });
});
