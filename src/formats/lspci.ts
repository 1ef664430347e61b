/**
 * The `lspci -x` / `-xxx` / `-xxxx` hex dump format: PCI addresses, a strict reader and a writer
 * whose output `lspci -F <file>` reads back.
 *
 * This module is pure: it has no imports, does no I/O and never touches global state.
 *
 * @spec pciutils 3.9 lspci -x/-xxx/-xxxx output format (lspci.c `show_hex_dump`)
 * @spec pciutils 3.9 `lspci -F` dump reader (lib/dump.c)
 * @module
 */

/**
 * A PCI function address: domain (segment), bus, device and function numbers.
 *
 * @remarks Valid ranges: domain 0..0xffffff (pciutils reads 4 to 6 hex digits), bus 0..0xff,
 * device 0..0x1f, function 0..7. The parser only produces addresses in these ranges; the
 * formatters reject anything else with a `RangeError`.
 * @spec pciutils 3.9 lspci `[[[[<domain>]:]<bus>]:][<slot>][.[<func>]]` addresses
 * @category Formats
 */
export interface PciAddress {
  /** PCI domain (segment group), 0..0xffffff; 0 on single-segment systems. */
  readonly domain: number;
  /** Bus number, 0..0xff. */
  readonly bus: number;
  /** Device (slot) number, 0..0x1f. */
  readonly device: number;
  /** Function number, 0..7. */
  readonly function: number;
}

/**
 * Number of config-space bytes in one dumped function: 64 (`lspci -x`), 256 (`-xxx`) or 4096
 * (`-xxxx`).
 *
 * @spec pciutils 3.9 lspci(8) options -x, -xxx, -xxxx
 * @category Formats
 */
export type LspciDumpSize = 64 | 256 | 4096;

/**
 * One function read from an lspci hex dump.
 *
 * @category Formats
 */
export interface DumpFunction {
  /** Address from the header line. */
  readonly address: PciAddress;
  /** Free text after the address on the header line (empty when there is none). */
  readonly description: string;
  /** Config-space bytes from offset 0; `bytes.length === size`. */
  readonly bytes: Uint8Array;
  /** Number of dumped bytes. */
  readonly size: LspciDumpSize;
}

/**
 * A function to write with {@link formatLspciDump}: a {@link DumpFunction} satisfies it.
 *
 * @category Formats
 */
export interface LspciDumpInput {
  /** Address printed on the header line. */
  readonly address: PciAddress;
  /** Config-space bytes from offset 0; at least as many as the dump size. */
  readonly bytes: Uint8Array;
  /** Text after the address; empty or missing prints the placeholder `Device`. */
  readonly description?: string | undefined;
  /** Dump size used by {@link formatLspciDumps} for this function (default: `bytes.length`). */
  readonly size?: LspciDumpSize | undefined;
}

/**
 * Options of {@link formatPciAddress} and {@link formatLspciDump}.
 *
 * @category Formats
 */
export interface PciAddressFormatOptions {
  /**
   * `true` always prints the domain, `false` never does (a non-zero domain is then lost), `'auto'`
   * (default) prints it only when it is non-zero.
   */
  readonly domain?: boolean | 'auto' | undefined;
}

/**
 * Stable codes of {@link LspciParseError}.
 *
 * @remarks
 * - `lspci.missing-address`: a data line with no header line before it in the same block.
 * - `lspci.bad-address`: a header line whose address is not `bb:dd.f` / `dddd:bb:dd.f` or is out of range.
 * - `lspci.duplicate-address`: two functions in one dump with the same address.
 * - `lspci.bad-line`: a line that is neither a header, a data line, a comment nor blank.
 * - `lspci.bad-hex`: an offset or byte that is not hexadecimal (or not exactly two digits).
 * - `lspci.bad-offset`: an offset with fewer than 2 or more than 8 hex digits.
 * - `lspci.short-line` / `lspci.long-line`: a data line with fewer / more than 16 bytes.
 * - `lspci.misaligned-offset`: an offset that is not a multiple of 16.
 * - `lspci.offset-range`: an offset beyond 0xff0 (more than 4096 bytes).
 * - `lspci.duplicate-offset`: the same offset as the previous data line.
 * - `lspci.offset-order`: an offset lower than the previous data line's.
 * - `lspci.offset-gap`: an offset that skips ahead (the first line must be at 0).
 * - `lspci.bad-size`: a function whose data is not 64, 256 or 4096 bytes.
 * - `lspci.empty`: input with no function at all.
 * @category Formats
 */
