// A reference point for the ns-3 switch scenario, not part of iovsim: the same offered schedule run
// through a bare frame-level discrete-event loop in plain JavaScript, with no model at all (no bytes,
// no CRC, no preamble or MAC state machine, no counters, no kernel): each frame is five events (offer,
// sender done, arrival at the switch, egress done, arrival at the host), the offers read in time
// order and the other four on one binary heap, with a learning table and output queues of 100. It
// shows roughly how fast a JavaScript simulator of this workload goes on this machine when it models
// almost nothing.
//
// Timing: full duplex, 100 Mb/s, 64-byte frames plus preamble and inter-frame gap on the wire, 50 m
// cables. Used by bench/run.mjs; `node bench/bare-des.mjs [N]` runs it alone.

/**
 * Runs the schedule `sched` (from ns3-workload.mjs) on N hosts and one switch; returns the frames
 * delivered to their destination.
 */
export function bareSwitchDes(sched, n) {
  const WIRE_NS = (64 + 8 + 12) * 80;
  const DELAY_NS = 250;
  const QUEUE = 100;
  const offers = sched.offers;
  const frames = offers.length;
  const cap = frames * 4 + 16; // ample: at most a few events per frame in flight
  const time = new Float64Array(cap);
  const kind = new Uint8Array(cap);
  const argA = new Int32Array(cap);
  const argB = new Int32Array(cap);
  let size = 0;
  const push = (t, k, a, b) => {
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time[p] <= t) break;
      time[i] = time[p]; kind[i] = kind[p]; argA[i] = argA[p]; argB[i] = argB[p];
      i = p;
    }
    time[i] = t; kind[i] = k; argA[i] = a; argB[i] = b;
  };
  let t = 0, k = 0, a = 0, b = 0;
  const pop = () => {
    t = time[0]; k = kind[0]; a = argA[0]; b = argB[0];
    const lt = time[--size], lk = kind[size], la = argA[size], lb = argB[size];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && time[c + 1] < time[c]) c++;
      if (time[c] >= lt) break;
      time[i] = time[c]; kind[i] = kind[c]; argA[i] = argA[c]; argB[i] = argB[c];
      i = c;
    }
    time[i] = lt; kind[i] = lk; argA[i] = la; argB[i] = lb;
  };
  const src = new Int32Array(frames);
  const dst = new Int32Array(frames);
  const hostBusy = new Uint8Array(n);
  const portBusy = new Uint8Array(n);
  const hostQ = Array.from({ length: n }, () => []);
  const portQ = Array.from({ length: n }, () => []);
  const fdb = new Int32Array(n).fill(-1); // host address -> port
  let delivered = 0;
  const OFFER = 0, HOST_DONE = 1, AT_SWITCH = 2, PORT_DONE = 3, AT_HOST = 4;
  // Offers come in time order: they are merged with the heap instead of sitting in it, so the heap
  // holds only the frames in flight.
  const offerAt = new Float64Array(frames);
  for (let i = 0; i < frames; i++) {
    src[i] = offers[i].host;
    dst[i] = offers[i].dst;
    offerAt[i] = offers[i].timeNs;
  }
  let nextOffer = 0;
  const hostSend = (h, f, now) => { hostBusy[h] = 1; push(now + WIRE_NS, HOST_DONE, h, f); push(now + WIRE_NS + DELAY_NS, AT_SWITCH, h, f); };
  const portSend = (p, f, now) => { portBusy[p] = 1; push(now + WIRE_NS, PORT_DONE, p, f); push(now + WIRE_NS + DELAY_NS, AT_HOST, p, f); };
  const toPort = (p, f, now) => {
    if (portBusy[p] === 0) portSend(p, f, now);
    else if (portQ[p].length < QUEUE) portQ[p].push(f);
  };
  while (size > 0 || nextOffer < frames) {
    if (nextOffer < frames && (size === 0 || offerAt[nextOffer] < time[0])) {
      t = offerAt[nextOffer]; k = OFFER; a = src[nextOffer]; b = nextOffer; nextOffer++;
    } else pop();
    switch (k) {
      case OFFER:
        if (hostBusy[a] === 0) hostSend(a, b, t);
        else hostQ[a].push(b);
        break;
      case HOST_DONE:
        if (hostQ[a].length > 0) hostSend(a, hostQ[a].shift(), t);
        else hostBusy[a] = 0;
        break;
      case AT_SWITCH: {
        fdb[src[b]] = a;
        const out = fdb[dst[b]];
        if (out < 0) { for (let p = 0; p < n; p++) if (p !== a) toPort(p, b, t); }
        else if (out !== a) toPort(out, b, t);
        break;
      }
      case PORT_DONE:
        if (portQ[a].length > 0) portSend(a, portQ[a].shift(), t);
        else portBusy[a] = 0;
        break;
      case AT_HOST:
        if (dst[b] === a) delivered++;
        break;
    }
  }
  return delivered;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ns3Schedule } = await import('./ns3-workload.mjs');
  const n = Number(process.argv[2] ?? 8);
  const sched = ns3Schedule({ n, frames: 20000, load: 0.2 });
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    const d = bareSwitchDes(sched, n);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`N = ${n}: ${Math.round(20000 / s)} offered frames/s, ${d} delivered`);
  }
}
