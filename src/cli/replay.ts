import { parseArgs } from 'node:util';
import { ForwardingCore, secondsToCycles, type ForwardingProfile } from '../devices/index.js';
import { asMac, formatMac, isGroup, type Mac } from '../link/index.js';
import { EXIT, UsageError, readInput, type CliIo } from './io.js';

/** Help text of `iovsim replay`. */
export const REPLAY_HELP = `Usage: iovsim replay <sequence.json> [--ports N] [--profile ieee|linux] [--ageing S] [--stp] [--group-fwd-mask M]

Replays a frame sequence through one learning switch and prints which ports received each frame,
in exactly the input and output formats of the Linux-bridge oracle
(shared/oracles/linux-bridge/oracle.py), so our model can be diffed against a real bridge.

Input (JSON): a list of frames, or {"static_fdb": [...], "frames": [...]}
  frame       {"in_port": 0, "dst": "02:00:00:00:00:0b", "src": "02:00:00:00:00:0a",
               "ethertype": "0x88b5", "payload_hex": "00", "wait_s": 0.5}
              ethertype (number, or text such as "0x88b5") and payload_hex are checked but do not
              change the decision; wait_s advances simulated time before the frame; "expect" and
              "note" are ignored. Frames themselves take no simulated time.
  static_fdb  {"mac": "02:00:00:00:00:0a", "port": 1, "sticky": false}
Output: {"<frame index>": [ports], ...} on one line, as the oracle prints it.

The switch is the oracle's bridge: its own address 02:b0:ff:00:00:00 and port addresses
02:b0:00:00:00:<port> (and 02:b0:00:00:00:fe, the oracle's sync port) are local: frames to them
reach no port. Addresses 02:ff:ff:ff:ff:xx are reserved by the oracle and refused.

Options:
  --ports N             ports, 1..254 (default 4)
  --profile P           linux (default: the Linux bridge, what the oracle runs) or ieee (802.1D/Q)
  --ageing S            ageing time in seconds, rounded to 10 ms as the oracle does (default 300;
                        0 disables learning)
  --stp                 STP runs (a lone bridge: every port forwarding); BPDUs to
                        01:80:c2:00:00:00 go to the bridge instead of being flooded
  --group-fwd-mask M    linux group_fwd_mask, e.g. 0x4000 forwards LLDP (bits 0-2 are refused)
  -h, --help            this text

Exit status: 0 replayed; 2 unusable sequence (every problem named by its JSON path) or usage error.
`;

/** The oracle's bridge MAC, port MAC prefix and sync port MAC (oracle.py: BR_MAC, add_port). */
const BRIDGE_MAC = 0x02b0_ff00_0000;
const PORT_MAC_BASE = 0x02b0_0000_0000;
const SYNC_PORT = 0xfe;
/** The oracle's reserved sync addresses 02:ff:ff:ff:ff:00..ff. */
const RESERVED_BASE = 0x02ff_ffff_ff00;
const MAX_PORTS = 254;
/** Cycles of 8 ns per second and per centisecond. */
const CYCLES_PER_S = secondsToCycles(1);
const CYCLES_PER_CS = secondsToCycles(0.01);
/** Linux keeps ageing_time in 32 bits of centiseconds. */
const MAX_AGEING_CS = 0xffff_ffff;
/** The oracle appends a 12-byte trailer; a frame payload fits a 1500-byte MTU. */
const MAX_PAYLOAD = 1500 - 12;

const FRAME_FIELDS = new Set(['in_port', 'dst', 'src', 'ethertype', 'payload_hex', 'wait_s', 'expect', 'note']);
const STATIC_FIELDS = new Set(['mac', 'port', 'sticky']);

interface Problem {
  readonly path: string;
  readonly message: string;
}

interface ReplayFrame {
  readonly inPort: number;
  readonly dst: Mac;
  readonly src: Mac;
  readonly waitCycles: number;
}

interface StaticEntry {
  readonly mac: Mac;
  readonly port: number;
  readonly sticky: boolean;
}

interface Sequence {
  readonly frames: readonly ReplayFrame[];
  readonly staticFdb: readonly StaticEntry[];
}