export type LspciParseErrorCode =
  | 'lspci.missing-address'
  | 'lspci.bad-address'
  | 'lspci.duplicate-address'
  | 'lspci.bad-line'
  | 'lspci.bad-hex'
  | 'lspci.bad-offset'
  | 'lspci.short-line'
  | 'lspci.long-line'
  | 'lspci.misaligned-offset'
  | 'lspci.offset-range'
  | 'lspci.duplicate-offset'
  | 'lspci.offset-order'
  | 'lspci.offset-gap'
  | 'lspci.bad-size'
  | 'lspci.empty';

/**
 * Text that is not a valid lspci dump or PCI address; names the offending line.
 *
 * @remarks The message starts with `line N: ` when the problem is tied to a line (`line` is then
 * 1-based); `line` is 0 for problems of the whole input (`lspci.empty`) and for
 * {@link parsePciAddress}.
 * @example
 * ```ts
 * try { parseLspciDump('00: 00\n'); }
 * catch (e) { if (e instanceof LspciParseError) console.log(e.code, e.line); } // "lspci.missing-address" 1
 * ```
 * @category Formats
 */
export class LspciParseError extends Error {
  /** Always `'LspciParseError'`. */
  override readonly name = 'LspciParseError';
  /** Stable machine-readable code. */
  readonly code: LspciParseErrorCode;
  /** 1-based line number of the problem, or 0 when it is not tied to one line. */
  readonly line: number;
  /**
   * @param code - Stable code.
   * @param line - 1-based line number, or 0.
   * @param message - What is wrong; prefixed with `line N: ` when `line` is positive.
   */
  constructor(code: LspciParseErrorCode, line: number, message: string) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.code = code;
    this.line = line;
  }
}

const MAX_DOMAIN = 0xffffff;
const MAX_OFFSET = 0xff0;
const BYTES_PER_LINE = 16;

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isHex(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isHexDigit(s.charCodeAt(i))) return false;
  return true;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** `0x30`-style offset for messages. */
function off(n: number): string {
  return `0x${hex2(n)}`;
}

