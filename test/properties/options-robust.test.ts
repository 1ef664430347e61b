import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { Kernel, SimError } from '../../src/sim/index.js';
import { BurstCable, Cable, FrameCable, asMac } from '../../src/link/index.js';
import { BurstHost, BurstHub, BurstRepeater, FrameHost, Host, Hub, Repeater, Switch } from '../../src/devices/index.js';
import { Nic, NicError } from '../../src/nic/index.js';

// What an untyped caller may pass as options: plausible values, edges, wrong types, objects
// without a prototype, anything. A constructor either builds or refuses with a coded error.

const odd = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 8, 10, 100, 1000, -1, 0.5, Number.NaN, Infinity, 2 ** 32, 0x0200_0000_0001, 'half', 'full', 'burst', 'frame', 'symbol', true, [100, 10], null, undefined),
  fc.constant(Object.create(null) as unknown),
  fc.anything(),
);
const KEYS = ['ports', 'mac', 'rate', 'duplex', 'queueLimit', 'mode', 'rng', 'timing', 'cutThrough', 'promiscuous', 'regenerate', 'latency', 'totalVfs', 'uplinks', 'uplinkQueueLimit', 'uplinkBackPressure', 'dma'] as const;
const options = fc.oneof(
  { arbitrary: fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(odd, fc.record({ cycleNs: odd })), { maxKeys: 6 }), weight: 3 },
  { arbitrary: odd, weight: 1 },
);
const kinds = ['Host', 'BurstHost', 'FrameHost', 'Switch', 'Hub', 'BurstHub', 'Repeater', 'BurstRepeater', 'Nic', 'Cable', 'BurstCable', 'FrameCable'] as const;

describe('constructors under any options (property)', () => {
  test.prop([fc.constantFrom(...kinds), options, fc.boolean()], { numRuns: 1500 })(
    'SIM-OPT-01: every device, cable and NIC constructor given any options either builds or refuses with a coded SimError or NicError, never another exception',
    (kind, raw, withMac) => {
      const o = (typeof raw === 'object' && raw !== null && withMac ? { ...(raw as object), mac: asMac(0x0200_0000_0001) } : raw) as never;
      refusesOrBuilds(kind, o, raw);
    },
  );

  it('SIM-OPT-01: options that are no object at all (null, undefined, a number, a string, an object without a prototype) are refused by every constructor with a coded error', () => {
    for (const kind of kinds) for (const raw of [null, undefined, 0, 'x', Object.create(null) as unknown]) refusesOrBuilds(kind, raw as never, raw);
  });
});

/** Builds one `kind` with options `o`; anything thrown must be a coded SimError or NicError. */
function refusesOrBuilds(kind: (typeof kinds)[number], o: never, raw: unknown): void {
  const k = new Kernel();
  const build = (): unknown => {
    switch (kind) {
      case 'Host': return new Host('x', o);
      case 'BurstHost': return new BurstHost('x', o);
      case 'FrameHost': return new FrameHost('x', o);
      case 'Switch': return new Switch('x', o);
      case 'Hub': return new Hub('x', o);
      case 'BurstHub': return new BurstHub('x', o);
      case 'Repeater': return new Repeater('x', o);
      case 'BurstRepeater': return new BurstRepeater('x', o);
      case 'Nic': return new Nic('x', o);
      case 'Cable': return new Cable('x', new Host('a', { mac: asMac(1) }).port, new Host('b', { mac: asMac(2) }).port, o, k.rng('x'));
      case 'BurstCable': return new BurstCable('x', new BurstHost('a', { mac: asMac(1) }).port, new BurstHost('b', { mac: asMac(2) }).port, o, k.rng('x'));
      case 'FrameCable': return new FrameCable('x', new FrameHost('a', { mac: asMac(1) }).port, new FrameHost('b', { mac: asMac(2) }).port, o, k.rng('x'));
    }
  };
  try {
    build();
  } catch (e) {
    expect(e instanceof SimError || e instanceof NicError, `${kind}(${fc.stringify(raw)}) threw ${fc.stringify(e)}`).toBe(true);
  }
}