interface Options {
  readonly ports: number;
  readonly profile: ForwardingProfile;
  readonly ageingCycles: number;
  readonly stp: boolean;
  readonly groupFwdMask: number;
}

/** Python's round() (half to even) for non-negative values, as the oracle rounds --ageing. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return x - Math.floor(x) === 0.5 && r % 2 === 1 ? r - 1 : r;
}

/** The bridge's own addresses in the oracle's topology. */
function localMacs(ports: number): Mac[] {
  return [BRIDGE_MAC, ...Array.from({ length: ports }, (_, i) => PORT_MAC_BASE + i), PORT_MAC_BASE + SYNC_PORT].map((m) => asMac(m));
}

/** Parses `text` as the oracle reads a MAC address: six colon-separated hex octets. */
function parseOracleMac(v: unknown): Mac | string {
  if (typeof v !== 'string') return 'must be a MAC address string such as "02:00:00:00:00:0a"';
  if (!/^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i.test(v)) return `"${v}" is not a MAC address (six hex octets separated by ':')`;
  const mac = asMac(v.split(':').reduce((acc, o) => acc * 256 + parseInt(o, 16), 0));
  if (mac >= RESERVED_BASE && mac <= RESERVED_BASE + 0xff) return `${formatMac(mac)} uses the oracle's reserved prefix 02:ff:ff:ff:ff:`;
  return mac;
}

/** Python's int(text, 0) for the forms the oracle's inputs use (decimal, 0x, 0o, 0b). */
function parsePythonInt(text: string): number | undefined {
  const t = text.trim();
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[oO][0-7]+$/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[bB][01]+$/.test(t)) return parseInt(t.slice(2), 2);
  if (/^([1-9][0-9]*|0+)$/.test(t)) return parseInt(t, 10);
  return undefined;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function checkFrame(x: unknown, path: string, ports: number, problems: Problem[], warnings: Problem[]): Omit<ReplayFrame, 'waitCycles'> & { waitS: number } | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) {
    problems.push({ path, message: 'must be an object' });
    return undefined;
  }
  const r = x as Record<string, unknown>;
  const before = problems.length;
  const bad = (field: string, message: string): void => void problems.push({ path: `${path}.${field}`, message });
  for (const k of Object.keys(r)) if (!FRAME_FIELDS.has(k)) warnings.push({ path: `${path}.${k}`, message: 'is not a field of the oracle\'s format; ignored' });
  const inPort = r['in_port'];
  if (!('in_port' in r)) bad('in_port', 'is missing');
  else if (!isInt(inPort)) bad('in_port', 'must be an integer');
  else if (inPort < 0 || inPort >= ports) bad('in_port', `${inPort} is out of range 0..${ports - 1} (--ports ${ports})`);
  const macs: Mac[] = [];
  for (const f of ['dst', 'src'] as const) {
    const m = f in r ? parseOracleMac(r[f]) : 'is missing';
    if (typeof m === 'string') bad(f, m);
    else macs.push(m);
  }
  const et = r['ethertype'];
  if (et !== undefined && et !== null) {
    const v = typeof et === 'string' ? parsePythonInt(et) : isInt(et) ? et : undefined;
    if (v === undefined || v < 0 || v > 0xffff) bad('ethertype', 'must be a 16-bit number or text such as "0x88b5"');
  }
  const hex = r['payload_hex'];
  if (hex !== undefined && hex !== null) {
    // As Python's bytes.fromhex: hex byte pairs, white space allowed between them.
    const bytes = typeof hex === 'string' && /^\s*([0-9a-f]{2}\s*)*$/i.test(hex) ? hex.replace(/\s/g, '').length / 2 : undefined;
    if (bytes === undefined) bad('payload_hex', 'must be a string of hex byte pairs');
    else if (bytes > MAX_PAYLOAD) bad('payload_hex', `${bytes} bytes exceed ${MAX_PAYLOAD} (the oracle adds a 12-byte trailer within a 1500-byte MTU)`);
  }
  const wait = r['wait_s'] ?? 0;
  if (typeof wait !== 'number' || !Number.isFinite(wait) || wait < 0) bad('wait_s', 'must be a number of seconds >= 0');
  const expect = r['expect'];
  if (expect !== undefined && !(Array.isArray(expect) && expect.every(isInt))) bad('expect', 'must be a list of port numbers');
  if (r['note'] !== undefined && typeof r['note'] !== 'string') bad('note', 'must be a string');
  if (problems.length > before) return undefined;
  return { inPort: inPort as number, dst: macs[0]!, src: macs[1]!, waitS: wait as number };
}

