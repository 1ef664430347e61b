import fc from 'fast-check';
import { encodeFrame, isGroup, parseMac, type Frame } from '../link/frame.js';
import { fromCheck, reportOf, type ConformanceOptions, type ConformanceReport, type ForwardingDelivery, type ForwardingDevice, type ForwardingTarget, type InjectedFrame, type Outcome, type VlanPlan } from './target.js';

/** The requirements the forwarding suite checks, in catalogue order. */
const SUITE = ['FDB-LEARN-01', 'FDB-AGE-01', 'FDB-STATIC-01', 'FWD-ING-01', 'FWD-DUP-01', 'FWD-UNI-01', 'FWD-FLOOD-01', 'FWD-SRC-01', 'FWD-RSV-01', 'FWD-LNX-01', 'VLAN-ING-01', 'VLAN-EGR-01', 'VLAN-FDB-01'] as const;
type Req = (typeof SUITE)[number];
/** The requirements checked on scenarios with a VLAN plan (the others on scenarios without). */
const VLAN_REQS: ReadonlySet<Req> = new Set<Req>(['VLAN-ING-01', 'VLAN-EGR-01', 'VLAN-FDB-01']);
/** VLANs of the generated plans. @spec IEEE 802.1Q-2022 §9.6 (VID 1..4094) */
const PLAN_VLANS = [1, 10, 20];
/** Tags of the generated frames: VLANs of the plans, one no port is a member of, and the reserved 4095 (0 is a priority tag). @spec IEEE 802.1Q-2022 Table 9-2 (reserved VIDs) */
const TAG_VIDS = [0, 1, 10, 20, 30, 4095];

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
const isReservedText = (mac: string): boolean => mac.startsWith('01:80:c2:00:00:0');
/** The payload marker by which copies are recognised. */
const MARKER = Array.from('IOVSIMCF', (c) => c.charCodeAt(0));

/** One frame of a sequence: ingress port, addresses, and seconds to wait before it. */
interface Step {
  readonly in: number;
  readonly src: string;
  readonly dst: string;
  readonly wait?: number;
  /** The 802.1Q tag's VID (0: priority tag), or absent for an untagged frame (VLAN scenarios only). */
  readonly vid?: number;
}

/** A generated run: static entries to add, then the frames. */
interface Scenario {
  readonly statics: readonly { readonly mac: string; readonly port: number }[];
  readonly frames: readonly Step[];
  /** The VLAN plan configured first (VLAN scenarios only). */
  readonly vlans?: VlanPlan;
}

/** What the target did with each frame of a scenario: the ports of its copies and, per copy, the VID of its tag (−1: untagged). */
interface Observed {
  readonly ports: readonly (readonly number[])[];
  readonly tags: readonly (readonly number[])[];
}

/** What the suite knows of the target after checking its declarations. */
interface Info {
  readonly name: string;
  readonly ports: number;
  readonly hairpin: ReadonlySet<number>;
  readonly ageing: number | undefined;
  readonly profile: 'ieee' | 'linux' | undefined;
  readonly statics: boolean;
  /** The device has `configureVlans`. */
  readonly vlans: boolean;
}

/** The verdict the properties of a bridge give for one frame: the requirement it exercises and the exact set of ports. */
interface Judgement {
  readonly req: Req;
  readonly want: readonly number[];
  readonly why: string;
}

/** A random VLAN plan for `n` ports: each port a member of a random subset of {@link PLAN_VLANS}, a PVID among them or none, some of them untagged. */
function arbPlan(n: number): fc.Arbitrary<VlanPlan> {
  const port = fc
    .record({ member: fc.subarray(PLAN_VLANS), pvidPick: fc.nat(PLAN_VLANS.length), untaggedPick: fc.array(fc.boolean(), { minLength: PLAN_VLANS.length, maxLength: PLAN_VLANS.length }) })
    .map(({ member, pvidPick, untaggedPick }) => ({
      pvid: pvidPick < member.length ? member[pvidPick]! : 0,
      vlans: member,
      untagged: member.filter((_, k) => untaggedPick[k]!),
    }));
  return fc.array(port, { minLength: n, maxLength: n }).map((ports) => ({ ports }));
}

