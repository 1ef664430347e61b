import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { VcdParseError, formatVcd, parseVcd } from '../../../src/formats/index.js';
import { thrown } from '../../helpers/errors.js';
import type { VcdChange, VcdParseErrorCode, VcdSignal, VcdValue } from '../../../src/formats/index.js';

const CODES: readonly VcdParseErrorCode[] = [
  'vcd.missing-end',
  'vcd.missing-enddefinitions',
  'vcd.bad-timescale',
  'vcd.bad-scope',
  'vcd.bad-var',
  'vcd.bad-width',
  'vcd.bad-time',
  'vcd.time-order',
  'vcd.bad-value',
  'vcd.unknown-id',
  'vcd.unexpected-token',
];

/** Runs `fn` and returns the VcdParseError it threw (fails on anything else or nothing). */
const vcdError = (fn: () => unknown): VcdParseError => thrown(fn, VcdParseError);

function expectError(lines: readonly string[], code: VcdParseErrorCode, line: number): void {
  const e = vcdError(() => parseVcd(lines.join('\n')));
  expect({ code: e.code, line: e.line }).toEqual({ code, line });
  expect(e.message.startsWith(`line ${line}: `)).toBe(true);
  expect(e.name).toBe('VcdParseError');
}

/** A comparable form of a value: 'x', 'z' or the decimal number. */
const norm = (v: VcdValue): string => (typeof v === 'string' ? v : BigInt(v).toString());

const fullName = (s: { scope: string; name: string }): string => `${s.scope}|${s.name}`;

const HUB: readonly VcdSignal[] = [
  { scope: 'hub.port0', name: 'tx_en', width: 1 },
  { scope: 'hub.port0', name: 'data', width: 8 },
  { scope: 'host1', name: 'collision', width: 1 },
];

