// Reference points for the ns-3 switch and hub scenarios, not part of iovsim. The switch: the same offered schedule run
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
 * The binary heap of timed events both bare loops use: parallel typed arrays (time, kind and two
 * integer arguments), earliest time first. `pop()` leaves the event it took in `t`, `k`, `a`, `b`.
 */
class BareHeap {
  constructor(cap) {
    this.time = new Float64Array(cap);
    this.kind = new Uint8Array(cap);
    this.argA = new Int32Array(cap);
    this.argB = new Int32Array(cap);
    this.size = 0;
    this.t = 0; this.k = 0; this.a = 0; this.b = 0;
  }

  push(t, k, a, b) {
    const { time, kind, argA, argB } = this;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time[p] <= t) break;
      time[i] = time[p]; kind[i] = kind[p]; argA[i] = argA[p]; argB[i] = argB[p];
      i = p;
    }
    time[i] = t; kind[i] = k; argA[i] = a; argB[i] = b;
  }

  pop() {
    const { time, kind, argA, argB } = this;
    this.t = time[0]; this.k = kind[0]; this.a = argA[0]; this.b = argB[0];
    const size = --this.size;
    const lt = time[size], lk = kind[size], la = argA[size], lb = argB[size];
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
  }
}

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
  const events = new BareHeap(frames * 4 + 16); // ample: at most a few events per frame in flight
  let t = 0, k = 0, a = 0, b = 0;
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
  const hostSend = (h, f, now) => { hostBusy[h] = 1; events.push(now + WIRE_NS, HOST_DONE, h, f); events.push(now + WIRE_NS + DELAY_NS, AT_SWITCH, h, f); };
  const portSend = (p, f, now) => { portBusy[p] = 1; events.push(now + WIRE_NS, PORT_DONE, p, f); events.push(now + WIRE_NS + DELAY_NS, AT_HOST, p, f); };
  const toPort = (p, f, now) => {
    if (portBusy[p] === 0) portSend(p, f, now);
    else if (portQ[p].length < QUEUE) portQ[p].push(f);
  };
  while (events.size > 0 || nextOffer < frames) {
    if (nextOffer < frames && (events.size === 0 || offerAt[nextOffer] < events.time[0])) {
      t = offerAt[nextOffer]; k = OFFER; a = src[nextOffer]; b = nextOffer; nextOffer++;
    } else {
      events.pop();
      t = events.t; k = events.k; a = events.a; b = events.b;
    }
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

/**
 * The ns-3 hub scenario's reference point: the same schedule on N hosts sharing one collision
 * domain, through a bare event loop with a coarse CSMA/CD and nothing else (no bytes, no hub, no
 * cables, no counters, no kernel). A host starts when it senses no carrier and its gap is over, or
 * defers to the end of the carrier it senses; two transmissions whose signals cross collide, each
 * sender stops after a 32-bit jam and backs off r slots, r uniform in [0, 2^min(attempts, 10) − 1],
 * and gives up after 16 attempts. Signals take DELAY_NS from any host to any other. Events: a
 * start attempt, a collision seen, a transmission's end (each on one heap, stale ones skipped by a
 * per-host generation number). Returns { delivered, collisions }.
 */
export function bareHubDes(sched, n, seed = 1) {
  const WIRE_NS = (64 + 8) * 80; // preamble, SFD and frame
  const IFG_NS = 12 * 80;
  const JAM_NS = 4 * 80;
  const SLOT_NS = 64 * 80;
  const DELAY_NS = 640; // host to hub to host, as the hub bench's two 50 m cables (4 cycles each)
  const QUEUE = 100;
  const offers = sched.offers;
  const frames = offers.length;
  const events = new BareHeap(8 * n + 16); // events carry the host (a) and its generation (b)
  let t = 0, k = 0, h = 0, g = 0;
  let s = (seed ^ 0x9e3779b9) >>> 0; // mulberry32 for the backoff draws
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const TRY = 0, SEEN = 1, END = 2;
  const txStart = new Float64Array(n).fill(-Infinity); // the host's last transmission (frame or jam)
  const txEnd = new Float64Array(n).fill(-Infinity);
  const sending = new Uint8Array(n);
  const waiting = new Uint8Array(n); // a TRY is on the heap
  const gen = new Int32Array(n);
  const hold = new Float64Array(n); // gap or backoff over
  const attempts = new Int32Array(n);
  const q = Array.from({ length: n }, () => []);
  const qHead = new Int32Array(n);
  let delivered = 0, collisions = 0, nextOffer = 0;
  const queued = (x) => q[x].length - qHead[x];
  const schedule = (x, at) => { waiting[x] = 1; events.push(at, TRY, x, gen[x]); };
  const attempt = (x, now) => {
    waiting[x] = 0;
    if (queued(x) === 0 || sending[x] === 1) return;
    if (now < hold[x]) return schedule(x, hold[x]);
    // Carrier sensed at x: another's signal has arrived and not yet passed.
    let busy = -Infinity;
    for (let y = 0; y < n; y++) if (y !== x && txStart[y] + DELAY_NS <= now && now < txEnd[y] + DELAY_NS && txEnd[y] > busy) busy = txEnd[y];
    if (busy !== -Infinity) return schedule(x, busy + DELAY_NS + IFG_NS);
    sending[x] = 1;
    txStart[x] = now;
    txEnd[x] = now + WIRE_NS;
    gen[x]++;
    events.push(txEnd[x], END, x, gen[x]);
    // Transmissions already on the wire whose signal has not reached x yet collide with this one.
    for (let y = 0; y < n; y++) {
      if (y === x || sending[y] === 0 || txStart[y] + DELAY_NS <= now) continue;
      events.push(txStart[y] + DELAY_NS, SEEN, x, gen[x]);
      events.push(now + DELAY_NS, SEEN, y, gen[y]);
    }
  };
  while (events.size > 0 || nextOffer < frames) {
    if (nextOffer < frames && (events.size === 0 || offers[nextOffer].timeNs < events.time[0])) {
      const o = offers[nextOffer++];
      t = o.timeNs; h = o.host;
      if (queued(h) < QUEUE) q[h].push(o.dst);
      if (sending[h] === 0 && waiting[h] === 0) attempt(h, t);
      continue;
    }
    events.pop();
    t = events.t; k = events.k; h = events.a; g = events.b;
    if (g !== gen[h] && k !== TRY) continue; // stale: the transmission it was about is over
    if (k === TRY) {
      if (g === gen[h]) attempt(h, t);
    } else if (k === SEEN) {
      if (sending[h] === 0) continue;
      // Collision: jam, then back off (or give up after 16 attempts).
      collisions++;
      sending[h] = 0;
      txEnd[h] = t + JAM_NS;
      gen[h]++;
      const a = ++attempts[h];
      if (a >= 16) { qHead[h]++; attempts[h] = 0; hold[h] = txEnd[h] + IFG_NS; }
      else hold[h] = txEnd[h] + Math.floor(rand() * 2 ** Math.min(a, 10)) * SLOT_NS;
      schedule(h, hold[h]);
    } else {
      sending[h] = 0;
      qHead[h]++;
      delivered++;
      attempts[h] = 0;
      hold[h] = t + IFG_NS;
      if (qHead[h] > 1024 && qHead[h] * 2 > q[h].length) { q[h] = q[h].slice(qHead[h]); qHead[h] = 0; }
      if (queued(h) > 0) schedule(h, hold[h]);
    }
  }
  return { delivered, collisions };
}

/**
 * Times `run()` the way the reference points are measured: `warm` untimed runs, then the best of
 * `reps`, with no forced collection before them (the bare loops leave no garbage to collect, and a
 * forced collection measured here made the next runs slower, as if cold, by up to 2x). Returns the
 * best time in seconds and the last run's result.
 */
export function bestWarm(run, warm = 5, reps = 5) {
  for (let r = 0; r < warm; r++) run();
  let seconds = Infinity;
  let result;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    result = run();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds, result };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ns3Schedule } = await import('./ns3-workload.mjs');
  const n = Number(process.argv[2] ?? 8);
  const sched = ns3Schedule({ n, frames: 20000, load: 0.2 });
  const hubSched = ns3Schedule({ n, frames: 20000, load: 0.5 / n });
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    const d = bareHubDes(hubSched, n);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`hub N = ${n}: ${Math.round(20000 / s)} offered frames/s, ${d.delivered} delivered, ${d.collisions} collisions`);
  }
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    const d = bareSwitchDes(sched, n);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`N = ${n}: ${Math.round(20000 / s)} offered frames/s, ${d} delivered`);
  }
}
