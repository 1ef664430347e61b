import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatPcap } from '../../src/formats/index.js';
import type { PcapPacket } from '../../src/formats/index.js';

const probe = spawnSync('tcpdump', ['--version'], { encoding: 'utf8' });
const haveTcpdump = probe.error === undefined && probe.status === 0;
if (!haveTcpdump) console.warn('[iovsim] skipping pcap interop: tcpdump not found (apt-get install tcpdump)');
/** tcpdump ≥ 4.6 with libpcap ≥ 1.5 prints nanosecond times with --nano (listed by --help). */
const help = haveTcpdump ? spawnSync('tcpdump', ['--help'], { encoding: 'utf8' }) : undefined;
const haveNano = /--nano\b/.test(`${help?.stdout ?? ''}${help?.stderr ?? ''}`); // 4.99 prints help on stdout, older ones on stderr
if (haveTcpdump && !haveNano) console.warn('[iovsim] pcap interop: this tcpdump has no --nano; checking microsecond times only');

const HOST1 = '02:00:00:00:00:01';
const HOST2 = '02:00:00:00:00:02';
const BCAST = 'ff:ff:ff:ff:ff:ff';

const macBytes = (mac: string): number[] => mac.split(':').map((h) => parseInt(h, 16));

/** An Ethernet frame of `length` bytes (no FCS): destination, source, EtherType, payload, zero padding. */
function frame(dst: string, src: string, etherType: number, payload: readonly number[], length: number): Uint8Array {
  const b = new Uint8Array(length);
  b.set(macBytes(dst), 0);
  b.set(macBytes(src), 6);
  b[12] = etherType >> 8;
  b[13] = etherType & 0xff;
  b.set(payload, 14);
  return b;
}

/** ARP request (RFC 826): Ethernet/IPv4, who-has 10.0.0.2 tell 10.0.0.1. */
const ARP_REQUEST = [0, 1, 0x08, 0x00, 6, 4, 0, 1, ...macBytes(HOST1), 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2];

/** The three frames at 0, 1.5 µs and 2 s. */
const PACKETS: readonly PcapPacket[] = [
  { timeNs: 0n, data: frame(BCAST, HOST1, 0x0806, ARP_REQUEST, 60) },
  { timeNs: 1_500n, data: frame(HOST2, HOST1, 0x88b5, [0xde, 0xad, 0xbe, 0xef], 64) },
  { timeNs: 2_000_000_000n, data: frame(HOST1, HOST2, 0x88b5, [1, 2, 3, 4], 1514) },
];

/** One header line of `tcpdump -nn -e -tt` per packet (hex-dump lines start with a tab). */
function tcpdump(file: string, extra: readonly string[]): { lines: string[]; stderr: string } {
  const r = spawnSync('tcpdump', ['-r', file, '-nn', '-e', '-tt', ...extra], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' } });
  expect(r.error).toBeUndefined();
  expect(r.status, `tcpdump failed: ${r.stderr}`).toBe(0);
  return { lines: r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('\t')), stderr: r.stderr };
}

/** What tcpdump must print for PACKETS, with the three times as it formats them. */
function expectPackets(lines: readonly string[], times: readonly [string, string, string]): void {
  expect(lines.length).toBe(3);
  const [arp, a, b] = lines;
  expect(arp).toMatch(new RegExp(`^${times[0]} ${HOST1} > ${BCAST}, ethertype ARP \\(0x0806\\), length 60: Request who-has 10\\.0\\.0\\.2 tell 10\\.0\\.0\\.1`));
  expect(a).toMatch(new RegExp(`^${times[1]} ${HOST1} > ${HOST2}, ethertype [^,]*\\(0x88b5\\), length 64`));
  expect(b).toMatch(new RegExp(`^${times[2]} ${HOST2} > ${HOST1}, ethertype [^,]*\\(0x88b5\\), length 1514`));
}

describe.skipIf(!haveTcpdump)('pcap interop (tcpdump -r reads what formatPcap writes)', () => {
  const dir = haveTcpdump ? mkdtempSync(join(tmpdir(), 'iovsim-pcap-')) : '';
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!haveNano)('FMT-PCAP-03: tcpdump -r reads our pcap and prints each packet at its time (nanosecond file, --nano)', () => {
    const file = join(dir, 'ns.pcap');
    writeFileSync(file, formatPcap(PACKETS));
    const { lines, stderr } = tcpdump(file, ['--nano']);
    expect(stderr).toContain('link-type EN10MB (Ethernet), snapshot length 65535');
    expectPackets(lines, ['0\\.000000000', '0\\.000001500', '2\\.000000000']);
  });

  it('FMT-PCAP-03: tcpdump -r reads our pcap and prints each packet at its time (nanosecond file, default microseconds)', () => {
    const file = join(dir, 'ns-us.pcap');
    writeFileSync(file, formatPcap(PACKETS));
    // Without --nano libpcap scales the nanoseconds down to microseconds: 1.5 µs prints as 0.000001.
    expectPackets(tcpdump(file, []).lines, ['0\\.000000', '0\\.000001', '2\\.000000']);
  });

  it('FMT-PCAP-03: tcpdump -r reads our pcap and prints each packet at its time (microsecond file, snapLen 128)', () => {
    const file = join(dir, 'us.pcap');
    writeFileSync(file, formatPcap(PACKETS, { nanosecond: false, snapLen: 128 }));
    const { lines, stderr } = tcpdump(file, []);
    expect(stderr).toContain('link-type EN10MB (Ethernet), snapshot length 128');
    expectPackets(lines, ['0\\.000000', '0\\.000001', '2\\.000000']);
    // The 1514-byte frame was cut to 128 bytes: -x dumps exactly 128 - 14 bytes after the Ethernet header.
    const r = spawnSync('tcpdump', ['-r', file, '-nn', '-x', '-c', '3'], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    const dumps = r.stdout.split(/\n(?=\S)/).map((block) => block.split('\n').filter((l) => l.startsWith('\t')).join(' '));
    const last = dumps[2] ?? '';
    const hexBytes = (last.replace(/\t0x[0-9a-f]{4}:/g, '').match(/[0-9a-f]{2}/g) ?? []).length;
    expect(hexBytes).toBe(128 - 14);
    if (haveNano) expectPackets(tcpdump(file, ['--nano']).lines, ['0\\.000000000', '0\\.000001000', '2\\.000000000']);
  });
});
