import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

/** A frame in the oracle's input format. */
const fr = (in_port: number, src: string, dst: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ in_port, src, dst, ...extra });
const h = (x: string): string => `02:00:00:00:00:${x}`;
const BC = 'ff:ff:ff:ff:ff:ff';

/**
 * The frames of shared/oracles/linux-bridge/sequences/basic.json and what the real Linux bridge
 * (kernel 6.18) did with them, as recorded in that oracle's README (observed, not computed by us).
 */
const BASIC = [
  fr(0, h('0a'), h('0b'), { ethertype: '0x88b5', payload_hex: '00' }),
  fr(1, h('0b'), h('0a')),
  fr(0, h('0a'), h('0b')),
  fr(2, h('0c'), BC),
  fr(0, h('0a'), h('0c')),
  fr(0, h('1a'), h('0a')),
  fr(3, h('0d'), '01:80:c2:00:00:00'),
  fr(3, h('0e'), '01:80:c2:00:00:0e'),
  fr(0, h('0a'), h('0e')),
  fr(3, h('0d'), '01:80:c2:00:00:01'),
  fr(3, h('0d'), '01:80:c2:00:00:02'),
  fr(1, h('0b'), '01:00:5e:00:00:01'),
  fr(2, '03:00:00:00:00:99', h('0b')),
  fr(1, '00:00:00:00:00:00', h('0a')),
  fr(2, h('0a'), BC),
  fr(1, h('0b'), h('0a')),
  fr(0, h('0f'), '02:b0:ff:00:00:00'),
  fr(0, h('0f'), '02:b0:00:00:00:01'),
  fr(3, h('0d'), h('0b'), { ethertype: '0x002e', payload_hex: 'aaaa03', expect: [1], note: 'ignored' }),
  fr(3, h('0d'), h('0b'), { ethertype: 46, payload_hex: 'aa aa 03' }),
];
const BASIC_OBSERVED = '{"0": [1, 2, 3], "1": [0], "2": [1], "3": [0, 1, 3], "4": [2], "5": [], "6": [0, 1, 2], "7": [], "8": [3], "9": [], "10": [], "11": [0, 2, 3], "12": [], "13": [], "14": [0, 1, 3], "15": [2], "16": [], "17": [], "18": [1], "19": [1]}\n';

/** sequences/static.json with the bridge's observed answers (ageing 1 s). */
const STATIC = {
  static_fdb: [{ mac: h('0a'), port: 1 }, { mac: h('05'), port: 2, sticky: true }],
  frames: [
    fr(2, h('0c'), BC), fr(0, h('0b'), h('0a')), fr(3, h('0a'), BC), fr(0, h('0b'), h('0a')), fr(0, h('0b'), h('05')),
    fr(3, h('05'), BC), fr(0, h('0b'), h('05')), fr(0, h('0b'), h('0a'), { wait_s: 1.5 }), fr(3, h('0a'), h('0b')), fr(3, h('0a'), h('0c')),
  ],
};
const STATIC_OBSERVED = '{"0": [0, 1, 3], "1": [1], "2": [0, 1, 2], "3": [3], "4": [2], "5": [0, 1, 2], "6": [2], "7": [3], "8": [0], "9": [0, 1, 2]}\n';

const replay = (doc: unknown, ...flags: string[]): { code: number; out: string; err: string } => runCli(['replay', 's.json', ...flags], { 's.json': typeof doc === 'string' ? doc : JSON.stringify(doc) });

