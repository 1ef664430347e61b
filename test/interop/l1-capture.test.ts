import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kernel } from '../../src/sim/index.js';
import { Cable, asMac, formatMac, type Frame, type Mac } from '../../src/link/index.js';
import { Host, Hub, PortTap, SignalRecorder } from '../../src/devices/index.js';
import { formatPcap, formatVcd, parseVcd, type VcdDump } from '../../src/formats/index.js';

const probe = spawnSync('tcpdump', ['--version'], { encoding: 'utf8' });
const haveTcpdump = probe.error === undefined && probe.status === 0;
if (!haveTcpdump) console.warn('[iovsim] skipping L1 capture interop (OBS-03): tcpdump not found (apt-get install tcpdump)');
const help = haveTcpdump ? spawnSync('tcpdump', ['--help'], { encoding: 'utf8' }) : undefined;
const haveNano = /--nano\b/.test(`${help?.stdout ?? ''}${help?.stderr ?? ''}`);

const onPath = (tool: string): boolean => spawnSync(tool, ['--help'], { encoding: 'utf8' }).error === undefined;
const missing = ['vcd2fst', 'fst2vcd'].filter((t) => !onPath(t));
const haveGtkwave = missing.length === 0;
if (!haveGtkwave) console.warn(`[iovsim] skipping L1 capture interop (OBS-04): ${missing.join(' and ')} not found (apt-get install gtkwave)`);

const mac = (i: number): Mac => asMac(0x0200_0000_0000 + i);
const frame = (src: number, dst: number, seq: number): Frame => ({
  dst: mac(dst), src: mac(src), type: 0x88b5, payload: Uint8Array.from([src, seq, 0xde, 0xad, 0xbe, 0xef, ...new Array<number>(40).fill(0)]),
});

/** Three half-duplex hosts on a hub; hosts 0 and 1 start together (a collision), host 2 later. */
function hubRun() {
  const k = new Kernel({ seed: 3 });
  const hosts = [0, 1, 2].map((i) => k.add(new Host(`h${i}`, { mac: mac(i), duplex: 'half', rng: k.rng(`h${i}`), promiscuous: true })));
  const hub = k.add(new Hub('hub', { ports: 3 }));
  hosts.forEach((h, i) => k.add(new Cable(`c${i}`, h.port, hub.ports[i]!, { metres: 5 + 10 * i }, k.rng(`c${i}`))));
  const tap = k.add(new PortTap('tap0', hub.ports[0]!, { direction: 'both' }));
  const rec = k.add(new SignalRecorder('waves', { ports: [...hub.ports, hosts[0]!.port] }));
  hosts[0]!.sendAt(0, frame(0, 2, 1));
  hosts[1]!.sendAt(0, frame(1, 0, 2));
  hosts[2]!.sendAt(4000, frame(2, 1, 3));
  expect(k.run()).toBe('idle');
  tap.flush();
  return { k, hosts, hub, tap, rec };
}

function run(tool: string, args: readonly string[]): { stdout: string; stderr: string } {
  const r = spawnSync(tool, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' } });
  expect(r.error).toBeUndefined();
  expect(r.status, `${tool} ${args.join(' ')} failed: ${r.stderr}`).toBe(0);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** Per signal `scope.name`: the (time, value) sequence, values as text. */
function histories(dump: VcdDump): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const keys = dump.signals.map((s) => `${s.scope}.${s.name}/${s.width}`);
  for (const k of keys) out.set(k, []);
  for (const c of dump.changes) out.get(keys[c.signal] ?? '')?.push(`${c.time}:${typeof c.value === 'string' ? c.value : BigInt(c.value).toString(16)}`);
  return out;
}

const dir = haveTcpdump || haveGtkwave ? mkdtempSync(join(tmpdir(), 'iovsim-l1-')) : '';
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('L1 capture interop', () => {
  it.skipIf(!haveTcpdump)('OBS-PCAP-02: tcpdump reads the pcap of a simulated hub port', () => {
    const { tap, hub, hosts } = hubRun();
    expect(hub.collisions).toBeGreaterThanOrEqual(1);
    const packets = tap.packets({ complete: true });
    expect(packets).toHaveLength(3);
    const file = join(dir, 'hub-port0.pcap');
    writeFileSync(file, formatPcap(packets));
    const { stdout, stderr } = run('tcpdump', ['-r', file, '-nn', '-e', '-tt', ...(haveNano ? ['--nano'] : [])]);
    console.log(`[iovsim] tcpdump -r hub-port0.pcap:\n${stderr}${stdout}`);
    expect(stderr).toContain('link-type EN10MB (Ethernet)');
    const lines = stdout.split('\n').filter((l) => l !== '' && !l.startsWith('\t'));
    expect(lines).toHaveLength(3);
    const caps = tap.captures.filter((c) => !c.truncated).sort((a, b) => a.cycle - b.cycle);
    const m = hosts.map((h) => formatMac(h.mac));
    // Who sent to whom, in time order as the tap saw it; times as tcpdump prints them.
    const pairs = caps.map((c) => [formatMac(asMac(readMac(c.data, 6))), formatMac(asMac(readMac(c.data, 0)))]);
    expect(new Set(pairs.map((p) => p.join('>')))).toEqual(new Set([`${m[0]}>${m[2]}`, `${m[1]}>${m[0]}`, `${m[2]}>${m[1]}`]));
    lines.forEach((line, i) => {
      const c = caps[i]!;
      const ns = c.timeNs;
      const time = haveNano ? `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}` : `${ns / 1_000_000_000n}.${((ns % 1_000_000_000n) / 1000n).toString().padStart(6, '0')}`;
      expect(line).toMatch(new RegExp(`^${time.replace('.', '\\.')} ${pairs[i]![0]} > ${pairs[i]![1]}, ethertype [^,]*\\(0x88b5\\), length 64`));
    });
  });

  it.skipIf(!haveGtkwave)('OBS-VCD-02: the VCD of a simulated collision survives gtkwave vcd2fst/fst2vcd with every signal change', () => {
    const { rec, hub } = hubRun();
    expect(hub.collisions).toBeGreaterThanOrEqual(1);
    const waves = rec.toVcd();
    const ours = formatVcd({ ...waves, comment: 'iovsim hub collision' });
    const inVcd = join(dir, 'hub.vcd');
    const fst = join(dir, 'hub.fst');
    writeFileSync(inVcd, ours);
    run('vcd2fst', [inVcd, fst]);
    const back = parseVcd(run('fst2vcd', [fst]).stdout);
    const mine = parseVcd(readFileSync(inVcd, 'utf8'));
    expect(back.timescale).toBe(waves.timescale);
    const want = histories(mine);
    expect(histories(back)).toEqual(want);
    expect([...want.keys()].sort()).toEqual(waves.signals.map((s) => `${s.scope}.${s.name}/${s.width}`).sort());
    // The collision is in the waves: some hub port both drives and receives.
    const collided = [0, 1, 2].filter((i) => (want.get(`hub.port${i}.collision/1`) ?? []).some((v) => v.endsWith(':1')));
    expect(collided.length).toBeGreaterThanOrEqual(1);
    // Not a trivial dump: the data bytes of three frames and the fragments on port 0.
    expect(want.get('hub.port0.data/8')!.length).toBeGreaterThan(20);
  });
});

function readMac(b: Uint8Array, at: number): number {
  let v = 0;
  for (let i = 0; i < 6; i++) v = v * 256 + b[at + i]!;
  return v;
}
