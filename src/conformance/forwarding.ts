import fc from 'fast-check';
import { encodeFrame, isGroup, parseMac } from '../link/frame.js';
import { fromCheck, reportOf, type ConformanceOptions, type ConformanceReport, type ForwardingDelivery, type ForwardingDevice, type ForwardingTarget, type InjectedFrame, type Outcome } from './target.js';

/** The requirements the forwarding suite checks, in catalogue order. */
const SUITE = ['FDB-LEARN-01', 'FDB-AGE-01', 'FDB-STATIC-01', 'FWD-ING-01', 'FWD-DUP-01', 'FWD-UNI-01', 'FWD-FLOOD-01', 'FWD-SRC-01', 'FWD-RSV-01', 'FWD-LNX-01'] as const;
type Req = (typeof SUITE)[number];

const MAX_PORTS = 4096;
/** Width of the uncertain band around the ageing time, as a fraction of it (real bridges age lazily or by a periodic sweep). */
const AGEING_MARGIN = 0.1;
/** Waits between frames, as multiples of the ageing time: two short, two past it. */
const WAIT_FACTORS = [0.3, 0.7, 1.5, 3];
/** Experimental EtherType of the injected frames. @spec IEEE Std 802-2014 §9.2.2 (local experimental EtherType 88-B5) */
const ETHERTYPE = 0x88b5;

const hex2 = (i: number): string => i.toString(16).padStart(2, '0');
const HOSTS = 6;
/** Stations that send and receive (locally administered, 02:1c:0f:00:00:01..06). */
const hostMac = (i: number): string => `02:1c:0f:00:00:${hex2(i + 1)}`;
/** Addresses given static entries; never a source. */
const staticMac = (i: number): string => `02:1c:0f:00:01:${hex2(i + 1)}`;
/** A unicast address never used as a source. */
const UNKNOWN = '02:1c:0f:00:02:01';
const ZERO = '00:00:00:00:00:00';
const BROADCAST_TEXT = 'ff:ff:ff:ff:ff:ff';
/** Group addresses used as sources (never valid). */
const GROUP_SOURCES = [BROADCAST_TEXT, '01:00:5e:00:00:01', '03:1c:0f:00:00:01'];
/** Multicast destinations that are not reserved (mDNS, IPv6 all-nodes, a locally administered group). */
const MULTICASTS = ['01:00:5e:00:00:fb', '33:33:00:00:00:01', '03:1c:0f:00:00:01'];
const reservedMac = (low: number): string => `01:80:c2:00:00:${hex2(low)}`;
/** The payload marker by which copies are recognised. */
const MARKER = Array.from('IOVSIMCF', (c) => c.charCodeAt(0));

/** One frame of a sequence: ingress port, addresses, and seconds to wait before it. */
interface Step {
  readonly in: number;
  readonly src: string;
  readonly dst: string;
  readonly wait?: number;
}

/** A generated run: static entries to add, then the frames. */
interface Scenario {
  readonly statics: readonly { readonly mac: string; readonly port: number }[];
  readonly frames: readonly Step[];
}

/** What the suite knows of the target after checking its declarations. */
interface Info {
  readonly name: string;
  readonly ports: number;
  readonly hairpin: ReadonlySet<number>;
  readonly ageing: number | undefined;
  readonly profile: 'ieee' | 'linux' | undefined;
  readonly statics: boolean;
}

/** The verdict the properties of a bridge give for one frame: the requirement it exercises and the exact set of ports. */
interface Judgement {
  readonly req: Req;
  readonly want: readonly number[];
  readonly why: string;
}