/** Random scenarios: without a VLAN plan (`vlans` false), or with one and tagged frames (`vlans` true; no statics, no reserved destinations). */
function arbScenario(t: Info, vlans: boolean): fc.Arbitrary<Scenario> {
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
    tag: vlans ? fc.oneof({ arbitrary: fc.constant(-1), weight: 4 }, { arbitrary: fc.constantFrom(...TAG_VIDS), weight: 5 }) : fc.constant(-1),
    wait: waits.length > 0 ? fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, { arbitrary: fc.constantFrom(...waits), weight: 1 }) : fc.constant(0),
  });
  return fc
    .record({
      homes: fc.array(fc.nat(n - 1), { minLength: HOSTS, maxLength: HOSTS }),
      plan: vlans ? arbPlan(n) : fc.constant(undefined),
      statics: t.statics && !vlans ? fc.uniqueArray(fc.record({ i: fc.nat(1), port: fc.nat(n - 1) }), { maxLength: 2, selector: (s) => s.i }) : fc.constant<{ i: number; port: number }[]>([]),
      steps: fc.array(step, { minLength: 1, maxLength: 40, size: 'max' }),
    })
    .map(({ homes, plan, statics, steps }): Scenario => {
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
        // VLAN scenarios leave reserved destinations to the profile requirements.
        const dst = plan !== undefined && isReservedText(s.dst) ? UNKNOWN : s.dst;
        const step: Step = { in: port, src: source, dst, ...(s.wait > 0 ? { wait: s.wait } : {}) };
        return s.tag >= 0 ? { ...step, vid: s.tag } : step;
      });
      return { statics: statics.map((s) => ({ mac: staticMac(s.i), port: s.port })), frames, ...(plan === undefined ? {} : { vlans: plan }) };
    });
}

/** A learned entry as the properties describe it. */
interface Entry {
  readonly port: number;
  readonly seen: number;
  /** The address may have been seen on another port before (a station move). */
  readonly moved: boolean;
}

type Age = 'fresh' | 'aged' | 'unsure';

/** An entry `elapsed` seconds after its address was last a source: 'fresh' within the ageing time, 'aged' past it, 'unsure' near it (no ageing declared: always fresh). */
function ageOf(ageing: number | undefined, elapsed: number): Age {
  if (ageing === undefined) return 'fresh';
  return elapsed < ageing * (1 - AGEING_MARGIN) ? 'fresh' : elapsed > ageing * (1 + AGEING_MARGIN) ? 'aged' : 'unsure';
}

/**
 * For each frame of `sc`, what every correct learning bridge (with the target's declarations)
 * does with it, or undefined where the properties leave a choice (reserved addresses without a
 * profile, ages within the margin of the ageing time, sources that may or may not have been
 * learned).
 */
