import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { igbPf } from '../../helpers/arb-sriov.js';
import { buildConfigSpace, sampleEndpointSpec } from '../../../src/config/index.js';
import { formatLspciDump, formatLspciDumps } from '../../../src/formats/index.js';

const run = runCli;

/** The igb-like PF of the helpers as an lspci -xxxx dump at 01:00.0. */
function igbDump(numVfs: number, enable: boolean, ari = true): string {
  const { bytes } = igbPf({ ari, numVfs, enable });
  return formatLspciDump({ address: { domain: 0, bus: 1, device: 0, function: 0 }, bytes, description: 'Ethernet controller: igb' }, 4096);
}

const sizes = ['--vf-bar-size', '0=16K', '--vf-bar-size', '3=0x4000'];

describe('iovsim vfs', () => {
  it('CLI-VFS-01: should list each VF with its Routing ID and VF BAR windows, and the Linux verdict', () => {
    const r = run(['vfs', 'd', ...sizes], { d: igbDump(8, true) });
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^PF 01:00\.0 \[8086:10c9\] SR-IOV: TotalVFs 8, InitialVFs 8, NumVFs 8, VF Enable\+ VF MSE\+ ARI Capable Hierarchy\+$/m);
    expect(r.out).toMatch(/^ +1 01:10\.0 +BAR0 0xfe900000-0xfe903fff {2}BAR3 0xfe920000-0xfe923fff$/m);
    expect(r.out).toMatch(/^ +8 01:11\.6 +BAR0 0xfe91c000-0xfe91ffff {2}BAR3 0xfe93c000-0xfe93ffff$/m);
    expect(r.out).toMatch(/Linux sriov_enable\(8\): would succeed \(System Page Size 4096, last VF bus 01\)/);
  });

  it('CLI-VFS-01: should print one JSON object with the documented fields', () => {
    const r = run(['vfs', 'd', '--json', ...sizes], { d: igbDump(8, true) });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      pf: string; numVfs: number; vfs: { vf: number; rid: string; bars: { bar: number; base: string; size: string }[] }[];
      linux: { enable: boolean; reasons: string[] }; diagnostics: unknown[];
    };
    expect(j.pf).toBe('01:00.0');
    expect(j.numVfs).toBe(8);
    expect(j.vfs).toHaveLength(8);
    expect(j.vfs[1]).toMatchObject({ vf: 2, rid: '01:10.2', bars: [{ bar: 0, base: '0xfe904000', size: '0x4000' }, { bar: 3, base: '0xfe924000', size: '0x4000' }] });
    expect(j.linux).toMatchObject({ enable: true, reasons: [] });
    expect(Array.isArray(j.diagnostics)).toBe(true);
  });

  it('CLI-VFS-01: should take NumVFs from the dump, or enable --numvfs N itself', () => {
    const notEnabled = run(['vfs', 'd', '--json'], { d: igbDump(4, false) });
    const a = JSON.parse(notEnabled.out) as { numVfs: number; vfs: { exists: boolean; bars: unknown[] }[]; diagnostics: { code: string }[] };
    expect(a.numVfs).toBe(4);
    expect(a.vfs.every((v) => !v.exists)).toBe(true);
    expect(a.diagnostics.map((d) => d.code)).toContain('cli.vf-bar-size-unknown');
    const enabled = run(['vfs', 'd', '--json', '--numvfs', '6'], { d: igbDump(4, false) });
    const b = JSON.parse(enabled.out) as { numVfs: number; vfs: { exists: boolean; rid: string }[] };
    expect(b.numVfs).toBe(6);
    expect(b.vfs.map((v) => v.exists)).toEqual([true, true, true, true, true, true]);
    expect(b.vfs[5]!.rid).toBe('01:11.2');
  });

  it('CLI-VFS-01: should report Linux refusing VFs on a bus outside the bridge range (offset 0x180, ARI off)', () => {
    const r = run(['vfs', 'd', '--json', '--bus-range', '01-01'], { d: igbDump(8, true, false) });
    const j = JSON.parse(r.out) as { vfs: { rid: string }[]; linux: { enable: boolean; errno: string; reasons: string[] } };
    expect(j.vfs[0]!.rid).toBe('02:10.0');
    expect(j.linux.enable).toBe(false);
    expect(j.linux.errno).toBe('ENOMEM');
    expect(j.linux.reasons[0]).toMatch(/bus 02 out of range of \[bus 01\]/);
    const wide = JSON.parse(run(['vfs', 'd', '--json', '--bus-range', '01-02'], { d: igbDump(8, true, false) }).out) as { linux: { enable: boolean } };
    expect(wide.linux.enable).toBe(true);
  });

  it('CLI-VFS-01: should skip functions without SR-IOV and exit 2 when no function is a PF', () => {
    const endpoint = buildConfigSpace(sampleEndpointSpec()).peek();
    const both = formatLspciDumps([
      { address: { domain: 0, bus: 1, device: 0, function: 1 }, bytes: endpoint },
      { address: { domain: 0, bus: 1, device: 0, function: 0 }, bytes: buildConfigSpace(sampleEndpointSpec()).peek() },
    ]);
    const none = run(['vfs', 'd'], { d: both });
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no function of the dump is an SR-IOV PF/);
    const mixed = run(['vfs', 'd', '--json'], { d: `${igbDump(2, true)}\n${formatLspciDump({ address: { domain: 0, bus: 1, device: 0, function: 1 }, bytes: endpoint }, 4096)}` });
    expect(mixed.code).toBe(0);
    expect((JSON.parse(mixed.out) as { diagnostics: { code: string; message: string }[] }).diagnostics).toContainEqual(expect.objectContaining({ code: 'cli.function-skipped' }));
  });

  it('CLI-VFS-01: should exit 2 for malformed dumps and bad flags', () => {
    expect(run(['vfs', 'd'], { d: '01:00.0 x\n00: zz\n' }).code).toBe(2);
    expect(run(['vfs', 'missing'], {}).code).toBe(2);
    expect(run(['vfs', 'd', '--ari', 'maybe'], { d: igbDump(1, false) }).err).toMatch(/--ari maybe/);
    expect(run(['vfs', 'd', '--numvfs', '70000'], { d: igbDump(1, false) }).code).toBe(2);
    expect(run(['vfs', 'd', '--vf-bar-size', '7=4K'], { d: igbDump(1, false) }).code).toBe(2);
    expect(run(['vfs', 'd', '--policy', 'lenient'], { d: igbDump(1, false) }).code).toBe(2);
    expect(run(['vfs', 'd', '--pf', '01:00.3'], { d: igbDump(1, false) }).code).toBe(2);
  });
});
