import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { LspciParseError, formatLspciDump, formatLspciDumps, formatPciAddress, parseLspciDump } from '../../src/formats/index.js';
import type { LspciDumpSize, PciAddress } from '../../src/formats/index.js';

const sizeArb = fc.constantFrom<LspciDumpSize>(64, 256, 4096);

const addressArb = (domain: fc.Arbitrary<number> = fc.integer({ min: 0, max: 0xffffff })): fc.Arbitrary<PciAddress> =>
  fc.record({
    domain,
    bus: fc.integer({ min: 0, max: 0xff }),
    device: fc.integer({ min: 0, max: 0x1f }),
    function: fc.integer({ min: 0, max: 7 }),
  });

/** Descriptions that survive a round trip: one line, no surrounding whitespace. */
const descriptionArb = fc
  .string({ maxLength: 60, unit: fc.constantFrom('a', 'Z', '0', ' ', ':', '[', ']', '.', '-', '#', 'é', '\t') })
  .map((s) => s.trim());

const functionArb = fc
  .tuple(addressArb(), sizeArb, descriptionArb)
  .chain(([address, size, description]) =>
    fc.uint8Array({ minLength: size, maxLength: size }).map((bytes) => ({ address, size, description, bytes })),
  );

const key = (a: PciAddress): string => formatPciAddress(a, { domain: true });