function judge(t: Info, sc: Scenario): (Judgement | undefined)[] {
  if (sc.vlans !== undefined) return judgeVlans(t, sc, sc.vlans);
  const all = Array.from({ length: t.ports }, (_, i) => i);
  const flood = (ingress: number): number[] => all.filter((p) => p !== ingress || t.hairpin.has(p));
  const exact = (port: number, ingress: number): number[] => (port === ingress && !t.hairpin.has(port) ? [] : [port]);
  const learns = t.ageing !== 0;
  const statics = new Map(sc.statics.map((s) => [s.mac, s.port]));
  const fdb = new Map<string, Entry>();
  const unsure = new Set<string>();
  let zeroSourceSeen = false;
  let now = 0;
  const age = (e: Entry): Age => ageOf(t.ageing, now - e.seen);
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

/**
 * The VLAN a frame is classified to on its ingress port under `plan`, or undefined when ingress
 * filtering drops it: untagged and priority-tagged frames take the PVID (none: dropped); a tagged
 * frame keeps its VID if the port is a member of it (4095 never is).
 * @spec IEEE 802.1Q-2022 §6.9 (VID 0: priority tag), §8.6.2 (ingress filtering), Table 9-2 (VID 4095 reserved)
 */
function classify(plan: VlanPlan, s: Step): number | undefined {
  const port = plan.ports[s.in]!;
  const vid = s.vid === undefined || s.vid === 0 ? port.pvid : s.vid;
  return vid >= 1 && vid <= 4094 && port.vlans.includes(vid) ? vid : undefined;
}

/** {@link judge} for a scenario with a VLAN plan: ingress filtering, floods within the VLAN, learning per (VLAN, address). */
function judgeVlans(t: Info, sc: Scenario, plan: VlanPlan): (Judgement | undefined)[] {
  const member = (p: number, vid: number): boolean => plan.ports[p]!.vlans.includes(vid);
  const flood = (ingress: number, vid: number): number[] =>
    Array.from({ length: t.ports }, (_, p) => p).filter((p) => (p !== ingress || t.hairpin.has(p)) && member(p, vid));
  const learns = t.ageing !== 0;
  const fdb = new Map<string, { port: number; seen: number }>();
  let now = 0;
  const age = (seen: number): Age => ageOf(t.ageing, now - seen);
  /** Whether `mac` may be known in a VLAN other than `vid` (so that a flood in `vid` shows learning is per VLAN). */
  const elsewhere = (mac: string, vid: number): boolean => [...fdb].some(([k, e]) => k.endsWith(` ${mac}`) && !k.startsWith(`${vid} `) && age(e.seen) !== 'aged');
  return sc.frames.map((f): Judgement | undefined => {
    now += f.wait ?? 0;
    const src = parseMac(f.src);
    const dst = parseMac(f.dst);
    if (src === 0 || isGroup(src)) return { req: 'FWD-SRC-01', want: [], why: `its source ${f.src} is ${src === 0 ? 'all-zero' : 'a group address'}` };
    const vid = classify(plan, f);
    const tag = f.vid === undefined ? 'untagged' : f.vid === 0 ? 'priority-tagged' : `tagged VID ${f.vid}`;
    if (vid === undefined) {
      const p = plan.ports[f.in]!;
      const why = f.vid === undefined || f.vid === 0 ? `${tag} on port ${f.in}, which has no PVID` : f.vid === 4095 ? 'VID 4095 is reserved' : `${tag} on port ${f.in}, a member of ${p.vlans.length === 0 ? 'no VLAN' : `VLANs ${p.vlans.join(', ')} only`}`;
      return { req: 'VLAN-ING-01', want: [], why };
    }
    if (learns) fdb.set(`${vid} ${f.src}`, { port: f.in, seen: now });
    if (isGroup(dst)) return { req: 'VLAN-EGR-01', want: flood(f.in, vid), why: `${f.dst === BROADCAST_TEXT ? 'broadcast' : 'multicast'} in VLAN ${vid} (${tag})` };
    const e = dst === 0 ? undefined : fdb.get(`${vid} ${f.dst}`);
    const state = e === undefined ? 'aged' : age(e.seen);
    if (state === 'unsure') return undefined;
    if (e === undefined || state === 'aged') {
      const other = dst !== 0 && elsewhere(f.dst, vid);
      return { req: other ? 'VLAN-FDB-01' : 'VLAN-EGR-01', want: flood(f.in, vid), why: `unknown unicast in VLAN ${vid}${other ? ` (${f.dst} was learned in another VLAN only)` : ''}${e !== undefined ? ` (last a source in it ${now - e.seen} s ago, ageing ${t.ageing} s)` : ''}` };
    }
    return { req: 'VLAN-FDB-01', want: e.port === f.in && !t.hairpin.has(e.port) ? [] : [e.port], why: `learned in VLAN ${vid} on port ${e.port}` };
  });
}

/** The frame of step `i`, marked for run `run`. */
function frameOf(s: Step, run: number, i: number): InjectedFrame {
  const payload = new Uint8Array(16);
  payload.set(MARKER, 0);
  new DataView(payload.buffer).setUint32(8, run >>> 0);
  new DataView(payload.buffer).setUint32(12, i >>> 0);
  const frame: Frame = { dst: parseMac(s.dst), src: parseMac(s.src), ...(s.vid === undefined ? {} : { vlan: { pcp: 0, dei: false, vid: s.vid } }), type: ETHERTYPE, payload };
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
function observe(target: ForwardingTarget, t: Info, sc: Scenario): Observed {
  const run = ++runs;
  const got: number[][] = sc.frames.map(() => []);
  const tags: number[][] = sc.frames.map(() => []);
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
      tags[i]!.push(tagOf(del.bytes));
    }
  };
  const dev: ForwardingDevice = call('create()', () => target.create());
  if (sc.vlans !== undefined) call('configureVlans()', () => dev.configureVlans!(sc.vlans!));
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
  return { ports: got, tags };
}

