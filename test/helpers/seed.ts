import fc from 'fast-check';
import { inject } from 'vitest';

const seed = inject('fcSeed');
fc.configureGlobal({ seed, numRuns: Number(process.env['IOVSIM_RUNS'] ?? 200) });
