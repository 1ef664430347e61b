import { describe, expect, it } from 'vitest';
import { nicDemo } from '../../../src/cli/demo-nic.js';
import { runCli } from '../../helpers/cli.js';

/** The data rows of the comparison table: label, traffic, four latencies, loss-free rate. */
function rows(out: string): { label: string; traffic: string; lat: number[]; fps: number }[] {
  return out.split('\n').flatMap((line) => {
    const m = /^(\S.*?)\s{2,}(VM->VM|VM->wire)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d,]+)$/.exec(line);
    return m === null ? [] : [{ label: m[1]!, traffic: m[2]!, lat: [m[3], m[4], m[5], m[6]].map(Number), fps: Number(m[7]!.replace(/,/g, '')) }];
  });
}

describe('iovsim nic', () => {
  it('CLI-NIC-01: prints the vswitch-vs-VF table for --vfs N VMs; the same again as one JSON object', () => {
    const text = runCli(['nic', '--vfs', '2']);
    expect(text.code).toBe(0);
    expect(text.err).toBe('');
    expect(text.out).toContain('2 VMs');
    const table = rows(text.out);
    expect(table.map((r) => `${r.label}|${r.traffic}`)).toEqual([
      'hypervisor vswitch (PF)|VM->VM', 'SR-IOV VF (VEB)|VM->VM', 'hypervisor vswitch (PF)|VM->wire', 'SR-IOV VF (VEB)|VM->wire',
    ]);
    for (const r of table) expect([...r.lat].sort((a, b) => a - b)).toEqual(r.lat); // min <= median <= p99 <= max
    const json = runCli(['nic', '--vfs', '2', '--json']);
    expect(json.code).toBe(0);
    const c = JSON.parse(json.out) as { vms: number; mode: string; rows: { label: string; maxLossFreeFps: number; latencyUs: { median: number } }[] };
    expect([c.vms, c.mode]).toEqual([2, 'veb']);
    // The table prints exactly the numbers of the JSON object.
    expect(table.map((r) => r.fps)).toEqual(c.rows.map((r) => Math.round(r.maxLossFreeFps)));
    expect(table.map((r) => r.lat[1]!.toFixed(2))).toEqual(c.rows.map((r) => r.latencyUs.median.toFixed(2)));
  });

  it('CLI-NIC-01: --mode vepa labels the VF path VEPA; bad values and arguments exit 2; --help', () => {
    const vepa = runCli(['nic', '--vfs', '2', '--mode', 'vepa']);
    expect(vepa.code).toBe(0);
    expect(rows(vepa.out).filter((r) => r.label === 'SR-IOV VF (VEPA)')).toHaveLength(2);
    for (const bad of [['--vfs', '1'], ['--vfs', '65'], ['--vfs', 'x'], ['--mode', 'vxlan'], ['--seed', '-1'], ['extra'], ['--bogus']]) {
      const r = runCli(['nic', ...bad]);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^iovsim: /);
    }
    const help = runCli(['nic', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: iovsim nic/);
    expect(runCli(['help', 'nic']).out).toBe(help.out);
    expect(runCli(['help']).out).toMatch(/\n {2}nic {3,}/);
  });

  it('CLI-NIC-01: the demo section shows the PF and its VFs with Routing IDs, BAR windows and owners, the traffic, and the table', () => {
    let out = '';
    nicDemo({ out: (t) => (out += t), err: () => undefined, readText: () => '' });
    expect(out).toContain('01:00.0 Ethernet controller');
    for (const [rid, vf, base] of [['01:10.0', 1, '0000000100000000'], ['01:10.6', 4, '000000010000c000']] as const) {
      expect(out).toMatch(new RegExp(`${rid}\\s+VF${vf}\\s+BAR0 ${base}-`));
    }
    expect(out).toMatch(/VF2 vm-db\s+received: .*"web -> db"/);
    expect(out).toMatch(/dropped: .*spoofed 1/);
    expect(rows(out)).toHaveLength(4);
  });
});