/** Quotes (and shortens) user text for an error message. */
function quote(s: string): string {
  const max = 40;
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

function isDumpSize(n: number): n is LspciDumpSize {
  return n === 64 || n === 256 || n === 4096;
}

function checkAddress(a: PciAddress): void {
  const ok = (v: unknown, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
  if (!ok(a.domain, MAX_DOMAIN)) throw new RangeError(`PCI domain must be an integer 0..0xffffff, got ${String(a.domain)}`);
  if (!ok(a.bus, 0xff)) throw new RangeError(`PCI bus must be an integer 0..0xff, got ${String(a.bus)}`);
  if (!ok(a.device, 0x1f)) throw new RangeError(`PCI device must be an integer 0..0x1f, got ${String(a.device)}`);
  if (!ok(a.function, 7)) throw new RangeError(`PCI function must be an integer 0..7, got ${String(a.function)}`);
}

/**
 * Formats a PCI address the way lspci prints it: `bb:dd.f`, or `dddd:bb:dd.f` with the domain.
 *
 * @remarks Lower-case hex; the domain has at least 4 digits, bus and device exactly 2, function 1.
 * With `domain: 'auto'` (the default) the domain is printed only when it is non-zero, like lspci
 * on a single-domain machine; `true` always prints it (like `lspci -D`), `false` never does.
 * @spec pciutils 3.9 lspci device address format (`%04x:%02x:%02x.%d`)
 * @param address - The address to print.
 * @param opts - Whether to print the domain.
 * @returns The address text.
 * @throws RangeError when a number of `address` is not an integer in its range.
 * @example
 * ```ts
 * formatPciAddress({ domain: 0, bus: 1, device: 0, function: 0 });                   // "01:00.0"
 * formatPciAddress({ domain: 0, bus: 1, device: 0, function: 0 }, { domain: true }); // "0000:01:00.0"
 * ```
 * @category Formats
 */
export function formatPciAddress(address: PciAddress, opts?: PciAddressFormatOptions): string {
  checkAddress(address);
  const mode = opts?.domain ?? 'auto';
  const short = `${hex2(address.bus)}:${hex2(address.device)}.${address.function.toString(16)}`;
  const withDomain = mode === true || (mode === 'auto' && address.domain !== 0);
  return withDomain ? `${address.domain.toString(16).padStart(4, '0')}:${short}` : short;
}

/** Parses an address token; returns an error text instead of throwing. */
function readAddress(text: string): PciAddress | string {
  const parts = text.split(':');
  if (parts.length !== 2 && parts.length !== 3) return `${quote(text)} is not a PCI address (expected bb:dd.f or dddd:bb:dd.f)`;
  const domainText = parts.length === 3 ? (parts[0] ?? '') : undefined;
  const busText = parts[parts.length - 2] ?? '';
  const devFn = parts[parts.length - 1] ?? '';
  const dot = devFn.indexOf('.');
  const devText = dot < 0 ? devFn : devFn.slice(0, dot);
  const fnText = dot < 0 ? '' : devFn.slice(dot + 1);
  if (domainText !== undefined && !(domainText.length >= 4 && domainText.length <= 6 && isHex(domainText))) {
    return `domain ${quote(domainText)} in ${quote(text)} must be 4 to 6 hex digits`;
  }
  if (!(busText.length === 2 && isHex(busText))) return `bus ${quote(busText)} in ${quote(text)} must be 2 hex digits`;
  if (!(devText.length === 2 && isHex(devText))) return `device ${quote(devText)} in ${quote(text)} must be 2 hex digits`;
  if (dot < 0 || !(fnText.length === 1 && fnText >= '0' && fnText <= '7')) {
    return `function ${quote(fnText)} in ${quote(text)} must be one digit 0..7`;
  }
  const device = parseInt(devText, 16);
  if (device > 0x1f) return `device 0x${devText} in ${quote(text)} is beyond 0x1f`;
  return {
    domain: domainText === undefined ? 0 : parseInt(domainText, 16),
    bus: parseInt(busText, 16),
    device,
    function: parseInt(fnText, 10),
  };
}

/**
 * Parses a PCI address written as `bb:dd.f` or `dddd:bb:dd.f`.
 *
 * @remarks Hex digits in either case; bus and device exactly 2 digits, domain 4 to 6 digits (as
 * pciutils' dump reader accepts), device at most 0x1f, function one digit 0..7. No surrounding
 * whitespace is allowed. A missing domain means domain 0.
 * @spec pciutils 3.9 lib/dump.c header line address forms
 * @param text - The address text.
 * @returns The address.
 * @throws {@link LspciParseError} `lspci.bad-address` (with `line` 0) when `text` is not an address.
 * @example
 * ```ts
 * parsePciAddress('0001:3b:00.1'); // { domain: 1, bus: 0x3b, device: 0, function: 1 }
 * ```
 * @category Formats
 */
export function parsePciAddress(text: string): PciAddress {
  const r = readAddress(String(text));
  if (typeof r === 'string') throw new LspciParseError('lspci.bad-address', 0, r);
  return r;
}

function addressKey(a: PciAddress): string {
  return `${a.domain}:${a.bus}:${a.device}.${a.function}`;
}

/** A function being read. */
interface Open {
  readonly address: PciAddress;
  readonly description: string;
  readonly headerLine: number;
  readonly data: Uint8Array;
  /** Offset the next data line must have. */
  next: number;
  /** Offset of the previous data line, or -1. */
  prev: number;
}

/**
 * Parses the text printed by `lspci -x`, `-xxx` or `-xxxx` (one or more functions).
 *
 * @remarks Policies (stricter than pciutils' own reader, which skips lines it does not
 * understand; this reader reports them instead):
 * - **Lines**: split at LF; a CR before the LF (CRLF files) and any other trailing whitespace are
 *   ignored.
 * - **Decoded lines** (`lspci -vvv -xxxx`): lines indented with whitespace between a header and
 *   its first data line are lspci's decoded text and are skipped, as `lspci -F` skips them. An
 *   indented line anywhere else (before any header, or among the data lines) is `lspci.bad-line`.
 * - **Comments**: a line whose first character is `#` is skipped.
 * - **Header**: `bb:dd.f` or `dddd:bb:dd.f` (domain 4 to 6 hex digits), then either the end of the
 *   line or one space and a free description, starts a function; a malformed address is
 *   `lspci.bad-address`, and an address already used in the same input is
 *   `lspci.duplicate-address` (lspci never prints a function twice; `01:00.0` and `0000:01:00.0`
 *   are the same address).
 * - **End of a function**: a blank line, a new header line or the end of the input.
 * - **Data lines**: an offset of 2 to 8 hex digits, `:`, then exactly 16 bytes, each exactly 2 hex
 *   digits (either case) preceded by a single space. A data line outside a function is
 *   `lspci.missing-address`; wrong digits are `lspci.bad-hex`, too few or too many bytes are
 *   `lspci.short-line` / `lspci.long-line`.
 * - **Offsets**: multiples of 16 (`lspci.misaligned-offset`), at most 0xff0
 *   (`lspci.offset-range`: pciutils holds at most 4096 bytes), starting at 0 and each exactly 16
 *   above the previous one. We are strict here because lspci never prints a dump with holes or
 *   out of order: a repeated offset is `lspci.duplicate-offset`, a lower one
 *   `lspci.offset-order`, a skipped one `lspci.offset-gap`.
 * - **Size**: each function must hold exactly 64, 256 or 4096 bytes (`lspci.bad-size`, reported on
 *   its header line); a header with no data is an error too, so plain `lspci` output is rejected.
 * - **Empty**: input with no function at all (only blank or comment lines) is `lspci.empty`.
 * - **Robustness**: runs in time linear in the input and throws nothing but
 *   {@link LspciParseError} for any string.
 * @spec pciutils 3.9 lspci -xxxx output format (`%02x:` offsets, ` %02x` bytes, blank line after each device)
 * @spec pciutils 3.9 lib/dump.c ("At most 4096 bytes of config space are supported")
 * @param text - The dump text.
 * @returns The functions, in input order.
 * @throws {@link LspciParseError} on the first problem found, naming its line.
 * @throws TypeError when `text` is not a string.
 * @example
 * ```ts
 * const [fn] = parseLspciDump(text);        // text as printed by `lspci -s 01:00.0 -xxx`
 * fn.size;                                  // 256
 * (fn.bytes[0] | (fn.bytes[1] << 8)).toString(16); // vendor ID, e.g. "8086"
 * ```
 * @category Formats
 */
export function parseLspciDump(text: string): DumpFunction[] {
  if (typeof text !== 'string') throw new TypeError(`parseLspciDump expects a string, got ${typeof text}`);
  const out: DumpFunction[] = [];
  const seen = new Map<string, number>();
  let cur: Open | undefined;

  const close = (): void => {
    if (cur === undefined) return;
    const size = cur.next;
    if (!isDumpSize(size)) {
      const what = size === 0 ? 'has no data lines (was lspci run without -x, -xxx or -xxxx?)' : `has ${size} bytes (${size / BYTES_PER_LINE} data lines)`;
      throw new LspciParseError(
        'lspci.bad-size',
        cur.headerLine,
        `function ${formatPciAddress(cur.address)} ${what}; expected 64, 256 or 4096 bytes`,
      );
    }
    out.push({ address: cur.address, description: cur.description, bytes: cur.data.slice(0, size), size });
    cur = undefined;
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] ?? '').trimEnd();
    if (line === '') {
      close();
      continue;
    }
    if (line.startsWith('#')) continue;
    if (/^\s/.test(line)) {
      // lspci -v's decoded text, before the hex (an indented line shaped like a data line is not).
      if (cur !== undefined && cur.next === 0 && !/^[0-9a-f]{2,8}:( [0-9a-f]{2})+$/i.test(line.trim())) continue;
      throw new LspciParseError('lspci.bad-line', lineNo, `${quote(line)} starts with whitespace; only lspci -v's decoded lines between a header and its data may`);
    }

    const colon = line.indexOf(':');
    const afterColon = colon < 0 ? '' : line.charAt(colon + 1);
    const head = colon < 0 ? '' : line.slice(0, colon);
    const dataShaped = colon > 0 && (afterColon === ' ' || afterColon === '') && !/[\s.]/.test(head);

    if (dataShaped) {
      if (cur === undefined) {
        throw new LspciParseError(
          'lspci.missing-address',
          lineNo,
          `data line ${quote(head + ':')} has no header line (such as "01:00.0 Device") before it`,
        );
      }
      readDataLine(cur, line, head, colon, lineNo);
      continue;
    }

    const sp = line.indexOf(' ');
    const token = sp < 0 ? line : line.slice(0, sp);
    if (colon < 0 || colon >= token.length) {
      throw new LspciParseError('lspci.bad-line', lineNo, `${quote(line)} is not a header line, a data line, a comment or blank`);
    }
    const addr = readAddress(token);
    if (typeof addr === 'string') throw new LspciParseError('lspci.bad-address', lineNo, addr);
    close();
    const key = addressKey(addr);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new LspciParseError('lspci.duplicate-address', lineNo, `function ${formatPciAddress(addr)} already appears on line ${first}`);
    }
    seen.set(key, lineNo);
    cur = {
      address: addr,
      description: sp < 0 ? '' : line.slice(sp + 1).trimStart(),
      headerLine: lineNo,
      data: new Uint8Array(4096),
      next: 0,
      prev: -1,
    };
  }
  close();
  if (out.length === 0) throw new LspciParseError('lspci.empty', 0, 'no function in the dump (expected a header line such as "01:00.0 Device" followed by data lines)');
  return out;
}