describe('iovsim replay', () => {
  it('CLI-REPLAY-01: prints exactly the line the real Linux bridge gave for the oracle\'s basic sequence', () => {
    const r = replay({ frames: BASIC });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(BASIC_OBSERVED);
    // A bare list is the same sequence; --ports and --profile linux are the defaults.
    expect(replay(BASIC, '--ports', '4', '--profile', 'linux').out).toBe(BASIC_OBSERVED);
  });

  it('CLI-REPLAY-01: static entries (roaming and sticky) and wait_s as simulated time against the ageing time', () => {
    expect(replay(STATIC, '--ageing', '1').out).toBe(STATIC_OBSERVED);
    // With the default 300 s nothing ages: the last frame goes to C's port only.
    expect(JSON.parse(replay(STATIC).out)['9']).toEqual([2]);
    // Ageing as in sequences/ageing.json: 0.5 s still known, 1.3 s gone, refreshed only as a source.
    const ageing = [fr(0, h('0a'), h('0b')), fr(1, h('0b'), h('0a')), fr(1, h('0b'), h('0a'), { wait_s: 0.5 }), fr(1, h('0b'), h('0a'), { wait_s: 0.8 }), fr(0, h('0a'), h('0b')), fr(2, h('0c'), h('0a'), { wait_s: 1.3 })];
    expect(replay(ageing, '--ageing', '1').out).toBe('{"0": [1, 2, 3], "1": [0], "2": [0], "3": [0, 2, 3], "4": [1], "5": [0, 1, 3]}\n');
    // --ageing 0: no learning, every unicast floods.
    expect(replay(ageing.slice(0, 3), '--ageing', '0').out).toBe('{"0": [1, 2, 3], "1": [0, 2, 3], "2": [0, 2, 3]}\n');
  });

  it('CLI-REPLAY-01: --stp keeps BPDUs local, --group-fwd-mask forwards LLDP, --profile ieee forwards no reserved address', () => {
    const seq = [fr(0, h('0a'), '01:80:c2:00:00:00'), fr(0, h('0a'), '01:80:c2:00:00:0e'), fr(1, h('0b'), h('0a'))];
    expect(replay(seq).out).toBe('{"0": [1, 2, 3], "1": [], "2": [0]}\n');
    expect(replay(seq, '--stp').out).toBe('{"0": [], "1": [], "2": [0]}\n');
    expect(replay(seq, '--group-fwd-mask', '0x4000').out).toBe('{"0": [1, 2, 3], "1": [1, 2, 3], "2": [0]}\n');
    expect(replay(seq, '--group-fwd-mask', '16384', '--ports', '2').out).toBe('{"0": [1], "1": [1], "2": [0]}\n');
    expect(replay(seq, '--profile', 'ieee').out).toBe('{"0": [], "1": [], "2": [0]}\n');
  });

  it('CLI-REPLAY-01: the oracle\'s own addresses are local (bridge, ports, sync port); other 02:b0 addresses are not', () => {
    const seq = [fr(0, h('0a'), '02:b0:00:00:00:fe'), fr(0, h('0a'), '02:b0:00:00:00:05'), fr(0, h('0a'), '02:b0:00:00:00:04'), fr(0, h('0a'), '02:b0:ff:00:00:00')];
    expect(replay(seq, '--ports', '5').out).toBe('{"0": [], "1": [1, 2, 3, 4], "2": [], "3": []}\n');
    expect(replay([]).out).toBe('{}\n');
    expect(replay({ frames: [] }).out).toBe('{}\n');
  });

  it('CLI-REPLAY-01: --help and iovsim help replay print the usage', () => {
    const r = runCli(['replay', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: iovsim replay <sequence\.json>/);
    expect(runCli(['help', 'replay']).out).toBe(r.out);
    expect(runCli(['help']).out).toMatch(/\n {2}replay <json> /);
  });

  it('CLI-REPLAY-02: unusable sequences exit 2 and name every problem by its JSON path', () => {
    const bad = {
      static_fdb: [{ mac: '01:00:5e:00:00:01', port: 1 }, { mac: h('01'), port: 9 }, { mac: h('01'), port: 0, sticky: 'yes' }, { mac: '02:b0:00:00:00:01', port: 0 }],
      frames: [
        fr(4, h('0a'), h('0b')),
        fr(0, '02:ff:ff:ff:ff:01', 'zz:00:00:00:00:00'),
        { in_port: '1', src: h('0a'), dst: h('0b'), ethertype: '0x10000', payload_hex: 'abc', wait_s: -1, expect: 'x', note: 3 },
        'frame',
        { src: h('0a') },
      ],
    };
    const r = replay(bad);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const lines = r.err.trim().split('\n');
    for (const path of [
      'static_fdb[0].mac', 'static_fdb[1].port', 'static_fdb[2].mac', 'static_fdb[2].sticky', 'static_fdb[3].mac',
      'frames[0].in_port', 'frames[1].dst', 'frames[1].src', 'frames[2].in_port', 'frames[2].ethertype', 'frames[2].payload_hex',
      'frames[2].wait_s', 'frames[2].expect', 'frames[2].note', 'frames[3]:', 'frames[4].in_port', 'frames[4].dst',
    ]) {
      expect(lines.some((l) => l.startsWith(`iovsim replay: s.json: ${path}`)), `${path} in\n${r.err}`).toBe(true);
    }
    expect(r.err).toContain('frames[0].in_port: 4 is out of range 0..3');
    expect(r.err).toContain('reserved prefix 02:ff:ff:ff:ff:');
    expect(r.err).toContain('already has a static entry');
    expect(r.err).toContain('is the bridge\'s own address');
  });

  it('CLI-REPLAY-02: not JSON, wrong top level, a missing file and bad flags exit 2 on stderr', () => {
    for (const [doc, msg] of [['{"frames": [', 'not JSON'], ['42', '(top level): must be a list'], ['{"static_fdb": []}', 'frames: is missing'], ['{"frames": {}}', 'frames: must be a list'], ['{"frames": [], "static_fdb": {}}', 'static_fdb: must be a list']] as const) {
      const r = replay(doc);
      expect(r.code, doc).toBe(2);
      expect(r.err).toContain(msg);
      expect(r.out).toBe('');
    }
    const missing = runCli(['replay', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('iovsim replay: cannot read nope.json');
    for (const flags of [['--ports', '0'], ['--ports', '255'], ['--ports', 'x'], ['--profile', 'cisco'], ['--ageing', '-1'], ['--ageing', 'soon'], ['--group-fwd-mask', '0x1'], ['--group-fwd-mask', '0x10000'], ['--group-fwd-mask', 'lots'], ['--group-fwd-mask', '0x4000', '--profile', 'ieee'], ['--bogus']]) {
      const r = replay([], ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.err).toMatch(/^iovsim: /);
    }
    expect(runCli(['replay']).code).toBe(2);
  });

  it('CLI-REPLAY-02: fields outside the oracle\'s format are warned about and ignored', () => {
    const r = replay({ frames: [fr(0, h('0a'), BC, { wait: 5 })], comment: 'x' });
    expect(r.code).toBe(0);
    expect(r.out).toBe('{"0": [1, 2, 3]}\n');
    expect(r.err).toContain('warning: frames[0].wait: is not a field of the oracle\'s format; ignored');
    expect(r.err).toContain('warning: comment:');
  });
});
