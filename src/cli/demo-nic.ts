import { hex } from '../bits/index.js';
import { BurstHost, Switch } from '../devices/index.js';
import { describeFunction } from '../formats/index.js';
import { BROADCAST, BurstCable, asMac, formatMac, type BurstPort, type Mac } from '../link/index.js';
import { attemptMigration, compareVswitchVsVf, formatComparison, FunctionDriver, migrationInventory, Nic, NIC_DROP_REASONS, nicFrameHeader } from '../nic/index.js';
import { Kernel } from '../sim/index.js';
import { formatRid, ridParts } from '../sriov/index.js';
import type { CliIo } from './io.js';

const VMS = ['vm-web', 'vm-db', 'vm-cache', 'vm-guest'] as const;
const vmMac = (i: number): Mac => asMac(0x0252_5400_0001 + i);
const WIRE = asMac(0x0200_0000_0099);

/** A frame without FCS from `src` to `dst` carrying `text`. */
function frame(dst: Mac, src: Mac, text: string): Uint8Array {
  const b = new Uint8Array(60);
  for (let i = 0; i < 6; i++) {
    b[i] = Math.floor(dst / 2 ** (8 * (5 - i))) % 256;
    b[6 + i] = Math.floor(src / 2 ** (8 * (5 - i))) % 256;
  }
  b.set([0x88, 0xb5], 12);
  b.set(new TextEncoder().encode(text).subarray(0, 46), 14);
  return b;
}

const textOf = (b: Uint8Array): string => new TextDecoder().decode(b.subarray(nicFrameHeader(b)?.vlan === undefined ? 14 : 18)).replace(/\0+$/, '');
const size = (n: bigint): string => (n >= 1024n * 1024n ? `${n / (1024n * 1024n)}M` : `${n / 1024n}K`);

/**
 * The SR-IOV NIC part of the demo: the NIC with four VFs assigned to VMs, the lspci-style tree
 * (PF, VFs, Routing IDs, BAR windows), traffic through the embedded switch with the PF's
 * policies at work, and the hypervisor-vswitch-vs-VF comparison table.
 */
