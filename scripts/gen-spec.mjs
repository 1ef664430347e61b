// Regenerates spec/requirements.md and spec/traceability.md from the built catalogue and the test
// titles (npm run spec builds first).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REQUIREMENTS, renderRequirementsMarkdown } from '../dist/conformance/index.js';
import { collectChecks, renderTraceability } from './trace.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
writeFileSync(new URL('../spec/requirements.md', import.meta.url), renderRequirementsMarkdown());
writeFileSync(new URL('../spec/traceability.md', import.meta.url), renderTraceability(REQUIREMENTS, collectChecks(root)));
console.log('wrote spec/requirements.md and spec/traceability.md');
