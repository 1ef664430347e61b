/**
 * Value Change Dump (VCD) files, the four-state waveform format of IEEE 1364-2005 §18: a writer
 * whose output gtkwave (and its `vcd2fst`) reads, and a small reader for what the writer and
 * gtkwave's `fst2vcd` produce.
 *
 * This module is pure: it has no imports, does no I/O and never touches global state.
 *
 * @spec IEEE 1364-2005 §18 Value Change Dump (VCD) files (four-state VCD)
 * @module
 */

/**
 * The value of a signal: an unsigned integer that fits its width, or `'x'` (unknown) / `'z'`
 * (high impedance) on every bit.
 *
 * @remarks {@link formatVcd} takes a `number` (a safe integer) or a `bigint` for any width;
 * {@link parseVcd} returns a `number` for signals of width ≤ 53 and a `bigint` for wider ones.
 * @example
 * ```ts
 * const values: VcdValue[] = [0, 1, 0xa5, 0xffff_ffff_ffff_ffffn, 'x', 'z'];
 * ```
 * @spec IEEE 1364-2005 §18.2 four-state VCD format: variable values (0, 1, x, z)
 * @category Formats
 */
export type VcdValue = number | bigint | 'x' | 'z';

/**
 * A signal (a `$var wire`) in a VCD file.
 *
 * @remarks `scope` is the dotted path of nested `$scope module` names (`''` for a signal outside
 * any scope); scope parts and `name` are non-empty and free of whitespace. `id` is the VCD
 * identifier code, printable ASCII 33..126; {@link formatVcd} generates one when it is missing and
 * {@link parseVcd} always fills it in.
 * @example
 * ```ts
 * const txEn: VcdSignal = { scope: 'hub.port0', name: 'tx_en', width: 1 };
 * const data: VcdSignal = { scope: 'hub.port0', name: 'data', width: 8, id: 'd' };
 * ```
 * @spec IEEE 1364-2005 §18.2 four-state VCD format: `$scope`, `$var`
 * @category Formats
 */
export interface VcdSignal {
  /** Identifier code (printable ASCII 33..126, no whitespace); generated when missing. */
  readonly id?: string;
  /** Dotted scope path, e.g. `'hub.port0'`; `''` for none. */
  readonly scope: string;
  /** Reference name, without whitespace. */
  readonly name: string;
  /** Number of bits, 1..64. */
  readonly width: number;
}

/**
 * One value change: at `time`, signal number `signal` takes `value`.
 *
 * @remarks `time` is an integer in timescale units; changes are listed in non-decreasing time
 * order. Several changes of one signal at the same time collapse to the last one.
 * @example
 * ```ts
 * const c: VcdChange = { time: 10, signal: 0, value: 1 };
 * ```
 * @spec IEEE 1364-2005 §18.2 four-state VCD format: `#time` and value changes
 * @category Formats
 */
export interface VcdChange {
  /** Time in timescale units: a non-negative safe integer, non-decreasing. */
  readonly time: number;
  /** Index into the signals. */
  readonly signal: number;
  /** The new value. */
  readonly value: VcdValue;
}

/**
 * Input of {@link formatVcd}.
 *
 * @remarks `timescale` is `1`, `10` or `100` followed by `s`, `ms`, `us`, `ns`, `ps` or `fs`
 * (with or without a space). `date`, `version` and `comment` are free text that must not contain
 * `$end`.
 * @example
 * ```ts
 * const opts: VcdFormatOptions = {
 *   signals: [{ scope: 'hub.port0', name: 'tx_en', width: 1 }],
 *   changes: [{ time: 0, signal: 0, value: 0 }, { time: 8, signal: 0, value: 1 }],
 *   timescale: '1 ns',
 * };
 * ```
 * @spec IEEE 1364-2005 §18.2 four-state VCD format
 * @category Formats
 */
