import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUIREMENTS, renderRequirementsMarkdown } from '../../src/conformance/index.js';

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? testFiles(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}

const ID = /\b[A-Z]{2,6}-[A-Z0-9]{2,8}-\d{2}\b/g;

/** Requirement IDs named at the start of test titles: string literals that open with `ID [ID…]` then `:` or a space. */
function idsInTitles(src: string): Set<string> {
  const ids = new Set<string>();
  for (const m of src.matchAll(/(['"`])((?:[A-Z]{2,6}-[A-Z0-9]{2,8}-\d{2}[\s:]+)+)/g)) {
    for (const id of m[2]!.match(ID) ?? []) ids.add(id);
  }
  return ids;
}

describe('spec traceability', () => {
  const files = testFiles('test');
  const named = new Map<string, string[]>();
  for (const f of files) for (const id of idsInTitles(readFileSync(f, 'utf8'))) named.set(id, [...(named.get(id) ?? []), f]);

  it('every requirement in the catalogue is checked by at least one named test or property', () => {
    const unchecked = REQUIREMENTS.filter((r) => !named.has(r.id)).map((r) => r.id);
    expect(unchecked, 'requirements without a test').toEqual([]);
  });

  it('every requirement ID a test names exists in the catalogue', () => {
    const known = new Set(REQUIREMENTS.map((r) => r.id));
    expect([...named.keys()].filter((id) => !known.has(id)), 'unknown IDs in test titles').toEqual([]);
  });

  it('requirement IDs are unique and well-formed, each with a source', () => {
    const ids = REQUIREMENTS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of REQUIREMENTS) {
      expect(r.id).toMatch(/^[A-Z]{2,6}-[A-Z0-9]{2,8}-\d{2}$/);
      expect(r.spec.length).toBeGreaterThan(3);
    }
  });

  it('spec/requirements.md is the rendering of the catalogue (run npm run spec)', () => {
    expect(readFileSync('spec/requirements.md', 'utf8')).toBe(renderRequirementsMarkdown());
  });
});