describe('formatVcd', () => {
  it('writes the header, $dumpvars at #0 and one #time per step with a change', () => {
    const text = formatVcd({
      signals: HUB,
      changes: [
        { time: 0, signal: 0, value: 0 },
        { time: 10, signal: 0, value: 1 },
        { time: 10, signal: 1, value: 0xa5 },
        { time: 12, signal: 0, value: 1 }, // same value: dropped, and #12 with it
        { time: 15, signal: 2, value: 'z' },
        { time: 15, signal: 1, value: 'x' },
        { time: 20, signal: 1, value: 0 },
      ],
      date: 'today',
      comment: 'hub run',
    });
    expect(text).toBe(
      [
        '$date', '\ttoday', '$end',
        '$version', '\tiovsim', '$end',
        '$comment', '\thub run', '$end',
        '$timescale 1 ns $end',
        '$scope module hub $end',
        '$scope module port0 $end',
        '$var wire 1 ! tx_en $end',
        '$var wire 8 " data $end',
        '$upscope $end',
        '$upscope $end',
        '$scope module host1 $end',
        '$var wire 1 # collision $end',
        '$upscope $end',
        '$enddefinitions $end',
        '#0', '$dumpvars', '0!', 'bx "', 'x#', '$end',
        '#10', '1!', 'b10100101 "',
        '#15', 'bx "', 'z#',
        '#20', 'b0 "',
        '',
      ].join('\n'),
    );
  });

  it('groups signals by scope in order of first appearance and writes each step in that order', () => {
    const text = formatVcd({
      signals: [
        { scope: 'a', name: 's0', width: 1 },
        { scope: '', name: 'top', width: 2 },
        { scope: 'b', name: 's1', width: 1 },
        { scope: 'a.c', name: 's2', width: 1 },
        { scope: 'a', name: 's3', width: 1 },
      ],
      changes: [
        { time: 3, signal: 4, value: 1 },
        { time: 3, signal: 0, value: 1 },
      ],
      version: 'v2',
      timescale: '10ps',
    });
    expect(text.split('\n').slice(3)).toEqual([
      '$timescale 10 ps $end',
      '$scope module a $end',
      '$var wire 1 ! s0 $end',
      '$scope module c $end',
      '$var wire 1 " s2 $end',
      '$upscope $end',
      '$var wire 1 # s3 $end',
      '$upscope $end',
      '$var wire 2 $ top $end',
      '$scope module b $end',
      '$var wire 1 % s1 $end',
      '$upscope $end',
      '$enddefinitions $end',
      '#0', '$dumpvars', 'x!', 'x"', 'x#', 'bx $', 'x%', '$end',
      '#3', '1!', '1#',
      '',
    ]);
  });

  it('collapses several changes of a signal at one time to the last one', () => {
    const { changes } = parseVcd(
      formatVcd({
        signals: [{ scope: 's', name: 'a', width: 1 }],
        changes: [
          { time: 0, signal: 0, value: 1 },
          { time: 0, signal: 0, value: 0 },
          { time: 5, signal: 0, value: 1 },
          { time: 5, signal: 0, value: 0 },
          { time: 6, signal: 0, value: 1 },
        ],
      }),
    );
    expect(changes).toEqual([
      { time: 0, signal: 0, value: 0 },
      { time: 6, signal: 0, value: 1 },
    ]);
  });

  it('generates base-94 identifiers, skipping the given ones', () => {
    const signals: VcdSignal[] = Array.from({ length: 200 }, (_, i) => ({ scope: 'm', name: `s${i}`, width: 1, ...(i === 5 ? { id: '"' } : {}) }));
    const parsed = parseVcd(formatVcd({ signals, changes: [] }));
    const ids = parsed.signals.map((s) => s.id);
    expect(ids.slice(0, 7)).toEqual(['!', '#', '$', '%', '&', '"', "'"]);
    expect(ids[94]).toBe('!!');
    expect(ids[95]).toBe('!"');
    expect(new Set(ids).size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[!-~]+$/);
  });

  it('writes 64-bit values and bigints', () => {
    const text = formatVcd({
      signals: [{ scope: 'm', name: 'w', width: 64 }],
      changes: [
        { time: 0, signal: 0, value: 0xffff_ffff_ffff_ffffn },
        { time: 1, signal: 0, value: 2 ** 53 - 1 },
        { time: 2, signal: 0, value: 2n ** 53n - 1n }, // the same value as a bigint: dropped
      ],
    });
    expect(text).toContain(`b${'1'.repeat(64)} !\n`);
    expect(text).toContain(`#1\nb${'1'.repeat(53)} !\n`);
    expect(text).not.toContain('#2');
    expect(parseVcd(text).changes.map((c) => c.value)).toEqual([0xffff_ffff_ffff_ffffn, 2n ** 53n - 1n]);
  });

  it('writes no value section when there are no signals', () => {
    expect(formatVcd({ signals: [], changes: [] }).endsWith('$enddefinitions $end\n')).toBe(true);
  });

  it('refuses bad widths, values, times, names, identifiers and header text with RangeError', () => {
    const one = (signals: readonly VcdSignal[], changes: readonly VcdChange[] = []) => () => formatVcd({ signals, changes });
    const s1: VcdSignal = { scope: 'm', name: 'a', width: 1 };
    const s8: VcdSignal = { scope: 'm', name: 'b', width: 8 };
    for (const width of [0, 65, 1.5, NaN]) expect(one([{ ...s1, width }])).toThrow(RangeError);
    expect(one([s8], [{ time: 0, signal: 0, value: 256 }])).toThrow(RangeError);
    expect(one([s8], [{ time: 0, signal: 0, value: 256n }])).toThrow(RangeError);
    expect(one([s8], [{ time: 0, signal: 0, value: -1 }])).toThrow(RangeError);
    expect(one([s8], [{ time: 0, signal: 0, value: 1.5 }])).toThrow(RangeError);
    expect(one([s8], [{ time: 0, signal: 0, value: 'u' as VcdValue }])).toThrow(RangeError);
    expect(one([s1], [{ time: 0, signal: 0, value: 2 }])).toThrow(RangeError);
    expect(one([s8], [{ time: 0, signal: 0, value: 255 }])).not.toThrow();
    expect(one([s1], [{ time: 0, signal: 1, value: 0 }])).toThrow(RangeError);
    expect(one([s1], [{ time: 0, signal: -1, value: 0 }])).toThrow(RangeError);
    expect(one([s1], [{ time: 5, signal: 0, value: 0 }, { time: 4, signal: 0, value: 1 }])).toThrow(RangeError);
    expect(one([s1], [{ time: -1, signal: 0, value: 0 }])).toThrow(RangeError);
    expect(one([s1], [{ time: 0.5, signal: 0, value: 0 }])).toThrow(RangeError);
    for (const name of ['tx en', 'tx\ten', '', 'a\n', '$end']) expect(one([{ ...s1, name }])).toThrow(RangeError);
    for (const scope of ['hub port0', 'hub..port0', '.hub', 'hub.']) expect(one([{ ...s1, scope }])).toThrow(RangeError);
    expect(one([s1, { ...s1 }])).toThrow(RangeError); // same scope and name twice
    expect(one([{ ...s1, id: 'a' }, { ...s8, id: 'a' }])).toThrow(RangeError);
    for (const id of ['', 'a b', 'é', '\u007f']) expect(one([{ ...s1, id }])).toThrow(RangeError);
    expect(() => formatVcd({ signals: [], changes: [], timescale: '2 ns' })).toThrow(RangeError);
    expect(() => formatVcd({ signals: [], changes: [], timescale: '1 ks' })).toThrow(RangeError);
    expect(() => formatVcd({ signals: [], changes: [], comment: 'a $end b' })).toThrow(RangeError);
    expect(() => formatVcd({ signals: [], changes: [], date: '$end' })).toThrow(RangeError);
  });
});

