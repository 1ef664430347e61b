import { parseArgs } from 'node:util';
import { match, P } from 'ts-pattern';
import { hex } from '../bits/index.js';
import { LspciParseError, parseLspciDump, parsePciAddress } from '../formats/index.js';
import { LayoutError, type Diagnostic } from '../regs/index.js';
import { deviceFromDump, formatRid, linuxSriovEnable, SRIOV_POLICIES, type SriovPolicy, type PhysicalFunction, type SriovDevice } from '../sriov/index.js';
import { EXIT, UsageError, readInput, type CliIo } from './io.js';

/** Help text of `iovsim vfs`. */
export const VFS_HELP = `Usage: iovsim vfs <lspci-dump|-> [options]

Loads the SR-IOV PF(s) from an lspci -xxxx dump (a real device's or one iovsim exported) and prints
each VF: its number, Routing ID as [domain:]bus:dev.fn, and each VF BAR window; then whether
Linux's sriov_enable(N) would succeed, and why not.

First VF Offset and VF Stride are the dump's (a dump shows one NumVFs/ARI state). NumVFs is the
dump's unless --numvfs is given; VF BAR sizes are not in dumps, so windows need --vf-bar-size.

Options:
  --numvfs N              enable N VFs (the model writes NumVFs and VF Enable, as a driver would)
  --ari on|off            set or clear ARI Capable Hierarchy first (and assume ARI forwarding above)
  --vf-bar-size BAR=SIZE  per-VF size of a VF BAR, e.g. 0=16K or 3=0x4000 (repeatable)
  --pf BB:DD.F            which PF of the dump (default: the first)
  --page-size SIZE        host page size for the Linux verdict (default 4K)
  --bus-range A-B         the upstream bridge's secondary-subordinate bus range (hex; default: the PF's bus)
  --policy P              strict | qemu | clamp: spec-undefined cases (default strict)
  --json                  one JSON object instead of text
  -h, --help              this text

Exit status: 0 printed; 2 unusable input or usage error.
`;

function parseSize(text: string): bigint {
  const m = /^(0x[0-9a-f]+|\d+)([kmg]?)$/i.exec(text.trim());
  if (m === null) throw new UsageError(`'${text}' is not a size (e.g. 16K, 0x4000, 1M)`);
  const unit = { '': 1n, k: 1n << 10n, m: 1n << 20n, g: 1n << 30n }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return BigInt(m[1]!) * unit;
}

function parseNumber(text: string, what: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`${what} '${text}' is not an integer 0..${max}`);
  return n;
}

interface VfsJson {
  pf: string;
  numVfs: number;
  vfEnable: boolean;
  firstVfOffset: number;
  vfStride: number;
  vfs: { vf: number; rid: string | null; exists: boolean; bars: { bar: number; base: string; size: string; last: string }[] }[];
  linux: { enable: boolean; errno: string | null; reasons: string[]; systemPageSize: number | null; lastVfBus: number | null };
  diagnostics: { code: string; severity: string; requirement: string; spec: string; message: string }[];
}

const capOf = (pf: PhysicalFunction): number => pf.sriovOffset;

function drive(dev: SriovDevice, pf: PhysicalFunction, numVfs: number | undefined, ari: boolean | undefined): void {
  const cap = capOf(pf);
  const ctl = (): number => dev.configRead(pf.rid, cap + 8, 2);
  if (numVfs === undefined && ari === undefined) return;
  const wasEnabled = pf.vfEnable;
  const target = numVfs ?? pf.numVfs;
  if (wasEnabled) dev.configWrite(pf.rid, cap + 8, 2, ctl() & ~1);
  if (ari !== undefined) dev.configWrite(pf.rid, cap + 8, 2, ari ? ctl() | 0x10 : ctl() & ~0x10);
  dev.configWrite(pf.rid, cap + 0x10, 2, target);
  if (numVfs !== undefined ? numVfs > 0 : wasEnabled) dev.configWrite(pf.rid, cap + 8, 2, ctl() | 0x9);
}

