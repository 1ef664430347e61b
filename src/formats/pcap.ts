/**
 * The classic pcap capture file format (not pcapng): a writer whose files `tcpdump -r` and
 * Wireshark read, and a strict reader for files in either byte order and either time resolution.
 *
 * This module is pure: it has no imports, does no I/O and never touches global state.
 *
 * @spec pcap file format (tcpdump.org/manpages/pcap-savefile.5), LINKTYPE_ETHERNET
 * @module
 */

/**
 * The link-layer header type of Ethernet (IEEE 802.3) frames: the frame starts with the
 * destination MAC address and has no preamble, SFD or FCS.
 *
 * @remarks The default `linkType` of {@link formatPcap}. Other values are listed at
 * tcpdump.org/linktypes.html.
 * @example
 * ```ts
 * formatPcap(packets, { linkType: LINKTYPE_ETHERNET });
 * ```
 * @spec pcap file format (tcpdump.org/manpages/pcap-savefile.5), LINKTYPE_ETHERNET
 * @category Formats
 */
export const LINKTYPE_ETHERNET = 1;

/**
 * One captured packet: its time, the captured bytes and, when the capture was truncated, the
 * length the packet really had.
 *
 * @remarks `timeNs` is the simulation time in nanoseconds from the start of the capture (pcap
 * stores it as seconds and a fraction since the Unix epoch; the simulation epoch is taken as
 * 1970-01-01T00:00:00Z). `originalLength` defaults to `data.length` and is never smaller.
 * {@link parsePcap} always fills it in.
 * @example
 * ```ts
 * const p: PcapPacket = { timeNs: 1_500n, data: frame };             // 1.5 µs into the run
 * const cut: PcapPacket = { timeNs: 2_000n, data: frame.subarray(0, 64), originalLength: frame.length };
 * ```
 * @spec pcap file format (tcpdump.org/manpages/pcap-savefile.5), LINKTYPE_ETHERNET
 * @category Formats
 */
export interface PcapPacket {
  /** Time in nanoseconds, ≥ 0 and below 2^32 seconds. */
  readonly timeNs: bigint;
  /** The captured bytes (for Ethernet: destination MAC first, no FCS unless the link type says so). */
  readonly data: Uint8Array;
  /** Length of the packet on the wire, ≥ `data.length`; defaults to `data.length`. */
  readonly originalLength?: number;
}

/**
 * Options of {@link formatPcap}.
 *
 * @remarks Every option has a default, so `{}` or no argument writes an Ethernet capture with
 * nanosecond timestamps and a 65535-byte snapshot length.
 * @example
 * ```ts
 * const opts: PcapFormatOptions = { nanosecond: false, snapLen: 128 };
 * ```
 * @spec pcap file format (tcpdump.org/manpages/pcap-savefile.5), LINKTYPE_ETHERNET
 * @category Formats
 */
export interface PcapFormatOptions {
  /** The header's `network` (LinkType) field, 0..0xffffffff; default 1 ({@link LINKTYPE_ETHERNET}). */
  readonly linkType?: number;
  /** Snapshot length, 1..0xffffffff; longer packets are truncated to it. Default 65535. */
  readonly snapLen?: number;
  /** `true` (default): nanosecond timestamps, magic 0xa1b23c4d; `false`: microseconds, magic 0xa1b2c3d4. */
  readonly nanosecond?: boolean;
}

/**
 * What {@link parsePcap} read: the global header fields and every record.
 *
 * @remarks `linkType` is the raw 32-bit `network` field (its low 16 bits are the LINKTYPE_ value;
 * recent writers may put FCS information in the top bits). Byte order is not reported: it only
 * matters for writing, and {@link formatPcap} always writes little-endian.
 * @example
 * ```ts
 * const { linkType, nanosecond, packets } = parsePcap(bytes);
 * ```
 * @spec pcap file format (tcpdump.org/manpages/pcap-savefile.5), LINKTYPE_ETHERNET
 * @category Formats
 */