function readDataLine(cur: Open, line: string, head: string, colon: number, lineNo: number): void {
  if (!isHex(head)) throw new LspciParseError('lspci.bad-hex', lineNo, `offset ${quote(head)} is not hexadecimal`);
  if (head.length < 2 || head.length > 8) {
    throw new LspciParseError('lspci.bad-offset', lineNo, `offset ${quote(head)} must have 2 to 8 hex digits`);
  }
  const offset = parseInt(head, 16);
  if (offset > MAX_OFFSET) {
    throw new LspciParseError('lspci.offset-range', lineNo, `offset 0x${head} is beyond 0xff0 (at most 4096 bytes of config space)`);
  }
  if (offset % BYTES_PER_LINE !== 0) {
    throw new LspciParseError('lspci.misaligned-offset', lineNo, `offset ${off(offset)} is not a multiple of 16`);
  }
  if (offset !== cur.next) {
    if (offset === cur.prev) throw new LspciParseError('lspci.duplicate-offset', lineNo, `offset ${off(offset)} repeats the previous line`);
    if (offset < cur.prev) {
      throw new LspciParseError('lspci.offset-order', lineNo, `offset ${off(offset)} comes after ${off(cur.prev)}; offsets must increase`);
    }
    throw new LspciParseError('lspci.offset-gap', lineNo, `expected offset ${off(cur.next)}, found ${off(offset)}; offsets must be contiguous from 0`);
  }
  const rest = line.slice(colon + 1);
  const tokens = rest === '' ? [] : rest.slice(1).split(' ');
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] ?? '';
    if (t.length !== 2 || !isHex(t)) {
      const why = t === '' ? 'is empty (bytes are separated by single spaces)' : `is ${quote(t)}, expected 2 hex digits`;
      throw new LspciParseError('lspci.bad-hex', lineNo, `byte ${k + 1} after offset ${off(offset)} ${why}`);
    }
  }
  if (tokens.length !== BYTES_PER_LINE) {
    throw new LspciParseError(
      tokens.length < BYTES_PER_LINE ? 'lspci.short-line' : 'lspci.long-line',
      lineNo,
      `expected 16 bytes after offset ${off(offset)}, found ${tokens.length}`,
    );
  }
  for (let k = 0; k < BYTES_PER_LINE; k++) cur.data[offset + k] = parseInt(tokens[k] ?? '', 16);
  cur.prev = offset;
  cur.next = offset + BYTES_PER_LINE;
}

