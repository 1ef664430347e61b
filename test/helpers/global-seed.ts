import type { TestProject } from 'vitest/node';

/**
 * Chooses one fast-check seed for the whole run (or takes IOVSIM_SEED) and hands it to every
 * test file, so that a failing property reproduces with `IOVSIM_SEED=<seed> npm test`.
 */
export default function setup(project: TestProject): void {
  const fromEnv = process.env['IOVSIM_SEED'];
  const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  if (!Number.isSafeInteger(seed)) throw new Error(`IOVSIM_SEED must be an integer, got ${fromEnv}`);
  console.log(`[iovsim] fast-check seed ${seed} (reproduce with IOVSIM_SEED=${seed} npm test)`);
  project.provide('fcSeed', seed);
}

declare module 'vitest' {
  export interface ProvidedContext {
    fcSeed: number;
  }
}
