import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatLspciDump, parseLspciDump } from '../../src/formats/index.js';
import type { LspciDumpSize, PciAddress } from '../../src/formats/index.js';

const probe = spawnSync('lspci', ['--version'], { encoding: 'utf8' });
const haveLspci = probe.error === undefined && probe.status === 0;
if (!haveLspci) console.warn('[iovsim] skipping lspci interop: lspci not found (apt-get install pciutils)');

const ADDRESS: PciAddress = { domain: 0, bus: 1, device: 0, function: 0 };

/**
 * A minimal valid type-0 endpoint header: Intel 8086:10c9, revision 01, class 02/00/00 (Ethernet
 * controller), Status with Capabilities List (bit 4) clear, so no capability pointer is followed.
 * Bytes from 0x40 on hold a pattern (device-specific space lspci does not interpret) so that the
 * byte comparison covers the whole dump.
 */
function endpoint(size: LspciDumpSize): Uint8Array {
  const b = new Uint8Array(size);
  b.set([0x86, 0x80, 0xc9, 0x10], 0x00); // Vendor ID, Device ID
  b.set([0x00, 0x00, 0x00, 0x00], 0x04); // Command, Status (Cap- : bit 4 clear)
  b.set([0x01, 0x00, 0x00, 0x02], 0x08); // Revision ID, Prog IF, Subclass, Base class
  b.set([0x00, 0x00, 0x00, 0x00], 0x0c); // Cache line, latency, Header Type 0, BIST
  for (let i = 0x40; i < size; i++) b[i] = (i * 7 + (i >> 8)) & 0xff;
  return b;
}

function lspci(args: readonly string[]): string {
  const r = spawnSync('lspci', args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  expect(r.error).toBeUndefined();
  expect(r.status, `lspci ${args.join(' ')} failed: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe.skipIf(!haveLspci)('lspci interop (lspci -F reads what formatLspciDump writes)', () => {
  const dir = haveLspci ? mkdtempSync(join(tmpdir(), 'iovsim-lspci-')) : '';
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it.each([64, 256, 4096] as const)('a %d-byte dump is decoded by lspci -F -vvv -nn and printed back identically by -xxxx', (size) => {
    const bytes = endpoint(size);
    const file = join(dir, `endpoint-${size}.txt`);
    writeFileSync(file, formatLspciDump({ address: ADDRESS, bytes }));

    const verbose = lspci(['-F', file, '-vvv', '-nn']);
    // The names come from pci.ids and may be missing; the numeric IDs never are.
    expect(verbose).toMatch(/^01:00\.0 [^\n]*\[0200\]: [^\n]*\[8086:10c9\] \(rev 01\)$/m);
    expect(verbose).toMatch(/^\tStatus: Cap- /m);

    const hex = lspci(['-F', file, '-xxxx']);
    const [fn, ...rest] = parseLspciDump(hex);
    expect(rest).toEqual([]);
    expect(fn?.address).toEqual(ADDRESS);
    expect(fn?.size).toBe(size);
    expect(fn?.bytes).toEqual(bytes);
    // lspci prints the data lines exactly as we do (only the header text differs).
    expect(hex.split('\n').slice(1)).toEqual(formatLspciDump({ address: ADDRESS, bytes }).split('\n').slice(1));
  });
});