function arbScenario(t: Info): fc.Arbitrary<Scenario> {
  const n = t.ports;
  const waits = t.ageing !== undefined && t.ageing > 0 ? WAIT_FACTORS.map((f) => f * t.ageing!) : [];
  const dst = fc.oneof(
    { arbitrary: fc.nat(HOSTS - 1).map(hostMac), weight: 10 },
    { arbitrary: t.statics ? fc.nat(1).map(staticMac) : fc.nat(HOSTS - 1).map(hostMac), weight: 2 },
    { arbitrary: fc.constant(BROADCAST_TEXT), weight: 2 },
    { arbitrary: fc.constantFrom(...MULTICASTS), weight: 2 },
    { arbitrary: fc.constantFrom(UNKNOWN, ZERO), weight: 1 },
    { arbitrary: fc.nat(15).map(reservedMac), weight: 1 },
  );
  const src = fc.oneof(
    { arbitrary: fc.nat(HOSTS - 1), weight: 18 },
    { arbitrary: fc.constant(ZERO), weight: 1 },
    { arbitrary: fc.constantFrom(...GROUP_SOURCES), weight: 1 },
  );
  const step = fc.record({
    src,
    dst,
    move: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
    port: fc.nat(n - 1),
    wait: waits.length > 0 ? fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, { arbitrary: fc.constantFrom(...waits), weight: 1 }) : fc.constant(0),
  });
  return fc
    .record({
      homes: fc.array(fc.nat(n - 1), { minLength: HOSTS, maxLength: HOSTS }),
      statics: t.statics ? fc.uniqueArray(fc.record({ i: fc.nat(1), port: fc.nat(n - 1) }), { maxLength: 2, selector: (s) => s.i }) : fc.constant<{ i: number; port: number }[]>([]),
      steps: fc.array(step, { minLength: 1, maxLength: 40, size: 'max' }),
    })
    .map(({ homes, statics, steps }): Scenario => {
      // Each station sends from its home port; a move changes its home for good.
      const home = [...homes];
      const frames = steps.map((s): Step => {
        let port = s.port;
        let source: string;
        if (typeof s.src === 'number') {
          if (s.move) home[s.src] = s.port;
          port = home[s.src]!;
          source = hostMac(s.src);
        } else {
          source = s.src;
        }
        return s.wait > 0 ? { in: port, src: source, dst: s.dst, wait: s.wait } : { in: port, src: source, dst: s.dst };
      });
      return { statics: statics.map((s) => ({ mac: staticMac(s.i), port: s.port })), frames };
    });
}

/** A learned entry as the properties describe it. */
interface Entry {
  readonly port: number;
  readonly seen: number;
  /** The address may have been seen on another port before (a station move). */
  readonly moved: boolean;
}

/**
 * For each frame of `sc`, what every correct learning bridge (with the target's declarations)
 * does with it, or undefined where the properties leave a choice (reserved addresses without a
 * profile, ages within the margin of the ageing time, sources that may or may not have been
 * learned).
 */