export interface VcdFormatOptions {
  /** The signals, declared grouped by scope. */
  readonly signals: readonly VcdSignal[];
  /** The value changes, in non-decreasing time order. */
  readonly changes: readonly VcdChange[];
  /** Timescale; default `'1 ns'`. */
  readonly timescale?: string;
  /** Text of a `$date` section; none when missing. */
  readonly date?: string;
  /** Text of the `$version` section; default `'iovsim'`. */
  readonly version?: string;
  /** Text of a `$comment` section in the header; none when missing. */
  readonly comment?: string;
}

/**
 * What {@link parseVcd} read.
 *
 * @remarks `timescale` is normalized to `'<1|10|100> <unit>'` (fst2vcd's `1ns` reads as
 * `'1 ns'`), or `''` when the file declares none. `signals` are in declaration order, each with
 * its `id`; `changes` are in file order, with the `$dumpvars` values at their time (usually 0).
 * @example
 * ```ts
 * const { timescale, signals, changes } = parseVcd(text);
 * ```
 * @spec IEEE 1364-2005 §18.2 four-state VCD format
 * @category Formats
 */
export interface VcdDump {
  /** Normalized timescale, or `''`. */
  readonly timescale: string;
  /** The declared signals (real and string variables excluded). */
  readonly signals: VcdSignal[];
  /** The value changes, in file order. */
  readonly changes: VcdChange[];
}

/**
 * Stable codes of {@link VcdParseError}.
 *
 * @remarks
 * - `vcd.missing-end`: a section (`$date`, `$var`, `$dumpvars`, …) not closed by `$end`.
 * - `vcd.missing-enddefinitions`: the text ends before `$enddefinitions $end`.
 * - `vcd.bad-timescale`: a `$timescale` other than 1/10/100 and s/ms/us/ns/ps/fs.
 * - `vcd.bad-scope`: a `$scope` without a name, an `$upscope` with no open scope, or a scope still
 *   open at `$enddefinitions`.
 * - `vcd.bad-var`: a `$var` without type, size, identifier and name, or with unexpected tokens.
 * - `vcd.bad-width`: a `$var` size that is not an integer 1..64.
 * - `vcd.bad-time`: a `#` not followed by a decimal safe integer.
 * - `vcd.time-order`: a time lower than the one before.
 * - `vcd.bad-value`: a value change that is not `0 1 x z` + identifier or `b<bits> <identifier>`,
 *   or has more bits than its signal.
 * - `vcd.unknown-id`: a value change for an identifier no `$var` declared.
 * - `vcd.unexpected-token`: anything else out of place (a stray word, an `$end` without a
 *   section, a `$dumpvars` inside another, an unknown keyword after the definitions).
 * @example
 * ```ts
 * const code: VcdParseErrorCode = 'vcd.unknown-id';
 * ```
 * @spec IEEE 1364-2005 §18.2 four-state VCD format
 * @category Formats
 */
export type VcdParseErrorCode =
  | 'vcd.missing-end'
  | 'vcd.missing-enddefinitions'
  | 'vcd.bad-timescale'
  | 'vcd.bad-scope'
  | 'vcd.bad-var'
  | 'vcd.bad-width'
  | 'vcd.bad-time'
  | 'vcd.time-order'
  | 'vcd.bad-value'
  | 'vcd.unknown-id'
  | 'vcd.unexpected-token';

/**
 * Text that is not a VCD file this reader understands; names the problem and its line.
 *
 * @remarks `line` is 1-based: the line of the offending token, or for a missing `$end` the line of
 * the keyword that opened the section. The message starts with `line N: `.
 * @example
 * ```ts
 * try { parseVcd('$var wire 1 ! a $end\n$enddefinitions $end\n1?\n'); }
 * catch (e) { if (e instanceof VcdParseError) console.log(e.code, e.line); } // "vcd.unknown-id" 3
 * ```
 * @spec IEEE 1364-2005 §18.2 four-state VCD format
 * @category Formats
 */