export function nicDemo(io: CliIo): void {
  io.out('\n==== The SR-IOV NIC: VFs assigned to VMs, the embedded switch, and the hypervisor bypass ====\n\n');
  const k = new Kernel({ seed: 1 });
  const nic = k.add(new Nic('nic', { totalVfs: 8, mode: 'burst', bus: 1 }));
  const tor = k.add(new Switch('tor', { ports: 2, mac: asMac(0x0200_0000_f000), mode: 'burst', rate: 1000 }));
  const wireGot: string[] = [];
  const wire = k.add(new BurstHost('wire', { mac: WIRE, rate: 1000, onReceive: (f) => wireGot.push(new TextDecoder().decode(f.payload).replace(/\0+$/, '')) }));
  k.add(new BurstCable('c0', nic.ports[0] as BurstPort, tor.ports[0] as BurstPort, { metres: 2 }, k.rng('c0')));
  k.add(new BurstCable('c1', tor.ports[1] as BurstPort, wire.port, { metres: 10 }, k.rng('c1')));
  const p = nic.pcie;
  p.bringUp({ numVfs: VMS.length });
  VMS.forEach((_, i) => p.setVfMac(i + 1, vmMac(i)));
  p.setVfVlan(4, 100, 3); // the guest VM is isolated in VLAN 100
  p.setVfTrust(3, true); // the cache VM may see unknown unicast
  const got = new Map<number, string[]>();
  const drivers = VMS.map((_, i) => {
    const d = new FunctionDriver(nic, i + 1, (f) => got.set(i + 1, [...(got.get(i + 1) ?? []), textOf(f)]));
    d.enable();
    return d;
  });

  const pf = p.pf;
  const pfParts = ridParts(pf.rid);
  io.out(`The firmware and PF driver program the NIC (${p.profile.name}): PF BAR0, VF BAR0, ARI, NumVFs = ${VMS.length}, VF Enable | VF MSE, Bus Master in each VF.\n\n`);
  io.out(describeFunction(pf.space.peek(), { domain: 0, bus: pfParts.bus, device: pfParts.device, function: pfParts.function }, { verbose: 1 }));
  const pfBar = BigInt((p.configRead(pf.rid, 0x10, 4) & ~0xf) >>> 0);
  io.out('\nThe PF and its VFs (Routing IDs, BAR windows, and who owns them):\n');
  io.out(`  ${formatRid(pf.rid)}  PF    BAR0 ${hex(pfBar, 8)}-${hex(pfBar + 0x1_ffffn, 8)} [${size(0x2_0000n)}]   hypervisor (PF driver, switch mode ${p.switchMode.toUpperCase()})\n`);
  for (let vf = 1; vf <= pf.enabledVfs; vf++) {
    const w = p.vfWindow(vf)!;
    const c = p.vfConfig(vf);
    const extra = [c.vlan !== 0 ? `VLAN ${c.vlan} qos ${c.qos}` : '', c.trust ? 'trusted' : '', c.spoofCheck ? 'spoofchk on' : 'spoofchk off'].filter((x) => x !== '').join(', ');
    io.out(`  ${vf === pf.enabledVfs ? '\\-' : '+-'}${formatRid(pf.vfRid(vf)!)}  VF${vf}  BAR0 ${hex(w.base, 16)}-${hex(w.last, 16)} [${size(w.size)}]  ${VMS[vf - 1]!.padEnd(8)} MAC ${formatMac(c.mac)}  ${extra}\n`);
  }

  io.out('\nEach VM\'s driver posts through its own VF window (TX buffer, TX_LEN, doorbell); the NIC switches in hardware:\n');
  wire.send({ dst: BROADCAST, src: WIRE, type: 0x88b5, payload: new TextEncoder().encode('hello from the wire') });
  k.run();
  drivers[0]!.post(frame(vmMac(1), vmMac(0), 'web -> db'));
  drivers[1]!.post(frame(WIRE, vmMac(1), 'db -> wire'));
  drivers[2]!.post(frame(BROADCAST, vmMac(2), 'cache broadcast'));
  drivers[3]!.post(frame(vmMac(0), vmMac(3), 'guest -> web (other VLAN)'));
  drivers[3]!.post(frame(WIRE, vmMac(0), 'guest pretends to be web'));
  drivers[0]!.post(frame(asMac(0x0200_0000_0777), vmMac(0), 'web -> unknown host'));
  k.run();
  for (let vf = 1; vf <= VMS.length; vf++) io.out(`  VF${vf} ${VMS[vf - 1]!.padEnd(8)} received: ${(got.get(vf) ?? []).map((t) => `"${t}"`).join(', ') || 'nothing'}\n`);
  io.out(`  wire host        received: ${wireGot.map((t) => `"${t}"`).join(', ') || 'nothing'}\n`);
  const c = nic.counters;
  const drops = NIC_DROP_REASONS.filter((r) => c.dropped[r] + c.copyDrops[r] > 0).map((r) => `${r} ${c.dropped[r] + c.copyDrops[r]}`);
  io.out(`  NIC: ${c.fromFunctions} frames from VFs, ${c.fromWire} from the wire, ${c.copies} copies: ${c.delivered} into RX rings, ${c.toWire} onto the wire; dropped: ${drops.join(', ')}\n`);
  io.out('  (the guest VM is in VLAN 100 and cannot reach the web VM; spoof check stopped the forged source address;\n');
  io.out('   the PF\'s own RX is off, so its copies of floods are counted as rx-disabled; only the trusted cache VM saw the unknown unicast)\n');

  // The price of bypass: state the hypervisor cannot see. Two frames wait in vm-db's RX ring (its
  // driver has not run yet) when the hypervisor tries to migrate the VM by saving config space.
  const waiting = p.queues(2);
  waiting.deliverRx(frame(vmMac(1), WIRE, 'in flight 1'));
  waiting.deliverRx(frame(vmMac(1), WIRE, 'in flight 2'));
  const inv = migrationInventory(p, 2);
  const where = (l: string): number => inv.filter((i) => i.location === l).length;
  io.out(`\nLive migration of vm-db (VF2) by a hypervisor that saves and restores config space: of ${inv.length} pieces of VF state, ${where('config-space')} live in config space, ${where('pf-control')} in the PF driver's control block, ${where('device-internal')} only inside the device.\n`);
  for (const line of attemptMigration(p, 2, { pfDriverRestores: true }).summary) io.out(`  lost: ${line}\n`);

  io.out('\nThe hypervisor-bypass claim, measured in the model (same VMs, same traffic; this takes a few seconds):\n\n');
  io.out(formatComparison(compareVswitchVsVf({ vms: VMS.length })));
}