/**
 * Formats one function exactly as `lspci -x` / `-xxx` / `-xxxx` prints it.
 *
 * @remarks
 * - **Header**: the address ({@link formatPciAddress}, domain per `opts`, default `'auto'`), one
 *   space, then the description. pciutils' reader needs that space after the address, so an empty
 *   or missing description is written as the placeholder `Device`. The description is trimmed
 *   and must not contain a line break.
 * - **Data**: one line per 16 bytes, offset as `%02x:` (2 digits below 0x100, 3 from 0x100), then
 *   each byte as ` %02x` in lower case.
 * - **End**: one blank line, as lspci prints after every device, so the text ends in `\n\n`.
 * - **Size**: `size` defaults to `bytes.length`, which must then be 64, 256 or 4096; an explicit
 *   `size` may be smaller than `bytes.length` (only the first `size` bytes are written, as
 *   `lspci -x` does on a device with 4096 bytes).
 * @spec pciutils 3.9 lspci -xxxx output format (lspci.c `show_hex_dump`)
 * @param fn - Address, bytes and optional description.
 * @param size - Number of bytes to write: 64, 256 or 4096.
 * @param opts - Whether to print the domain.
 * @returns The dump text.
 * @throws RangeError when the size is not 64/256/4096, `bytes` is shorter than it, the address is
 * out of range or the description has a line break.
 * @example
 * ```ts
 * const bytes = new Uint8Array(64); bytes.set([0x86, 0x80, 0xc9, 0x10]);
 * formatLspciDump({ address: { domain: 0, bus: 1, device: 0, function: 0 }, bytes, description: 'Ethernet controller' });
 * // "01:00.0 Ethernet controller\n00: 86 80 c9 10 00 ...\n...\n30: 00 ... 00\n\n"
 * ```
 * @category Formats
 */