function judge(t: Info, sc: Scenario): (Judgement | undefined)[] {
  const all = Array.from({ length: t.ports }, (_, i) => i);
  const flood = (ingress: number): number[] => all.filter((p) => p !== ingress || t.hairpin.has(p));
  const exact = (port: number, ingress: number): number[] => (port === ingress && !t.hairpin.has(port) ? [] : [port]);
  const learns = t.ageing !== 0;
  const statics = new Map(sc.statics.map((s) => [s.mac, s.port]));
  const fdb = new Map<string, Entry>();
  const unsure = new Set<string>();
  let zeroSourceSeen = false;
  let now = 0;
  /** 'fresh' within the ageing time, 'aged' past it, 'unsure' near it. */
  const age = (e: Entry): 'fresh' | 'aged' | 'unsure' => {
    if (t.ageing === undefined) return 'fresh';
    const a = now - e.seen;
    return a < t.ageing * (1 - AGEING_MARGIN) ? 'fresh' : a > t.ageing * (1 + AGEING_MARGIN) ? 'aged' : 'unsure';
  };
  const learn = (src: string, port: number, certain: boolean): void => {
    if (!learns) return;
    if (!certain) {
      unsure.add(src);
      fdb.delete(src);
      return;
    }
    const prev = fdb.get(src);
    const prevAge = prev === undefined ? 'aged' : age(prev);
    const moved = unsure.has(src) || (prev !== undefined && prevAge !== 'aged' && (prev.moved || prev.port !== port));
    unsure.delete(src);
    fdb.set(src, { port, seen: now, moved });
  };
  return sc.frames.map((f): Judgement | undefined => {
    now += f.wait ?? 0;
    const src = parseMac(f.src);
    const dst = parseMac(f.dst);
    if (src === 0 || isGroup(src)) {
      zeroSourceSeen ||= src === 0;
      return { req: 'FWD-SRC-01', want: [], why: `its source ${f.src} is ${src === 0 ? 'all-zero' : 'a group address'}` };
    }
    const low = dst - 0x0180_c200_0000;
    if (low >= 0 && low <= 0x0f) {
      if (t.profile === 'ieee') {
        learn(f.src, f.in, false);
        return { req: 'FWD-RSV-01', want: [], why: 'an IEEE bridge never forwards reserved addresses' };
      }
      if (t.profile === 'linux') {
        if (low !== 1) learn(f.src, f.in, true);
        return low === 0
          ? { req: 'FWD-LNX-01', want: flood(f.in), why: 'the Linux bridge floods the bridge group address while STP is off' }
          : { req: 'FWD-LNX-01', want: [], why: low === 1 ? 'the Linux bridge always drops MAC Control (PAUSE)' : 'the Linux bridge forwards other reserved addresses only when group_fwd_mask says so (0)' };
      }
      learn(f.src, f.in, false);
      return undefined;
    }
    learn(f.src, f.in, true);
    if (isGroup(dst)) return { req: 'FWD-FLOOD-01', want: flood(f.in), why: f.dst === BROADCAST_TEXT ? 'broadcast' : 'multicast' };
    const fixed = statics.get(f.dst);
    if (fixed !== undefined) return { req: 'FDB-STATIC-01', want: exact(fixed, f.in), why: `static entry on port ${fixed}` };
    if (dst === 0) return { req: 'FWD-FLOOD-01', want: flood(f.in), why: `unknown unicast (the all-zero address is never learned${zeroSourceSeen ? ', not even from an all-zero source' : ''})` };
    if (unsure.has(f.dst)) return undefined;
    const e = fdb.get(f.dst);
    if (e === undefined) return { req: 'FWD-FLOOD-01', want: flood(f.in), why: 'unknown unicast' };
    const state = age(e);
    if (state === 'unsure') return undefined;
    const waited = now > e.seen;
    if (state === 'aged') return { req: 'FDB-AGE-01', want: flood(f.in), why: `unknown unicast: ${f.dst} was last a source ${now - e.seen} s ago (ageing ${t.ageing} s)` };
    const where = `learned on port ${e.port}${waited ? ` ${now - e.seen} s ago (ageing ${t.ageing} s)` : ''}`;
    return { req: waited ? 'FDB-AGE-01' : e.moved ? 'FDB-LEARN-01' : 'FWD-UNI-01', want: exact(e.port, f.in), why: e.moved ? `${where}, after a station move` : where };
  });
}

/** The frame of step `i`, marked for run `run`. */
function frameOf(s: Step, run: number, i: number): InjectedFrame {
  const payload = new Uint8Array(16);
  payload.set(MARKER, 0);
  new DataView(payload.buffer).setUint32(8, run >>> 0);
  new DataView(payload.buffer).setUint32(12, i >>> 0);
  const frame = { dst: parseMac(s.dst), src: parseMac(s.src), type: ETHERTYPE, payload };
  return { ...frame, bytes: encodeFrame(frame) };
}