export interface PcapFile {
  /** The header's `network` field (1 = {@link LINKTYPE_ETHERNET}). */
  readonly linkType: number;
  /** The header's `snaplen` field. */
  readonly snapLen: number;
  /** Whether the timestamps' fractions are nanoseconds (magic 0xa1b23c4d) rather than microseconds. */
  readonly nanosecond: boolean;
  /** The records in file order, each with `originalLength` set. */
  readonly packets: PcapPacket[];
}

/**
 * Stable codes of {@link PcapParseError}.
 *
 * @remarks
 * - `pcap.short-header`: fewer than 24 bytes, so no complete global header.
 * - `pcap.bad-magic`: the first 4 bytes are none of the four pcap magics (0xa1b2c3d4 or
 *   0xa1b23c4d, in either byte order). A pcapng file (0x0a0d0d0a) gets this code too.
 * - `pcap.bad-version`: the major version is not 2 (every pcap writer since 1998 writes 2.4).
 * - `pcap.truncated-record`: fewer than 16 bytes left for a record header.
 * - `pcap.bad-length`: a record whose `incl_len` exceeds the snapshot length or the bytes left in
 *   the file, or exceeds its own `orig_len`.
 * @example
 * ```ts
 * const code: PcapParseErrorCode = 'pcap.bad-magic';
 * ```
 * @spec pcap file format (tcpdump.org/manpages/pcap-savefile.5), LINKTYPE_ETHERNET
 * @category Formats
 */
export type PcapParseErrorCode =
  | 'pcap.short-header'
  | 'pcap.bad-magic'
  | 'pcap.bad-version'
  | 'pcap.truncated-record'
  | 'pcap.bad-length';

/**
 * Bytes that are not a valid classic pcap file; names the problem and its byte offset.
 *
 * @remarks `offset` is 0 for header problems, the start of the record header for
 * `pcap.truncated-record` and the offset of the record's `incl_len` field (record start + 8) for
 * `pcap.bad-length`. The message starts with `offset N: `.
 * @example
 * ```ts
 * try { parsePcap(new Uint8Array(10)); }
 * catch (e) { if (e instanceof PcapParseError) console.log(e.code, e.offset); } // "pcap.short-header" 0
 * ```
 * @spec pcap file format (tcpdump.org/manpages/pcap-savefile.5), LINKTYPE_ETHERNET
 * @category Formats
 */
export class PcapParseError extends Error {
  /** Always `'PcapParseError'`. */
  override readonly name = 'PcapParseError';
  /** Stable machine-readable code. */
  readonly code: PcapParseErrorCode;
  /** Byte offset of the problem in the input. */
  readonly offset: number;
  /**
   * @param code - Stable code.
   * @param offset - Byte offset of the problem.
   * @param message - What is wrong; prefixed with `offset N: `.
   */
  constructor(code: PcapParseErrorCode, offset: number, message: string) {
    super(`offset ${offset}: ${message}`);
    this.code = code;
    this.offset = offset;
  }
}

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
const NS_PER_S = 1_000_000_000n;
const MAX_TIME_NS = 0x1_0000_0000n * NS_PER_S;
const U32_MAX = 0xffff_ffff;

function isU32(v: unknown, min = 0): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= U32_MAX;
}

/**
 * Writes packets as a classic pcap file (little-endian, version 2.4).
 *
 * @remarks
 * - **Header**: magic 0xa1b23c4d (nanoseconds, default) or 0xa1b2c3d4 (microseconds), version 2.4,
 *   `thiszone` 0, `sigfigs` 0, `snaplen`, `network` = `linkType`.
 * - **Records**: `ts_sec`, `ts_usec` (or nanoseconds), `incl_len`, `orig_len`, then `incl_len`
 *   bytes. Data longer than `snapLen` is truncated (`incl_len` < `orig_len`); `orig_len` is
 *   `originalLength` when given, else `data.length`.
 * - **Time**: `timeNs` must be ≥ 0, below 2^32 s and non-decreasing from packet to packet. With
 *   microsecond resolution the sub-microsecond part is dropped (rounded down).
 * - Output size is 24 + Σ(16 + incl_len) bytes; time linear in it.
 * @spec pcap file format (tcpdump.org/manpages/pcap-savefile.5), LINKTYPE_ETHERNET
 * @param packets - The packets, in non-decreasing time order.
 * @param opts - Link type, snapshot length and time resolution.
 * @returns The file bytes.
 * @throws RangeError when an option or packet is out of range, `originalLength` is smaller than
 * the data, or the times decrease.
 * @example
 * ```ts
 * const bytes = formatPcap([{ timeNs: 0n, data: frame }, { timeNs: 1_500n, data: frame }]);
 * writeFileSync('run.pcap', bytes); // then: tcpdump -r run.pcap -nn -e --nano -tt
 * ```
 * @category Formats
 */