export class VcdParseError extends Error {
  /** Always `'VcdParseError'`. */
  override readonly name = 'VcdParseError';
  /** Stable machine-readable code. */
  readonly code: VcdParseErrorCode;
  /** 1-based line number of the problem. */
  readonly line: number;
  /**
   * @param code - Stable code.
   * @param line - 1-based line number.
   * @param message - What is wrong; prefixed with `line N: `.
   */
  constructor(code: VcdParseErrorCode, line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.code = code;
    this.line = line;
  }
}

const MAX_WIDTH = 64;
const TIMESCALE = /^(1|10|100)\s*(s|ms|us|ns|ps|fs)$/;
/** Whitespace or control characters: not allowed in names, scopes and identifiers. */
const BAD_NAME_CHAR = /[\s\x00-\x1f\x7f]/;
const REAL_TYPES = new Set(['real', 'realtime', 'shortreal', 'string']);

/** Normalizes a timescale to `'<n> <unit>'`, or returns undefined. */
function normalizeTimescale(text: string): string | undefined {
  const m = TIMESCALE.exec(text.trim());
  return m === null ? undefined : `${m[1] ?? ''} ${m[2] ?? ''}`;
}

function quote(s: string): string {
  const max = 40;
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

/** The n-th generated identifier: bijective base 94 over '!'..'~'. */
function generatedId(n: number): string {
  let s = '';
  let k = n;
  for (;;) {
    s = String.fromCharCode(33 + (k % 94)) + s;
    k = Math.floor(k / 94) - 1;
    if (k < 0) return s;
  }
}

/** A non-empty string of printable ASCII 33..126. */
function isId(id: string): boolean {
  if (id === '') return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

function checkText(what: string, text: unknown): string {
  if (typeof text !== 'string') throw new RangeError(`VCD ${what} must be a string, got ${typeof text}`);
  if (text.includes('$end')) throw new RangeError(`VCD ${what} must not contain "$end"`);
  return text;
}

function checkWord(what: string, word: string): void {
  if (word === '' || BAD_NAME_CHAR.test(word) || word.startsWith('$')) {
    throw new RangeError(`VCD ${what} ${quote(word)} must be non-empty, without whitespace or control characters, and not start with "$"`);
  }
}

/** A scope in the declaration tree. */
interface ScopeNode {
  readonly children: Map<string, ScopeNode>;
  /** Signals (numbers) and child scopes in order of first appearance. */
  readonly items: (number | { readonly name: string; readonly node: ScopeNode })[];
}

function newNode(): ScopeNode {
  return { children: new Map(), items: [] };
}

/**
 * Text of a value for a signal of `width` bits: `0`/`1`/`x`/`z` for width 1, else binary digits
 * without leading zeros or `x`/`z`.
 */
function valueText(value: unknown, width: number, where: string): string {
  if (value === 'x' || value === 'z') return value;
  let v: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${where}: value ${value} is not a non-negative safe integer`);
    v = BigInt(value);
  } else if (typeof value === 'bigint') {
    if (value < 0n) throw new RangeError(`${where}: value ${value} is negative`);
    v = value;
  } else {
    throw new RangeError(`${where}: value ${String(value)} is not a number, a bigint, 'x' or 'z'`);
  }
  if (v >> BigInt(width) !== 0n) throw new RangeError(`${where}: value ${v} does not fit in ${width} bit(s)`);
  return v.toString(2);
}

/**
 * Writes a four-state VCD file (IEEE 1364-2005 §18).
 *
 * @remarks
 * - **Header**: `$date` (only when given), `$version`, `$comment` (only when given),
 *   `$timescale`, then one `$scope module <part> $end` … `$upscope $end` per level of each dotted
 *   scope, with `$var wire <width> <id> <name> $end` inside, then `$enddefinitions $end`.
 *   Signals are declared grouped by scope, scopes and signals in order of first appearance; this
 *   declaration order is also the order of the lines within each time step.
 * - **Identifiers**: a signal's `id` when given (unique, printable ASCII 33..126), otherwise
 *   generated in declaration order in base 94 over `!`..`~` (`!`, `"`, …, `~`, `!!`, `!"`, …),
 *   skipping given ones.
 * - **Values**: `#0` then `$dumpvars` with every signal's value at time 0 (its last change at
 *   time 0, else `x`), `$end`; then one `#<time>` per later time at which some signal's value
 *   differs from the last value written for it. Scalars are written `0!`, `1!`, `x!`, `z!`;
 *   vectors `b1010 !` (no leading zeros), `bx !`, `bz !`. Several changes of one signal at one
 *   time collapse to the last; a change to the value already written is dropped.
 * - **Checks** (RangeError): width not an integer 1..64, names or scope parts empty or containing
 *   whitespace, duplicate identifiers or duplicate scope + name, signal index out of range, value
 *   negative, non-integer or wider than the signal, time not a non-negative safe integer or lower
 *   than the previous change's, bad timescale, `$end` inside free text.
 * @spec IEEE 1364-2005 §18.2 four-state VCD format
 * @param opts - Signals, changes and header text.
 * @returns The VCD text (LF line ends, ending with a newline).
 * @throws RangeError when the input breaks one of the checks above.
 * @example
 * ```ts
 * formatVcd({
 *   signals: [{ scope: 'hub.port0', name: 'tx_en', width: 1 }, { scope: 'hub.port0', name: 'data', width: 8 }],
 *   changes: [{ time: 0, signal: 0, value: 0 }, { time: 10, signal: 0, value: 1 }, { time: 10, signal: 1, value: 0xa5 }],
 * });
 * // …$dumpvars\n0!\nbx "\n$end\n#10\n1!\nb10100101 "\n
 * ```
 * @category Formats
 */
export function formatVcd(opts: VcdFormatOptions): string {
  const { signals, changes } = opts;
  if (!Array.isArray(signals)) throw new RangeError('VCD signals must be an array');
  if (!Array.isArray(changes)) throw new RangeError('VCD changes must be an array');
  const timescale = normalizeTimescale(checkText('timescale', opts.timescale ?? '1 ns'));
  if (timescale === undefined) throw new RangeError(`VCD timescale ${quote(opts.timescale ?? '')} must be 1, 10 or 100 then s, ms, us, ns, ps or fs`);
  const version = checkText('version', opts.version ?? 'iovsim');
  const date = opts.date === undefined ? undefined : checkText('date', opts.date);
  const comment = opts.comment === undefined ? undefined : checkText('comment', opts.comment);

  // Signals: widths, names, identifiers, scope tree.
  const given = new Set<string>();
  const fullNames = new Set<string>();
  const root = newNode();
  for (let i = 0; i < signals.length; i++) {
    const s = signals[i];
    if (s === undefined) throw new RangeError(`VCD signal ${i} is missing`);
    if (!Number.isInteger(s.width) || s.width < 1 || s.width > MAX_WIDTH) {
      throw new RangeError(`VCD signal ${i}: width must be an integer 1..64, got ${String(s.width)}`);
    }
    if (typeof s.name !== 'string') throw new RangeError(`VCD signal ${i}: name must be a string`);
    checkWord(`signal ${i} name`, s.name);
    if (typeof s.scope !== 'string') throw new RangeError(`VCD signal ${i}: scope must be a string`);
    const parts = s.scope === '' ? [] : s.scope.split('.');
    for (const p of parts) checkWord(`signal ${i} scope part`, p);
    const full = `${s.scope}\u0000${s.name}`;
    if (fullNames.has(full)) throw new RangeError(`VCD signal ${i}: ${quote(s.scope === '' ? s.name : `${s.scope}.${s.name}`)} is declared twice`);
    fullNames.add(full);
    if (s.id !== undefined) {
      const id = s.id;
      if (typeof id !== 'string' || !isId(id)) {
        throw new RangeError(`VCD signal ${i}: id ${quote(String(id))} must be printable ASCII 33..126`);
      }
      if (given.has(id)) throw new RangeError(`VCD signal ${i}: id ${quote(id)} is used twice`);
      given.add(id);
    }
    let node = root;
    for (const p of parts) {
      let child = node.children.get(p);
      if (child === undefined) {
        child = newNode();
        node.children.set(p, child);
        node.items.push({ name: p, node: child });
      }
      node = child;
    }
    node.items.push(i);
  }
  // Header. Identifiers are generated in declaration order.
  const out: string[] = [];
  if (date !== undefined) out.push('$date', `\t${date}`, '$end');
  out.push('$version', `\t${version}`, '$end');
  if (comment !== undefined) out.push('$comment', `\t${comment}`, '$end');
  out.push(`$timescale ${timescale} $end`);
  const ids: string[] = [];
  const order: number[] = [];
  let nextGenerated = 0;
  const declare = (node: ScopeNode): void => {
    for (const item of node.items) {
      if (typeof item === 'number') {
        const s = signals[item];
        if (s === undefined) continue;
        let id = s.id;
        if (id === undefined) {
          do id = generatedId(nextGenerated++);
          while (given.has(id));
        }
        ids[item] = id;
        order.push(item);
        out.push(`$var wire ${s.width} ${id} ${s.name} $end`);
      } else {
        out.push(`$scope module ${item.name} $end`);
        declare(item.node);
        out.push('$upscope $end');
      }
    }
  };
  declare(root);
  out.push('$enddefinitions $end');

  // Changes: validate, group by time, keep the last value per signal and time.
  const line = (i: number, text: string): string => {
    const s = signals[i];
    const id = ids[i] ?? '';
    return s !== undefined && s.width === 1 ? `${text}${id}` : `b${text} ${id}`;
  };
  const last: string[] = signals.map(() => 'x');
  const pending = new Map<number, string>();
  let time = 0;
  let started = false;
  const flush = (): void => {
    if (!started) {
      // Time 0: every signal's value goes into $dumpvars.
      if (signals.length === 0) return;
      out.push('#0', '$dumpvars');
      for (const i of order) {
        const v = pending.get(i) ?? 'x';
        last[i] = v;
        out.push(line(i, v));
      }
      out.push('$end');
      started = true;
    } else {
      const lines: string[] = [];
      for (const i of order) {
        const v = pending.get(i);
        if (v === undefined || v === last[i]) continue;
        last[i] = v;
        lines.push(line(i, v));
      }
      if (lines.length > 0) out.push(`#${time}`, ...lines);
    }
    pending.clear();
  };
  for (let k = 0; k < changes.length; k++) {
    const c = changes[k];
    if (c === undefined) throw new RangeError(`VCD change ${k} is missing`);
    if (!Number.isSafeInteger(c.time) || c.time < 0) throw new RangeError(`VCD change ${k}: time must be a non-negative safe integer, got ${String(c.time)}`);
    if (c.time < time) throw new RangeError(`VCD change ${k}: time ${c.time} is lower than the previous change's ${time}`);
    const s = Number.isInteger(c.signal) ? signals[c.signal] : undefined;
    if (s === undefined) throw new RangeError(`VCD change ${k}: signal ${String(c.signal)} is not an index into the ${signals.length} signal(s)`);
    const text = valueText(c.value, s.width, `VCD change ${k}`);
    if (c.time > time) {
      flush(); // the first call writes $dumpvars (all x when nothing changes at time 0)
      time = c.time;
    }
    pending.set(c.signal, text);
  }
  flush();
  return `${out.join('\n')}\n`;
}

/** A token of VCD text and the line it starts on. */
interface Token {
  readonly text: string;
  readonly line: number;
}

/** Splits VCD text into whitespace-separated tokens, in one pass. */
class Scanner {
  private pos = 0;
  private lineNo = 1;
  constructor(private readonly src: string) {}

  /** Line of the last character read (for end-of-text errors). */
  get line(): number {
    return this.lineNo;
  }

  next(): Token | undefined {
    const s = this.src;
    let i = this.pos;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 10) this.lineNo++;
      else if (!(c === 32 || c === 9 || c === 13 || c === 11 || c === 12)) break;
    }
    if (i >= s.length) {
      this.pos = i;
      return undefined;
    }
    const start = i;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13 || c === 10 || c === 11 || c === 12) break;
    }
    this.pos = i;
    return { text: s.slice(start, i), line: this.lineNo };
  }
}

