import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runCliAsync } from '../../helpers/cli.js';

const seed = String(fc.readConfigureGlobal().seed ?? 1);

/**
 * A user's forwarding module in plain JavaScript: a learning bridge of its own (nothing of iovsim)
 * whose floods also go back out of the ingress port when `REFLECT` is true.
 */
const userBridge = (reflect: boolean, shape: 'object' | 'factory' | 'class'): string => `
  const REFLECT = ${reflect};
  const isGroup = (m) => Math.floor(m / 2 ** 40) % 2 === 1;
  function create() {
    const table = new Map();
    return {
      inject(port, frame) {
        if (frame.src === 0 || isGroup(frame.src)) return [];
        table.set(frame.src, port);
        const all = [0, 1, 2].filter((p) => REFLECT || p !== port);
        const to = isGroup(frame.dst) || !table.has(frame.dst) ? all : table.get(frame.dst) === port ? [] : [table.get(frame.dst)];
        return to.map((p) => ({ port: p, bytes: frame.bytes }));
      },
    };
  }
  ${shape === 'object' ? "export default { name: 'user bridge', ports: 3, create };"
    : shape === 'factory' ? "export default async () => ({ name: 'user bridge', ports: 3, create });"
    : "class UserBridge { constructor() { this.ports = 3; } create() { return create(); } }\n  export const target = new UserBridge();"}
`;

function writeModule(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'iovsim-conform-fwd-')), 'bridge.mjs');
  writeFileSync(file, text);
  return file;
}

describe('iovsim conform on forwarding targets', () => {
  it('FWD-ING-01 FWD-FLOOD-01 FWD-UNI-01 FWD-RSV-01 FWD-LNX-01: --target switch, switch-linux and bridge run our Switch through the forwarding suite and exit 0', async () => {
    for (const [t, profileRule] of [['switch', 'FWD-RSV-01'], ['switch-linux', 'FWD-LNX-01'], ['bridge', 'FWD-RSV-01']] as const) {
      const r = await runCliAsync(['conform', '--target', t, '--seed', seed, '--runs', '25']);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(new RegExp(`^conformance of iovsim (switch|bridge) \\((ieee|linux), \\d ports.*\\) \\(seed ${seed}\\)$`, 'm'));
      for (const id of ['FWD-ING-01', 'FWD-DUP-01', 'FWD-UNI-01', 'FWD-FLOOD-01', 'FWD-SRC-01', 'FDB-AGE-01', 'FDB-STATIC-01', profileRule]) expect(r.out).toMatch(new RegExp(`^  pass ${id} `, 'm'));
      expect(r.out).toMatch(/ 0 failed, 1 not applicable$/m);
    }
    const json = await runCliAsync(['conform', '--target', 'switch', '--seed', seed, '--runs', '10', '--json', '--only', 'FWD-ING-01,FWD-DUP-01']);
    expect(JSON.parse(json.out)).toMatchObject({ seed: Number(seed), passed: 2, failed: 0, results: [{ id: 'FWD-ING-01', status: 'passed' }, { id: 'FWD-DUP-01', status: 'passed' }] });
  });

  it('FWD-ING-01: catches a user module whose bridge sends floods back out of the ingress port, exits 1 and prints the reproducing seed', async () => {
    const file = writeModule(userBridge(true, 'object'));
    const r = await runCliAsync(['conform', '--target', file, '--seed', seed, '--runs', '50']);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/^conformance of user bridge/m);
    expect(r.out).toMatch(/^  FAIL FWD-ING-01 /m);
    expect(r.out).toMatch(/sent back out of its ingress port \d, which is not in hairpin mode/);
    expect(r.out).toMatch(new RegExp(`reproduce: --seed ${seed}`));
    // What needs no ageing declaration, static entries or profile is checked; the rest is not applicable.
    expect(r.out).toMatch(/^  n\/a  FDB-AGE-01 /m);
    expect(r.out).toMatch(/^  pass FWD-DUP-01 /m);
    const json = await runCliAsync(['conform', '--target', file, '--seed', seed, '--runs', '50', '--json', '--only', 'FWD-ING-01']);
    expect(JSON.parse(json.out)).toMatchObject({ target: 'user bridge', failed: 1, results: [{ id: 'FWD-ING-01', status: 'failed' }] });
  });

  it('FWD-CONF-01: the same bridge without the fault passes, whether exported as an object, an async factory or a class instance', async () => {
    for (const shape of ['object', 'factory', 'class'] as const) {
      const file = writeModule(userBridge(false, shape));
      const r = await runCliAsync(['conform', '--target', file, '--seed', seed, '--runs', '30']);
      expect(r.code, `${shape}: ${r.out}${r.err}`).toBe(0);
      expect(r.out).toMatch(/ 0 failed, 7 not applicable$/m); // the profile rules, ageing and statics, and the VLAN rules (no configureVlans)
    }
  });

  it('FWD-CONF-01: a module that is neither kind of target exits 2 naming both interfaces; a throwing target fails (exit 1) without crashing', async () => {
    const none = await runCliAsync(['conform', '--target', writeModule("export default { name: 'x', ports: 'four' };\n")]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no ConfigTarget .* and no ForwardingTarget \(with ports and create\)/);
    const throwing = await runCliAsync(['conform', '--target', writeModule("export default { name: 'down', ports: 2, create() { return { inject() { throw new Error('carrier lost'); } }; } };\n"), '--seed', seed, '--runs', '5']);
    expect(throwing.code).toBe(1);
    expect(throwing.out).toMatch(/the target threw in inject\(\) of frame #0: carrier lost/);
  });
});
