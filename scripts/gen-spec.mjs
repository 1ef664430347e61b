// Regenerates spec/requirements.md from the built catalogue (npm run spec builds first).
import { writeFileSync } from 'node:fs';
import { renderRequirementsMarkdown } from '../dist/conformance/index.js';

writeFileSync(new URL('../spec/requirements.md', import.meta.url), renderRequirementsMarkdown());
console.log('wrote spec/requirements.md');
