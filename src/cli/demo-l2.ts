import { buildBurstTopology, type TopologyDef } from '../devices/index.js';
import { BROADCAST, asMac, formatMac, type Frame, type Mac } from '../link/index.js';
import type { CliIo } from './io.js';

const mac = (i: number): Mac => asMac(0x0200_0000_0000 + i);
const frame = (src: number, dst: Mac, tag: number): Frame => ({ dst, src: mac(src), type: 0x88b5, payload: new Uint8Array(46).fill(tag) });
const pad = (v: unknown, n: number): string => String(v).padStart(n);

/** The layer-2 part of the demo: a bridge splitting a LAN of hubs, then a broadcast storm and STP stopping it. */
export function layer2Demo(io: CliIo): void {
  io.out('\n==== Layer 2: a bridge, a broadcast storm, STP ====\n\n');
  // A, B, C on hub1; D, E on hub2; a bridge between the hubs.
  const names = ['A', 'B', 'C', 'D', 'E'];
  const split: TopologyDef = {
    seed: 1,
    nodes: [
      { kind: 'hub', name: 'hub1', ports: 4 },
      { kind: 'hub', name: 'hub2', ports: 3 },
      { kind: 'switch', name: 'bridge', ports: 2, mac: '02:00:00:00:bb:00' },
      ...names.map((n, i) => ({ kind: 'host' as const, name: n, mac: formatMac(mac(i)) })),
    ],
    links: [
      ...names.map((n, i) => ({ a: n, b: i < 3 ? `hub1.${i}` : `hub2.${i - 3}`, metres: 10 })),
      { a: 'hub1.3', b: 'bridge.0', metres: 10 },
      { a: 'hub2.2', b: 'bridge.1', metres: 10 },
    ],
  };
  const net = buildBurstTopology(split);
  const host = (n: string) => net.hosts.get(n)!;
  const br = net.switches.get('bridge')!;
  names.forEach((n, i) => host(n).sendAt(i * 2000, frame(i, BROADCAST, 0))); // everyone speaks once: the bridge learns the sides
  net.kernel.run();
  const crossed = (): number => br.macs[0]!.counters.txFrames + br.macs[1]!.counters.txFrames;
  const before = crossed();
  host('A').send(frame(0, mac(1), 1));
  net.kernel.run();
  const ab = crossed() - before;
  host('A').send(frame(0, mac(4), 2));
  net.kernel.run();
  const ae = crossed() - before - ab;
  io.out('A, B, C on hub1 and D, E on hub2, joined by a 2-port learning bridge (half duplex on each hub):\n');
  io.out(`  A -> B: ${ab === 0 ? 'stays on hub1' : `crossed ${ab} time(s)`} (the bridge learned B on A's side and filtered it: filtered ${br.core.counters.drops['filtered-same-port']})\n`);
  io.out(`  A -> E: crossed ${ae} time(s) to hub2\n`);
  io.out(`  bridge table: ${br.core.fdb.entries(net.kernel.cycle).map((e) => `${names[e.mac - mac(0)] ?? formatMac(e.mac)}@port${e.port}`).join(' ')}\n`);

  // Three switches in a triangle, a host on each.
  const triangle = (stp: boolean): TopologyDef => ({
    seed: 1,
    nodes: [
      ...[0, 1, 2].map((i) => ({ kind: 'switch' as const, name: `sw${i}`, ports: 3, mac: formatMac(asMac(0x0200_0000_f000 + i * 0x100)), stp, stpTimeScale: 0.0001 })),
      ...[0, 1, 2].map((i) => ({ kind: 'host' as const, name: `h${i}`, mac: formatMac(mac(i)) })),
    ],
    links: [
      { a: 'sw0.0', b: 'sw1.0', metres: 10 },
      { a: 'sw1.1', b: 'sw2.0', metres: 10 },
      { a: 'sw2.1', b: 'sw0.1', metres: 10 },
      ...[0, 1, 2].map((i) => ({ a: `h${i}`, b: `sw${i}.2`, metres: 5 })),
    ],
  });
  io.out('\nThree switches in a triangle, one host each; h0 sends one broadcast:\n');
  io.out('  STP  copies made in 1 ms  queue drops  h1 received  h2 received\n');
  for (const stp of [false, true]) {
    const t = buildBurstTopology(triangle(stp));
    const settle = stp ? 800_000 : 0; // 6.4 ms: STP (timers x 0.0001) has converged
    t.kernel.run({ cycles: settle });
    const copies0 = [...t.switches.values()].reduce((n, s) => n + s.counters.copies, 0);
    const rx0 = [1, 2].map((i) => t.hosts.get(`h${i}`)!.counters.rxFrames);
    t.hosts.get('h0')!.send(frame(0, BROADCAST, 9));
    t.kernel.run({ cycles: 125_000 }); // 1 ms
    const copies = [...t.switches.values()].reduce((n, s) => n + s.counters.copies, 0) - copies0;
    const drops = [...t.switches.values()].reduce((n, s) => n + s.counters.queueDrops, 0);
    const rx = [1, 2].map((i) => t.hosts.get(`h${i}`)!.counters.rxFrames - rx0[i - 1]!);
    io.out(`  ${stp ? 'on ' : 'off'}  ${pad(copies, 20)}  ${pad(drops, 11)}  ${pad(rx[0], 11)}  ${pad(rx[1], 11)}${stp ? '' : '   a storm: the copies never stop'}\n`);
    if (stp) {
      const roles = [...t.switches].map(([n, s]) => `${n}: ${[0, 1].map((p) => `port${p} ${s.stp!.portRole(p)}/${s.stp!.portState(p)}`).join(', ')}`);
      io.out(`  with STP the loop is cut: ${roles.join('; ')}\n`);
    }
  }
}
