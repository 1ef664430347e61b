import { readLE } from '../bits/bits.js';

/**
 * One capability found by a walker.
 * @category Capabilities
 */
export interface CapabilityEntry {
  /** Capability ID (8-bit standard, 16-bit extended). */
  readonly id: number;
  /** Byte offset of the capability header. */
  readonly offset: number;
  /** Extended capabilities: Capability Version. */
  readonly version?: number;
}

/**
 * Stable codes of problems a walker reports.
 * @category Capabilities
 */
export type WalkProblemCode = 'cap.loop' | 'cap.misaligned' | 'cap.out-of-range' | 'cap.truncated' | 'cap.broken';

/**
 * A problem a walker found in a capability chain; the walk stops at it except for `cap.misaligned`
 * (the low two pointer bits are reserved and masked off, as pciutils does).
 * @category Capabilities
 */
export interface WalkProblem {
  /** Stable machine-readable code of the problem. */
  readonly code: WalkProblemCode;
  /** Offset of the pointer or header at fault. */
  readonly offset: number;
  /** Human-readable explanation. */
  readonly message: string;
}

/**
 * Result of a capability walk.
 * @category Capabilities
 */
export interface WalkResult {
  /** Capabilities found, in chain order, up to the first problem that stopped the walk. */
  readonly entries: readonly CapabilityEntry[];
  /** Problems found; empty when the chain is well formed. */
  readonly problems: readonly WalkProblem[];
}

/**
 * Walks the standard capability list of raw configuration bytes from the Capabilities Pointer
 * (0x34), when Status.Capabilities List is set.
 *
 * @remarks Terminates on every input: it stops at a pointer of 0, at a pointer outside
 * 0x40..0xFC (`cap.out-of-range`), at a capability the bytes do not hold (`cap.truncated`), at an
 * ID of 0xFF (`cap.broken`, what a missing function reads), and at an offset already visited
 * (`cap.loop`); the list can hold at most 48 entries.
 * @spec PCIe Base r6.0 §7.5.1.1.11 (Capabilities Pointer), §7.5.1.1.4 (Status: Capabilities List)
 * @example
 * ```ts
 * walkCapabilities(space.peek()).entries.map((e) => e.id); // [0x01, 0x05, 0x11, 0x10]
 * ```
 * @category Capabilities
 */
export function walkCapabilities(bytes: Uint8Array): WalkResult {
  const entries: CapabilityEntry[] = [];
  const problems: WalkProblem[] = [];
  if (bytes.length < 0x40) return { entries, problems: [{ code: 'cap.truncated', offset: 0, message: 'fewer than 64 bytes: no header to walk' }] };
  if (((bytes[0x06] as number) & 0x10) === 0) return { entries, problems };
  const visited = new Set<number>();
  let from = 0x34;
  let raw = bytes[0x34] as number;
  while (raw !== 0) {
    if ((raw & 3) !== 0) problems.push({ code: 'cap.misaligned', offset: from, message: `pointer 0x${raw.toString(16)} at 0x${from.toString(16)} has its reserved low bits set; using 0x${(raw & 0xfc).toString(16)}` });
    const at = raw & 0xfc;
    if (at < 0x40) {
      problems.push({ code: 'cap.out-of-range', offset: from, message: `pointer 0x${at.toString(16)} at 0x${from.toString(16)} points into the header` });
      break;
    }
    if (visited.has(at)) {
      problems.push({ code: 'cap.loop', offset: from, message: `pointer at 0x${from.toString(16)} returns to 0x${at.toString(16)}: the chain loops` });
      break;
    }
    if (at + 2 > bytes.length) {
      problems.push({ code: 'cap.truncated', offset: from, message: `capability at 0x${at.toString(16)} lies beyond the ${bytes.length} bytes given` });
      break;
    }
    visited.add(at);
    const id = bytes[at] as number;
    if (id === 0xff) {
      problems.push({ code: 'cap.broken', offset: at, message: `capability ID 0xff at 0x${at.toString(16)}: chain broken` });
      break;
    }
    entries.push({ id, offset: at });
    from = at + 1;
    raw = bytes[at + 1] as number;
  }
  return { entries, problems };
}

/**
 * Walks the extended capability list of raw configuration bytes from 0x100.
 *
 * @remarks Terminates on every input: it stops at a header of 0 or 0xFFFFFFFF, at a next offset
 * below 0x100 other than 0 (`cap.out-of-range`), beyond the bytes given (`cap.truncated`), or at
 * an offset already visited (`cap.loop`); at most 960 entries fit.
 * @spec PCIe Base r6.0 §7.6.3 (PCI Express Extended Capability Header)
 * @example
 * ```ts
 * walkExtendedCapabilities(space.peek()).entries; // [{ id: 0x0e, offset: 0x100, version: 1 }, …]
 * ```
 * @category Capabilities
 */
export function walkExtendedCapabilities(bytes: Uint8Array): WalkResult {
  const entries: CapabilityEntry[] = [];
  const problems: WalkProblem[] = [];
  if (bytes.length < 0x104) return { entries, problems };
  const visited = new Set<number>();
  let at = 0x100;
  let from = -1;
  for (;;) {
    if (visited.has(at)) {
      problems.push({ code: 'cap.loop', offset: from, message: `next offset at 0x${from.toString(16)} returns to 0x${at.toString(16)}: the chain loops` });
      break;
    }
    if (at + 4 > bytes.length) {
      problems.push({ code: 'cap.truncated', offset: from, message: `extended capability at 0x${at.toString(16)} lies beyond the ${bytes.length} bytes given` });
      break;
    }
    visited.add(at);
    const header = readLE(bytes, at, 4);
    if (header === 0 || header === 0xffff_ffff) break;
    entries.push({ id: header & 0xffff, offset: at, version: (header >>> 16) & 0xf });
    const rawNext = header >>> 20;
    if ((rawNext & 3) !== 0) problems.push({ code: 'cap.misaligned', offset: at, message: `next offset 0x${rawNext.toString(16)} at 0x${at.toString(16)} has its reserved low bits set` });
    const next = rawNext & 0xffc;
    if (next === 0) break;
    if (next < 0x100) {
      problems.push({ code: 'cap.out-of-range', offset: at, message: `next offset 0x${next.toString(16)} at 0x${at.toString(16)} points below 0x100` });
      break;
    }
    from = at;
    at = next;
  }
  return { entries, problems };
}
