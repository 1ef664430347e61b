/**
 * The link layer: Ethernet frames (addresses, 802.1Q tags, padding, FCS), and (next) cables with
 * propagation delay and attenuation. It knows nothing of PCIe.
 *
 * @module link
 */
export { BROADCAST, FRAME, parseMac, asMac, formatMac, isGroup, crc32, encodeFrame, decodeFrame, withPreamble } from './frame.js';
export type { Mac, VlanTag, Frame, FrameDropReason, DecodeResult } from './frame.js';
export { CABLE, DEFAULT_TIMING, cyclesPerByte, delayCycles, amplitudeAfter } from './timing.js';
export type { RateMbps, LinkTiming } from './timing.js';
export { Port, EXTENSION } from './port.js';
export type { Symbol } from './port.js';
export { Cable } from './cable.js';
export type { CableOptions } from './cable.js';
export { BurstPort, makeSegment, noiseByte, segmentByte, byteRange, throughCable, shifted } from './segment.js';
export type { Segment, Noise } from './segment.js';
export { BurstCable, SegmentLine } from './burst-cable.js';
export { FrameCable, FramePort } from './frame-cable.js';
