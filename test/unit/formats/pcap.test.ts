import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { LINKTYPE_ETHERNET, PcapParseError, formatPcap, parsePcap } from '../../../src/formats/index.js';
import { thrown } from '../../helpers/errors.js';
import type { PcapPacket, PcapParseErrorCode } from '../../../src/formats/index.js';

const NS = 1_000_000_000n;
const MAX_TIME_NS = 2n ** 32n * NS;
const CODES: readonly PcapParseErrorCode[] = ['pcap.short-header', 'pcap.bad-magic', 'pcap.bad-version', 'pcap.truncated-record', 'pcap.bad-length'];

/** Runs `fn` and returns the PcapParseError it threw (fails on anything else or nothing). */
const pcapError = (fn: () => unknown): PcapParseError => thrown(fn, PcapParseError);

function expectError(bytes: Uint8Array, code: PcapParseErrorCode, offset: number): void {
  const e = pcapError(() => parsePcap(bytes));
  expect({ code: e.code, offset: e.offset }).toEqual({ code, offset });
  expect(e.message.startsWith(`offset ${offset}: `)).toBe(true);
  expect(e.name).toBe('PcapParseError');
}

/** Little-endian u32 bytes. */
const le32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
const be32 = (n: number): number[] => le32(n).reverse();

/** Packets in non-decreasing time order: sorted times, random data and optional original lengths. */
const packetsArb: fc.Arbitrary<PcapPacket[]> = fc
  .array(
    fc.record(
      {
        timeNs: fc.oneof(fc.bigInt({ min: 0n, max: MAX_TIME_NS - 1n }), fc.bigInt({ min: 0n, max: 5_000n })),
        data: fc.uint8Array({ maxLength: 200 }),
        extra: fc.nat({ max: 3000 }),
        withOriginal: fc.boolean(),
      },
      { requiredKeys: ['timeNs', 'data', 'extra', 'withOriginal'] },
    ),
    { maxLength: 12 },
  )
  .map((ps) => {
    const times = ps.map((p) => p.timeNs).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return ps.map((p, i): PcapPacket => {
      const timeNs = times[i] ?? 0n;
      return p.withOriginal ? { timeNs, data: p.data, originalLength: p.data.length + p.extra } : { timeNs, data: p.data };
    });
  });

