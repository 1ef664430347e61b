import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints a plain `N passed, N failed` line after vitest's own summary (CI reads this line, not
 * vitest's). Skipped tests are listed separately and never counted as passed. When
 * IOVSIM_SUMMARY_FILE is set, the counts are also written there as JSON for `.ci/run`.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else skipped++;
      }
    }
    failed += errors.length;
    const file = process.env['IOVSIM_SUMMARY_FILE'];
    if (file) writeFileSync(file, JSON.stringify({ passed, failed, skipped }));
    console.log(`\n${skipped} skipped`);
    console.log(`${passed} passed, ${failed} failed`);
  }
}