/** The index of the frame of run `run` whose copy `bytes` is, or undefined. */
function attribute(bytes: Uint8Array, run: number): number | undefined {
  outer: for (let at = 12; at + 16 <= bytes.length; at++) {
    for (let k = 0; k < MARKER.length; k++) if (bytes[at + k] !== MARKER[k]) continue outer;
    const v = new DataView(bytes.buffer, bytes.byteOffset + at + 8, 8);
    return v.getUint32(0) === run >>> 0 ? v.getUint32(4) : undefined;
  }
  return undefined;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

let runs = 0;

/** Runs `sc` on a fresh device; returns the ports each frame reached, in arrival order. @throws {Error} when the target throws or misbehaves (bad ports, bad deliveries). */
function observe(target: ForwardingTarget, t: Info, sc: Scenario): number[][] {
  const run = ++runs;
  const got: number[][] = sc.frames.map(() => []);
  const call = <T>(what: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw new Error(`the target threw in ${what}: ${message(e)}`);
    }
  };
  const take = (what: string, ds: unknown): void => {
    if (ds === undefined || ds === null) return;
    if (!Array.isArray(ds)) throw new Error(`${what} returned ${typeof ds}, not a list of deliveries`);
    for (const d of ds as unknown[]) {
      const del = d as Partial<ForwardingDelivery> | null;
      if (typeof del !== 'object' || del === null || !(del.bytes instanceof Uint8Array)) throw new Error(`${what} returned a delivery without bytes (a Uint8Array)`);
      const i = attribute(del.bytes, run);
      if (i === undefined || i >= got.length) continue;
      if (typeof del.port !== 'number' || !Number.isInteger(del.port) || del.port < 0 || del.port >= t.ports) throw new Error(`frame #${i} was delivered to port ${String(del.port)}; the target has ports 0..${t.ports - 1}`);
      got[i]!.push(del.port);
    }
  };
  const dev: ForwardingDevice = call('create()', () => target.create());
  for (const s of sc.statics) call(`addStatic(${s.mac}, ${s.port})`, () => dev.addStatic!(parseMac(s.mac), s.port));
  let at = 0;
  sc.frames.forEach((s, i) => {
    if (s.wait !== undefined) {
      at += s.wait;
      if (typeof dev.advance === 'function') call(`advance(${s.wait})`, () => dev.advance!(s.wait!));
    }
    const frame = frameOf(s, run, i);
    take(`inject() of frame #${i}`, call(`inject() of frame #${i}`, () => dev.inject(s.in, frame, at)));
  });
  if (typeof dev.collect === 'function') take('collect()', call('collect()', () => dev.collect!()));
  return got;
}

const list = (ports: readonly number[]): string => `[${ports.join(', ')}]`;

function describe(s: Step, i: number, got: readonly number[]): string {
  return `#${i}${s.wait === undefined ? '' : ` (after ${s.wait} s)`} port ${s.in}: ${s.src} > ${s.dst} reached ${list(got)}`;
}

/** The first violation of `req` in an observed run, as a readable message, or undefined. */
function violation(req: Req, t: Info, sc: Scenario, got: readonly (readonly number[])[], verdicts: readonly (Judgement | undefined)[]): string | undefined {
  const trace = (upTo: number): string => `; the sequence: ${sc.statics.map((s) => `static ${s.mac} on port ${s.port}; `).join('')}${sc.frames.slice(0, upTo + 1).map((s, i) => describe(s, i, got[i]!)).join('; ')}`;
  for (let i = 0; i < sc.frames.length; i++) {
    const s = sc.frames[i]!;
    const ports = got[i]!;
    if (req === 'FWD-ING-01') {
      if (ports.includes(s.in) && !t.hairpin.has(s.in)) return `frame #${i} (${s.src} > ${s.dst}) was sent back out of its ingress port ${s.in}, which is not in hairpin mode${trace(i)}`;
      continue;
    }
    if (req === 'FWD-DUP-01') {
      const twice = ports.find((p, k) => ports.indexOf(p) !== k);
      if (twice !== undefined) return `frame #${i} (${s.src} > ${s.dst}) reached port ${twice} ${ports.filter((p) => p === twice).length} times${trace(i)}`;
      continue;
    }
    const v = verdicts[i];
    if (v === undefined || v.req !== req) continue;
    const set = [...new Set(ports)].sort((a, b) => a - b);
    if (set.length !== v.want.length || set.some((p, k) => p !== v.want[k])) {
      return `frame #${i} from port ${s.in} (${s.src} > ${s.dst}; ${v.why}) reached ${list(set)}, ${v.want.length === 0 ? 'it must reach no port' : `it must reach exactly ${list(v.want)}`}${trace(i)}`;
    }
  }
  return undefined;
}