export function formatPcap(packets: readonly PcapPacket[], opts?: PcapFormatOptions): Uint8Array {
  const linkType = opts?.linkType ?? LINKTYPE_ETHERNET;
  const snapLen = opts?.snapLen ?? 65535;
  const nanosecond = opts?.nanosecond ?? true;
  if (!isU32(linkType)) throw new RangeError(`pcap linkType must be an integer 0..0xffffffff, got ${String(linkType)}`);
  if (!isU32(snapLen, 1)) throw new RangeError(`pcap snapLen must be an integer 1..0xffffffff, got ${String(snapLen)}`);
  if (typeof nanosecond !== 'boolean') throw new RangeError(`pcap nanosecond must be a boolean, got ${String(nanosecond)}`);

  let total = GLOBAL_HEADER;
  let prev = 0n;
  for (let i = 0; i < packets.length; i++) {
    const p = packets[i];
    if (p === undefined || !(p.data instanceof Uint8Array)) throw new RangeError(`pcap packet ${i} has no Uint8Array data`);
    if (typeof p.timeNs !== 'bigint' || p.timeNs < 0n || p.timeNs >= MAX_TIME_NS) {
      throw new RangeError(`pcap packet ${i}: timeNs must be a bigint in 0..2^32 s, got ${String(p.timeNs)}`);
    }
    if (p.timeNs < prev) throw new RangeError(`pcap packet ${i}: time ${p.timeNs} ns is before the previous packet's ${prev} ns`);
    prev = p.timeNs;
    const orig = p.originalLength ?? p.data.length;
    if (!isU32(orig) || orig < p.data.length) {
      throw new RangeError(`pcap packet ${i}: originalLength must be an integer data.length (${p.data.length})..0xffffffff, got ${String(orig)}`);
    }
    total += RECORD_HEADER + Math.min(p.data.length, snapLen);
  }

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, nanosecond ? MAGIC_NS : MAGIC_US, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setInt32(8, 0, true);
  view.setUint32(12, 0, true);
  view.setUint32(16, snapLen, true);
  view.setUint32(20, linkType, true);

  let at = GLOBAL_HEADER;
  for (const p of packets) {
    const sec = p.timeNs / NS_PER_S;
    const ns = p.timeNs % NS_PER_S;
    const incl = Math.min(p.data.length, snapLen);
    view.setUint32(at, Number(sec), true);
    view.setUint32(at + 4, Number(nanosecond ? ns : ns / 1000n), true);
    view.setUint32(at + 8, incl, true);
    view.setUint32(at + 12, p.originalLength ?? p.data.length, true);
    out.set(incl === p.data.length ? p.data : p.data.subarray(0, incl), at + RECORD_HEADER);
    at += RECORD_HEADER + incl;
  }
  return out;
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * Reads a classic pcap file written in either byte order, with microsecond or nanosecond
 * timestamps.
 *
 * @remarks
 * - **Magic**: 0xa1b2c3d4 (microseconds) or 0xa1b23c4d (nanoseconds), read little- or big-endian;
 *   the byte order found applies to every other field. Anything else, pcapng included, is
 *   `pcap.bad-magic`; a major version other than 2 is `pcap.bad-version`.
 * - **Records**: each needs a complete 16-byte header (`pcap.truncated-record`) and an
 *   `incl_len` no larger than the snapshot length, the bytes left and its `orig_len`
 *   (`pcap.bad-length`). The data is copied out of `bytes`.
 * - **Time**: `timeNs` = `ts_sec`·10⁹ + fraction (×1000 for microsecond files); `thiszone` is
 *   ignored, and so is the order of the times (captures from real interfaces may go back).
 *   Fractions of a second ≥ 1 s are taken as they are, as libpcap does.
 * - **Robustness**: runs in time linear in the input and throws nothing but
 *   {@link PcapParseError} for any `Uint8Array`.
 * @spec pcap file format (tcpdump.org/manpages/pcap-savefile.5), LINKTYPE_ETHERNET
 * @param bytes - The file bytes.
 * @returns The header fields and the packets.
 * @throws {@link PcapParseError} on the first problem found, naming its byte offset.
 * @throws TypeError when `bytes` is not a `Uint8Array`.
 * @example
 * ```ts
 * const { packets } = parsePcap(readFileSync('run.pcap'));
 * packets[0].timeNs; // e.g. 1500n
 * ```
 * @category Formats
 */
export function parsePcap(bytes: Uint8Array): PcapFile {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`parsePcap expects a Uint8Array, got ${typeof bytes}`);
  const len = bytes.length;
  if (len < GLOBAL_HEADER) {
    throw new PcapParseError('pcap.short-header', 0, `${len} bytes is too short for the 24-byte pcap global header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicLe = view.getUint32(0, true);
  const magicBe = view.getUint32(0, false);
  let le: boolean;
  let nanosecond: boolean;
  if (magicLe === MAGIC_US || magicLe === MAGIC_NS) {
    le = true;
    nanosecond = magicLe === MAGIC_NS;
  } else if (magicBe === MAGIC_US || magicBe === MAGIC_NS) {
    le = false;
    nanosecond = magicBe === MAGIC_NS;
  } else {
    const what = magicBe === 0x0a0d0d0a ? ' (a pcapng file; only classic pcap is read)' : '';
    throw new PcapParseError('pcap.bad-magic', 0, `magic ${hex32(magicBe)} is not a pcap magic${what}`);
  }
  const major = view.getUint16(4, le);
  if (major !== 2) {
    throw new PcapParseError('pcap.bad-version', 4, `pcap version ${major}.${view.getUint16(6, le)} is not supported (expected 2.x)`);
  }
  const snapLen = view.getUint32(16, le);
  const linkType = view.getUint32(20, le);
  const scale = nanosecond ? 1n : 1000n;

  const packets: PcapPacket[] = [];
  let at = GLOBAL_HEADER;
  while (at < len) {
    if (len - at < RECORD_HEADER) {
      throw new PcapParseError('pcap.truncated-record', at, `record ${packets.length} has ${len - at} of its 16 header bytes`);
    }
    const sec = view.getUint32(at, le);
    const frac = view.getUint32(at + 4, le);
    const incl = view.getUint32(at + 8, le);
    const orig = view.getUint32(at + 12, le);
    const left = len - at - RECORD_HEADER;
    if (incl > snapLen) {
      throw new PcapParseError('pcap.bad-length', at + 8, `record ${packets.length}: incl_len ${incl} exceeds the snapshot length ${snapLen}`);
    }
    if (incl > left) {
      throw new PcapParseError('pcap.bad-length', at + 8, `record ${packets.length}: incl_len ${incl} exceeds the ${left} bytes left in the file`);
    }
    if (incl > orig) {
      throw new PcapParseError('pcap.bad-length', at + 8, `record ${packets.length}: incl_len ${incl} exceeds orig_len ${orig}`);
    }
    const start = at + RECORD_HEADER;
    packets.push({
      timeNs: BigInt(sec) * NS_PER_S + BigInt(frac) * scale,
      data: bytes.slice(start, start + incl),
      originalLength: orig,
    });
    at = start + incl;
  }
  return { linkType, snapLen, nanosecond, packets };
}
