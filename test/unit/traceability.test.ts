import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REQUIREMENTS, renderRequirementsMarkdown } from '../../src/conformance/index.js';
// @ts-expect-error: a plain .mjs module shared with scripts/gen-spec.mjs (no type declarations)
import { collectChecks, renderTraceability } from '../../scripts/trace.mjs';

type Checks = Map<string, { file: string; title: string }[]>;
const checks = collectChecks(process.cwd()) as Checks;

describe('spec traceability', () => {
  it('every requirement in the catalogue is checked by at least one named test or property', () => {
    const unchecked = REQUIREMENTS.filter((r) => !checks.has(r.id)).map((r) => r.id);
    expect(unchecked, 'requirements without a test').toEqual([]);
  });

  it('every requirement ID a test names exists in the catalogue', () => {
    const known = new Set(REQUIREMENTS.map((r) => r.id));
    expect([...checks.keys()].filter((id) => !known.has(id)), 'unknown IDs in test titles').toEqual([]);
  });

  it('requirement IDs are unique and well-formed, each with a source', () => {
    const ids = REQUIREMENTS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of REQUIREMENTS) {
      expect(r.id).toMatch(/^[A-Z]{2,6}-[A-Z0-9]{2,8}-\d{2}$/);
      expect(r.spec.length).toBeGreaterThan(3);
    }
  });

  it('spec/requirements.md and spec/traceability.md are up to date (run npm run spec)', () => {
    expect(readFileSync('spec/requirements.md', 'utf8')).toBe(renderRequirementsMarkdown());
    expect(readFileSync('spec/traceability.md', 'utf8')).toBe(renderTraceability(REQUIREMENTS, checks));
  });
});