describe('parseVcd', () => {
  it('reads what fst2vcd prints (tab-indented sections, padded vectors, reordered $dumpvars)', () => {
    const text = [
      '$date', '\tWed Nov 25 10:30:25 2026', '', '$end',
      '$version', '\tiovsim', '$end',
      '$timescale', '\t1ns', '$end',
      '$scope module hub $end', '$scope module port0 $end',
      '$var wire 1 ! tx_en $end', '$var wire 8 " data $end',
      '$upscope $end', '$upscope $end',
      '$enddefinitions $end',
      '#0', '$dumpvars', 'bxxxxxxxx "', 'x!', '$end',
      '#10', 'b10100101 "', '1!',
      '#15', 'bzzzzzzzz "',
      '#20', 'b000001x0 "', '0!',
      '',
    ].join('\n');
    const dump = parseVcd(text);
    expect(dump.timescale).toBe('1 ns');
    expect(dump.signals).toEqual([
      { id: '!', scope: 'hub.port0', name: 'tx_en', width: 1 },
      { id: '"', scope: 'hub.port0', name: 'data', width: 8 },
    ]);
    expect(dump.changes).toEqual([
      { time: 0, signal: 1, value: 'x' },
      { time: 0, signal: 0, value: 'x' },
      { time: 10, signal: 1, value: 0xa5 },
      { time: 10, signal: 0, value: 1 },
      { time: 15, signal: 1, value: 'z' },
      { time: 20, signal: 1, value: 'x' }, // mixed bits read as x
      { time: 20, signal: 0, value: 0 },
    ]);
  });

  it('skips header sections with keywords inside and needs the identifier right after a scalar value', () => {
    const dump = parseVcd('$comment any $dumpvars or $var text $end\n$version\n\tx $scope\n$end\n$var wire 1 b x $end\n$enddefinitions $end\nxb\n');
    expect(dump.signals).toEqual([{ id: 'b', scope: '', name: 'x', width: 1 }]);
    expect(dump.changes).toEqual([{ time: 0, signal: 0, value: 'x' }]);
    expectError(['$var wire 1 b x $end', '$enddefinitions $end', 'X b'], 'vcd.bad-value', 3);
  });

  it('reads $var reg/integer, ranges, aliases, upper-case values, CRLF, skipped reals and strings, and left extension', () => {
    const text = [
      '$timescale 1 fs $end',
      '$var reg 4 a top [3:0] $end',
      '$scope task t $end',
      '$var wire 1 b x $end',
      '$var wire 1 b y $end',
      '$var real 64 r level $end',
      '$var integer 32 c count $end',
      '$attrbegin misc 07 iovsim 1 $end',
      '$upscope $end',
      '$enddefinitions $end',
      'b1 a',
      '#5',
      'B10 a',
      'Xb',
      'r1.5 r',
      'sHello r',
      '$comment a note $end',
      '#7',
      'bX a',
      'bz a',
      'bz0 a',
      'b1 c',
      'b0Z a',
      'Zb',
      '$dumpoff', 'bx a', '$end',
      '#7',
    ].join('\r\n');
    const dump = parseVcd(text);
    expect(dump.timescale).toBe('1 fs');
    // The real variable is left out; the range after `top` is not part of the name.
    expect(dump.signals).toEqual([
      { id: 'a', scope: '', name: 'top', width: 4 },
      { id: 'b', scope: 't', name: 'x', width: 1 },
      { id: 'b', scope: 't', name: 'y', width: 1 },
      { id: 'c', scope: 't', name: 'count', width: 32 },
    ]);
    expect(dump.changes).toEqual([
      { time: 0, signal: 0, value: 1 },
      { time: 5, signal: 0, value: 2 },
      { time: 5, signal: 1, value: 'x' },
      { time: 5, signal: 2, value: 'x' },
      { time: 7, signal: 0, value: 'x' },
      { time: 7, signal: 0, value: 'z' },
      { time: 7, signal: 0, value: 'x' }, // z0: zzz0, mixed
      { time: 7, signal: 3, value: 1 },
      { time: 7, signal: 0, value: 'x' }, // 0z: 000z, mixed
      { time: 7, signal: 1, value: 'z' },
      { time: 7, signal: 2, value: 'z' },
      { time: 7, signal: 0, value: 'x' },
    ]);
  });

  it('returns a bigint for signals wider than 53 bits and a number otherwise', () => {
    const text = '$var wire 54 a w $end $var wire 53 b n $end $enddefinitions $end #0 b1 a b1 b';
    expect(parseVcd(text).changes.map((c) => c.value)).toEqual([1n, 1]);
  });

  it('returns an empty timescale when there is none', () => {
    expect(parseVcd('$enddefinitions $end')).toEqual({ timescale: '', signals: [], changes: [] });
  });

  it('names each problem with its code and line', () => {
    const head = ['$timescale 1 ns $end', '$scope module m $end', '$var wire 4 ! v $end', '$upscope $end', '$enddefinitions $end'];
    expectError(['$date', 'today'], 'vcd.missing-end', 1);
    expectError(['$timescale 1 ns $end', '$scope module m $end'], 'vcd.missing-enddefinitions', 2);
    expectError(['$timescale 3 ns $end'], 'vcd.bad-timescale', 1);
    expectError(['$timescale $end'], 'vcd.bad-timescale', 1);
    expectError(['$scope module $end'], 'vcd.bad-scope', 1);
    expectError(['$upscope $end'], 'vcd.bad-scope', 1);
    expectError(['$scope module m $end', '$enddefinitions $end'], 'vcd.bad-scope', 2);
    expectError(['$var wire 1 ! $end'], 'vcd.bad-var', 1);
    expectError(['$var wire 1 ! a b $end'], 'vcd.bad-var', 1);
    expectError(['$var wire 0 ! a $end'], 'vcd.bad-width', 1);
    expectError(['$var wire 65 ! a $end'], 'vcd.bad-width', 1);
    expectError(['$var wire w ! a $end'], 'vcd.bad-width', 1);
    expectError(['$end'], 'vcd.unexpected-token', 1);
    expectError(['#0'], 'vcd.unexpected-token', 1);
    expectError([...head, '#'], 'vcd.bad-time', 6);
    expectError([...head, '#-1'], 'vcd.bad-time', 6);
    expectError([...head, '#1.5'], 'vcd.bad-time', 6);
    expectError([...head, '#99999999999999999'], 'vcd.bad-time', 6);
    expectError([...head, '#5', '#4'], 'vcd.time-order', 7);
    expectError([...head, 'b12 !'], 'vcd.bad-value', 6);
    expectError([...head, 'b10101 !'], 'vcd.bad-value', 6);
    expectError([...head, 'b1'], 'vcd.bad-value', 6);
    expectError([...head, '1'], 'vcd.bad-value', 6);
    expectError([...head, '1?'], 'vcd.unknown-id', 6);
    expectError([...head, 'b1', '?'], 'vcd.unknown-id', 7);
    expectError([...head, 'r1.0 ?'], 'vcd.unknown-id', 6);
    expectError([...head, '$end'], 'vcd.unexpected-token', 6);
    expectError([...head, '$dumpvars', '$dumpall'], 'vcd.unexpected-token', 7);
    expectError([...head, '$var'], 'vcd.unexpected-token', 6);
    expectError([...head, 'u!'], 'vcd.unexpected-token', 6);
    expectError([...head, '', '$dumpvars', 'b1 !'], 'vcd.missing-end', 7);
    expectError([...head, '$comment'], 'vcd.missing-end', 6);
  });

  it('rejects a non-string with TypeError', () => {
    expect(() => parseVcd(42 as unknown as string)).toThrow(TypeError);
  });

  it('reads a large dump in linear time', () => {
    const changes: VcdChange[] = Array.from({ length: 100_000 }, (_, i) => ({ time: i, signal: i % 2, value: i % 3 }));
    const text = formatVcd({ signals: [{ scope: 'm', name: 'a', width: 2 }, { scope: 'm', name: 'b', width: 2 }], changes });
    const t0 = performance.now();
    expect(parseVcd(text).changes.length).toBeGreaterThan(60_000);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const SCOPES = ['', 'hub', 'hub.port0', 'hub.port1', 'host1', 'a.b.c'] as const;
const NAMES = ['tx_en', 'carrier', 'collision', 'data', 'rx_dv', 'x', 'crs[0]', 'q.d'] as const;

const widthArb = fc.oneof(fc.constant(1), fc.constant(8), fc.integer({ min: 1, max: 64 }));

/** Signals with unique scope + name; identifiers given for some of them when `withIds`. */
const signalsArb: fc.Arbitrary<VcdSignal[]> = fc
  .tuple(
    fc.uniqueArray(fc.record({ scope: fc.constantFrom(...SCOPES), name: fc.constantFrom(...NAMES) }), { selector: fullName, minLength: 1, maxLength: 12 }),
    fc.array(widthArb, { minLength: 12, maxLength: 12 }),
    fc.uniqueArray(fc.string({ unit: fc.integer({ min: 33, max: 126 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 3 }), {
      minLength: 12,
      maxLength: 12,
    }),
    fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  )
  .map(([names, widths, ids, given]) =>
    names.map((n, i): VcdSignal => {
      const width = widths[i] ?? 1;
      const id = ids[i];
      return given[i] === true && id !== undefined ? { ...n, width, id } : { ...n, width };
    }),
  );

function valueArb(width: number): fc.Arbitrary<VcdValue> {
  const max = (1n << BigInt(width)) - 1n;
  const big = fc.bigInt({ min: 0n, max });
  const small = fc.bigInt({ min: 0n, max: max < 3n ? max : 3n });
  const asNumber = (a: fc.Arbitrary<bigint>): fc.Arbitrary<VcdValue> => (width <= 53 ? a.map((v) => Number(v)) : a);
  return fc.oneof(fc.constantFrom<VcdValue>('x', 'z'), big, small, asNumber(big), asNumber(small));
}

const dumpArb = signalsArb.chain((signals) =>
  fc
    .array(
      fc.tuple(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1_000_000 })), fc.nat(signals.length - 1)).chain(([dt, signal]) =>
        valueArb(signals[signal]?.width ?? 1).map((value) => ({ dt, signal, value })),
      ),
      { maxLength: 40 },
    )
    .map((steps) => {
      let time = 0;
      const changes = steps.map(({ dt, signal, value }): VcdChange => ({ time: (time += dt), signal, value }));
      return { signals, changes };
    }),
);

/**
 * What a reader must see per signal: its value at time 0 (last change at 0, else x), then at each
 * later time its last value at that time when it differs from the one before.
 */
function expectedHistories(signals: readonly VcdSignal[], changes: readonly VcdChange[]): [number, string][][] {
  const hist: [number, string][][] = signals.map(() => []);
  const final = new Map<number, string>();
  let time = 0;
  const flush = (): void => {
    signals.forEach((_, i) => {
      const h = hist[i] ?? [];
      const v = final.get(i) ?? (time === 0 ? 'x' : undefined);
      if (v !== undefined && (h.length === 0 || h[h.length - 1]?.[1] !== v)) h.push([time, v]);
    });
    final.clear();
  };
  for (const c of changes) {
    if (c.time !== time) {
      flush();
      time = c.time;
    }
    final.set(c.signal, norm(c.value));
  }
  flush();
  return hist;
}

describe('vcd properties', () => {
  it('FMT-VCD-01: formatVcd then parseVcd gives back the signals and value changes', () => {
    fc.assert(
      fc.property(dumpArb, fc.constantFrom('1 ns', '10ps', '100 fs', '1 s'), ({ signals, changes }, timescale) => {
        const text = formatVcd({ signals, changes, timescale });
        const dump = parseVcd(text);
        expect(dump.timescale).toBe(timescale.replace(/^(\d+)\s*/, '$1 '));
        // Same signals (declared grouped by scope, so matched by scope + name).
        expect(dump.signals.length).toBe(signals.length);
        const index = new Map(signals.map((s, i) => [fullName(s), i]));
        const back = dump.signals.map((s) => index.get(fullName(s)) ?? -1);
        expect(new Set(back).size).toBe(signals.length);
        dump.signals.forEach((s, j) => {
          const orig = signals[back[j] ?? -1];
          expect(s.width).toBe(orig?.width);
          if (orig?.id !== undefined) expect(s.id).toBe(orig.id);
        });
        expect(new Set(dump.signals.map((s) => s.id)).size).toBe(signals.length);
        // Same value history per signal.
        const got: [number, string][][] = signals.map(() => []);
        let prev = 0;
        for (const c of dump.changes) {
          expect(c.time).toBeGreaterThanOrEqual(prev);
          prev = c.time;
          const width = dump.signals[c.signal]?.width ?? 0;
          if (typeof c.value !== 'string') expect(typeof c.value).toBe(width <= 53 ? 'number' : 'bigint');
          got[back[c.signal] ?? -1]?.push([c.time, norm(c.value)]);
        }
        expect(got).toEqual(expectedHistories(signals, changes));
        // The text is canonical: writing what was read gives the same text.
        expect(formatVcd({ signals: dump.signals, changes: dump.changes, timescale })).toBe(text);
      }),
    );
  });

  const VOCAB = [
    '$end', '$var', '$scope', '$upscope', '$enddefinitions', '$dumpvars', '$comment', '$timescale', 'module', 'wire',
    '1', '8', '65', '0', '#', '#3', '#-1', 'b', 'b101', 'bxz', 'b2', 'r1.5', 'x!', '1!', '!', '"', '#', '$', '[7:0]', ' ', '\n', '\t',
  ];
  const tokenArb = fc.oneof(fc.constantFrom(...VOCAB), fc.string({ maxLength: 4 }));

  type Edit =
    | { kind: 'cut'; at: number }
    | { kind: 'delete'; at: number; len: number }
    | { kind: 'insert'; at: number; text: string }
    | { kind: 'swap'; a: number; b: number }
    | { kind: 'token'; at: number; op: 'drop' | 'prefix' | 'replace' | 'dup'; keep: number; text: string };
  const editArb: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.array(tokenArb, { minLength: 1, maxLength: 3 }).map((t) => t.join(' ')) }),
    fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
    // Token-level edits keep the rest of the file intact, so that they reach the value changes.
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('token' as const),
        at: fc.nat(),
        op: fc.constantFrom('drop' as const, 'prefix' as const, 'replace' as const, 'dup' as const),
        keep: fc.nat({ max: 2 }),
        text: tokenArb,
      }),
    },
  );

  function edit(text: string, e: Edit): string {
    const at = (n: number): number => n % (text.length + 1);
    switch (e.kind) {
      case 'cut':
        return text.slice(0, at(e.at));
      case 'delete':
        return text.slice(0, at(e.at)) + text.slice(at(e.at) + e.len);
      case 'insert':
        return text.slice(0, at(e.at)) + e.text + text.slice(at(e.at));
      case 'swap': {
        const lines = text.split('\n');
        const a = e.a % lines.length;
        const b = e.b % lines.length;
        const la = lines[a] ?? '';
        lines[a] = lines[b] ?? '';
        lines[b] = la;
        return lines.join('\n');
      }
      case 'token': {
        // Tokens at odd indexes, whitespace runs at even ones.
        const parts = text.split(/(\S+)/);
        const tokens = Math.floor(parts.length / 2);
        if (tokens === 0) return text;
        const i = 2 * (e.at % tokens) + 1;
        const tok = parts[i] ?? '';
        parts[i] = e.op === 'drop' ? '' : e.op === 'prefix' ? tok.slice(0, e.keep) : e.op === 'replace' ? e.text : `${tok} ${tok}`;
        return parts.join('');
      }
    }
  }

  it('FMT-VCD-02: malformed VCD raises only VcdParseError', () => {
    fc.assert(
      fc.property(
        dumpArb,
        fc.array(editArb, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.array(tokenArb, { maxLength: 30 }),
        ({ signals, changes }, edits, random, tokens) => {
          const start = random ? tokens.join(' ') : formatVcd({ signals, changes });
          const text = edits.reduce(edit, start);
          try {
            const dump = parseVcd(text);
            // Accepted input is self-consistent.
            for (const c of dump.changes) expect(dump.signals[c.signal]).toBeDefined();
          } catch (e) {
            expect(e).toBeInstanceOf(VcdParseError);
            const err = e as VcdParseError;
            expect(CODES).toContain(err.code);
            expect(err.line).toBeGreaterThanOrEqual(1);
            expect(err.line).toBeLessThanOrEqual(text.split('\n').length);
          }
        },
      ),
    );
  });

  it('FMT-VCD-02: every single-token edit of a valid dump raises only VcdParseError', () => {
    const ops = (tok: string): string[] => ['', tok.slice(0, 1), tok.slice(0, 2), tok.slice(1), `${tok} ${tok}`, `${tok}${tok}`];
    fc.assert(
      fc.property(dumpArb, ({ signals, changes }) => {
        const parts = formatVcd({ signals, changes }).split(/(\S+)/);
        for (let i = 1; i < parts.length; i += 2) {
          const tok = parts[i] ?? '';
          for (const replacement of ops(tok)) {
            const text = [...parts.slice(0, i), replacement, ...parts.slice(i + 1)].join('');
            try {
              parseVcd(text);
            } catch (e) {
              if (!(e instanceof VcdParseError)) throw new Error(`${String(e)} for token ${i} ${JSON.stringify(tok)} → ${JSON.stringify(replacement)}`);
              expect(CODES).toContain(e.code);
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('FMT-VCD-02: every cut of a valid dump inside the definitions or the $dumpvars section raises VcdParseError', () => {
    fc.assert(
      fc.property(dumpArb, fc.nat(), fc.boolean(), ({ signals, changes }, cut, inDump) => {
        const text = formatVcd({ signals, changes });
        const defEnd = text.indexOf('$enddefinitions $end') + '$enddefinitions $end'.length - 1;
        const dumpStart = text.indexOf('$dumpvars') + '$dumpvars'.length;
        const dumpEnd = text.indexOf('\n$end', dumpStart) + 1;
        const n = inDump ? dumpStart + (cut % (dumpEnd - dumpStart)) : cut % defEnd;
        const e = vcdError(() => parseVcd(text.slice(0, n)));
        const codes: VcdParseErrorCode[] = inDump
          ? ['vcd.missing-end', 'vcd.bad-value', 'vcd.unknown-id']
          : ['vcd.missing-end', 'vcd.missing-enddefinitions', 'vcd.unexpected-token']; // '$enddefinitions' cut to '$end'
        expect(codes).toContain(e.code);
      }),
    );
  });
});