/** What an identifier code stands for: signal numbers, or `'skip'` for real/string variables. */
type IdTarget = number[] | 'skip';

/** The value of `bits` (lower-case 0/1/x/z, 1..width digits) for a `width`-bit signal. */
function bitsValue(bits: string, width: number): VcdValue {
  let x = false;
  let z = false;
  let known = false;
  for (let i = 0; i < bits.length; i++) {
    const c = bits.charCodeAt(i);
    if (c === 0x78) x = true;
    else if (c === 0x7a) z = true;
    else known = true;
  }
  if (x || z) {
    // Left extension copies a leading x or z and pads with 0 after a leading 0 or 1.
    const lead = bits.charAt(0);
    const padded = bits.length < width && lead !== 'x' && lead !== 'z';
    if (!known && !padded && !(x && z)) return x ? 'x' : 'z';
    return 'x';
  }
  const v = BigInt(`0b${bits}`);
  return width <= 53 ? Number(v) : v;
}

/**
 * Reads a four-state VCD file: what {@link formatVcd} writes and what gtkwave's `fst2vcd` prints.
 *
 * @remarks
 * - **Header**: `$date`, `$version` and `$comment` are skipped; `$timescale` is normalized
 *   (`1ns` → `'1 ns'`); `$scope <type> <name> $end` of any type nests (names joined with `.`)
 *   until `$upscope $end`; `$var <type> <size> <id> <name> [<range>] $end` of any type declares a
 *   signal, except `real`, `realtime`, `shortreal` and `string` variables, which are left out
 *   (with their value changes). A `[7:0]`-style range after the name is ignored. Several `$var`s
 *   may share one identifier (aliases); each gets the changes. Unknown `$` sections in the header
 *   (such as gtkwave's `$attrbegin`) are skipped up to their `$end`.
 * - **Values**: `#<time>` (non-decreasing), scalar changes `0!` `1!` `x!` `z!` (either case),
 *   vectors `b<bits> <id>` (shorter vectors are left-extended as the standard says: a leading
 *   `x`/`z` is repeated, a leading 0/1 is padded with 0), `$dumpvars` / `$dumpall` / `$dumpon` /
 *   `$dumpoff` … `$end` (their changes are read like any other) and `$comment … $end`. Real
 *   (`r<number> <id>`) and string (`s<text> <id>`) changes are skipped: this reader keeps only
 *   four-state values. Changes before the first `#` are at time 0.
 * - **Lossy**: a vector whose bits mix `x` or `z` with other values (such as `b1x0`) reads as
 *   `'x'`; a vector of only `z` reads as `'z'`, of only `x` as `'x'`.
 * - **Robustness**: runs in time linear in the text and throws nothing but
 *   {@link VcdParseError} for any string.
 * @spec IEEE 1364-2005 §18.2 four-state VCD format
 * @param text - The VCD text.
 * @returns The timescale, signals and value changes.
 * @throws {@link VcdParseError} on the first problem found, naming its line.
 * @throws TypeError when `text` is not a string.
 * @example
 * ```ts
 * const { signals, changes } = parseVcd(readFileSync('back.vcd', 'utf8'));
 * const txEn = signals.findIndex((s) => s.scope === 'hub.port0' && s.name === 'tx_en');
 * changes.filter((c) => c.signal === txEn); // [{ time: 0, signal, value: 0 }, { time: 10, signal, value: 1 }, …]
 * ```
 * @category Formats
 */
