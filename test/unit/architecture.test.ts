import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

/**
 * The layer architecture of src/ (see .dependency-cruiser.cjs) checked as a test: the real tree
 * must have no violations, and a small fixture tree with deliberate violations must be caught, so
 * that a config that silently checks nothing (e.g. `.js` specifiers no longer resolving to `.ts`
 * files) fails here too.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

async function cruiseTree(baseDir: string, tsConfigFile: string): Promise<ICruiseResult> {
  const options: ICruiseOptions = { ...(await extractDepcruiseOptions(CONFIG)), baseDir, outputType: 'json' };
  const { output } = await cruise(['src'], options, {}, { tsConfig: extractTSConfig(tsConfigFile) });
  return typeof output === 'string' ? (JSON.parse(output) as ICruiseResult) : output;
}

/** One line per violation, with the rule's comment, for readable failure messages. */
function describeViolations(result: ICruiseResult, options: ICruiseOptions): string[] {
  const comments = new Map((options.ruleSet?.forbidden ?? []).map((r) => [r.name, r.comment]));
  return result.summary.violations.map((v: IViolation) => {
    const path = v.cycle ? v.cycle.map((c) => c.name).join(' → ') : v.to;
    return `${v.rule.severity} ${v.rule.name}: ${v.from} → ${path}\n    ${comments.get(v.rule.name) ?? ''}`;
  });
}

describe('architecture (dependency-cruiser)', () => {
  it('ARCH-LAYER-01: src/ has no dependency violations', async () => {
    const result = await cruiseTree(ROOT, join(ROOT, 'tsconfig.json'));
    const options = await extractDepcruiseOptions(CONFIG);
    // Guard against a config that cruises nothing: the bits and regs layers exist.
    const names = result.modules.map((m) => m.source);
    expect(names).toContain('src/bits/index.ts');
    expect(names).toContain('src/regs/index.ts');
    // `.js` specifiers resolve to the `.ts` sources.
    const regsIndex = result.modules.find((m) => m.source === 'src/regs/index.ts');
    expect(regsIndex?.dependencies.map((d) => d.resolved)).toContain('src/regs/space.ts');
    expect(describeViolations(result, options)).toEqual([]);
    expect(result.summary.error).toBe(0);
  }, 20_000);

  describe('a fixture tree with deliberate violations', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iovsim-depcruise-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: [] },
        include: ['src'],
      }),
      'src/bits/ok.ts': 'export const ok = 1;\n',
      // bits is the bottom layer: importing regs is a violation.
      'src/bits/a.ts': "import { b } from '../regs/b.js';\nexport const a = b;\n",
      'src/regs/b.ts': "import { ok } from '../bits/ok.js';\nexport const b = ok;\n",
      // the time stack must not know PCIe (a type-only import counts).
      'src/sim/clock.ts': "import type { b } from '../regs/b.js';\nexport const tick = (x: typeof b) => x;\n",
      // a cycle inside one layer.
      'src/config/x.ts': "import { y } from './y.js';\nexport const x = () => y;\n",
      'src/config/y.ts': "import { x } from './x.js';\nexport const y = () => x;\n",
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }

    it('reports each of them, and nothing else', async () => {
      const result = await cruiseTree(dir, join(dir, 'tsconfig.json'));
      const found = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
      expect(found).toEqual(
        [
          'bits-layer: src/bits/a.ts → src/regs/b.ts',
          'no-circular: src/config/x.ts → src/config/y.ts',
          'time-stack-knows-no-pcie: src/sim/clock.ts → src/regs/b.ts',
        ].sort(),
      );
      expect(result.summary.error).toBe(3);
    }, 20_000);
  });
});
