import { describe, expect, it } from 'vitest';
import { Rng, SimError } from '../../../src/sim/index.js';
import { periodicSchedule, poissonSchedule } from '../../../src/devices/index.js';

describe('traffic sources', () => {
  it('SIM-DET-01: periodic and Poisson schedules are deterministic per stream, sorted, with the requested mean', () => {
    expect(periodicSchedule({ start: 5, interval: 10, count: 4 })).toEqual([5, 15, 25, 35]);
    const a = poissonSchedule(new Rng(7), { start: 0, meanInterval: 1000, count: 5000 });
    expect(poissonSchedule(new Rng(7), { start: 0, meanInterval: 1000, count: 5000 })).toEqual(a);
    expect(a.every((t, i) => i === 0 || t >= a[i - 1]!)).toBe(true);
    const mean = a[a.length - 1]! / a.length;
    expect(mean).toBeGreaterThan(950);
    expect(mean).toBeLessThan(1050);
    expect(() => periodicSchedule({ start: 0, interval: 0, count: 1 })).toThrow(SimError);
    expect(() => poissonSchedule(new Rng(1), { start: -1, meanInterval: 10, count: 1 })).toThrow(SimError);
  });
});
