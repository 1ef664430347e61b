// The offered workload of ../shared/anchors/ns3 (l2bench), generated the way its README specifies:
// one mulberry32 stream per host seeded with seed ^ (0x9E3779B9 * (i + 1)), Poisson arrivals with
// mean T = round(wire time / load), a uniform destination among the other hosts, and the FNV-1a
// schedule hash that lets us check we offer exactly the same frames.

function mulberry32(seed) {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function fnvBytes(h, value, bytes) {
  let lo = value % 2 ** 32;
  let hi = Math.floor(value / 2 ** 32);
  for (let b = 0; b < bytes; b++) {
    const byte = b < 4 ? (lo >>> (8 * b)) & 0xff : (hi >>> (8 * (b - 4))) & 0xff;
    h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  }
  return h;
}

/** Frames offered: [{ host, timeNs, dst }] sorted by time, and the schedule hash. */
export function ns3Schedule({ n, frames, load, frameBytes = 64, rateBps = 100e6, seed = 1 }) {
  const wireNs = Math.round((frameBytes * 8 * 1e9) / rateBps);
  const T = Math.round(wireNs / load);
  const offers = [];
  let hash = 0;
  for (let i = 0; i < n; i++) {
    const next = mulberry32(Math.imul(0x9e3779b9, i + 1) ^ (seed >>> 0));
    const count = Math.floor(frames / n) + (i < frames % n ? 1 : 0);
    let h = 0x811c9dc5;
    let t = 0;
    for (let k = 0; k < count; k++) {
      t += Math.round(-Math.log((next() + 0.5) / 2 ** 32) * T);
      let d = next() % (n - 1);
      if (d >= i) d++;
      h = fnvBytes(fnvBytes(h, t, 8), d, 4);
      offers.push({ host: i, timeNs: t, dst: d });
    }
    hash = (hash + h) >>> 0;
  }
  offers.sort((a, b) => a.timeNs - b.timeNs || a.host - b.host);
  return { offers, intervalNs: T, hash: hash.toString(16).padStart(8, '0') };
}

/**
 * Runs the ns-3 program `bin` with `args` `reps` times and returns the output of its fastest run
 * (the highest offered frames per wall second of `Simulator::Run`) and that rate: ns-3 gets the
 * same best-of-N as our own figures, and its run-to-run spread is printed.
 */
export async function runNs3(bin, args, reps = 3) {
  const { execFileSync } = await import('node:child_process');
  const outs = Array.from({ length: reps }, () => JSON.parse(execFileSync(bin, args).toString()));
  const rates = outs.map((o) => o.frames_offered / o.wall_run_s);
  const i = rates.indexOf(Math.max(...rates));
  return { out: outs[i], rate: rates[i], spread: `${Math.min(...rates).toFixed(0)}–${rates[i].toFixed(0)}` };
}