export function formatLspciDump(fn: LspciDumpInput, size?: LspciDumpSize, opts?: PciAddressFormatOptions): string {
  const n: number = size ?? fn.bytes.length;
  if (!isDumpSize(n)) {
    throw new RangeError(
      size === undefined
        ? `bytes.length is ${fn.bytes.length}; pass a size or give 64, 256 or 4096 bytes`
        : `size must be 64, 256 or 4096, got ${String(size)}`,
    );
  }
  if (fn.bytes.length < n) throw new RangeError(`size ${n} needs at least ${n} bytes, got ${fn.bytes.length}`);
  const description = (fn.description ?? '').trim();
  if (/[\r\n\u2028\u2029]/.test(description)) throw new RangeError('description must not contain a line break');
  const parts: string[] = [`${formatPciAddress(fn.address, opts)} ${description === '' ? 'Device' : description}\n`];
  for (let o = 0; o < n; o += BYTES_PER_LINE) {
    let s = `${hex2(o)}:`;
    for (let k = 0; k < BYTES_PER_LINE; k++) s += ` ${hex2(fn.bytes[o + k] ?? 0)}`;
    parts.push(`${s}\n`);
  }
  parts.push('\n');
  return parts.join('');
}

/**
 * Formats several functions as one dump file, as `lspci -xxxx` prints a whole machine.
 *
 * @remarks Functions are written in list order, each with its own size (`size` of the item, else
 * `bytes.length`). Like lspci, the domain is printed on every header as soon as one function has
 * a non-zero domain. An empty list gives the empty string (which {@link parseLspciDump} rejects as
 * `lspci.empty`).
 * @spec pciutils 3.9 lspci -xxxx output format (blank line after each device)
 * @param list - The functions.
 * @returns The dump text.
 * @throws RangeError as {@link formatLspciDump}.
 * @example
 * ```ts
 * const text = formatLspciDumps(parseLspciDump(original)); // canonical form of the same dump
 * ```
 * @category Formats
 */
export function formatLspciDumps(list: readonly LspciDumpInput[]): string {
  const domain = list.some((f) => f.address.domain !== 0) ? true : 'auto';
  return list.map((f) => formatLspciDump(f, f.size, { domain })).join('');
}
