import { Host, PortTap, Repeater, SignalRecorder, buildTopology, topologyToDot, type RecordedWaves, type TopologyDef } from '../devices/index.js';
import { BROADCAST, Cable, CABLE, asMac, type Frame, type Mac } from '../link/index.js';
import { Kernel } from '../sim/index.js';
import type { CliIo } from './io.js';

const mac = (i: number): Mac => asMac(0x0200_0000_0000 + i);
const frame = (src: number, dst: Mac, tag: number): Frame => ({ dst, src: mac(src), type: 0x88b5, payload: new Uint8Array(46).fill(tag) });

/** What the layer-1 demo leaves for files: the hub topology as DOT, a pcap per host port, and the hub's waveforms. */
export interface Layer1Artifacts {
  readonly dot: string;
  readonly pcaps: readonly { readonly name: string; readonly packets: readonly { timeNs: bigint; data: Uint8Array; originalLength: number }[] }[];
  readonly waves: RecordedWaves;
}

/** The layer-1 part of the demo: a cable too long, the same run with a repeater, and a hub with collisions. */
export function layer1Demo(io: CliIo): Layer1Artifacts {
  io.out('\n==== Layer 1: cables, a repeater, a hub ====\n\n');
  const runPair = (metres: number, repeater: boolean): string => {
    const k = new Kernel({ seed: 1 });
    const a = k.add(new Host('a', { mac: mac(1) }));
    const b = k.add(new Host('b', { mac: mac(2) }));
    if (repeater) {
      const r = k.add(new Repeater('rep', { latency: 2 }));
      k.add(new Cable('c1', a.port, r.ports[0], { metres: metres / 2 }, k.rng('c1')));
      k.add(new Cable('c2', r.ports[1], b.port, { metres: metres / 2 }, k.rng('c2')));
    } else {
      k.add(new Cable('c', a.port, b.port, { metres }, k.rng('c')));
    }
    for (let i = 0; i < 10; i++) a.send(frame(1, mac(2), i));
    k.run();
    const d = b.counters.drops;
    return `${String(b.counters.rxFrames).padStart(2)} of 10 frames delivered, ${d['bad-fcs'] + d['no-sfd'] + d.runt} dropped (bad FCS / no SFD / runt)`;
  };
  io.out(`A 100 Mb/s link is rated for ${CABLE.ratedLength} m (the model: ${CABLE.dbPerMetre} dB/m, receivers need -20 dB):\n`);
  io.out(`  90 m cable:                   ${runPair(90, false)}\n`);
  io.out(`  160 m cable:                  ${runPair(160, false)}\n`);
  io.out(`  160 m with a repeater at 80 m: ${runPair(160, true)}\n`);

  const def: TopologyDef = {
    seed: 7,
    nodes: [
      { kind: 'hub', name: 'hub', ports: 4 },
      ...[0, 1, 2, 3].map((i) => ({ kind: 'host' as const, name: `h${i}`, mac: `02:00:00:00:00:0${i}`, duplex: 'half' as const, promiscuous: i === 3 })),
    ],
    links: [0, 1, 2, 3].map((i) => ({ a: `h${i}`, b: `hub.${i}`, metres: 20 + 10 * i })),
  };
  const net = buildTopology(def);
  const k = net.kernel;
  const hosts = [0, 1, 2, 3].map((i) => net.hosts.get(`h${i}`)!);
  const hub = net.hubs.get('hub')!;
  const taps = hosts.map((h) => k.add(new PortTap(`tap.${h.name}`, h.port, { direction: 'both' })));
  const recorder = k.add(new SignalRecorder('waves', { ports: hub.ports }));
  hosts[0]!.sendAt(0, frame(0, mac(1), 1));
  hosts[1]!.sendAt(0, frame(1, mac(2), 2)); // starts together with h0: a collision
  hosts[2]!.sendAt(5_000, frame(2, BROADCAST, 3));
  k.run();
  for (const t of taps) t.flush();
  io.out(`\nFour half-duplex hosts on a hub (h3 promiscuous: every station on a hub sees every frame); h0 and h1 start at once:\n`);
  io.out('  host  tx  rx  collisions  not-for-us  fragments\n');
  for (const h of hosts) {
    const c = h.counters;
    io.out(`  ${h.name.padEnd(4)} ${String(c.txFrames).padStart(3)} ${String(c.rxFrames).padStart(3)} ${String(c.collisions).padStart(11)} ${String(c.drops['not-for-us']).padStart(11)} ${String(c.drops['no-sfd'] + c.drops.runt + c.drops['bad-fcs']).padStart(10)}\n`);
  }
  io.out(`  hub: ${hub.collisions} collision(s), jam sent to every port; ${k.stepped} of ${k.cycle} cycles stepped (idle skipping)\n`);
  return {
    dot: topologyToDot(def),
    pcaps: taps.map((t, i) => ({ name: `h${i}.pcap`, packets: t.packets() })),
    waves: recorder.toVcd(),
  };
}