/** `iovsim vfs`. @returns the exit code. */
export function vfsCommand(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: [...args], allowPositionals: true,
    options: {
      numvfs: { type: 'string' }, ari: { type: 'string' }, 'vf-bar-size': { type: 'string', multiple: true }, pf: { type: 'string' },
      'page-size': { type: 'string' }, 'bus-range': { type: 'string' }, policy: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    io.out(VFS_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('vfs takes exactly one dump file (or - for standard input)');
  const numVfs = values.numvfs === undefined ? undefined : parseNumber(values.numvfs, '--numvfs', 0xffff);
  const ari = match(values.ari)
    .with(undefined, () => undefined)
    .with(P.union('on', 'off'), (v) => v === 'on')
    .otherwise((v) => {
      throw new UsageError(`--ari ${v} is not on or off`);
    });
  const policy = match(values.policy)
    .with(undefined, () => 'strict' as SriovPolicy)
    .when((v): v is SriovPolicy => (SRIOV_POLICIES as readonly string[]).includes(v), (v) => v)
    .otherwise((v) => {
      throw new UsageError(`--policy ${v} is not one of ${SRIOV_POLICIES.join(', ')}`);
    });
  const vfBarSizes: (bigint | undefined)[] = [];
  for (const spec of values['vf-bar-size'] ?? []) {
    const m = /^([0-5])=(.+)$/.exec(spec);
    if (m === null) throw new UsageError(`--vf-bar-size ${spec} is not BAR=SIZE with BAR 0..5`);
    vfBarSizes[Number(m[1])] = parseSize(m[2]!);
  }
  const pageSize = values['page-size'] === undefined ? 4096 : Number(parseSize(values['page-size']));
  if (!Number.isInteger(Math.log2(pageSize)) || pageSize < 4096) throw new UsageError(`--page-size ${values['page-size']} is not a power of two >= 4K`);
  let busRange: { start: number; end: number } | undefined;
  if (values['bus-range'] !== undefined) {
    const m = /^([0-9a-f]{1,2})-([0-9a-f]{1,2})$/i.exec(values['bus-range']);
    if (m === null) throw new UsageError(`--bus-range ${values['bus-range']} is not A-B (hex bus numbers)`);
    busRange = { start: parseInt(m[1]!, 16), end: parseInt(m[2]!, 16) };
  }
  const file = positionals[0]!;
  const text = readInput(io, 'vfs', file);
  if (text === undefined) return EXIT.unusable;
  const diagnostics: Diagnostic[] = [];
  let dev: SriovDevice;
  let skipped: readonly { address: string; reason: string }[];
  try {
    const built = deviceFromDump(parseLspciDump(text), { policy, vfBarSizes, onDiagnostic: (d) => diagnostics.push(d) });
    dev = built.device;
    skipped = built.skipped;
  } catch (e) {
    if (e instanceof LspciParseError || e instanceof LayoutError) {
      io.err(`iovsim vfs: ${file}: ${e.message}\n`);
      return EXIT.unusable;
    }
    throw e;
  }
  let pf = dev.pfs[0]!;
  if (values.pf !== undefined) {
    let want: ReturnType<typeof parsePciAddress>;
    try {
      want = parsePciAddress(values.pf);
    } catch (e) {
      throw new UsageError(`--pf ${values.pf}: ${(e as Error).message}`);
    }
    const found = dev.pfs.find((p) => (p.rid >>> 8) === want.bus && ((p.rid >>> 3) & 0x1f) === want.device && (p.rid & 7) === want.function);
    if (found === undefined) {
      io.err(`iovsim vfs: ${file}: no PF at ${values.pf}\n`);
      return EXIT.unusable;
    }
    pf = found;
  }
  drive(dev, pf, numVfs, ari);
  const n = numVfs ?? pf.numVfs;
  const bars = pf.vfBars();
  const json: VfsJson = {
    pf: formatRid(pf.rid, dev.domain),
    numVfs: n,
    vfEnable: pf.vfEnable,
    firstVfOffset: pf.firstVfOffset,
    vfStride: pf.vfStride,
    vfs: [],
    linux: { enable: false, errno: null, reasons: [], systemPageSize: null, lastVfBus: null },
    diagnostics: [],
  };
  const shown = Math.min(n, 0xffff);
  const placed = bars.filter((b) => b.base !== 0n && b.perVfSize !== undefined && !b.sizingProbe);
  for (let k = 1; k <= shown; k++) {
    const rid = pf.vfRid(k);
    const windows = placed.map((b) => {
      const w = pf.vfBarWindow(k, b.bar)!;
      return { bar: b.bar, base: `0x${w.base.toString(16)}`, size: `0x${w.size.toString(16)}`, last: `0x${w.last.toString(16)}` };
    });
    json.vfs.push({ vf: k, rid: rid === undefined ? null : formatRid(rid, dev.domain), exists: pf.vfEnable && k <= pf.enabledVfs, bars: windows });
  }
  const verdict = linuxSriovEnable(dev, pf.index, n, { pageSize, ...(busRange === undefined ? {} : { busRange }), ariForwarding: ari ?? pf.ariCapableHierarchy });
  json.linux = {
    enable: verdict.enable, errno: verdict.errno ?? null, reasons: verdict.reasons.map((r) => `${r.code} (${r.errno}, ${r.where}): ${r.message}`),
    systemPageSize: verdict.systemPageSize ?? null, lastVfBus: verdict.lastVfBus ?? null,
  };
  for (const b of bars) {
    if (b.perVfSize === undefined && b.base !== 0n) {
      diagnostics.push({ code: 'cli.vf-bar-size-unknown', severity: 'note', requirement: 'SRIOV-BAR-02', spec: 'PCIe Base r6.0 §9.3.3.14', message: `VF BAR${b.bar} is programmed (VF 1 at 0x${b.base.toString(16)}) but dumps carry no sizes: pass --vf-bar-size ${b.bar}=SIZE for its windows` });
    }
  }
  for (const s of skipped) diagnostics.push({ code: 'cli.function-skipped', severity: 'note', requirement: 'SRIOV-CAP-01', spec: 'PCIe Base r6.0 §9.3.3', message: `${s.address}: ${s.reason}` });
  json.diagnostics = diagnostics.map((d) => ({ code: d.code, severity: d.severity, requirement: d.requirement, spec: d.spec, message: d.message }));
  if (values.json === true) {
    io.out(`${JSON.stringify(json, null, 2)}\n`);
    return EXIT.ok;
  }
  const h = pf.space;
  io.out(`PF ${json.pf} [${hex(h.read(0, 2), 4)}:${hex(h.read(2, 2), 4)}] SR-IOV: TotalVFs ${pf.totalVfs}, InitialVFs ${pf.initialVfs}, NumVFs ${pf.numVfs}, VF Enable${pf.vfEnable ? '+' : '-'} VF MSE${pf.vfMse ? '+' : '-'} ARI Capable Hierarchy${pf.ariCapableHierarchy ? '+' : '-'}\n`);
  io.out(`  First VF Offset 0x${hex(json.firstVfOffset, 0)}, VF Stride ${json.vfStride}, VF Device ID ${hex(h.read(capOf(pf) + 0x1a, 2), 4)}, System Page Size ${pf.systemPageSize}\n`);
  for (const b of bars) io.out(`  VF BAR${b.bar}: ${b.kind}${b.prefetchable ? ' prefetchable' : ''}, VF 1 at 0x${b.base.toString(16)}, ${b.perVfSize === undefined ? 'per-VF size unknown' : `0x${b.perVfSize.toString(16)} per VF`}\n`);
  io.out(`\n  VF  Routing ID${json.vfs.some((v) => v.bars.length > 0) ? '  VF BAR windows' : ''}\n`);
  for (const v of json.vfs) {
    io.out(`  ${String(v.vf).padStart(3)} ${(v.rid ?? '(overflows)').padEnd(11)}${v.exists ? '' : ' (not enabled)'}${v.bars.map((b) => `  BAR${b.bar} ${b.base}-${b.last}`).join('')}\n`);
  }
  io.out(`\nLinux sriov_enable(${n}): ${verdict.enable ? 'would succeed' : `would fail with -${verdict.errno}`}${verdict.systemPageSize !== undefined ? ` (System Page Size ${verdict.systemPageSize}` : ' ('}${verdict.lastVfBus !== undefined ? `, last VF bus ${hex(verdict.lastVfBus, 2)})` : ')'}\n`);
  for (const r of verdict.reasons) io.out(`  ${r.code} -${r.errno} in ${r.where}: ${r.message}\n`);
  if (diagnostics.length > 0) {
    io.out('\nDiagnostics:\n');
    for (const d of json.diagnostics) io.out(`  ${d.severity} ${d.code} [${d.requirement}]: ${d.message}\n`);
  }
  return EXIT.ok;
}
