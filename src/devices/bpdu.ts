import { show } from '../bits/show.js';
import { SimError } from '../sim/kernel.js';
import type { Frame, Mac } from '../link/frame.js';

/**
 * The Bridge Group Address 01-80-C2-00-00-00: the destination of every STP BPDU.
 * @spec IEEE 802.1D-2004 §7.12.3 (reserved addresses), §9.3 (BPDUs are sent to the Bridge Group Address)
 * @category Devices
 */
export const STP_GROUP_ADDRESS = 0x0180_c200_0000 as Mac;

/**
 * The IEEE 802.2 LLC header of a BPDU: DSAP 0x42, SSAP 0x42 (the spanning tree SAP), control 0x03
 * (UI).
 * @spec IEEE 802.1D-2004 §7.12.3 (LLC encapsulation of BPDUs); IEEE 802.2 (Type 1 UI PDU)
 * @category Devices
 */
export const STP_LLC = {
  /** Destination SAP: 0x42, the spanning tree protocol SAP. */
  dsap: 0x42,
  /** Source SAP: 0x42. */
  ssap: 0x42,
  /** Control: 0x03, an unnumbered information (UI) PDU. */
  control: 0x03,
} as const;

/**
 * Sizes and codes of classic STP BPDUs.
 * @spec IEEE 802.1D-2004 §9.3.1 (Configuration BPDU), §9.3.2 (Topology Change Notification BPDU)
 * @category Devices
 */
export const BPDU = {
  /** Octets of a Configuration BPDU (after the LLC header). */
  configLength: 35,
  /** Octets of a Topology Change Notification BPDU. */
  tcnLength: 4,
  /** Octets of the LLC header in front of the BPDU. */
  llcLength: 3,
  /** BPDU Type of a Configuration BPDU. */
  typeConfig: 0x00,
  /** BPDU Type of a TCN BPDU. */
  typeTcn: 0x80,
  /** Flags bit: Topology Change. */
  flagTc: 0x01,
  /** Flags bit: Topology Change Acknowledgment. */
  flagTca: 0x80,
  /** Timer fields count in 1/256 s. */
  ticksPerSecond: 256,
} as const;

/**
 * A Bridge Identifier: 16-bit priority, then the bridge's MAC address. Smaller is better.
 * @spec IEEE 802.1D-2004 §9.2.5 (Bridge Identifier)
 * @category Devices
 */
export interface BridgeId {
  /** Priority, 0..65535 (classic STP: the whole 16 bits; a configured bridge uses multiples of 4096). */
  readonly priority: number;
  /** The bridge's MAC address. */
  readonly mac: Mac;
}

/**
 * A Configuration BPDU. Timer fields are in units of 1/256 s, exactly as on the wire.
 * @spec IEEE 802.1D-2004 §9.3.1; IEEE 802.1D-1998 §9.3.1
 * @category Devices
 */
export interface ConfigBpdu {
  /** BPDU type. */
  readonly kind: 'config';
  /** Topology Change flag. */
  readonly topologyChange: boolean;
  /** Topology Change Acknowledgment flag. */
  readonly topologyChangeAck: boolean;
  /** The Bridge Identifier the sender believes to be the root. */
  readonly rootId: BridgeId;
  /** The sender's cost to the root, 32 bits. */
  readonly rootPathCost: number;
  /** The sender's Bridge Identifier. */
  readonly bridgeId: BridgeId;
  /** The sender's Port Identifier, 16 bits. */
  readonly portId: number;
  /** Age of the root's information, 1/256 s. */
  readonly messageAge: number;
  /** Max Age the root uses, 1/256 s. */
  readonly maxAge: number;
  /** Hello Time the root uses, 1/256 s. */
  readonly helloTime: number;
  /** Forward Delay the root uses, 1/256 s. */
  readonly forwardDelay: number;
}

/**
 * A Topology Change Notification BPDU (no parameters).
 * @spec IEEE 802.1D-2004 §9.3.2
 * @category Devices
 */
export interface TcnBpdu {
  /** BPDU type. */
  readonly kind: 'tcn';
}

/**
 * A classic STP BPDU.
 * @category Devices
 */
export type Bpdu = ConfigBpdu | TcnBpdu;

/**
 * Why a received frame is not a usable BPDU.
 * - `not-stp-address`: destination is not 01-80-C2-00-00-00.
 * - `not-llc`: the type field is an EtherType, not an 802.3 length.
 * - `bad-length`: the 802.3 length exceeds the data received.
 * - `bad-llc`: DSAP/SSAP/control are not 0x42/0x42/0x03.
 * - `truncated`: fewer octets than the BPDU type needs (also fewer than 4 in all).
 * - `bad-protocol`: Protocol Identifier is not 0.
 * - `bad-version`: Protocol Version is not 0 (the Linux bridge accepts version 0 only).
 * - `bad-type`: neither a Configuration nor a TCN BPDU.
 * - `message-age`: a Configuration BPDU whose Message Age exceeds its Max Age (Linux discards it).
 * - `port-disabled`: arrived on a port in the Disabled state.
 * @spec IEEE 802.1D-2004 §9.3.4 (validation of received BPDUs); net/bridge/br_stp_bpdu.c (br_stp_rcv)
 * @category Devices
 */
