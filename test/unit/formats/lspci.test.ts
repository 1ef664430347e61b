import { describe, it, expect } from 'vitest';
import {
  LspciParseError,
  formatLspciDump,
  formatLspciDumps,
  formatPciAddress,
  parseLspciDump,
  parsePciAddress,
} from '../../../src/formats/index.js';
import type { LspciParseErrorCode, PciAddress } from '../../../src/formats/index.js';

const A0: PciAddress = { domain: 0, bus: 1, device: 0, function: 0 };

/** One data line as lspci prints it, bytes `base`, `base+1`, ... (mod 256). */
function dataLine(offset: number, base = offset): string {
  const bytes = Array.from({ length: 16 }, (_, k) => ((base + k) & 0xff).toString(16).padStart(2, '0'));
  return `${offset.toString(16).padStart(2, '0')}: ${bytes.join(' ')}`;
}

/** A valid dump body of `size` bytes (no header), byte i = i & 0xff. */
function body(size: number): string[] {
  const out: string[] = [];
  for (let o = 0; o < size; o += 16) out.push(dataLine(o));
  return out;
}

/** Parses `lines.join('\n')` and returns the LspciParseError it must throw. */
function errorOf(lines: readonly string[]): LspciParseError {
  try {
    parseLspciDump(lines.join('\n'));
  } catch (e) {
    expect(e).toBeInstanceOf(LspciParseError);
    return e as LspciParseError;
  }
  throw new Error('expected parseLspciDump to throw');
}

function expectError(lines: readonly string[], code: LspciParseErrorCode, line: number): LspciParseError {
  const e = errorOf(lines);
  expect({ code: e.code, line: e.line }).toEqual({ code, line });
  if (line > 0) expect(e.message.startsWith(`line ${line}: `)).toBe(true);
  return e;
}

describe('formatPciAddress', () => {
  it('prints bb:dd.f in lower-case hex and the domain only when non-zero by default', () => {
    expect(formatPciAddress(A0)).toBe('01:00.0');
    expect(formatPciAddress({ domain: 0, bus: 0xab, device: 0x1f, function: 7 })).toBe('ab:1f.7');
    expect(formatPciAddress({ domain: 1, bus: 0x3b, device: 2, function: 1 })).toBe('0001:3b:02.1');
    expect(formatPciAddress({ domain: 0x10000, bus: 0, device: 0, function: 0 })).toBe('10000:00:00.0');
    expect(formatPciAddress({ domain: 0xffffff, bus: 0xff, device: 0x1f, function: 7 })).toBe('ffffff:ff:1f.7');
  });

  it('honours domain: true / false / auto', () => {
    expect(formatPciAddress(A0, { domain: true })).toBe('0000:01:00.0');
    expect(formatPciAddress(A0, { domain: 'auto' })).toBe('01:00.0');
    expect(formatPciAddress({ ...A0, domain: 5 }, { domain: false })).toBe('01:00.0');
  });

  it('rejects out-of-range numbers with RangeError', () => {
    expect(() => formatPciAddress({ ...A0, device: 0x20 })).toThrow(RangeError);
    expect(() => formatPciAddress({ ...A0, function: 8 })).toThrow(RangeError);
    expect(() => formatPciAddress({ ...A0, bus: 256 })).toThrow(RangeError);
    expect(() => formatPciAddress({ ...A0, bus: 1.5 })).toThrow(RangeError);
    expect(() => formatPciAddress({ ...A0, domain: 0x1000000 })).toThrow(RangeError);
    expect(() => formatPciAddress({ ...A0, domain: -1 })).toThrow(RangeError);
  });
});

