import { show } from '../bits/show.js';
import { SimError } from '../sim/kernel.js';
import type { Rng } from '../sim/rng.js';

function check(what: string, v: number, min: number): void {
  if (!Number.isFinite(v) || v < min) throw new SimError('sim.bad-option', `${show(what)} ${show(v)} is not a number >= ${show(min)}`);
}

/**
 * Offer cycles of a periodic source: `count` offers, `interval` cycles apart, from `start`.
 * @throws {SimError} `sim.bad-option` for a negative start, an interval below 1 or a bad count.
 * @example
 * ```ts
 * for (const c of periodicSchedule({ start: 0, interval: 1000, count: 10 })) host.sendAt(c, frame);
 * ```
 * @category Devices
 */
export function periodicSchedule(o: { readonly start: number; readonly interval: number; readonly count: number }): number[] {
  check('start', o.start, 0);
  check('interval', o.interval, 1);
  if (!Number.isInteger(o.count) || o.count < 0) throw new SimError('sim.bad-option', `count ${show(o.count)} is not a non-negative integer`);
  return Array.from({ length: o.count }, (_, k) => Math.floor(o.start + k * o.interval));
}

/**
 * Offer cycles of a Poisson source: exponentially distributed gaps with mean `meanInterval`
 * cycles (rounded to whole cycles), drawn from the source's own random stream.
 * @throws {SimError} `sim.bad-option` for a negative start, a mean below 1 or a bad count.
 * @example
 * ```ts
 * poissonSchedule(k.rng('src0'), { start: 0, meanInterval: 640, count: 1000 });
 * ```
 * @category Devices
 */
export function poissonSchedule(rng: Rng, o: { readonly start: number; readonly meanInterval: number; readonly count: number }): number[] {
  check('start', o.start, 0);
  check('meanInterval', o.meanInterval, 1);
  if (!Number.isInteger(o.count) || o.count < 0) throw new SimError('sim.bad-option', `count ${show(o.count)} is not a non-negative integer`);
  const out: number[] = [];
  let t = o.start;
  for (let k = 0; k < o.count; k++) {
    t += Math.round(-Math.log(1 - rng.float()) * o.meanInterval);
    out.push(Math.floor(t));
  }
  return out;
}