/** Whether `req` does not apply to the target (it lacks what the requirement is about). */
function notApplicable(req: Req, t: Info): boolean {
  switch (req) {
    case 'FDB-LEARN-01': return t.ports < 2 || t.ageing === 0;
    case 'FWD-UNI-01': return t.ageing === 0;
    case 'FDB-AGE-01': return t.ageing === undefined || t.ageing === 0;
    case 'FDB-STATIC-01': return !t.statics;
    case 'FWD-RSV-01': return t.profile !== 'ieee';
    case 'FWD-LNX-01': return t.profile !== 'linux';
    default: return false;
  }
}

/** Checks the target's declarations and probes one device; returns what the suite needs, or why it cannot run. */
function inspect(target: ForwardingTarget): Info | string {
  const ports = target.ports;
  if (typeof ports !== 'number' || !Number.isInteger(ports) || ports < 1 || ports > MAX_PORTS) return `the target declares ${String(ports)} ports (an integer 1..${MAX_PORTS})`;
  const hp = target.hairpinPorts ?? [];
  if (!Array.isArray(hp) || hp.some((p) => !Number.isInteger(p) || p < 0 || p >= ports)) return `hairpinPorts ${JSON.stringify(hp)} are not ports 0..${ports - 1}`;
  const ageing = target.ageingSeconds;
  if (ageing !== undefined && (typeof ageing !== 'number' || !Number.isFinite(ageing) || ageing < 0)) return `ageingSeconds ${String(ageing)} is not a number of seconds >= 0`;
  const profile = target.profile;
  if (profile !== undefined && profile !== 'ieee' && profile !== 'linux') return `profile '${String(profile)}' is not ieee or linux`;
  let probe: ForwardingDevice;
  try {
    probe = target.create();
  } catch (e) {
    return `create() threw: ${message(e)}`;
  }
  if (typeof probe !== 'object' || probe === null || typeof probe.inject !== 'function') return 'create() returned no device with an inject method';
  return { name: target.name, ports, hairpin: new Set(hp), ageing, profile, statics: typeof probe.addStatic === 'function' };
}

/**
 * The forwarding suite of {@link runConformance}: one fast-check property per requirement over
 * random frame sequences, each run on a fresh device. Sequences are shared between requirements
 * (same seed), and each one's observation is made once and reused.
 * @internal
 */
export function runForwardingSuite(target: ForwardingTarget, options: ConformanceOptions, seed: number): ConformanceReport {
  const name = typeof target.name === 'string' && target.name !== '' ? target.name : 'forwarding target';
  const wanted = SUITE.filter((id) => options.only === undefined || options.only.includes(id));
  let info: Info | string;
  try {
    info = inspect(target);
  } catch (e) {
    info = `reading the target failed: ${message(e)}`;
  }
  if (typeof info === 'string') {
    const why = info;
    return reportOf(name, seed, wanted.map((id) => [id, { status: 'failed', detail: why }]));
  }
  const t = info;
  const arb = arbScenario(t);
  const seen = new Map<string, number[][] | Error>();
  const observed = (sc: Scenario): number[][] => {
    const key = JSON.stringify(sc);
    let o = seen.get(key);
    if (o === undefined) {
      try {
        o = observe(target, t, sc);
      } catch (e) {
        o = e instanceof Error ? e : new Error(String(e));
      }
      seen.set(key, o);
    }
    if (o instanceof Error) throw o;
    return o;
  };
  const outcomes = wanted.map((id): [string, Outcome] => {
    if (notApplicable(id, t)) return [id, { status: 'not-applicable' }];
    try {
      const prop = fc.property(arb, (sc) => {
        const v = violation(id, t, sc, observed(sc), judge(t, sc));
        if (v !== undefined) throw new Error(v);
      });
      return [id, fromCheck(fc.check(prop, { seed, numRuns: options.numRuns ?? 100 }))];
    } catch (e) {
      return [id, { status: 'failed', detail: `the suite could not run: ${message(e)}` }];
    }
  });
  return reportOf(name, seed, outcomes);
}