const optsArb = fc.record(
  {
    linkType: fc.oneof(fc.constant(LINKTYPE_ETHERNET), fc.integer({ min: 0, max: 0xffff_ffff })),
    snapLen: fc.oneof(fc.integer({ min: 1, max: 256 }), fc.constant(65535), fc.constant(0xffff_ffff)),
    nanosecond: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe('formatPcap', () => {
  it('writes the little-endian global header and one record header per packet', () => {
    const bytes = formatPcap([{ timeNs: 2_000_001_500n, data: new Uint8Array([0xaa, 0xbb, 0xcc]) }]);
    expect([...bytes]).toEqual([
      ...[0x4d, 0x3c, 0xb2, 0xa1], // magic 0xa1b23c4d (nanoseconds)
      ...[2, 0, 4, 0], // version 2.4
      ...le32(0), // thiszone
      ...le32(0), // sigfigs
      ...le32(65535), // snaplen
      ...le32(1), // LINKTYPE_ETHERNET
      ...le32(2), // ts_sec
      ...le32(1500), // ts_nsec
      ...le32(3), // incl_len
      ...le32(3), // orig_len
      0xaa, 0xbb, 0xcc,
    ]);
  });

  it('writes microseconds (magic 0xa1b2c3d4) and drops the sub-microsecond part', () => {
    const bytes = formatPcap([{ timeNs: 1_999_999_999n, data: new Uint8Array(0) }], { nanosecond: false, linkType: 147, snapLen: 96 });
    expect([...bytes.subarray(0, 4)]).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
    expect([...bytes.subarray(16, 24)]).toEqual([...le32(96), ...le32(147)]);
    expect([...bytes.subarray(24, 32)]).toEqual([...le32(1), ...le32(999_999)]);
    expect(parsePcap(bytes).packets[0]?.timeNs).toBe(1_999_999_000n);
  });

  it('truncates data to snapLen and keeps the original length', () => {
    const data = Uint8Array.from({ length: 100 }, (_, i) => i);
    const file = parsePcap(formatPcap([{ timeNs: 0n, data }, { timeNs: 0n, data: data.subarray(0, 10), originalLength: 64 }], { snapLen: 60 }));
    expect(file.snapLen).toBe(60);
    expect(file.packets.map((p) => [p.data.length, p.originalLength])).toEqual([
      [60, 100],
      [10, 64],
    ]);
    expect(file.packets[0]?.data).toEqual(data.subarray(0, 60));
  });

  it('writes only the header for no packets', () => {
    const bytes = formatPcap([]);
    expect(bytes.length).toBe(24);
    expect(parsePcap(bytes)).toEqual({ linkType: 1, snapLen: 65535, nanosecond: true, packets: [] });
  });

  it('rejects times out of order or out of range, bad options and short original lengths with RangeError', () => {
    const d = new Uint8Array(4);
    expect(() => formatPcap([{ timeNs: 5n, data: d }, { timeNs: 4n, data: d }])).toThrow(RangeError);
    expect(() => formatPcap([{ timeNs: -1n, data: d }])).toThrow(RangeError);
    expect(() => formatPcap([{ timeNs: MAX_TIME_NS, data: d }])).toThrow(RangeError);
    expect(() => formatPcap([{ timeNs: MAX_TIME_NS - 1n, data: d }])).not.toThrow();
    expect(() => formatPcap([{ timeNs: 0n, data: d, originalLength: 3 }])).toThrow(RangeError);
    expect(() => formatPcap([{ timeNs: 0n, data: d, originalLength: 1.5 }])).toThrow(RangeError);
    expect(() => formatPcap([], { snapLen: 0 })).toThrow(RangeError);
    expect(() => formatPcap([], { snapLen: 2 ** 32 })).toThrow(RangeError);
    expect(() => formatPcap([], { linkType: -1 })).toThrow(RangeError);
    expect(() => formatPcap([], { linkType: 1.5 })).toThrow(RangeError);
  });
});

describe('parsePcap', () => {
  it('reads a big-endian microsecond file', () => {
    const bytes = Uint8Array.from([
      ...be32(0xa1b2c3d4), 0, 2, 0, 4, ...be32(0), ...be32(0), ...be32(1514), ...be32(1),
      ...be32(7), ...be32(250_000), ...be32(2), ...be32(60), 0x12, 0x34,
    ]);
    const file = parsePcap(bytes);
    expect(file).toEqual({ linkType: 1, snapLen: 1514, nanosecond: false, packets: [{ timeNs: 7_250_000_000n, data: Uint8Array.from([0x12, 0x34]), originalLength: 60 }] });
  });

  it('reads a big-endian nanosecond file and a file in a subarray of a larger buffer', () => {
    const body = [...be32(0xa1b23c4d), 0, 2, 0, 4, ...be32(0), ...be32(0), ...be32(100), ...be32(1), ...be32(1), ...be32(5), ...be32(1), ...be32(1), 9];
    const big = new Uint8Array(body.length + 7);
    big.set(body, 3);
    const file = parsePcap(big.subarray(3, 3 + body.length));
    expect(file.nanosecond).toBe(true);
    expect(file.packets).toEqual([{ timeNs: 1_000_000_005n, data: Uint8Array.from([9]), originalLength: 1 }]);
  });

  it('copies the packet data out of the input', () => {
    const bytes = formatPcap([{ timeNs: 0n, data: Uint8Array.from([1, 2, 3]) }]);
    const [p] = parsePcap(bytes).packets;
    bytes[bytes.length - 1] = 0xff;
    expect(p?.data).toEqual(Uint8Array.from([1, 2, 3]));
  });

  it('names each problem with its code and byte offset', () => {
    const good = formatPcap([{ timeNs: 1n, data: new Uint8Array(10) }, { timeNs: 2n, data: new Uint8Array(20) }], { snapLen: 32 });
    expectError(good.subarray(0, 23), 'pcap.short-header', 0);
    expectError(new Uint8Array(0), 'pcap.short-header', 0);
    expectError(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...new Uint8Array(28)]), 'pcap.bad-magic', 0);
    const v3 = good.slice();
    v3[4] = 3;
    expectError(v3, 'pcap.bad-version', 4);
    // second record header starts at 24 + 16 + 10 = 50
    expectError(good.subarray(0, 50 + 15), 'pcap.truncated-record', 50);
    expectError(good.subarray(0, 24 + 5), 'pcap.truncated-record', 24);
    expectError(good.subarray(0, good.length - 1), 'pcap.bad-length', 58);
    const overSnap = good.slice();
    overSnap.set(le32(33), 58);
    expectError(overSnap, 'pcap.bad-length', 58);
    const overOrig = good.slice();
    overOrig.set(le32(19), 62);
    expectError(overOrig, 'pcap.bad-length', 58);
  });

  it('rejects a non-Uint8Array with TypeError', () => {
    expect(() => parsePcap('pcap' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('reads a large file in linear time', () => {
    const data = new Uint8Array(60);
    const packets = Array.from({ length: 50_000 }, (_, i): PcapPacket => ({ timeNs: BigInt(i) * 1000n, data }));
    const bytes = formatPcap(packets);
    const t0 = performance.now();
    expect(parsePcap(bytes).packets.length).toBe(50_000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('pcap properties', () => {
  it('FMT-PCAP-01: formatPcap then parsePcap gives back the packets (times, bytes, lengths)', () => {
    fc.assert(
      fc.property(packetsArb, optsArb, (packets, opts) => {
        const bytes = formatPcap(packets, opts);
        const snapLen = opts.snapLen ?? 65535;
        const nanosecond = opts.nanosecond ?? true;
        const file = parsePcap(bytes);
        expect(file.linkType).toBe(opts.linkType ?? 1);
        expect(file.snapLen).toBe(snapLen);
        expect(file.nanosecond).toBe(nanosecond);
        expect(file.packets.length).toBe(packets.length);
        let size = 24;
        packets.forEach((p, i) => {
          const got = file.packets[i];
          const incl = Math.min(p.data.length, snapLen);
          size += 16 + incl;
          expect(got?.timeNs).toBe(nanosecond ? p.timeNs : (p.timeNs / 1000n) * 1000n);
          expect(got?.data).toEqual(p.data.subarray(0, incl));
          expect(got?.originalLength).toBe(p.originalLength ?? p.data.length);
        });
        expect(bytes.length).toBe(size);
        // What was read writes back to the same bytes (the times are already at the resolution).
        expect(formatPcap(file.packets, { linkType: file.linkType, snapLen: file.snapLen, nanosecond: file.nanosecond })).toEqual(bytes);
      }),
    );
  });

  const mutationArb = fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('u32' as const), at: fc.nat(), value: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.nat()) }),
  );
  type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

  function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
    const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
    switch (m.kind) {
      case 'truncate':
        return bytes.subarray(0, at);
      case 'set': {
        const out = bytes.slice();
        if (at < out.length) out[at] = m.value;
        return out;
      }
      case 'insert':
        return Uint8Array.from([...bytes.subarray(0, at), m.value, ...bytes.subarray(at)]);
      case 'delete':
        return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
      case 'u32': {
        const out = bytes.slice();
        // Overwrite a 4-aligned word, often hitting a length or magic field.
        const w = at - (at % 4);
        if (w + 4 <= out.length) out.set(le32(m.value), w);
        return out;
      }
    }
  }

  it('FMT-PCAP-02: malformed pcap raises only PcapParseError', () => {
    fc.assert(
      fc.property(
        packetsArb,
        optsArb,
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.uint8Array({ maxLength: 80 }),
        (packets, opts, mutations, random, noise) => {
          const start = random ? noise : formatPcap(packets.map((p) => ({ ...p, data: p.data.subarray(0, 40) })), opts);
          const bytes = mutations.reduce(mutate, start);
          let file;
          try {
            file = parsePcap(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(PcapParseError);
            const err = e as PcapParseError;
            expect(CODES).toContain(err.code);
            expect(Number.isInteger(err.offset) && err.offset >= 0 && err.offset <= bytes.length).toBe(true);
            return;
          }
          // Accepted input: every record fits the file and its lengths.
          let size = 24;
          for (const p of file.packets) {
            expect(p.data.length).toBeLessThanOrEqual(file.snapLen);
            expect(p.data.length).toBeLessThanOrEqual(p.originalLength ?? -1);
            size += 16 + p.data.length;
          }
          expect(size).toBe(bytes.length);
        },
      ),
    );
  });

  it('FMT-PCAP-02: every truncation of a valid file inside a record raises PcapParseError', () => {
    fc.assert(
      fc.property(packetsArb.filter((ps) => ps.length > 0), fc.nat(), (packets, cut) => {
        const bytes = formatPcap(packets);
        // Record boundaries: cutting there leaves a valid (shorter) file.
        const bounds = new Set<number>([24]);
        let at = 24;
        for (const p of packets) bounds.add((at += 16 + p.data.length));
        const n = cut % bytes.length;
        if (bounds.has(n)) {
          expect(() => parsePcap(bytes.subarray(0, n))).not.toThrow();
        } else {
          const e = pcapError(() => parsePcap(bytes.subarray(0, n)));
          expect(['pcap.short-header', 'pcap.truncated-record', 'pcap.bad-length']).toContain(e.code);
        }
      }),
    );
  });
});
