import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildConfigSpace, sampleEndpointSpec } from '../../../src/config/index.js';
import { formatLspciDump } from '../../../src/formats/index.js';
import { runCli, runCliAsync } from '../../helpers/cli.js';

const seed = String(fc.readConfigureGlobal().seed ?? 1);

describe('iovsim lspci', () => {
  it('should print a built-in profile and, with --numvfs, its VFs as a raw dump shows them', () => {
    const r = runCli(['lspci', 'igb', '--numvfs', '2', '-vv']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^01:00\.0 Ethernet controller \[0200\]: Device \[8086:10c9\] \(rev 01\)$/m);
    expect(r.out).toMatch(/Capabilities: \[108 v1\] Single Root I\/O Virtualization \(SR-IOV\)/);
    expect(r.out).toMatch(/IOVCtl:\s+Enable\+ Migration- Interrupt- MSE\+ ARIHierarchy\+/);
    expect(r.out).toMatch(/^01:10\.0 Ethernet controller \[0200\]: Device \[ffff:ffff\] \(rev 01\)$/m);
    expect(r.out).toMatch(/^01:10\.2 /m);
    expect(r.out).not.toMatch(/^01:10\.4 /m);
  });

  it('should decode every function of a dump file', () => {
    const dump = formatLspciDump({ address: { domain: 0, bus: 2, device: 3, function: 0 }, bytes: buildConfigSpace(sampleEndpointSpec()).peek() }, 4096);
    const r = runCli(['lspci', 'd.txt'], { 'd.txt': dump });
    expect(r.out).toBe('02:03.0 Ethernet controller [0200]: Device [8086:10c9] (rev 01)\n');
    expect(runCli(['lspci', 'bad'], { bad: '02:03.0 x\n00: 1\n' }).code).toBe(2);
    expect(runCli(['lspci', 'nope']).code).toBe(2);
    expect(runCli(['lspci', 'igb', '--numvfs', 'x']).code).toBe(2);
  });
});

describe('iovsim conform', () => {
  it('REG-RO-01: passes the built-in models and exits 0', async () => {
    for (const t of ['endpoint', 'igb2']) {
      const r = await runCliAsync(['conform', '--target', t, '--seed', seed, '--runs', '30']);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/ 0 failed/);
    }
  });

  it('REG-RW-01: catches a user module whose registers ignore every write, exits 1 and prints the reproducing seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iovsim-conform-'));
    const file = join(dir, 'frozen.mjs');
    // A device that answers a fixed header and ignores writes: Cache Line Size (RW) never changes.
    writeFileSync(file, `
      const bytes = new Uint8Array(4096);
      bytes.set([0x34, 0x12, 0x78, 0x56, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0], 0);
      const read = (off, size) => { let v = 0; for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[off + i]; return v; };
      export default { name: 'frozen', functions: () => [0x100], configRead: (rid, off, size) => rid === 0x100 ? read(off, size) : 2 ** (8 * size) - 1, configWrite: () => {} };
    `);
    const r = await runCliAsync(['conform', '--target', file, '--seed', seed, '--runs', '50']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL REG-RW-01/);
    expect(r.out).toMatch(new RegExp(`reproduce: --seed ${seed}`));
    const json = await runCliAsync(['conform', '--target', file, '--seed', seed, '--runs', '50', '--json', '--only', 'REG-RW-01']);
    expect(JSON.parse(json.out)).toMatchObject({ target: 'frozen', failed: 1, results: [{ id: 'REG-RW-01', status: 'failed' }] });
  });

  it('should exit 2 for a missing target, a module without a target, and bad flags', async () => {
    expect((await runCliAsync(['conform'])).code).toBe(2);
    expect((await runCliAsync(['conform', '--target', '/nonexistent/x.mjs'])).code).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'iovsim-conform-'));
    writeFileSync(join(dir, 'empty.mjs'), 'export const x = 1;\n');
    const r = await runCliAsync(['conform', '--target', join(dir, 'empty.mjs')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/exports no ConfigTarget/);
    expect((await runCliAsync(['conform', '--target', 'igb', '--runs', '0'])).code).toBe(2);
  });
});
