/**
 * The clock-stepped simulation kernel: integer cycles, the two-phase evaluate/commit contract,
 * per-component random streams, and idle skipping. It knows nothing of PCIe.
 *
 * @module sim
 */
export { Kernel, SimError, poke } from './kernel.js';
export { EventSchedule } from './schedule.js';
export type { Clocked, KernelOptions, StopReason, Wire } from './kernel.js';
export { Rng, streamSeed, hashAt } from './rng.js';
