// Layer-2 benchmarks: the switch scenarios of ../shared/anchors/ns3 (full duplex = ns-3 "simple",
// half duplex = ns-3 "csma"; N = 8 and 32; the same offered schedule), and the cost per frame of a
// switch from 8 to 1024 ports. Figures are wall-clock on this machine; ratios to ns-3 are printed
// only when ns-3 runs in the same benchmark run (NS3_L2BENCH=<l2bench binary>).
import { existsSync, readFileSync } from 'node:fs';

export async function benchL2() {
  const { Kernel, Host, BurstHost, FrameHost, Cable, BurstCable, FrameCable, Switch, asMac } = await import('../dist/index.js');
  const { ns3Schedule, runNs3 } = await import('./ns3-workload.mjs');
  const frames = Number(process.env.BENCH_SWITCH_FRAMES ?? 20_000);
  // 80 ns per cycle = one byte time at 100 Mb/s; 50 m of cable = 250 ns, rounded up to 320 ns.
  const timing = { cycleNs: 80 };
  const run = ({ n, ports = n, duplex, mode, load }) => {
    const sched = ns3Schedule({ n, frames, load });
    const [H, C] = mode === 'burst' ? [BurstHost, BurstCable] : mode === 'frame' ? [FrameHost, FrameCable] : [Host, Cable];
    const k = new Kernel({ seed: 1 });
    let delivered = 0;
    const rng = (name) => k.rng(name);
    const hosts = Array.from({ length: n }, (_, i) => k.add(new H(`h${i}`, { mac: asMac(0x0200_0000_0000 + i), duplex, ...(duplex === 'half' ? { rng: k.rng(`h${i}`) } : {}), rate: 100, timing, queueLimit: 100, onReceive: () => delivered++ })));
    const sw = k.add(new Switch('sw', { ports, mac: asMac(0x0200_0000_ff00), mode, duplex, rng, rate: 100, timing, queueLimit: 100 }));
    hosts.forEach((h, i) => k.add(new C(`c${i}`, h.port, sw.ports[i], { metres: 50, timing }, k.rng(`c${i}`))));
    for (const o of sched.offers) hosts[o.host].sendAt(Math.floor(o.timeNs / timing.cycleNs), { dst: asMac(0x0200_0000_0000 + o.dst), src: hosts[o.host].mac, type: 0x88b5, payload: new Uint8Array(46) });
    globalThis.gc?.(); // the set-up's garbage is not the run's (ns-3's figure times its run only, too)
    const t0 = process.hrtime.bigint();
    k.run();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    return { s, delivered, hash: sched.hash, drops: hosts.reduce((a, h) => a + h.counters.drops['queue-full'], 0) + sw.counters.queueDrops };
  };
  const best = (o, reps) => Array.from({ length: reps }, () => run(o)).reduce((a, b) => (a.s <= b.s ? a : b));
  const results = new URL('../../shared/anchors/ns3/results.jsonl', import.meta.url);
  const rows = existsSync(results) ? readFileSync(results, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  const ns3Bin = process.env.NS3_L2BENCH;
  console.log(`\nlayer 2: ns-3 switch scenarios, ${frames} frames of 64 bytes, 100 Mb/s, load 0.2 per host (best of 3, frame mode best of 5; store-and-forward, output queues of 100)`);
  console.log('  frame mode (an event per frame, full duplex only) gives exactly what burst mode gives (LINK-FMODE-01); here the same deliveries and drops are checked too');
  console.log('  links         N  mode    offered fr/s  delivered  ns-3 (anchor machine, not this run)');
  const same = new Map(); // `${link} ${n}` -> { burst, frame, ns3 } (this run)
  for (const [label, duplex, link] of [['full duplex', 'full', 'simple'], ['half duplex', 'half', 'csma']]) {
    for (const n of [8, 32]) {
      // ns-3 first, so each of our rows can print its ratio to the same run.
      const entry = { burst: undefined, frame: undefined, ns3: undefined, spread: '' };
      same.set(`${link} ${n}`, entry);
      if (ns3Bin !== undefined && existsSync(ns3Bin)) {
        const r = await runNs3(ns3Bin, ['--scenario=switch', `--link=${link}`, `--n=${n}`, `--frames=${frames}`, '--load=0.2']);
        entry.ns3 = r.rate;
        entry.spread = r.spread;
      }
      const ref = rows.filter((x) => x.scenario === 'switch' && x.link === link && x.n === n && x.load === 0.2 && x.frames === 100000);
      const anchor = ref.length > 0 ? `${Math.max(...ref.map((x) => x.frames_offered / x.wall_run_s)).toFixed(0)} fr/s` : 'n/a';
      let burst;
      for (const mode of duplex === 'full' ? ['frame', 'burst', 'symbol'] : ['burst', 'symbol']) {
        if (mode === 'symbol' && n === 32) continue; // symbol mode is the reference, not the fast path
        const r = best({ n, duplex, mode, load: 0.2 }, mode === 'frame' ? 5 : mode === 'burst' ? 3 : 1);
        const rate = frames / r.s;
        if (mode !== 'symbol') entry[mode] = rate;
        if (mode === 'burst') burst = r;
        let note = '';
        if (entry.ns3 !== undefined && mode !== 'symbol') note += `; ns-3 same run (best of 3; ${entry.spread}) ${entry.ns3.toFixed(0)} fr/s, iovsim/ns-3 = ${(rate / entry.ns3).toFixed(2)}x (target >= 5x)`;
        console.log(`  ${label}  ${String(n).padStart(3)}  ${mode.padEnd(6)}  ${rate.toFixed(0).padStart(12)}  ${String(r.delivered).padStart(9)}  ${anchor}${note}`);
      }
      if (entry.frame !== undefined) {
        const f = run({ n, duplex, mode: 'frame', load: 0.2 });
        console.log(`                        frame / burst: ${(entry.frame / entry.burst).toFixed(2)}x; same deliveries and drops: ${f.delivered === burst.delivered && f.drops === burst.drops}`);
      }
    }
  }
  // Reference point: the same schedule through a bare frame-level event loop in plain JavaScript
  // that models nothing (bench/bare-des.mjs): roughly how fast JavaScript goes when almost nothing is modelled.
  const { bareSwitchDes, bestWarm } = await import('./bare-des.mjs');
  console.log('\n  reference point: a bare frame-level event loop in JavaScript that models nothing (5 events per frame, 4 on a heap; bench/bare-des.mjs), full duplex, best of 5');
  for (const n of [8, 32]) {
    const sched = ns3Schedule({ n, frames, load: 0.2 });
    const { seconds, result: delivered } = bestWarm(() => bareSwitchDes(sched, n));
    const rate = frames / seconds;
    const s = same.get(`simple ${n}`);
    const vsNs3 = s?.ns3 === undefined ? '' : `, ${(rate / s.ns3).toFixed(2)}x ns-3 of the same run`;
    console.log(`     N = ${String(n).padStart(2)}: ${rate.toFixed(0)} offered fr/s, ${delivered} delivered${vsNs3}; iovsim frame mode does ${(s.frame / rate).toFixed(2)}x of it, burst mode ${(s.burst / rate).toFixed(2)}x`);
  }
  for (const mode of ['burst', 'frame']) {
    console.log(`\n  cost per frame as the switch grows (8 hosts on the first ports, the rest unconnected; full duplex, ${mode} mode)`);
    let base;
    for (const ports of [8, 64, 256, 1024]) {
      const r = best({ n: 8, ports, duplex: 'full', mode, load: 0.2 }, 3);
      const us = (r.s / frames) * 1e6;
      base ??= us;
      console.log(`  ${String(ports).padStart(5)} ports: ${us.toFixed(2)} us per offered frame (${(us / base).toFixed(2)}x the 8-port cost), ${r.delivered} delivered`);
    }
  }
}