export function parseVcd(text: string): VcdDump {
  if (typeof text !== 'string') throw new TypeError(`parseVcd expects a string, got ${typeof text}`);
  const sc = new Scanner(text);
  const signals: VcdSignal[] = [];
  const changes: VcdChange[] = [];
  const ids = new Map<string, IdTarget>();
  const scopes: string[] = [];
  let timescale = '';

  /** Tokens up to (not including) the next `$end`. */
  const untilEnd = (open: Token): Token[] => {
    const body: Token[] = [];
    for (;;) {
      const t = sc.next();
      if (t === undefined) throw new VcdParseError('vcd.missing-end', open.line, `${open.text} has no $end`);
      if (t.text === '$end') return body;
      body.push(t);
    }
  };

  // Definitions.
  for (let done = false; !done; ) {
    const t = sc.next();
    if (t === undefined) throw new VcdParseError('vcd.missing-enddefinitions', sc.line, 'the text ends before $enddefinitions $end');
    switch (t.text) {
      case '$timescale': {
        const body = untilEnd(t).map((b) => b.text).join(' ');
        const ts = normalizeTimescale(body);
        if (ts === undefined) throw new VcdParseError('vcd.bad-timescale', t.line, `timescale ${quote(body)} is not 1, 10 or 100 then s, ms, us, ns, ps or fs`);
        timescale = ts;
        break;
      }
      case '$scope': {
        const body = untilEnd(t);
        const name = body[1];
        if (body.length !== 2 || name === undefined) {
          throw new VcdParseError('vcd.bad-scope', t.line, `$scope needs a type and a name before $end, got ${quote(body.map((b) => b.text).join(' '))}`);
        }
        scopes.push(name.text);
        break;
      }
      case '$upscope': {
        const body = untilEnd(t);
        if (body.length > 0) throw new VcdParseError('vcd.bad-scope', t.line, '$upscope takes nothing before $end');
        if (scopes.pop() === undefined) throw new VcdParseError('vcd.bad-scope', t.line, '$upscope with no open $scope');
        break;
      }
      case '$var': {
        const body = untilEnd(t);
        const [type, size, id, ref, range] = body;
        if (type === undefined || size === undefined || id === undefined || ref === undefined) {
          throw new VcdParseError('vcd.bad-var', t.line, `$var needs a type, a size, an identifier and a name, got ${quote(body.map((b) => b.text).join(' '))}`);
        }
        if (range !== undefined && !range.text.startsWith('[')) {
          throw new VcdParseError('vcd.bad-var', range.line, `unexpected ${quote(range.text)} after the name of $var ${quote(ref.text)}`);
        }
        const width = /^[0-9]{1,3}$/.test(size.text) ? Number(size.text) : NaN;
        if (REAL_TYPES.has(type.text)) {
          if (!ids.has(id.text)) ids.set(id.text, 'skip');
          break;
        }
        if (!(width >= 1 && width <= MAX_WIDTH)) {
          throw new VcdParseError('vcd.bad-width', size.line, `$var ${quote(ref.text)} has size ${quote(size.text)}; expected 1..64`);
        }
        const target = ids.get(id.text);
        const list = Array.isArray(target) ? target : [];
        if (!Array.isArray(target)) ids.set(id.text, list);
        list.push(signals.length);
        signals.push({ id: id.text, scope: scopes.join('.'), name: ref.text, width });
        break;
      }
      case '$enddefinitions': {
        const body = untilEnd(t);
        if (body.length > 0) throw new VcdParseError('vcd.unexpected-token', t.line, '$enddefinitions takes nothing before $end');
        if (scopes.length > 0) throw new VcdParseError('vcd.bad-scope', t.line, `scope ${quote(scopes.join('.'))} is still open at $enddefinitions`);
        done = true;
        break;
      }
      default:
        if (t.text.startsWith('$') && t.text !== '$end') {
          untilEnd(t); // $date, $version, $comment and unknown sections
          break;
        }
        throw new VcdParseError('vcd.unexpected-token', t.line, `unexpected ${quote(t.text)} in the definitions`);
    }
  }

  // Value changes.
  const apply = (idTok: Token, bits: string, time: number): void => {
    const target = ids.get(idTok.text);
    if (target === undefined) throw new VcdParseError('vcd.unknown-id', idTok.line, `identifier ${quote(idTok.text)} has no $var`);
    if (target === 'skip') return;
    for (const i of target) {
      const width = signals[i]?.width ?? 1;
      if (bits.length > width) {
        throw new VcdParseError('vcd.bad-value', idTok.line, `${bits.length} bits for ${width}-bit signal ${quote(idTok.text)}`);
      }
      changes.push({ time, signal: i, value: bitsValue(bits, width) });
    }
  };
  let time = 0;
  let dump: Token | undefined;
  for (;;) {
    const t = sc.next();
    if (t === undefined) break;
    const s = t.text;
    const c = s.charAt(0);
    switch (c) {
      case '#': {
        const digits = s.slice(1);
        const v = /^[0-9]{1,16}$/.test(digits) ? Number(digits) : NaN;
        if (!Number.isSafeInteger(v)) throw new VcdParseError('vcd.bad-time', t.line, `${quote(s)} is not # and a decimal time`);
        if (v < time) throw new VcdParseError('vcd.time-order', t.line, `time ${v} is lower than the time before, ${time}`);
        time = v;
        break;
      }
      case '0':
      case '1':
      case 'x':
      case 'X':
      case 'z':
      case 'Z':
        if (s.length < 2) throw new VcdParseError('vcd.bad-value', t.line, `scalar change ${quote(s)} has no identifier`);
        apply({ text: s.slice(1), line: t.line }, c.toLowerCase(), time);
        break;
      case 'b':
      case 'B': {
        const bits = s.slice(1).toLowerCase();
        if (!/^[01xz]+$/.test(bits)) throw new VcdParseError('vcd.bad-value', t.line, `${quote(s)} is not b followed by 0, 1, x and z digits`);
        const id = sc.next();
        if (id === undefined) throw new VcdParseError('vcd.bad-value', t.line, `vector change ${quote(s)} has no identifier`);
        apply(id, bits, time);
        break;
      }
      case 'r':
      case 'R':
      case 's':
      case 'S': {
        const id = sc.next();
        if (id === undefined) throw new VcdParseError('vcd.bad-value', t.line, `change ${quote(s)} has no identifier`);
        if (!ids.has(id.text)) throw new VcdParseError('vcd.unknown-id', id.line, `identifier ${quote(id.text)} has no $var`);
        break; // real and string values are not kept
      }
      case '$':
        if (s === '$dumpvars' || s === '$dumpall' || s === '$dumpon' || s === '$dumpoff') {
          if (dump !== undefined) throw new VcdParseError('vcd.unexpected-token', t.line, `${s} inside ${dump.text} (line ${dump.line})`);
          dump = t;
        } else if (s === '$end') {
          if (dump === undefined) throw new VcdParseError('vcd.unexpected-token', t.line, '$end without a section to close');
          dump = undefined;
        } else if (s === '$comment') {
          untilEnd(t);
        } else {
          throw new VcdParseError('vcd.unexpected-token', t.line, `unexpected ${quote(s)} after the definitions`);
        }
        break;
      default:
        throw new VcdParseError('vcd.unexpected-token', t.line, `${quote(s)} is not a time, a value change or a section`);
    }
  }
  if (dump !== undefined) throw new VcdParseError('vcd.missing-end', dump.line, `${dump.text} has no $end`);
  return { timescale, signals, changes };
}