function checkStatic(x: unknown, path: string, ports: number, locals: ReadonlySet<number>, seen: Set<number>, problems: Problem[], warnings: Problem[]): StaticEntry | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) {
    problems.push({ path, message: 'must be an object' });
    return undefined;
  }
  const r = x as Record<string, unknown>;
  const before = problems.length;
  for (const k of Object.keys(r)) if (!STATIC_FIELDS.has(k)) warnings.push({ path: `${path}.${k}`, message: 'is not a field of the oracle\'s format; ignored' });
  const mac = 'mac' in r ? parseOracleMac(r['mac']) : 'is missing';
  if (typeof mac === 'string') problems.push({ path: `${path}.mac`, message: mac });
  else if (mac === 0 || isGroup(mac)) problems.push({ path: `${path}.mac`, message: `${formatMac(mac)} is not an individual address (a static entry needs one)` });
  else if (locals.has(mac)) problems.push({ path: `${path}.mac`, message: `${formatMac(mac)} is the bridge's own address` });
  else if (seen.has(mac)) problems.push({ path: `${path}.mac`, message: `${formatMac(mac)} already has a static entry (bridge fdb add refuses it)` });
  else seen.add(mac);
  const port = r['port'];
  if (!isInt(port)) problems.push({ path: `${path}.port`, message: 'must be an integer' });
  else if (port < 0 || port >= ports) problems.push({ path: `${path}.port`, message: `${port} is out of range 0..${ports - 1}` });
  const sticky = r['sticky'] ?? false;
  if (typeof sticky !== 'boolean') problems.push({ path: `${path}.sticky`, message: 'must be true or false' });
  if (problems.length > before) return undefined;
  return { mac: mac as Mac, port: port as number, sticky: sticky as boolean };
}

/** Checks a sequence document; every problem is named by its JSON path. */
function checkSequence(doc: unknown, ports: number): { sequence?: Sequence; problems: Problem[]; warnings: Problem[] } {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  let framesDoc: unknown;
  let staticDoc: unknown = [];
  let prefix = '';
  if (Array.isArray(doc)) {
    framesDoc = doc;
  } else if (typeof doc === 'object' && doc !== null) {
    const r = doc as Record<string, unknown>;
    for (const k of Object.keys(r)) if (k !== 'frames' && k !== 'static_fdb') warnings.push({ path: k, message: 'is not a field of the oracle\'s format; ignored' });
    if (!('frames' in r)) problems.push({ path: 'frames', message: 'is missing' });
    framesDoc = r['frames'];
    staticDoc = r['static_fdb'] ?? [];
    prefix = 'frames';
  } else {
    return { problems: [{ path: '(top level)', message: 'must be a list of frames or an object with "frames"' }], warnings };
  }
  if (!Array.isArray(framesDoc)) {
    if (problems.length === 0) problems.push({ path: prefix, message: 'must be a list of frames' });
    return { problems, warnings };
  }
  const locals = new Set<number>(localMacs(ports));
  const seen = new Set<number>();
  const staticFdb: StaticEntry[] = [];
  if (!Array.isArray(staticDoc)) problems.push({ path: 'static_fdb', message: 'must be a list' });
  else staticDoc.forEach((s, i) => {
    const e = checkStatic(s, `static_fdb[${i}]`, ports, locals, seen, problems, warnings);
    if (e !== undefined) staticFdb.push(e);
  });
  const frames: ReplayFrame[] = [];
  let now = 0;
  framesDoc.forEach((f, i) => {
    const path = `${prefix}[${i}]`;
    const fr = checkFrame(f, path, ports, problems, warnings);
    if (fr === undefined) return;
    const waitCycles = Math.round(fr.waitS * CYCLES_PER_S);
    now += waitCycles;
    if (!Number.isSafeInteger(now)) {
      problems.push({ path: `${path}.wait_s`, message: 'the waits add up to more time than the model can count' });
      return;
    }
    frames.push({ inPort: fr.inPort, dst: fr.dst, src: fr.src, waitCycles });
  });
  return problems.length > 0 ? { problems, warnings } : { sequence: { frames, staticFdb }, problems, warnings };
}

