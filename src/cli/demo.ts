import { parseArgs } from 'node:util';
import { hex } from '../bits/index.js';
import { buildConfigSpace, sampleEndpointSpec, type ConfigSpace } from '../config/index.js';
import { describeFunction, formatLspciDump, type PciAddress } from '../formats/index.js';
import { DiagnosticLog } from '../regs/index.js';
import { EXIT, type CliIo } from './io.js';

/** Help text of `iovsim demo`. */
export const DEMO_HELP = `Usage: iovsim demo

Builds a sample PCIe endpoint (an 82576-like NIC PF: four BARs, PM, MSI, MSI-X, PCI Express, ARI),
sizes and programs its BARs the way firmware does, provokes a few driver mistakes, and prints the
function lspci-style: a decoded summary, the diagnostics, and the lspci -xxxx dump (lspci -F reads it).
`;

function programLikeFirmware(fn: ConfigSpace): string[] {
  const notes: string[] = [];
  const bases = [0xfe80_0000, 0xfe82_0000, 0xe000, 0xfe84_0000];
  for (const bar of fn.bars()) {
    const at = 0x10 + bar.index * 4;
    fn.write(at, 4, 0xffff_ffff);
    const answer = fn.read(at, 4);
    if (bar.kind === 'mem64') fn.write(at + 4, 4, 0xffff_ffff);
    notes.push(`BAR${bar.index} probe answers 0x${hex(answer, 8)}${bar.kind === 'mem64' ? ` / 0x${hex(fn.read(at + 4, 4), 8)}` : ''} -> ${bar.kind}, ${bar.size} bytes`);
    fn.write(at, 4, bases[bar.index] ?? 0);
    if (bar.kind === 'mem64') fn.write(at + 4, 4, 0);
  }
  fn.write(0x3c, 1, 11);
  fn.write(0x04, 2, 0x0007);
  return notes;
}

/** `iovsim demo`. @returns the exit code. */
export function demoCommand(args: readonly string[], io: CliIo): number {
  const { values } = parseArgs({ args: [...args], options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    io.out(DEMO_HELP);
    return EXIT.ok;
  }
  const log = new DiagnosticLog();
  const fn = buildConfigSpace(sampleEndpointSpec(), { onDiagnostic: log.sink });
  const address: PciAddress = { domain: 0, bus: 1, device: 0, function: 0 };
  io.out('iovsim demo: a sample PCIe endpoint, built from data and run by the register engine\n\n');
  io.out('Firmware sizes and programs the BARs:\n');
  for (const n of programLikeFirmware(fn)) io.out(`  ${n}\n`);
  io.out('\nThe model\'s view of the BARs (sizes and decode state, which a dump cannot show):\n');
  for (const b of fn.bars()) {
    io.out(`  Region ${b.index}: ${b.kind === 'io' ? 'I/O ports' : 'Memory'} at ${hex(b.base, b.kind === 'mem64' ? 16 : 8)} [size=0x${(b.size ?? 0n).toString(16)}] ${b.kind}${b.prefetchable ? ' prefetchable' : ''} ${b.active ? 'decoding' : 'not decoding'}\n`);
  }
  io.out('\nThe function, decoded lspci -vv style from its configuration bytes:\n\n');
  io.out(describeFunction(fn.peek(), address, { verbose: 2 }));
  io.out('\nA careless driver writes 0xffff to Command and 0xffff to Status:\n');
  log.take();
  fn.hwSet('header.status', 'receivedMasterAbort');
  fn.write(0x04, 2, 0xffff);
  fn.write(0x06, 2, 0xffff);
  for (const d of log.take()) io.out(`  ${d.severity} ${d.code} [${d.requirement}, ${d.spec}]: ${d.message}\n`);
  io.out(`  Command now reads 0x${hex(fn.read(0x04, 2), 4)}; Status reads 0x${hex(fn.read(0x06, 2), 4)} (Received Master Abort cleared by RW1C)\n`);
  io.out('\nlspci -xxxx form (save it and run lspci -F <file> -vvv):\n\n');
  io.out(formatLspciDump({ address, bytes: fn.peek(), description: 'Ethernet controller: iovsim sample endpoint' }, 4096));
  return EXIT.ok;
}