export type BpduDropReason =
  | 'not-stp-address' | 'not-llc' | 'bad-length' | 'bad-llc' | 'truncated' | 'bad-protocol' | 'bad-version' | 'bad-type'
  | 'message-age' | 'port-disabled';

/** Every {@link BpduDropReason}, in a fixed order. @category Devices */
export const BPDU_DROP_REASONS: readonly BpduDropReason[] = [
  'not-stp-address', 'not-llc', 'bad-length', 'bad-llc', 'truncated', 'bad-protocol', 'bad-version', 'bad-type', 'message-age', 'port-disabled',
];

/**
 * The result of decoding a BPDU: the BPDU, or the reason it was refused.
 * @category Devices
 */
export type BpduDecodeResult =
  | {
      /** A valid BPDU. */
      readonly ok: true;
      /** The decoded BPDU. */
      readonly bpdu: Bpdu;
    }
  | {
      /** Not a valid BPDU. */
      readonly ok: false;
      /** Why. */
      readonly reason: BpduDropReason;
    };

/**
 * Orders Bridge Identifiers as 8-octet unsigned numbers (priority first, then MAC).
 * @returns negative, 0 or positive.
 * @spec IEEE 802.1D-2004 §9.2.5 (numerical comparison of Bridge Identifiers)
 * @example
 * ```ts
 * compareBridgeIds({ priority: 4096, mac: b }, { priority: 32768, mac: a }) < 0; // true: priority decides first
 * ```
 * @category Devices
 */
export function compareBridgeIds(a: BridgeId, b: BridgeId): number {
  return a.priority !== b.priority ? a.priority - b.priority : a.mac - b.mac;
}

/**
 * Bridge Identifier text as the Linux bridge prints it: four hex digits of priority, a dot, twelve
 * hex digits of MAC.
 * @spec net/bridge/br_stp_if.c (br_show_bridge_id)
 * @example
 * ```ts
 * formatBridgeId({ priority: 32768, mac: parseMac('02:00:00:00:00:01') }); // "8000.020000000001"
 * ```
 * @category Devices
 */
export function formatBridgeId(id: BridgeId): string {
  return `${id.priority.toString(16).padStart(4, '0')}.${id.mac.toString(16).padStart(12, '0')}`;
}

function checkField(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new SimError('sim.bad-bpdu', `${name} ${show(v)} is not an integer in 0..${show(max)}`);
}

function putId(b: Uint8Array, at: number, id: BridgeId): void {
  checkField('bridge priority', id.priority, 0xffff);
  checkField('bridge MAC', id.mac, 0xffff_ffff_ffff);
  b[at] = id.priority >>> 8;
  b[at + 1] = id.priority & 0xff;
  let v = id.mac as number;
  for (let i = 7; i >= 2; i--) {
    b[at + i] = v % 256;
    v = Math.floor(v / 256);
  }
}

function getId(b: Uint8Array, at: number): BridgeId {
  let mac = 0;
  for (let i = 2; i < 8; i++) mac = mac * 256 + b[at + i]!;
  return { priority: (b[at]! << 8) | b[at + 1]!, mac: mac as Mac };
}

/**
 * Encodes a BPDU (without the LLC header): 35 octets for a Configuration BPDU, 4 for a TCN.
 * Multi-octet fields are big-endian; timers are in 1/256 s.
 * @throws {SimError} `sim.bad-bpdu` for a field out of its range.
 * @spec IEEE 802.1D-2004 §9.3.1, §9.3.2; IEEE 802.1D-1998 §9.3
 * @example
 * ```ts
 * encodeBpdu({ kind: 'tcn' }); // Uint8Array [0, 0, 0, 0x80]
 * ```
 * @category Devices
 */
export function encodeBpdu(bpdu: Bpdu): Uint8Array {
  if (bpdu.kind === 'tcn') return Uint8Array.of(0, 0, 0, BPDU.typeTcn);
  const b = new Uint8Array(BPDU.configLength);
  b[3] = BPDU.typeConfig;
  b[4] = (bpdu.topologyChange ? BPDU.flagTc : 0) | (bpdu.topologyChangeAck ? BPDU.flagTca : 0);
  putId(b, 5, bpdu.rootId);
  checkField('root path cost', bpdu.rootPathCost, 0xffff_ffff);
  b[13] = bpdu.rootPathCost >>> 24;
  b[14] = (bpdu.rootPathCost >>> 16) & 0xff;
  b[15] = (bpdu.rootPathCost >>> 8) & 0xff;
  b[16] = bpdu.rootPathCost & 0xff;
  putId(b, 17, bpdu.bridgeId);
  const put16 = (at: number, name: string, v: number): void => {
    checkField(name, v, 0xffff);
    b[at] = v >>> 8;
    b[at + 1] = v & 0xff;
  };
  put16(25, 'port identifier', bpdu.portId);
  put16(27, 'message age', bpdu.messageAge);
  put16(29, 'max age', bpdu.maxAge);
  put16(31, 'hello time', bpdu.helloTime);
  put16(33, 'forward delay', bpdu.forwardDelay);
  return b;
}