/** Replays a checked sequence: the ports each frame reached. */
function replay(seq: Sequence, o: Options): number[][] {
  const core = new ForwardingCore(o.ports, { profile: o.profile, ageingCycles: o.ageingCycles, stp: o.stp, groupFwdMask: o.groupFwdMask, localMacs: localMacs(o.ports) });
  for (const s of seq.staticFdb) core.addStatic(s.mac, s.port, { sticky: s.sticky, now: 0 });
  let now = 0;
  return seq.frames.map((f) => {
    now += f.waitCycles;
    const d = core.decide(f.inPort, { dst: f.dst, src: f.src }, now);
    return d.kind === 'forward' ? [...d.ports] : [];
  });
}

/** The oracle's stdout: Python's json.dumps of {"<index>": [ports]} (", " and ": " separators). */
function formatOracleOutput(result: readonly (readonly number[])[]): string {
  return `{${result.map((ports, i) => `"${i}": [${ports.join(', ')}]`).join(', ')}}`;
}

function parseOptions(values: { ports?: string | undefined; profile?: string | undefined; ageing?: string | undefined; stp?: boolean | undefined; 'group-fwd-mask'?: string | undefined }): Options {
  const ports = values.ports === undefined ? 4 : /^\d+$/.test(values.ports) ? Number(values.ports) : NaN;
  if (!(ports >= 1 && ports <= MAX_PORTS)) throw new UsageError(`--ports ${values.ports ?? ''} is not an integer 1..${MAX_PORTS} (the oracle's port addresses 02:b0:00:00:00:00..fd)`);
  const profile = values.profile ?? 'linux';
  if (profile !== 'linux' && profile !== 'ieee') throw new UsageError(`--profile ${profile} is not ieee or linux`);
  const ageingText = values.ageing ?? '300';
  const ageing = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(ageingText) ? Number(ageingText) : NaN;
  const cs = roundHalfEven(ageing * 100);
  if (!Number.isFinite(ageing) || cs > MAX_AGEING_CS) throw new UsageError(`--ageing ${ageingText} is not a number of seconds 0..${MAX_AGEING_CS / 100}`);
  const maskText = values['group-fwd-mask'];
  const mask = maskText === undefined ? 0 : parsePythonInt(maskText);
  if (mask === undefined || mask > 0xffff) throw new UsageError(`--group-fwd-mask ${maskText ?? ''} is not a 16-bit number (e.g. 0x4000)`);
  if ((mask & 0x7) !== 0) throw new UsageError(`--group-fwd-mask ${maskText ?? ''} sets bits 0-2, which the Linux bridge refuses (EINVAL)`);
  if (mask !== 0 && profile === 'ieee') throw new UsageError('--group-fwd-mask needs --profile linux (an IEEE bridge never forwards reserved addresses)');
  return { ports, profile, ageingCycles: cs * CYCLES_PER_CS, stp: values.stp === true, groupFwdMask: mask };
}

/** `iovsim replay`. @returns the exit code. */
export function replayCommand(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { ports: { type: 'string' }, profile: { type: 'string' }, ageing: { type: 'string' }, stp: { type: 'boolean' }, 'group-fwd-mask': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    io.out(REPLAY_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('replay takes one sequence file');
  const options = parseOptions(values);
  const file = positionals[0]!;
  const text = readInput(io, 'replay', file);
  if (text === undefined) return EXIT.unusable;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    io.err(`iovsim replay: ${file}: not JSON: ${(e as Error).message}\n`);
    return EXIT.unusable;
  }
  const { sequence, problems, warnings } = checkSequence(doc, options.ports);
  for (const w of warnings) io.err(`iovsim replay: ${file}: warning: ${w.path}: ${w.message}\n`);
  if (sequence === undefined) {
    for (const p of problems) io.err(`iovsim replay: ${file}: ${p.path}: ${p.message}\n`);
    return EXIT.unusable;
  }
  io.out(`${formatOracleOutput(replay(sequence, options))}\n`);
  return EXIT.ok;
}
