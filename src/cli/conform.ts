import { parseArgs } from 'node:util';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  configTargetFromDevice, configTargetFromSpace, forwardingTargetFromSwitch, runConformance,
  type ConfigTarget, type ConformanceReport, type ForwardingTarget,
} from '../conformance/index.js';
import { buildConfigSpace, sampleEndpointSpec } from '../config/index.js';
import { igbProfile, maxVfProfile, SriovDevice } from '../sriov/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';

/** Help text of `iovsim conform`. */
export const CONFORM_HELP = `Usage: iovsim conform --target <module|profile> [--seed N] [--runs N] [--only ID,ID…] [--json]

Runs a requirement-keyed conformance suite against an implementation and reports, per requirement,
passed, failed (with the counterexample and the seed that reproduces it) or not applicable. A PCIe
target gets the PCIe suite (register attributes, capabilities, BARs, SR-IOV); a forwarding target
gets the forwarding suite (random frame sequences: ingress port, duplicates, learning, station
moves, flooding, invalid sources, ageing, static entries, reserved addresses).

--target is a built-in profile or a JavaScript module.
  PCIe profiles:        endpoint, igb, igb2, maxvf
  Forwarding profiles:  switch (iovsim's 4-port switch, ieee profile, driven through real frames),
                        switch-linux (the same in the linux profile), bridge (2 ports)
A module's default export (or export named 'target') is a target, or a function returning one
(maybe async):
  PCIe:        { name, functions(): rids[], configRead(rid, offset, size),
                 configWrite(rid, offset, size, value), reset?(rid, kind) }
  Forwarding:  { name, ports, hairpinPorts?, ageingSeconds?, profile?: 'ieee'|'linux',
                 create(): { inject(port, frame, atSeconds): [{ port, bytes }], collect?(),
                             advance?(seconds), addStatic?(mac, port) } }
               (frame: { dst, src, type, payload, bytes }; MACs are 48-bit numbers)

Exit status: 0 every requirement passed or was not applicable; 1 a requirement failed; 2 unusable
target or usage error.
`;

function builtIn(name: string): ConfigTarget | ForwardingTarget | undefined {
  if (name === 'endpoint') return configTargetFromSpace(buildConfigSpace(sampleEndpointSpec()), 0x0100, 'iovsim sample endpoint');
  if (name === 'igb') return configTargetFromDevice(new SriovDevice(igbProfile(1), { bus: 1 }));
  if (name === 'igb2') return configTargetFromDevice(new SriovDevice(igbProfile(2), { bus: 1 }));
  if (name === 'maxvf') return configTargetFromDevice(new SriovDevice(maxVfProfile(), { bus: 1 }));
  if (name === 'switch') return forwardingTargetFromSwitch({ ports: 4, profile: 'ieee' });
  if (name === 'switch-linux') return forwardingTargetFromSwitch({ ports: 4, profile: 'linux' });
  if (name === 'bridge') return forwardingTargetFromSwitch({ ports: 2, profile: 'ieee', name: 'iovsim bridge (ieee, 2 ports)' });
  return undefined;
}

function isConfigTarget(x: unknown): x is ConfigTarget {
  const t = x as Partial<ConfigTarget> | null;
  return typeof t === 'object' && t !== null && typeof t.functions === 'function' && typeof t.configRead === 'function' && typeof t.configWrite === 'function';
}

function isForwardingTarget(x: unknown): x is ForwardingTarget {
  const t = x as Partial<ForwardingTarget> | null;
  return typeof t === 'object' && t !== null && typeof t.create === 'function' && typeof t.ports === 'number';
}

async function loadTarget(spec: string): Promise<ConfigTarget | ForwardingTarget> {
  const known = builtIn(spec);
  if (known !== undefined) return known;
  const url = pathToFileURL(isAbsolute(spec) ? spec : resolve(process.cwd(), spec)).href;
  const mod = (await import(url)) as Record<string, unknown>;
  let t: unknown = mod['target'] ?? mod['default'];
  if (typeof t === 'function') t = await (t as () => unknown)();
  if (!isConfigTarget(t) && !isForwardingTarget(t)) {
    throw new UsageError(`${spec} exports no ConfigTarget (default export or 'target' with functions, configRead and configWrite) and no ForwardingTarget (with ports and create)`);
  }
  const name = typeof t.name === 'string' && t.name !== '' ? t.name : spec;
  // Keep the prototype (a class instance's methods) while giving the target its name.
  return Object.create(t, { name: { value: name, enumerable: true } }) as ConfigTarget | ForwardingTarget;
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
  let target: ConfigTarget | ForwardingTarget;
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
