import { parseArgs } from 'node:util';
import { match } from 'ts-pattern';
import { buildConfigSpace, sampleEndpointSpec } from '../config/index.js';
import { describeFunction, LspciParseError, parseLspciDump, type PciAddress } from '../formats/index.js';
import { igbProfile, maxVfProfile, ridParts, SriovDevice, type DeviceProfile } from '../sriov/index.js';
import { EXIT, UsageError, readInput, type CliIo } from './io.js';

/** Built-in profiles `iovsim lspci` and `iovsim conform` know by name. */
export const PROFILES: Readonly<Record<string, string>> = {
  endpoint: 'the sample endpoint (82576-like function: 4 BARs, PM, MSI, MSI-X, PCIe, ARI)',
  igb: 'an 82576-like SR-IOV PF (8 VFs, offset 0x180 / 0x80 with ARI, VF BAR0/3 16 KiB)',
  igb2: 'the same as a two-port device (two PFs)',
  maxvf: 'a PF that can enable 65,535 VFs',
};

/** Help text of `iovsim lspci`. */
export const LSPCI_HELP = `Usage: iovsim lspci <profile|dump> [-v|-vv|-vvv] [--numvfs N]

Prints functions the way lspci -nn -v… decodes them: a built-in profile as the model builds it, or
every function of an lspci -x/-xxx/-xxxx dump. With --numvfs, an SR-IOV profile enables N VFs
first (ARI Capable Hierarchy set, VF MSE set) and its VFs are printed too, as a raw dump shows them.

Profiles: ${Object.entries(PROFILES).map(([k, v]) => `\n  ${k.padEnd(9)} ${v}`).join('')}

Exit status: 0 printed; 2 unusable input or usage error.
`;

function profileByName(name: string): DeviceProfile | undefined {
  return match(name)
    .with('igb', () => igbProfile(1))
    .with('igb2', () => igbProfile(2))
    .with('maxvf', () => maxVfProfile())
    .otherwise(() => undefined);
}

/** `iovsim lspci`. @returns the exit code. */
export function lspciCommand(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: [...args], allowPositionals: true,
    options: { verbose: { type: 'boolean', short: 'v', multiple: true }, numvfs: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    io.out(LSPCI_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('lspci takes one profile name or dump file');
  const verbose = Math.min(values.verbose?.length ?? 0, 3) as 0 | 1 | 2 | 3;
  const what = positionals[0]!;
  const numVfs = values.numvfs === undefined ? undefined : Number(values.numvfs);
  if (numVfs !== undefined && (!Number.isInteger(numVfs) || numVfs < 0 || numVfs > 0xffff)) throw new UsageError(`--numvfs ${values.numvfs} is not 0..65535`);
  const show = (bytes: Uint8Array, a: PciAddress): void => {
    io.out(describeFunction(bytes, a, { verbose }));
    if (verbose > 0) io.out('\n');
  };
  if (what === 'endpoint') {
    show(buildConfigSpace(sampleEndpointSpec()).peek(), { domain: 0, bus: 1, device: 0, function: 0 });
    return EXIT.ok;
  }
  const profile = profileByName(what);
  if (profile !== undefined) {
    const dev = new SriovDevice(profile, { bus: 1 });
    for (const pf of dev.pfs) {
      if (numVfs !== undefined) {
        const cap = pf.sriovOffset;
        if (pf.index === 0) pf.space.write(cap + 8, 2, 0x10);
        pf.space.write(cap + 0x10, 2, Math.min(numVfs, pf.totalVfs));
        pf.space.write(cap + 8, 2, pf.space.read(cap + 8, 2) | 0x9);
      }
      const p = ridParts(pf.rid);
      show(pf.space.peek(), { domain: 0, bus: p.bus, device: p.device, function: p.function });
    }
    for (const pf of dev.pfs) {
      for (let n = 1; n <= pf.enabledVfs; n++) {
        const p = ridParts(pf.vfRid(n)!);
        show(pf.vfSpaceForRead(n).peek(), { domain: 0, bus: p.bus, device: p.device, function: p.function });
      }
    }
    return EXIT.ok;
  }
  const text = readInput(io, 'lspci', what);
  if (text === undefined) return EXIT.unusable;
  try {
    for (const f of parseLspciDump(text)) show(f.bytes, f.address);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof LspciParseError) {
      io.err(`iovsim lspci: ${what}: ${e.message}\n`);
      return EXIT.unusable;
    }
    throw e;
  }
}
