import { parseArgs } from 'node:util';
import { match, P } from 'ts-pattern';
import { compareVswitchVsVf, formatComparison, type SwitchMode } from '../nic/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';

/** Help text of `iovsim nic`. */
export const NIC_HELP = `Usage: iovsim nic [--vfs N] [--mode veb|vepa] [--seed S] [--json]

Measures the hypervisor-bypass claim of SR-IOV in the model: the same VMs and the same traffic
(a) through the hypervisor's software switch (one core, 3 µs per frame plus 0.5 ns per byte copied,
its uplink the NIC's PF) and (b) directly through one VF per VM. For VM-to-VM and VM-to-wire
traffic it prints the one-way latency (min, median, p99, max, at a light Poisson load) and the
largest offered rate with no frame lost (a search over the offered load). Deterministic.

Options:
  --vfs N          VMs, each with its own VF on the VF path, 2..64 (default 4)
  --mode veb|vepa  the NIC's embedded switch: VEB switches VF-to-VF inside the NIC; VEPA sends it
                   to the top-of-rack switch, which reflects it (default veb)
  --seed S         seed of the traffic schedules (default 1)
  --json           one JSON object instead of the table
  -h, --help       this text

Exit status: 0 printed; 2 usage error.
`;

function integer(text: string | undefined, what: string, lo: number, hi: number, dflt: number): number {
  if (text === undefined) return dflt;
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < lo || n > hi) throw new UsageError(`${what} '${text}' is not an integer ${lo}..${hi}`);
  return n;
}

/** `iovsim nic`. @returns the exit code. */
export function nicCommand(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: [...args], allowPositionals: true,
    options: { vfs: { type: 'string' }, mode: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    io.out(NIC_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`nic takes no arguments (got '${positionals[0]!}')`);
  const vms = integer(values.vfs, '--vfs', 2, 64, 4);
  const seed = integer(values.seed, '--seed', 0, 0xffff_ffff, 1);
  const mode = match(values.mode)
    .with(undefined, () => 'veb' as SwitchMode)
    .with(P.union('veb', 'vepa'), (m) => m as SwitchMode)
    .otherwise((m) => {
      throw new UsageError(`--mode ${m} is not veb or vepa`);
    });
  const c = compareVswitchVsVf({ vms, mode, seed });
  io.out(values.json === true ? `${JSON.stringify(c, null, 2)}\n` : formatComparison(c));
  return EXIT.ok;
}
