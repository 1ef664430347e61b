import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { BROADCAST, asMac, crc32, decodeFrame, encodeFrame, formatMac, isGroup, parseMac, withPreamble, type Frame } from '../../../src/link/index.js';

const macArb = fc.integer({ min: 0, max: 0xffff_ffff_ffff }).map(asMac);
const frameArb: fc.Arbitrary<Frame> = fc.record({
  dst: macArb,
  src: macArb,
  tagged: fc.boolean(),
  pcp: fc.integer({ min: 0, max: 7 }),
  dei: fc.boolean(),
  vid: fc.integer({ min: 0, max: 4095 }),
  ethernetII: fc.boolean(),
  etherType: fc.integer({ min: 0x600, max: 0xffff }),
  payload: fc.uint8Array({ maxLength: 1500 }),
}).map((r) => ({
  dst: r.dst, src: r.src, ...(r.tagged ? { vlan: { pcp: r.pcp, dei: r.dei, vid: r.vid } } : {}),
  type: r.ethernetII ? r.etherType : r.payload.length, payload: r.payload,
}));

describe('frames', () => {
  it('LINK-FCS-01: should compute the IEEE CRC-32 check value and leave the 802.3 residue over frame + FCS', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf4_3926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const f = encodeFrame({ dst: BROADCAST, src: parseMac('02:00:00:00:00:01'), type: 0x0806, payload: new Uint8Array(28) });
    expect(f.length).toBe(64);
    // Running the CRC over the frame including its FCS leaves the fixed residue (after the final inversion).
    expect(crc32(f)).toBe(0x2144_df1c);
    expect(Array.from(f.slice(0, 14))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x06]);
  });

  it('LINK-FRAME-01: should pad to 64 bytes, tag with 802.1Q, and add the preamble and SFD', () => {
    const tagged = encodeFrame({ dst: parseMac('01:80:c2:00:00:0e'), src: asMac(2), vlan: { pcp: 5, dei: true, vid: 100 }, type: 0x88cc, payload: new Uint8Array(10) });
    expect(tagged.length).toBe(64);
    expect(Array.from(tagged.slice(12, 18))).toEqual([0x81, 0x00, 0xb0, 0x64, 0x88, 0xcc]);
    const wire = withPreamble(tagged);
    expect(Array.from(wire.slice(0, 8))).toEqual([0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0xd5]);
    expect(() => encodeFrame({ dst: BROADCAST, src: asMac(1), type: 0x0800, payload: new Uint8Array(1501) })).toThrow(RangeError);
    expect(() => encodeFrame({ dst: BROADCAST, src: asMac(1), type: 10, payload: new Uint8Array(9) })).toThrow(/802.3 length/);
    expect(isGroup(BROADCAST)).toBe(true);
    expect(isGroup(parseMac('02:00:00:00:00:01'))).toBe(false);
    expect(formatMac(parseMac('AA-bb-CC-dd-EE-ff'))).toBe('aa:bb:cc:dd:ee:ff');
    expect(() => parseMac('aa:bb:cc:dd:ee')).toThrow(RangeError);
  });

  test.prop([frameArb])('LINK-FRAME-01: decode(encode(frame)) gives the frame back (802.3 length frames lose their padding; Ethernet II keeps it, as a receiver cannot tell)', (f) => {
    const r = decodeFrame(encodeFrame(f));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const minData = f.vlan === undefined ? 46 : 42;
    const padded = new Uint8Array(Math.max(f.payload.length, minData));
    padded.set(f.payload);
    expect(r.frame).toEqual(f.type < 0x600 ? f : { ...f, payload: padded });
  });

  test.prop([frameArb, fc.nat(), fc.integer({ min: 1, max: 255 })])('LINK-FCS-01: any corrupted byte is a bad FCS; short frames are runts, long ones giants', (f, at, flip) => {
    const b = encodeFrame(f);
    const bad = b.slice();
    bad[at % b.length] = (bad[at % b.length] ?? 0) ^ flip;
    expect(decodeFrame(bad)).toMatchObject({ ok: false, reason: 'bad-fcs' });
    expect(decodeFrame(b.slice(0, 63))).toMatchObject({ ok: false, reason: 'runt' });
    const giant = new Uint8Array(1523);
    expect(decodeFrame(giant)).toMatchObject({ ok: false, reason: 'giant' });
  });

  test.prop([fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.nat()])('LINK-FCS-01: the table-driven CRC (four bytes per step) equals a bit-by-bit reference over any range', (b, x, y) => {
    const start = b.length === 0 ? 0 : x % (b.length + 1);
    const end = start + (y % (b.length - start + 1));
    let c = 0xffff_ffff;
    for (let i = start; i < end; i++) {
      c ^= b[i]!;
      for (let k = 0; k < 8; k++) c = c & 1 ? (0xedb8_8320 ^ (c >>> 1)) >>> 0 : c >>> 1;
    }
    expect(crc32(b, start, end)).toBe((c ^ 0xffff_ffff) >>> 0);
  });
});