describe('parsePciAddress', () => {
  it('reads the short and the domain forms (4 to 6 domain digits, either case)', () => {
    expect(parsePciAddress('01:00.0')).toEqual(A0);
    expect(parsePciAddress('AB:1F.7')).toEqual({ domain: 0, bus: 0xab, device: 0x1f, function: 7 });
    expect(parsePciAddress('0001:3b:02.1')).toEqual({ domain: 1, bus: 0x3b, device: 2, function: 1 });
    expect(parsePciAddress('10000:00:00.0')).toEqual({ domain: 0x10000, bus: 0, device: 0, function: 0 });
    expect(parsePciAddress('ffffff:ff:1f.7')).toEqual({ domain: 0xffffff, bus: 0xff, device: 0x1f, function: 7 });
  });

  it.each([
    ['01:00', 'no function'],
    ['01:20.0', 'device beyond 0x1f'],
    ['01:00.8', 'function 8'],
    ['1:00.0', 'one-digit bus'],
    ['001:00.0', 'three-digit bus'],
    ['001:01:00.0', 'three-digit domain'],
    ['1234567:01:00.0', 'seven-digit domain'],
    [' 01:00.0', 'leading space'],
    ['01:00.0 ', 'trailing space'],
    ['0g:00.0', 'non-hex bus'],
    ['00:00:00:00.0', 'too many parts'],
    ['', 'empty'],
  ])('rejects %j (%s) with lspci.bad-address, line 0', (text) => {
    let err: unknown;
    try {
      parsePciAddress(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LspciParseError);
    expect((err as LspciParseError).code).toBe('lspci.bad-address');
    expect((err as LspciParseError).line).toBe(0);
    expect((err as LspciParseError).name).toBe('LspciParseError');
  });

  it('round-trips with formatPciAddress', () => {
    const a = { domain: 0x2a, bus: 0x3b, device: 0x1c, function: 6 };
    expect(parsePciAddress(formatPciAddress(a))).toEqual(a);
    expect(parsePciAddress(formatPciAddress(A0, { domain: true }))).toEqual(A0);
  });
});

describe('parseLspciDump: valid input', () => {
  it.each([64, 256, 4096] as const)('reads a %d-byte dump with the right bytes at the right offsets', (size) => {
    const [fn, ...rest] = parseLspciDump(['01:00.0 Ethernet controller: Intel Corporation 82576', ...body(size), ''].join('\n'));
    expect(rest).toEqual([]);
    expect(fn?.size).toBe(size);
    expect(fn?.bytes.length).toBe(size);
    expect(fn?.address).toEqual(A0);
    expect(fn?.description).toBe('Ethernet controller: Intel Corporation 82576');
    for (const i of [0, 1, 15, 16, 63, size - 1]) expect(fn?.bytes[i]).toBe(i & 0xff);
  });

  it('reads 3-digit offsets from 0x100 and longer zero-padded offsets', () => {
    const lines = ['01:00.0 x', ...body(4096)];
    expect(lines[17]).toBe(dataLine(0x100));
    expect(lines[17]?.startsWith('100: ')).toBe(true);
    lines[2] = `00000010:${lines[2]?.slice(3)}`;
    const [fn] = parseLspciDump(lines.join('\n'));
    expect(fn?.bytes[0x10]).toBe(0x10);
    expect(fn?.bytes[0xfff]).toBe(0xff);
  });

  it('accepts upper-case hex in offsets and bytes', () => {
    const lines = ['01:00.0 x', ...body(64).map((l) => l.toUpperCase())];
    const [fn] = parseLspciDump(lines.join('\n'));
    expect(fn?.bytes[0x3f]).toBe(0x3f);
  });

  it('accepts CRLF line ends and trailing whitespace', () => {
    const text = ['01:00.0 Device  \t', ...body(64).map((l) => `${l} \t`), '', ''].join('\r\n');
    const [fn] = parseLspciDump(text);
    expect(fn?.description).toBe('Device');
    expect(fn?.bytes[0x3f]).toBe(0x3f);
    expect(parseLspciDump(text)).toEqual(parseLspciDump(['01:00.0 Device', ...body(64)].join('\n')));
  });

  it('reads all domain forms on header lines', () => {
    const text = [
      '0000:01:00.0 zero domain',
      ...body(64),
      '',
      '0001:02:03.4 four digits',
      ...body(64),
      '',
      '12345:05:1f.7 five digits',
      ...body(64),
      '',
      'abcdef:ff:00.1 six digits',
      ...body(64),
      '',
      '7f:00.0 no domain',
      ...body(64),
      '',
    ].join('\n');
    expect(parseLspciDump(text).map((f) => [f.address, f.description])).toEqual([
      [A0, 'zero domain'],
      [{ domain: 1, bus: 2, device: 3, function: 4 }, 'four digits'],
      [{ domain: 0x12345, bus: 5, device: 0x1f, function: 7 }, 'five digits'],
      [{ domain: 0xabcdef, bus: 0xff, device: 0, function: 1 }, 'six digits'],
      [{ domain: 0, bus: 0x7f, device: 0, function: 0 }, 'no domain'],
    ]);
  });

  it('ends a function at a new header without a blank line, and skips comments', () => {
    const text = ['# lspci -xxx', '01:00.0 first', ...body(64), '01:00.1 second', '# mid-function comment', ...body(256), '', '', '# end'].join('\n');
    const fns = parseLspciDump(text);
    expect(fns.map((f) => [formatPciAddress(f.address), f.description, f.size])).toEqual([
      ['01:00.0', 'first', 64],
      ['01:00.1', 'second', 256],
    ]);
  });

  it('takes a bare address as a header with an empty description', () => {
    const [fn] = parseLspciDump(['01:00.0', ...body(64)].join('\n'));
    expect(fn?.description).toBe('');
  });
});

describe('parseLspciDump: each error code names its line', () => {
  const H = '01:00.0 Device';
  const b64 = body(64);

  it('lspci.missing-address: a data line before any header', () => {
    expectError(b64, 'lspci.missing-address', 1);
  });

  it('lspci.missing-address: a data line after the blank line that ended a function', () => {
    expectError([H, ...b64, '', ...b64], 'lspci.missing-address', 7);
  });

  it('lspci.bad-address: device 0x20, function 8, one-digit bus', () => {
    expectError([H, ...b64, '', '01:20.0 x', ...b64], 'lspci.bad-address', 7);
    expectError(['01:00.8 x', ...b64], 'lspci.bad-address', 1);
    expectError(['# c', '1:00.0 x', ...b64], 'lspci.bad-address', 2);
  });

  it('lspci.duplicate-address: the same function twice (with and without domain)', () => {
    const e = expectError([H, ...b64, '', '0000:01:00.0 again', ...b64], 'lspci.duplicate-address', 7);
    expect(e.message).toContain('line 1');
  });

  it('lspci.bad-line: text that is no header, data line or comment; indented lines outside the decoded text of lspci -v', () => {
    expectError([H, ...b64.slice(0, 2), 'hello world', ...b64.slice(2)], 'lspci.bad-line', 4);
    expectError([H, ` ${b64[0] ?? ''}`], 'lspci.bad-line', 2); // an indented data line
    expectError([H, b64[0] ?? '', '\tControl: I/O- Mem+', ...b64.slice(1)], 'lspci.bad-line', 3); // among the data lines
    expectError(['\tControl: I/O- Mem+', H, ...b64], 'lspci.bad-line', 1); // before any header
  });

  it('skips the decoded lines of lspci -vvv -xxxx between a header and its data, as lspci -F does', () => {
    const verbose = [H, '\tControl: I/O- Mem+ BusMaster+', '\tCapabilities: [40] Power Management version 3', '\t\tFlags: PMEClk- DSI-', '  Kernel driver in use: igb', ...b64];
    const [fn] = parseLspciDump(verbose.join('\n'));
    expect(fn!.size).toBe(64);
    expect(fn!.bytes).toEqual(parseLspciDump([H, ...b64].join('\n'))[0]!.bytes);
    // lspci -vvv without -x: decoded lines and no hex.
    expectError([H, '\tControl: I/O- Mem+', ''], 'lspci.bad-size', 1);
    expect(() => parseLspciDump([H, '\tControl: I/O- Mem+', ''].join('\n'))).toThrow(/no data lines \(was lspci run without -x/);
  });

  it('lspci.bad-hex: non-hex byte, double space, non-hex offset', () => {
    const bad = [...b64];
    bad[2] = bad[2]?.replace(/ 25 /, ' 2g ') ?? '';
    const e = expectError([H, ...bad], 'lspci.bad-hex', 4);
    expect(e.message).toContain('byte 6');
    expect(e.message).toContain('0x20');
    const dbl = [...b64];
    dbl[1] = dbl[1]?.replace(/ 13 /, '  13 ') ?? '';
    expectError([H, ...dbl], 'lspci.bad-hex', 3);
    const three = [...b64];
    three[0] = three[0]?.replace(/ 01 /, ' 001 ') ?? '';
    expectError([H, ...three], 'lspci.bad-hex', 2);
    expectError([H, `xy:${b64[0]?.slice(3) ?? ''}`], 'lspci.bad-hex', 2);
  });

  it('lspci.bad-offset: one-digit and nine-digit offsets', () => {
    expectError([H, `0:${b64[0]?.slice(3) ?? ''}`], 'lspci.bad-offset', 2);
    expectError([H, `000000000:${b64[0]?.slice(3) ?? ''}`], 'lspci.bad-offset', 2);
  });

  it('lspci.short-line: 15 bytes, with the exact message', () => {
    const lines = ['# one', '# two', H, ...b64];
    lines[6] = lines[6]?.slice(0, -3) ?? '';
    const e = expectError(lines, 'lspci.short-line', 7);
    expect(e.message).toBe('line 7: expected 16 bytes after offset 0x30, found 15');
  });

  it('lspci.short-line: an offset with no bytes', () => {
    const e = expectError([H, '00:'], 'lspci.short-line', 2);
    expect(e.message).toBe('line 2: expected 16 bytes after offset 0x00, found 0');
  });

  it('lspci.long-line: 17 bytes', () => {
    const e = expectError([H, b64[0] ?? '', `${b64[1] ?? ''} ff`], 'lspci.long-line', 3);
    expect(e.message).toBe('line 3: expected 16 bytes after offset 0x10, found 17');
  });

  it('lspci.misaligned-offset: offset 0x08', () => {
    expectError([H, dataLine(0), dataLine(8)], 'lspci.misaligned-offset', 3);
  });

  it('lspci.offset-range: offset 0x1000 after a full 4096-byte dump', () => {
    expectError([H, ...body(4096), dataLine(0x1000)], 'lspci.offset-range', 258);
    expectError([H, 'ffffffff: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'], 'lspci.offset-range', 2);
  });

  it('lspci.duplicate-offset: a repeated line', () => {
    expectError([H, dataLine(0), dataLine(0x10), dataLine(0x10), dataLine(0x20)], 'lspci.duplicate-offset', 4);
  });

  it('lspci.offset-order: an offset going backwards', () => {
    expectError([H, dataLine(0), dataLine(0x10), dataLine(0x20), dataLine(0x10)], 'lspci.offset-order', 5);
  });

  it('lspci.offset-gap: a missing line, a swapped pair, a dump not starting at 0', () => {
    expectError([H, dataLine(0), dataLine(0x20), dataLine(0x30)], 'lspci.offset-gap', 3);
    expectError([H, dataLine(0), dataLine(0x20), dataLine(0x10), dataLine(0x30)], 'lspci.offset-gap', 3);
    const e = expectError([H, dataLine(0x10)], 'lspci.offset-gap', 2);
    expect(e.message).toBe('line 2: expected offset 0x00, found 0x10; offsets must be contiguous from 0');
  });

  it('lspci.bad-size: 48 bytes, 128 bytes, a header with no data, reported on the header line', () => {
    expectError([H, ...body(48)], 'lspci.bad-size', 1);
    expectError([H, ...b64, '', '01:00.1 x', ...body(128), ''], 'lspci.bad-size', 7);
    expectError(['01:00.0 Ethernet controller: Intel Corporation 82576', '01:00.1 Ethernet controller'], 'lspci.bad-size', 1);
  });

  it('lspci.empty: empty input, blank lines only, comments only', () => {
    for (const text of ['', '\n\n', '\r\n', '# nothing here\n# at all\n']) {
      let err: unknown;
      try {
        parseLspciDump(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(LspciParseError);
      expect((err as LspciParseError).code).toBe('lspci.empty');
      expect((err as LspciParseError).line).toBe(0);
    }
  });

  it('reports the first problem in the input', () => {
    expectError(['hello', H, dataLine(0x10)], 'lspci.bad-line', 1);
  });

  it('stays linear on adversarial input (1 MB of spaces, colons and digits)', () => {
    const t0 = performance.now();
    for (const text of [`01:00.0 x\n00:${' '.repeat(1 << 20)}x`, `${':'.repeat(1 << 20)}`, `${' '.repeat(1 << 20)}x`, `01:00.0 x\n${'0'.repeat(1 << 20)}: 00`]) {
      expect(() => parseLspciDump(text)).toThrow(LspciParseError);
    }
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('rejects non-string input with TypeError (API misuse)', () => {
    expect(() => parseLspciDump(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('formatLspciDump', () => {
  const endpoint = (size: number): Uint8Array => {
    const b = new Uint8Array(size);
    b.set([0x86, 0x80, 0xc9, 0x10, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x02]);
    return b;
  };

  it('prints the exact lspci lines: header, 2-digit offsets, lower-case bytes, one blank line at the end', () => {
    const text = formatLspciDump({ address: A0, bytes: endpoint(64), description: 'Ethernet controller: Intel Corporation 82576' });
    expect(text.split('\n')).toEqual([
      '01:00.0 Ethernet controller: Intel Corporation 82576',
      '00: 86 80 c9 10 00 00 10 00 01 00 00 02 00 00 00 00',
      '10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
      '20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
      '30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
      '',
      '',
    ]);
    expect(text.endsWith('00\n\n')).toBe(true);
  });

  it('prints 3-digit offsets from 0x100 up to ff0', () => {
    const bytes = endpoint(4096);
    bytes[0x100] = 0xab;
    bytes[0xfff] = 0xcd;
    const lines = formatLspciDump({ address: A0, bytes }).split('\n');
    expect(lines.length).toBe(1 + 256 + 2);
    expect(lines[16]).toBe('f0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00');
    expect(lines[17]).toBe('100: ab 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00');
    expect(lines[256]).toBe('ff0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 cd');
  });

  it('writes the placeholder "Device" when there is no description (lspci -F needs text after the address)', () => {
    expect(formatLspciDump({ address: A0, bytes: endpoint(64) }).split('\n')[0]).toBe('01:00.0 Device');
    expect(formatLspciDump({ address: A0, bytes: endpoint(64), description: '  ' }).split('\n')[0]).toBe('01:00.0 Device');
    expect(formatLspciDump({ address: { ...A0, domain: 2 }, bytes: endpoint(64), description: ' x ' }).split('\n')[0]).toBe('0002:01:00.0 x');
    expect(formatLspciDump({ address: A0, bytes: endpoint(64) }, 64, { domain: true }).split('\n')[0]).toBe('0000:01:00.0 Device');
  });

  it('writes only the first `size` bytes when asked (lspci -x on a bigger device)', () => {
    const text = formatLspciDump({ address: A0, bytes: endpoint(4096) }, 64);
    expect(text.split('\n').length).toBe(1 + 4 + 2);
    expect(parseLspciDump(text)[0]?.bytes).toEqual(endpoint(64));
  });

  it('rejects misuse with RangeError', () => {
    expect(() => formatLspciDump({ address: A0, bytes: new Uint8Array(100) })).toThrow(RangeError);
    expect(() => formatLspciDump({ address: A0, bytes: new Uint8Array(64) }, 256)).toThrow(RangeError);
    expect(() => formatLspciDump({ address: A0, bytes: new Uint8Array(64) }, 128 as 64)).toThrow(RangeError);
    expect(() => formatLspciDump({ address: A0, bytes: new Uint8Array(64), description: 'a\nb' })).toThrow(RangeError);
    expect(() => formatLspciDump({ address: { ...A0, device: 32 }, bytes: new Uint8Array(64) })).toThrow(RangeError);
  });
});

describe('formatLspciDumps', () => {
  it('concatenates functions, each ending with one blank line, and parses back', () => {
    const a = { address: A0, bytes: new Uint8Array(64).fill(0x11), description: 'a' };
    const b = { address: { ...A0, function: 1 }, bytes: new Uint8Array(256).fill(0x22), description: 'b' };
    const text = formatLspciDumps([a, b]);
    expect(text).toBe(formatLspciDump(a) + formatLspciDump(b));
    expect(text).toContain('\n\n01:00.1 b\n');
    expect(parseLspciDump(text).map((f) => [f.size, f.bytes[0]])).toEqual([
      [64, 0x11],
      [256, 0x22],
    ]);
  });

  it('prints the domain on every header once one function has a non-zero domain (like lspci)', () => {
    const text = formatLspciDumps([
      { address: A0, bytes: new Uint8Array(64) },
      { address: { ...A0, domain: 0x10000 }, bytes: new Uint8Array(64) },
    ]);
    expect(text.split('\n').filter((l) => !/^[0-9a-f]+: /.test(l) && l !== '')).toEqual(['0000:01:00.0 Device', '10000:01:00.0 Device']);
  });

  it('uses each item\'s own size and gives "" for an empty list', () => {
    const fn = { address: A0, bytes: new Uint8Array(4096), size: 256 as const };
    expect(parseLspciDump(formatLspciDumps([fn]))[0]?.size).toBe(256);
    expect(formatLspciDumps([])).toBe('');
  });
});
