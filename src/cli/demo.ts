import { parseArgs } from 'node:util';
import { hex } from '../bits/index.js';
import { buildConfigSpace, sampleEndpointSpec, type ConfigSpace } from '../config/index.js';
import { describeFunction, formatLspciDump, formatPcap, formatVcd, type PciAddress } from '../formats/index.js';
import { DiagnosticLog } from '../regs/index.js';
import { SriovDevice, SriovOracle, formatRid, igbProfile, linuxSriovEnable } from '../sriov/index.js';
import { EXIT, type CliIo } from './io.js';
import { layer1Demo } from './demo-l1.js';
import { layer2Demo } from './demo-l2.js';
import { nicDemo } from './demo-nic.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Help text of `iovsim demo`. */
export const DEMO_HELP = `Usage: iovsim demo [--dump] [--out DIR]

1. Builds a sample PCIe endpoint (an 82576-like NIC function: four BARs, PM, MSI, MSI-X, PCI Express,
   ARI), sizes and programs its BARs the way firmware does, provokes a few driver mistakes, and
   prints the function lspci-style with the diagnostics.
2. Builds an SR-IOV PF from the igb profile, sizes and places its VF BARs, enables 8 VFs as a driver
   does, and prints the PF and its VFs with Routing IDs and VF BAR windows, an explained write, an
   address decode, and Linux's verdict on enabling VFs with and without ARI.
3. Runs layer 1: a cable too long for clean reception, the same run with a repeater in the middle,
   and four half-duplex hosts on a hub with a collision, and prints their counters.

Options:
  --dump      also print each function in lspci -xxxx form (lspci -F and iovsim vfs read it)
  --out DIR   where to write the hub scenario's hub.dot, h0..h3.pcap and hub.vcd
              (default: a new folder under the system's temporary directory, named in the output)
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
  const { values } = parseArgs({ args: [...args], options: { help: { type: 'boolean', short: 'h' }, dump: { type: 'boolean' }, out: { type: 'string' } } });
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
  if (values.dump === true) {
    io.out('\nlspci -xxxx form (save it and run lspci -F <file> -vvv):\n\n');
    io.out(formatLspciDump({ address, bytes: fn.peek(), description: 'Ethernet controller: iovsim sample endpoint' }, 4096));
  }
  sriovDemo(io, values.dump === true);
  const art = layer1Demo(io);
  const dir = values.out ?? mkdtempSync(join(tmpdir(), 'iovsim-demo-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hub.dot'), art.dot);
  for (const p of art.pcaps) writeFileSync(join(dir, p.name), formatPcap(p.packets));
  writeFileSync(join(dir, 'hub.vcd'), formatVcd({ signals: art.waves.signals, changes: art.waves.changes, timescale: art.waves.timescale }));
  io.out(`\nWrote ${dir}/: hub.dot (the topology), ${art.pcaps.map((p) => p.name).join(', ')} (tcpdump -r), hub.vcd (gtkwave)\n`);
  layer2Demo(io);
  nicDemo(io);
  return EXIT.ok;
}

function sriovDemo(io: CliIo, dump: boolean): void {
  const dev = new SriovDevice(igbProfile(), { bus: 1 });
  const oracle = new SriovOracle(dev);
  const pf = dev.pfs[0]!;
  const cap = pf.sriovOffset;
  io.out('\n==== SR-IOV ====\n\n');
  io.out(`An igb-like PF at ${formatRid(pf.rid)} (TotalVFs ${pf.totalVfs}); its SR-IOV capability is at 0x${hex(cap, 3)}.\n`);
  io.out(`Without ARI Capable Hierarchy it reports First VF Offset 0x${hex(pf.firstVfOffset, 0)}, VF Stride ${pf.vfStride} (as a real 82576 does).\n\n`);
  io.out('The driver sizes the VF BARs (write all ones, read back the per-VF size):\n');
  for (const bar of [0, 3]) {
    const at = cap + 0x24 + bar * 4;
    dev.configWrite(pf.rid, at, 4, 0xffff_ffff);
    dev.configWrite(pf.rid, at + 4, 4, 0xffff_ffff);
    io.out(`  VF BAR${bar}: 0x${hex(dev.configRead(pf.rid, at, 4), 8)} / 0x${hex(dev.configRead(pf.rid, at + 4, 4), 8)} -> 16 KiB per VF, 64-bit\n`);
    dev.configWrite(pf.rid, at, 4, bar === 0 ? 0xfe90_0000 : 0xfe92_0000);
    dev.configWrite(pf.rid, at + 4, 4, 0);
  }
  io.out('\nIt sets ARI Capable Hierarchy, NumVFs = 8, then VF Enable | VF MSE (explained):\n');
  oracle.write(pf.rid, cap + 0x08, 2, 0x10);
  oracle.write(pf.rid, cap + 0x10, 2, 8);
  const answer = oracle.write(pf.rid, cap + 0x08, 2, 0x19, { explain: true });
  for (const c of answer.changes ?? []) {
    if (c.written === undefined || c.before !== c.after || c.written !== c.before) io.out(`  ${c.register}.${c.field} [${c.access}] ${c.before} -> ${c.after}: ${c.why} (${c.requirement}, ${c.spec})\n`);
  }
  io.out(`\nPF ${formatRid(pf.rid)}: VF Enable+ VF MSE+, First VF Offset 0x${hex(pf.firstVfOffset, 0)}, VF Stride ${pf.vfStride}, ${pf.enabledVfs} VFs:\n`);
  io.out('   VF  Routing ID  VF BAR0 window           VF BAR3 window\n');
  for (let n = 1; n <= pf.enabledVfs; n++) {
    const w0 = pf.vfBarWindow(n, 0)!;
    const w3 = pf.vfBarWindow(n, 3)!;
    io.out(`  ${String(n).padStart(3)}  ${formatRid(pf.vfRid(n)!)}     ${hex(w0.base, 8)}-${hex(w0.last, 8)}        ${hex(w3.base, 8)}-${hex(w3.last, 8)}\n`);
  }
  const vf3 = pf.vfRid(3)!;
  io.out(`\nVF 3 (${formatRid(vf3)}) answers Vendor/Device 0x${hex(oracle.read(vf3, 0, 4).value, 8)} (VFs read 0xFFFF; software uses the PF's vendor and VF Device ID 10ca).\n`);
  const hit = oracle.whatHits(0xfe92_8010n);
  io.out(`Address 0xfe928010 hits ${hit === undefined ? 'nothing' : `VF ${hit.vf} (${formatRid(hit.rid)}) VF BAR${hit.bar} at offset 0x${hit.offset.toString(16)}`}.\n`);
  const missing = oracle.read(pf.vfRid(8)! + 2 as typeof vf3, 0, 4);
  io.out(`A read of ${formatRid((pf.vfRid(8)! + 2) as typeof vf3)} (no such VF) answers 0x${hex(missing.value, 8)}: ${missing.diagnostics[0]?.code ?? ''}.\n`);
  const real = new SriovDevice(igbProfile(), { bus: 1 });
  const without = linuxSriovEnable(real, 0, 8, { busRange: { start: 1, end: 1 } });
  const withAri = linuxSriovEnable(real, 0, 8, { busRange: { start: 1, end: 1 }, ariForwarding: true });
  io.out(`\nWould Linux enable 8 VFs below a port whose bus range is [01]?\n`);
  io.out(`  without ARI forwarding: ${without.enable ? 'yes' : `no, -${without.errno}: ${without.reasons.map((r) => r.message).join('; ')}`}\n`);
  io.out(`  with ARI forwarding:    ${withAri.enable ? `yes (System Page Size ${withAri.systemPageSize}, last VF bus ${hex(withAri.lastVfBus ?? 0, 2)})` : `no, -${withAri.errno}`}\n`);
  const pageVerdict = linuxSriovEnable(real, 0, 8, { pageSize: 65536, ariForwarding: true });
  io.out(`  on a 64 KiB-page kernel: ${pageVerdict.enable ? 'yes' : `no, -${pageVerdict.errno}: ${pageVerdict.reasons[0]?.message ?? ''}`}\n`);
  if (dump) {
    io.out('\nThe PF in lspci -xxxx form (try: iovsim vfs <file> --vf-bar-size 0=16K --vf-bar-size 3=16K):\n\n');
    io.out(formatLspciDump({ address: { domain: 0, bus: 1, device: 0, function: 0 }, bytes: pf.space.peek(), description: 'Ethernet controller: iovsim igb-like PF' }, 4096));
  }
}