/** The VID of a copy's 802.1Q tag, or −1 when it is untagged. @spec IEEE 802.1Q-2022 §9.5 (TPID 0x8100), §9.6 (VID) */
function tagOf(bytes: Uint8Array): number {
  return bytes.length >= 16 && bytes[12] === 0x81 && bytes[13] === 0x00 ? ((bytes[14]! & 0x0f) << 8) | bytes[15]! : -1;
}

const list = (ports: readonly number[]): string => `[${ports.join(', ')}]`;

function describe(s: Step, i: number, got: readonly number[]): string {
  const tag = s.vid === undefined ? '' : s.vid === 0 ? ' priority-tagged' : ` VID ${s.vid}`;
  return `#${i}${s.wait === undefined ? '' : ` (after ${s.wait} s)`} port ${s.in}:${tag} ${s.src} > ${s.dst} reached ${list(got)}`;
}

/** A VLAN plan, readably: `port 0 PVID 10 VLANs 1,10 untagged 10`. */
function describePlan(plan: VlanPlan): string {
  return plan.ports.map((p, i) => `port ${i} ${p.pvid === 0 ? 'no PVID' : `PVID ${p.pvid}`} VLANs ${p.vlans.length === 0 ? 'none' : p.vlans.join(',')}${p.untagged.length === 0 ? '' : ` untagged ${p.untagged.join(',')}`}`).join('; ');
}

/** The first violation of `req` in an observed run, as a readable message, or undefined. */
function violation(req: Req, t: Info, sc: Scenario, seen: Observed, verdicts: readonly (Judgement | undefined)[]): string | undefined {
  const got = seen.ports;
  const plan = sc.vlans === undefined ? '' : `VLAN plan: ${describePlan(sc.vlans)}; `;
  const trace = (upTo: number): string => `; ${plan}the sequence: ${sc.statics.map((s) => `static ${s.mac} on port ${s.port}; `).join('')}${sc.frames.slice(0, upTo + 1).map((s, i) => describe(s, i, got[i]!)).join('; ')}`;
  for (let i = 0; i < sc.frames.length; i++) {
    const s = sc.frames[i]!;
    const ports = got[i]!;
    if (req === 'VLAN-EGR-01' && sc.vlans !== undefined) {
      // Every copy of a frame taken into VLAN v leaves untagged where the port's untagged set holds v,
      // tagged with v elsewhere (frames with an invalid source are FWD-SRC-01's).
      const src = parseMac(s.src);
      const vid = src === 0 || isGroup(src) ? undefined : classify(sc.vlans, s);
      const bad = vid === undefined ? -1 : ports.findIndex((p, k) => seen.tags[i]![k] !== (sc.vlans!.ports[p]?.untagged.includes(vid) === true ? -1 : vid));
      if (bad >= 0) {
        const p = ports[bad]!;
        const tg = seen.tags[i]![bad]!;
        const want = sc.vlans.ports[p]!.untagged.includes(vid!) ? 'untagged' : `tagged with VID ${vid}`;
        return `frame #${i} from port ${s.in} (${s.src} > ${s.dst}, in VLAN ${vid}) left port ${p} ${tg < 0 ? 'untagged' : `tagged with VID ${tg}`}; it must leave it ${want}${trace(i)}`;
      }
    }
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
    case 'VLAN-ING-01':
    case 'VLAN-EGR-01':
    case 'VLAN-FDB-01': return !t.vlans;
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
  return { name: target.name, ports, hairpin: new Set(hp), ageing, profile, statics: typeof probe.addStatic === 'function', vlans: typeof probe.configureVlans === 'function' };
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
  const arb = arbScenario(t, false);
  const arbVlans = t.vlans ? arbScenario(t, true) : undefined;
  const seen = new Map<string, Observed | Error>();
  const observed = (sc: Scenario): Observed => {
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
      const prop = fc.property(VLAN_REQS.has(id) ? arbVlans! : arb, (sc) => {
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