/**
 * Decodes BPDU octets (after the LLC header). Never throws: bad input gives a reason. Octets past
 * the BPDU's length are ignored; flag bits other than TC and TCA are ignored.
 * @spec IEEE 802.1D-2004 §9.3.4 (validation); net/bridge/br_stp_bpdu.c (br_stp_rcv: protocol and version must be 0)
 * @example
 * ```ts
 * decodeBpdu(Uint8Array.of(0, 0, 0, 0x80)); // { ok: true, bpdu: { kind: 'tcn' } }
 * ```
 * @category Devices
 */
export function decodeBpdu(b: Uint8Array): BpduDecodeResult {
  if (b.length < BPDU.tcnLength) return { ok: false, reason: 'truncated' };
  if (b[0] !== 0 || b[1] !== 0) return { ok: false, reason: 'bad-protocol' };
  if (b[2] !== 0) return { ok: false, reason: 'bad-version' };
  if (b[3] === BPDU.typeTcn) return { ok: true, bpdu: { kind: 'tcn' } };
  if (b[3] !== BPDU.typeConfig) return { ok: false, reason: 'bad-type' };
  if (b.length < BPDU.configLength) return { ok: false, reason: 'truncated' };
  const u16 = (at: number): number => (b[at]! << 8) | b[at + 1]!;
  const bpdu: ConfigBpdu = {
    kind: 'config',
    topologyChange: (b[4]! & BPDU.flagTc) !== 0,
    topologyChangeAck: (b[4]! & BPDU.flagTca) !== 0,
    rootId: getId(b, 5),
    rootPathCost: ((b[13]! << 24) | (b[14]! << 16) | (b[15]! << 8) | b[16]!) >>> 0,
    bridgeId: getId(b, 17),
    portId: u16(25),
    messageAge: u16(27),
    maxAge: u16(29),
    helloTime: u16(31),
    forwardDelay: u16(33),
  };
  return { ok: true, bpdu };
}

/**
 * The frame that carries a BPDU: IEEE 802.3 length frame from `src` to 01-80-C2-00-00-00 whose
 * payload is the LLC header (0x42 0x42 0x03) followed by the BPDU; the length field equals the
 * payload length (38 for a Configuration BPDU, 7 for a TCN).
 * @throws {SimError} `sim.bad-bpdu` for a field out of its range.
 * @spec IEEE 802.1D-2004 §7.12.3, §9.3; IEEE 802.3-2022 §3.2.6 (Length/Type field)
 * @example
 * ```ts
 * bpduFrame({ kind: 'tcn' }, portMac).type; // 7
 * ```
 * @category Devices
 */
export function bpduFrame(bpdu: Bpdu, src: Mac): Frame {
  const body = encodeBpdu(bpdu);
  const payload = new Uint8Array(BPDU.llcLength + body.length);
  payload[0] = STP_LLC.dsap;
  payload[1] = STP_LLC.ssap;
  payload[2] = STP_LLC.control;
  payload.set(body, BPDU.llcLength);
  return { dst: STP_GROUP_ADDRESS, src, type: payload.length, payload };
}

/**
 * Decodes the BPDU a received frame carries, checking the destination, the 802.3 length, the LLC
 * header and then the BPDU itself. Never throws. Padding after the 802.3 length is ignored.
 * @spec IEEE 802.1D-2004 §7.12.3, §9.3.4; net/bridge/br_stp_bpdu.c (br_stp_rcv)
 * @example
 * ```ts
 * parseBpduFrame(bpduFrame(bpdu, mac)); // { ok: true, bpdu }
 * ```
 * @category Devices
 */
export function parseBpduFrame(frame: Frame): BpduDecodeResult {
  if (frame.dst !== STP_GROUP_ADDRESS) return { ok: false, reason: 'not-stp-address' };
  if (!Number.isInteger(frame.type) || frame.type < 0 || frame.type >= 0x600) return { ok: false, reason: 'not-llc' };
  const p = frame.payload;
  if (frame.type > p.length) return { ok: false, reason: 'bad-length' };
  if (frame.type < BPDU.llcLength) return { ok: false, reason: 'truncated' };
  if (p[0] !== STP_LLC.dsap || p[1] !== STP_LLC.ssap || p[2] !== STP_LLC.control) return { ok: false, reason: 'bad-llc' };
  return decodeBpdu(p.subarray(BPDU.llcLength, frame.type));
}
