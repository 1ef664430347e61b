import { describe, expect, it } from 'vitest';
import { Kernel } from '../../../src/sim/index.js';
import { BurstCable, Cable, asMac, type Frame } from '../../../src/link/index.js';
import { BurstHost, GIGABIT_SLOT_BYTES, Host, PortTap } from '../../../src/devices/index.js';

const frame = (len: number): Frame => ({ dst: asMac(0x0200_0000_0002), src: asMac(0x0200_0000_0001), type: 0x88b5, payload: new Uint8Array(len) });

/** Carrier time of one frame on the wire, in byte times, and what the receiver got. */
function carrier(duplex: 'full' | 'half', payload: number, mode: 'symbol' | 'burst') {
  const k = new Kernel({ seed: 1 });
  const H = mode === 'symbol' ? Host : BurstHost;
  const got: number[] = [];
  const o = { rate: 1000 as const, duplex, rng: k.rng('x') };
  const a = k.add(new H('a', { ...o, mac: asMac(0x0200_0000_0001) }));
  const b = k.add(new H('b', { ...o, mac: asMac(0x0200_0000_0002), onReceive: (f) => got.push(f.payload.length) }));
  let start = -1;
  let end = -1;
  if (mode === 'symbol') {
    k.add(new Cable('c', (a as Host).port, (b as Host).port, { metres: 10 }, k.rng('c')));
    const tap = k.add(new PortTap('tap', (a as Host).port, { direction: 'tx' }));
    a.send(frame(payload));
    k.run();
    start = tap.captures[0]!.cycle;
    end = tap.captures[0]!.endCycle + 1;
    expect(tap.captures[0]!.data.length, 'the tap shows the frame without the extension').toBe(Math.max(46, payload) + 18);
  } else {
    k.add(new BurstCable('c', (a as BurstHost).port, (b as BurstHost).port, { metres: 10 }, k.rng('c')));
    a.send(frame(payload));
    // Carrier as it reaches the receiver: the same length, a cable delay later.
    const rx = (b as BurstHost).port;
    while (k.run({ cycles: 1 }) !== 'idle') {
      if (start < 0 && rx.rx !== null) start = k.cycle - 1;
      if (start >= 0 && end < 0 && rx.rx === null) end = k.cycle - 1;
    }
  }
  return { bytes: end - start, got };
}

describe('1 Gb/s half duplex', () => {
  for (const mode of ['symbol', 'burst'] as const) {
    it(`GIG-SLOT-01: a short frame is carrier-extended to the 512-byte slot in half duplex and not in full duplex; the receiver gets the frame alone (${mode} mode)`, () => {
      const half = carrier('half', 46, mode);
      expect(half.bytes).toBe(8 + GIGABIT_SLOT_BYTES); // preamble + SFD, then 64 bytes of frame and 448 of extension
      expect(half.got).toEqual([46]);
      const full = carrier('full', 46, mode);
      expect(full.bytes).toBe(8 + 64);
      expect(full.got).toEqual([46]);
      const long = carrier('half', 600, mode); // longer than the slot: no extension
      expect(long.bytes).toBe(8 + 600 + 18);
      expect(long.got).toEqual([600]);
    });
  }
});
