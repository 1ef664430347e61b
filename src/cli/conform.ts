import { parseArgs } from 'node:util';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { configTargetFromDevice, configTargetFromSpace, runConformance, type ConfigTarget, type ConformanceReport } from '../conformance/index.js';
import { buildConfigSpace, sampleEndpointSpec } from '../config/index.js';
import { igbProfile, maxVfProfile, SriovDevice } from '../sriov/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';

/** Help text of `iovsim conform`. */
export const CONFORM_HELP = `Usage: iovsim conform --target <module|profile> [--seed N] [--runs N] [--only ID,ID…] [--json]

Runs the requirement-keyed PCIe conformance suite against an implementation and reports, per
requirement, passed, failed (with the counterexample and the seed that reproduces it) or not
applicable.

--target is either a built-in profile (endpoint, igb, igb2) or a JavaScript module whose default
export (or export named 'target') is a ConfigTarget, or a function returning one (maybe async):
  { name, functions(): rids[], configRead(rid, offset, size), configWrite(rid, offset, size, value), reset?(rid, kind) }

Exit status: 0 every requirement passed or was not applicable; 1 a requirement failed; 2 unusable
target or usage error.
`;

function builtIn(name: string): ConfigTarget | undefined {
  if (name === 'endpoint') return configTargetFromSpace(buildConfigSpace(sampleEndpointSpec()), 0x0100, 'iovsim sample endpoint');
  if (name === 'igb') return configTargetFromDevice(new SriovDevice(igbProfile(1), { bus: 1 }));
  if (name === 'igb2') return configTargetFromDevice(new SriovDevice(igbProfile(2), { bus: 1 }));
  if (name === 'maxvf') return configTargetFromDevice(new SriovDevice(maxVfProfile(), { bus: 1 }));
  return undefined;
}

function isTarget(x: unknown): x is ConfigTarget {
  const t = x as Partial<ConfigTarget> | null;
  return typeof t === 'object' && t !== null && typeof t.functions === 'function' && typeof t.configRead === 'function' && typeof t.configWrite === 'function';
}

async function loadTarget(spec: string): Promise<ConfigTarget> {
  const known = builtIn(spec);
  if (known !== undefined) return known;
  const url = pathToFileURL(isAbsolute(spec) ? spec : resolve(process.cwd(), spec)).href;
  const mod = (await import(url)) as Record<string, unknown>;
  let t: unknown = mod['target'] ?? mod['default'];
  if (typeof t === 'function') t = await (t as () => unknown)();
  if (!isTarget(t)) throw new UsageError(`${spec} exports no ConfigTarget (default export or 'target' with functions, configRead and configWrite)`);
  return { ...t, name: typeof t.name === 'string' && t.name !== '' ? t.name : spec } as ConfigTarget;
}

function printReport(r: ConformanceReport, io: CliIo): void {
  io.out(`conformance of ${r.target} (seed ${r.seed})\n`);
  for (const x of r.results) {
    const mark = x.status === 'passed' ? 'pass' : x.status === 'failed' ? 'FAIL' : 'n/a ';
    io.out(`  ${mark} ${x.id.padEnd(14)} ${x.title} [${x.spec}]\n`);
    if (x.status === 'failed') {
      io.out(`       ${x.detail ?? ''}\n`);
      if (x.reproduce !== undefined) io.out(`       reproduce: --seed ${x.reproduce.seed} (fast-check path ${x.reproduce.path})\n`);
    }
  }
  io.out(`${r.passed} passed, ${r.failed} failed, ${r.notApplicable} not applicable\n`);
}

/** `iovsim conform`. @returns a promise of the exit code. */
export async function conformCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args], allowPositionals: true,
    options: { target: { type: 'string' }, seed: { type: 'string' }, runs: { type: 'string' }, only: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    io.out(CONFORM_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.target === undefined) throw new UsageError('conform needs --target <module|profile>');
  const int = (v: string | undefined, what: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new UsageError(`${what} ${v} is not an integer`);
    return n;
  };
  const seed = int(values.seed, '--seed');
  const runs = int(values.runs, '--runs');
  if (runs !== undefined && runs < 1) throw new UsageError('--runs must be at least 1');
  let target: ConfigTarget;
  try {
    target = await loadTarget(values.target);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    io.err(`iovsim conform: cannot load ${values.target}: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.unusable;
  }
  const report = runConformance(target, {
    ...(seed === undefined ? {} : { seed }), ...(runs === undefined ? {} : { numRuns: runs }),
    ...(values.only === undefined ? {} : { only: values.only.split(',').map((s) => s.trim()) }),
  });
  if (values.json === true) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else printReport(report, io);
  return report.failed > 0 ? EXIT.findings : EXIT.ok;
}