describe('lspci dump properties', () => {
  it('FMT-LSPCI-01: export then import gives identical bytes (64, 256, 4096)', () => {
    fc.assert(
      fc.property(functionArb, ({ address, size, description, bytes }) => {
        const text = formatLspciDump({ address, bytes, description });
        const parsed = parseLspciDump(text);
        expect(parsed.length).toBe(1);
        const [fn] = parsed;
        expect(fn?.size).toBe(size);
        expect(fn?.bytes).toEqual(bytes);
        expect(fn?.address).toEqual(address);
        expect(fn?.description).toBe(description === '' ? 'Device' : description);
        // The text is canonical: formatting what was read gives the same text back.
        expect(formatLspciDumps(parsed)).toBe(text);
        // Line count: header, size/16 data lines, one blank line (the split leaves a trailing '').
        expect(text.split('\n').length).toBe(1 + size / 16 + 2);
      }),
    );
  });

  it('FMT-LSPCI-01: export then import gives identical bytes for an explicit smaller size', () => {
    fc.assert(
      fc.property(addressArb(), fc.uint8Array({ minLength: 4096, maxLength: 4096 }), sizeArb, (address, bytes, size) => {
        const [fn] = parseLspciDump(formatLspciDump({ address, bytes }, size));
        expect(fn?.size).toBe(size);
        expect(fn?.bytes).toEqual(bytes.subarray(0, size));
      }),
    );
  });

  /** A small valid dump as lines: 1 to 3 functions of 64 or 256 bytes, with blank lines and comments. */
  const validLinesArb = fc
    .uniqueArray(addressArb(fc.constantFrom(0, 1, 0x10000)), { minLength: 1, maxLength: 3, selector: key })
    .chain((addrs) =>
      fc.tuple(
        ...addrs.map((address) =>
          fc
            .tuple(fc.constantFrom<LspciDumpSize>(64, 256), descriptionArb, fc.boolean())
            .chain(([size, description, comment]) =>
              fc.uint8Array({ minLength: size, maxLength: size }).map((bytes) => {
                const text = formatLspciDump({ address, bytes, description });
                return (comment ? `# ${description}\n` : '') + text;
              }),
            ),
        ),
      ),
    )
    .map((parts) => parts.join('').split('\n'));

  type Mutation = (lines: string[]) => string[];
  const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
    fc.nat().map((i): Mutation => (ls) => ls.filter((_, k) => k !== i % ls.length)),
    fc.nat().map((i): Mutation => (ls) => ls.flatMap((l, k) => (k === i % ls.length ? [l, l] : [l]))),
    fc.tuple(fc.nat(), fc.nat()).map(([i, j]): Mutation => (ls) => {
      const out = [...ls];
      const a = i % out.length;
      const b = j % out.length;
      [out[a], out[b]] = [out[b] ?? '', out[a] ?? ''];
      return out;
    }),
    fc.tuple(fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 4, unit: 'binary' })).map(([i, p, s]): Mutation => (ls) => {
      const out = [...ls];
      const a = i % out.length;
      const l = out[a] ?? '';
      const at = p % (l.length + 1);
      out[a] = l.slice(0, at) + s + l.slice(at);
      return out;
    }),
    fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(' ', '  ', '\t', ':', '.', '0', 'f', 'g', '\r', '#', '')).map(
      ([i, p, s]): Mutation =>
        (ls) => {
          const out = [...ls];
          const a = i % out.length;
          const l = out[a] ?? '';
          const at = p % (l.length + 1);
          out[a] = l.slice(0, at) + s + l.slice(at + 1);
          return out;
        },
    ),
    fc.nat().map((n): Mutation => (ls) => ls.join('\n').slice(0, n % (ls.join('\n').length + 1)).split('\n')),
    fc.constant<Mutation>((ls) => ls.map((l) => `${l}\r`)),
  );

  const malformedArb = fc.oneof(
    fc.tuple(validLinesArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 })).map(([ls, ms]) => ms.reduce((acc, m) => m(acc), ls).join('\n')),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: fc.constantFrom('0', '1', 'a', 'f', ':', '.', ' ', '\n', '\r', '#', 'x', '\t'), maxLength: 300 }),
  );

  it('FMT-LSPCI-02: malformed dumps only ever raise LspciParseError naming a line', () => {
    let errors = 0;
    let parses = 0;
    const codes = new Set<string>();
    const runs = Math.max(1000, fc.readConfigureGlobal().numRuns ?? 0);
    fc.assert(
      fc.property(malformedArb, (text) => {
        const lineCount = text.split('\n').length;
        try {
          const fns = parseLspciDump(text);
          parses++;
          expect(fns.length).toBeGreaterThan(0);
          for (const fn of fns) {
            expect([64, 256, 4096]).toContain(fn.size);
            expect(fn.bytes.length).toBe(fn.size);
          }
        } catch (e) {
          if (!(e instanceof LspciParseError)) throw new Error(`threw a non-LspciParseError: ${String(e)}`);
          errors++;
          codes.add(e.code);
          expect(Number.isInteger(e.line)).toBe(true);
          expect(e.line).toBeGreaterThanOrEqual(0);
          expect(e.line).toBeLessThanOrEqual(lineCount);
          expect(e.code).toMatch(/^lspci\.[a-z-]+$/);
          if (e.line > 0) expect(e.message.startsWith(`line ${e.line}: `)).toBe(true);
          else expect(e.code).toBe('lspci.empty'); // the only error not tied to a line
        }
      }),
      { numRuns: runs },
    );
    // The generator must really produce malformed input, of many kinds.
    expect(parses + errors).toBe(runs);
    expect(errors).toBeGreaterThan(500);
    expect(codes.size).toBeGreaterThanOrEqual(8);
  });

  it('FMT-LSPCI-03: several functions, optional domain', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(addressArb(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffffff }))), sizeArb, descriptionArb),
          { minLength: 1, maxLength: 5, selector: ([a]) => key(a) },
        ),
        fc.constantFrom<boolean | 'auto'>(true, false, 'auto'),
        fc.integer({ min: 0, max: 255 }),
        (specs, domainMode, seed) => {
          const list = specs.map(([address, size, description], k) => ({
            address,
            description,
            bytes: Uint8Array.from({ length: size }, (_, i) => (i * 31 + k * 7 + seed) & 0xff),
          }));
          const anyDomain = list.some((f) => f.address.domain !== 0);
          // formatLspciDumps: lspci style, domain everywhere once any is non-zero.
          const text = formatLspciDumps(list);
          const headers = text.split('\n').filter((l) => l !== '' && !/^[0-9a-f]{2,3}: /.test(l));
          expect(headers.length).toBe(list.length);
          for (const h of headers) expect(/^[0-9a-f]{4,6}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] /.test(h)).toBe(anyDomain);
          const parsed = parseLspciDump(text);
          expect(parsed.map((f) => [f.address, f.size, f.description])).toEqual(
            list.map((f) => [f.address, f.bytes.length, f.description === '' ? 'Device' : f.description]),
          );
          parsed.forEach((f, k) => expect(f.bytes).toEqual(list[k]?.bytes));
          // Per-function domain choice: true / 'auto' keep every address; false drops the domain.
          const each = list.map((f) => formatLspciDump(f, undefined, { domain: domainMode })).join('');
          const lossy = domainMode === false && anyDomain;
          let reparsed: ReturnType<typeof parseLspciDump> | undefined;
          try {
            reparsed = parseLspciDump(each);
          } catch (e) {
            // Dropping the domain may merge two addresses into one: that must be reported.
            expect(lossy).toBe(true);
            expect((e as LspciParseError).code).toBe('lspci.duplicate-address');
          }
          if (reparsed !== undefined) {
            expect(reparsed.map((f) => f.address)).toEqual(list.map((f) => (domainMode === false ? { ...f.address, domain: 0 } : f.address)));
          }
        },
      ),
    );
  });
});
