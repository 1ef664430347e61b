import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { buildConfigSpace, sampleEndpointSpec } from '../../../src/config/index.js';
import { formatLspciDump, parseLspciDump, parsePcap, parseVcd } from '../../../src/formats/index.js';

const run = runCli;

const fn = buildConfigSpace(sampleEndpointSpec());
const full = formatLspciDump({ address: { domain: 0, bus: 1, device: 0, function: 0 }, bytes: fn.peek(), description: 'Ethernet controller: test' }, 4096);

describe('iovsim dump', () => {
  it('CLI-DUMP-01: should print a 4096-byte dump back byte-identical in lspci -xxxx form', () => {
    const r = run(['dump', 'a.txt'], { 'a.txt': full });
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toBe(full);
  });

  it('CLI-DUMP-01: should normalise several functions of different sizes, with a domain', () => {
    const small = formatLspciDump({ address: { domain: 0x10, bus: 2, device: 3, function: 1 }, bytes: fn.peek(0, 64) }, 64);
    const r = run(['dump', 'b.txt'], { 'b.txt': `${small}\n${full.replace(/ 0a /g, ' 0A ')}` });
    expect(r.code).toBe(0);
    const back = parseLspciDump(r.out);
    expect(back.map((f) => f.size)).toEqual([64, 4096]);
    expect(back[0]!.address).toEqual({ domain: 0x10, bus: 2, device: 3, function: 1 });
    expect(r.out.split('\n')[0]).toMatch(/^0010:02:03\.1 /);
    expect(back[1]!.bytes).toEqual(fn.peek());
  });

  it('CLI-DUMP-01: should truncate to --size 64 and, like lspci -F, never print more than was read', () => {
    const small = formatLspciDump({ address: { domain: 0, bus: 1, device: 0, function: 0 }, bytes: fn.peek(0, 256) }, 256);
    const wide = run(['dump', '--size', '4096', 'c'], { c: small });
    expect(wide.code).toBe(0);
    expect(wide.out).toBe(small);
    const narrow = run(['dump', '--size', '64', 'c'], { c: small });
    expect(parseLspciDump(narrow.out)[0]!.bytes).toEqual(fn.peek(0, 64));
  });

  it('CLI-DUMP-01: should exit 2 naming the line for malformed input', () => {
    const broken = full.replace(/^30: (.*) 00$/m, '30: $1');
    const r = run(['dump', 'bad'], { bad: broken });
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/bad: line 5: .*lspci\.short-line/);
  });

  it('CLI-DUMP-01: should exit 2 for a missing file, a bad --size and a wrong argument count', () => {
    expect(run(['dump', 'nope']).code).toBe(2);
    expect(run(['dump', 'nope']).err).toMatch(/cannot read nope/);
    const bad = run(['dump', '--size', '100', 'x'], { x: full });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--size 100/);
    expect(run(['dump']).code).toBe(2);
    expect(run(['dump', '--bogus', 'x'], { x: full }).code).toBe(2);
    expect(run(['frobnicate']).err).toMatch(/unknown command 'frobnicate'/);
  });

  it('should print help for the program and for each command', () => {
    expect(run(['help']).out).toMatch(/Usage: iovsim <command>/);
    expect(run(['dump', '--help']).out).toMatch(/Usage: iovsim dump/);
    expect(run(['demo', '--help']).out).toMatch(/Usage: iovsim demo/);
  });

  const bin = join(process.cwd(), 'dist/cli/main.js');
  it.skipIf(!existsSync(bin))('CLI-DUMP-01: the built binary reads a file and exits 2 with stderr on bad input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iovsim-dump-'));
    writeFileSync(join(dir, 'ok.txt'), full);
    writeFileSync(join(dir, 'bad.txt'), 'zz:zz.z nonsense\n00: 00\n');
    const ok = spawnSync(process.execPath, [bin, 'dump', join(dir, 'ok.txt')], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(full);
    const bad = spawnSync(process.execPath, [bin, 'dump', join(dir, 'bad.txt')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/line 1/);
  });
});

describe('the iovsim binary', () => {
  const bin = join(process.cwd(), 'dist/cli/main.js');
  it.skipIf(!existsSync(bin))('should end quietly when its reader goes away (iovsim … | head)', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" demo --dump | head -1`], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^iovsim demo/);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
  });
});

describe('iovsim demo', () => {
  it('should build, program and print the sample endpoint with a dump lspci can read', () => {
    const r = run(['demo', '--dump']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/BAR0 probe answers 0xfffe0000/);
    expect(r.out).toMatch(/BAR3 probe answers 0xffffc004 \/ 0xffffffff/);
    expect(r.out).toMatch(/driver\.rsvdz-nonzero/);
    const start = r.out.indexOf('01:00.0 Ethernet controller: iovsim sample');
    const dump = r.out.slice(start, r.out.indexOf('\n\n', start) + 2);
    expect(r.out).toMatch(/Capabilities: \[a0\] Express \(v2\) Endpoint/);
    const [f] = parseLspciDump(dump);
    expect(f!.bytes[0x10 + 2]).toBe(0x80); // BAR0 = 0xfe800000
  });

  it('should print the SR-IOV PF with its VFs, Routing IDs, VF BAR windows and the Linux verdicts', () => {
    const r = run(['demo']);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/^00: /m);
    expect(r.out).toMatch(/VF BAR0: 0xffffc004 \/ 0xffffffff/);
    expect(r.out).toMatch(/^ +2 +01:10\.2 +fe904000-fe907fff +fe924000-fe927fff$/m);
    expect(r.out).toMatch(/^ +8 +01:11\.6 +fe91c000-fe91ffff +fe93c000-fe93ffff$/m);
    expect(r.out).toMatch(/Address 0xfe928010 hits VF 3 \(01:10\.4\) VF BAR3 at offset 0x10/);
    expect(r.out).toMatch(/without ARI forwarding: no, -ENOMEM: can't enable 8 VFs \(bus 02 out of range of \[bus 01\]\)/);
    expect(r.out).toMatch(/with ARI forwarding: +yes/);
  });

  it('LINK-ATTEN-01 HUB-COLL-01: should show the repeater rescuing a long run and a collision on the hub, and write pcap, VCD and DOT files', () => {
    const out = mkdtempSync(join(tmpdir(), 'iovsim-demo-test-'));
    const r = run(['demo', '--out', out]);
    expect(r.out).toContain(`Wrote ${out}/`);
    expect(parsePcap(readFileSync(join(out, 'h3.pcap'))).packets.length).toBeGreaterThanOrEqual(3);
    expect(parseVcd(readFileSync(join(out, 'hub.vcd'), 'utf8')).signals.length).toBe(16);
    expect(readFileSync(join(out, 'hub.dot'), 'utf8')).toMatch(/^graph topology \{/);
    expect(r.out).toMatch(/160 m cable: +0 of 10 frames delivered, 10 dropped/);
    expect(r.out).toMatch(/160 m with a repeater at 80 m: 10 of 10 frames delivered, 0 dropped/);
    expect(r.out).toMatch(/hub: 1 collision\(s\)/);
    expect(r.out).toMatch(/^ {2}h3 +0 +3 /m);
  });
});
