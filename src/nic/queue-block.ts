import { show } from '../bits/show.js';
import type { AccessSize } from '../bits/bits.js';
import { defineBlock, type CheckedBlock, type RegisterDef } from '../regs/define.js';
import type { Diagnostic, DiagnosticSink } from '../regs/diagnostics.js';
import { LayoutError } from '../regs/errors.js';
import { LayoutBuilder, type Layout } from '../regs/layout.js';
import { RegisterSpace, type PostWriteHook, type PreWriteHook } from '../regs/space.js';
import type { Mac } from '../link/frame.js';
import { NicError } from './errors.js';

/** Spec reference of the queue block: our own design, documented in the guide. */
const QSPEC = 'iovsim design (docs/guides/nic-registers.md, per-function queue block)';

/**
 * Layout of the per-function queue block: byte offsets inside the 16 KiB window (a VF's VF BAR0
 * window, or the first 16 KiB of the PF's BAR0) and the sizes of its queues.
 *
 * @remarks The full table, with access types and reset values, is in the guide
 * `docs/guides/nic-registers.md`.
 * @spec iovsim design (docs/guides/nic-registers.md)
 * @category NIC
 */
export const QUEUE_BLOCK = {
  /** Bytes in the block (the per-VF VF BAR0 window). */
  size: 0x4000,
  /** CTRL (RW): bit 0 RX enable, bit 1 TX enable. */
  ctrl: 0x000,
  /** STATUS (RO): bit 0 link up, set by the device. */
  status: 0x004,
  /** FUNC (RO): bits 15:0 the function (0 = the PF, n = VF n), bits 23:16 the block version. */
  func: 0x008,
  /** MAC_LO: octets 0..3 of the function's MAC address, octet 0 in bits 7:0 (RO in a VF, RW in the PF). */
  macLo: 0x010,
  /** MAC_HI: octets 4..5 in bits 15:0 (RO in a VF, RW in the PF). */
  macHi: 0x014,
  /** INT_STATUS (RW1C): the {@link QUEUE_INT} bits, set by the device, cleared by writing 1. */
  intStatus: 0x020,
  /** INT_MASK (RW): a 1 masks the {@link QUEUE_INT} bit; all masked after reset. */
  intMask: 0x024,
  /** TX_LEN (RW): bits 11:0, the length in bytes of the frame in the TX buffer. */
  txLen: 0x040,
  /** TX_DOORBELL: writing 1 to bit 0 posts TX_LEN bytes of the TX buffer; reads 0. */
  txDoorbell: 0x044,
  /** TX_PENDING (RO): bits 7:0, frames posted and not yet taken by the data path. */
  txPending: 0x048,
  /** TX_DONE_COUNT (RO): frames completed since reset, wrapping at 2^32. */
  txDoneCount: 0x04c,
  /** RX_HEAD (RO, device-owned): bits 2:0, the slot the device fills next. */
  rxHead: 0x060,
  /** RX_TAIL (RW, driver-owned): bits 2:0, the slot the driver reads next. */
  rxTail: 0x064,
  /** RX_LEN[k] (RO) at rxLen + 4k: bits 11:0, the length of the frame in slot k. */
  rxLen: 0x080,
  /** TX buffer (RW): the frame to post, `txBufferSize` bytes. */
  txBuffer: 0x800,
  /** Bytes in the TX buffer, and the largest frame the block takes or delivers. */
  txBufferSize: 0x800,
  /** First RX slot (RO to the driver); slot k is at rxSlot + k × rxSlotSize. */
  rxSlot: 0x1000,
  /** Bytes per RX slot. */
  rxSlotSize: 0x800,
  /** RX slots in the ring; the ring holds at most rxSlots − 1 frames (one slot stays empty). */
  rxSlots: 6,
  /** Frames the TX queue holds between the doorbell and the data path. */
  txQueueDepth: 8,
  /** Value of the FUNC register's version field. */
  version: 1,
} as const;

/**
 * Bits of INT_STATUS and INT_MASK.
 * @spec iovsim design (docs/guides/nic-registers.md)
 * @category NIC
 */
export const QUEUE_INT = {
  /** A frame the data path took has been sent (`txDone`). */
  txDone: 0x01,
  /** A frame was placed in the RX ring. */
  rxReady: 0x02,
  /** The function's link state changed. */
  linkChange: 0x04,
  /** A doorbell was refused (TX disabled, bad TX_LEN, or TX queue full). */
  txError: 0x08,
  /** A received frame was dropped because the RX ring was full. */
  rxDrop: 0x10,
} as const;

/**
 * Bits of CTRL.
 * @spec iovsim design (docs/guides/nic-registers.md)
 * @category NIC
 */
export const QUEUE_CTRL = {
  /** RX enable: the device places received frames in the ring only while set. */
  rxEnable: 0x1,
  /** TX enable: the doorbell posts frames only while set. */
  txEnable: 0x2,
} as const;

/**
 * Why the queue block dropped a frame.
 *
 * @remarks
 * - `tx-disabled`: the doorbell rang while CTRL TX enable was clear.
 * - `tx-bad-length`: the doorbell rang with TX_LEN 0 or above the TX buffer size.
 * - `tx-queue-full`: the doorbell rang with the TX queue full.
 * - `rx-disabled`: a frame arrived while CTRL RX enable was clear.
 * - `rx-bad-length`: a frame arrived that is empty or longer than an RX slot.
 * - `rx-ring-full`: a frame arrived with the RX ring full.
 * - `tx-flushed`, `rx-flushed`: frames queued in the block when it was flushed (FLR, reset, VF removal).
 * @spec iovsim design (docs/guides/nic-registers.md)
 * @category NIC
 */
export type QueueDropReason = 'tx-disabled' | 'tx-bad-length' | 'tx-queue-full' | 'rx-disabled' | 'rx-bad-length' | 'rx-ring-full' | 'tx-flushed' | 'rx-flushed';

/** Every {@link QueueDropReason}. @spec iovsim design (docs/guides/nic-registers.md) @category NIC */
export const QUEUE_DROP_REASONS: readonly QueueDropReason[] = ['tx-disabled', 'tx-bad-length', 'tx-queue-full', 'rx-disabled', 'rx-bad-length', 'rx-ring-full', 'tx-flushed', 'rx-flushed'];

/**
 * Counters of one queue block: every frame posted or offered is either still queued, taken,
 * delivered, or counted under a drop reason.
 * @spec iovsim design (docs/guides/nic-registers.md)
 * @category NIC
 */
export interface QueueCounters {
  /** Frames the doorbell accepted into the TX queue. */
  txPosted: number;
  /** Frames the data path took with `postedTx()`. */
  txTaken: number;
  /** Completions signalled with `txDone()`. */
  txCompleted: number;
  /** Frames placed in the RX ring. */
  rxDelivered: number;
  /** RX slots the driver released by advancing RX_TAIL. */
  rxReleased: number;
  /** Frames dropped, by reason. */
  readonly dropped: Record<QueueDropReason, number>;
}

/**
 * How many frames a queue block holds right now.
 * @spec iovsim design (docs/guides/nic-registers.md)
 * @category NIC
 */
export interface QueueDepths {
  /** Frames posted by the doorbell, not yet taken by the data path. */
  readonly tx: number;
  /** Frames taken by the data path and not yet completed with `txDone()`. */
  readonly txInFlight: number;
  /** Frames in the RX ring (between RX_TAIL and RX_HEAD). */
  readonly rx: number;
}

/**
 * Options of a {@link QueueBlock}.
 * @category NIC
 */
export interface QueueBlockOptions {
  /** The function the block belongs to: 0 for the PF, n for VF n (shown in FUNC). */
  readonly fn: number;
  /**
   * MAC_LO/MAC_HI are writable by software: true for the PF's own block, false for a VF's (the PF
   * driver assigns a VF's address; the device mirrors it with hardware-side updates).
   * @defaultValue false
   */
  readonly macWritable?: boolean;
  /** Receives driver-obligation and queue diagnostics of this block. */
  readonly onDiagnostic?: DiagnosticSink;
  /** Told when the doorbell queued a frame (the transmit engine keeps a set of blocks with work). */
  readonly onTxPosted?: (fn: number) => void;
}

const HOOKS = { doorbell: 'queue.txDoorbell', rxTail: 'queue.rxTail' } as const;

const word = (id: string, name: string, offset: number, fields: RegisterDef['fields'], rest?: 'RsvdP' | 'RsvdZ', hooks?: RegisterDef['hooks']): RegisterDef => ({
  id, name, offset, width: 32, fields, spec: QSPEC, ...(rest === undefined ? {} : { rest }), ...(hooks === undefined ? {} : { hooks }),
});

function controlRegisters(macWritable: boolean): CheckedBlock {
  const Q = QUEUE_BLOCK;
  const mac = macWritable ? 'RW' : 'RO';
  const regs: RegisterDef[] = [
    word('ctrl', 'CTRL', Q.ctrl, { rxEnable: { bits: [0, 0], access: 'RW' }, txEnable: { bits: [1, 1], access: 'RW' } }, 'RsvdP'),
    word('status', 'STATUS', Q.status, { linkUp: { bits: [0, 0], access: 'RO' } }, 'RsvdZ'),
    word('func', 'FUNC', Q.func, { function: { bits: [15, 0], access: 'RO' }, version: { bits: [23, 16], access: 'RO', reset: Q.version } }, 'RsvdZ'),
    word('macLo', 'MAC_LO', Q.macLo, { octets0to3: { bits: [31, 0], access: mac } }),
    word('macHi', 'MAC_HI', Q.macHi, { octets4to5: { bits: [15, 0], access: mac } }, 'RsvdP'),
    word('intStatus', 'INT_STATUS', Q.intStatus, {
      txDone: { bits: [0, 0], access: 'RW1C' }, rxReady: { bits: [1, 1], access: 'RW1C' }, linkChange: { bits: [2, 2], access: 'RW1C' },
      txError: { bits: [3, 3], access: 'RW1C' }, rxDrop: { bits: [4, 4], access: 'RW1C' },
    }, 'RsvdZ'),
    word('intMask', 'INT_MASK', Q.intMask, { mask: { bits: [4, 0], access: 'RW', reset: 0x1f } }, 'RsvdP'),
    word('txLen', 'TX_LEN', Q.txLen, { length: { bits: [11, 0], access: 'RW' } }, 'RsvdP'),
    word('txDoorbell', 'TX_DOORBELL', Q.txDoorbell, { post: { bits: [0, 0], access: 'RW' } }, 'RsvdZ', { postWrite: HOOKS.doorbell }),
    word('txPending', 'TX_PENDING', Q.txPending, { frames: { bits: [7, 0], access: 'RO' } }, 'RsvdZ'),
    word('txDoneCount', 'TX_DONE_COUNT', Q.txDoneCount, { count: { bits: [31, 0], access: 'RO' } }),
    word('rxHead', 'RX_HEAD', Q.rxHead, { index: { bits: [2, 0], access: 'RO' } }, 'RsvdZ'),
    word('rxTail', 'RX_TAIL', Q.rxTail, { index: { bits: [2, 0], access: 'RW' } }, 'RsvdP', { preWrite: HOOKS.rxTail }),
  ];
  for (let k = 0; k < Q.rxSlots; k++) regs.push(word(`rxLen${k}`, `RX_LEN${k}`, Q.rxLen + 4 * k, { length: { bits: [11, 0], access: 'RO' } }, 'RsvdZ'));
  return defineBlock({ id: 'regs', name: 'Queue block registers', size: Q.txBuffer, registers: regs, spec: QSPEC });
}

function dataBlock(id: string, name: string, access: 'RW' | 'RO'): CheckedBlock {
  const registers: RegisterDef[] = [];
  for (let i = 0; i < QUEUE_BLOCK.txBufferSize / 4; i++) registers.push({ id: `d${i}`, name: `${name} DWORD ${i}`, offset: i * 4, width: 32, fields: { data: { bits: [31, 0], access } } });
  return defineBlock({ id, name, size: QUEUE_BLOCK.txBufferSize, registers, spec: QSPEC });
}

const layouts = new Map<boolean, Layout>();

/**
 * The compiled layout of a queue block (built once per variant and shared by every block).
 * @param macWritable - the PF's variant (MAC_LO/MAC_HI RW) or a VF's (RO).
 * @spec iovsim design (docs/guides/nic-registers.md)
 * @example
 * ```ts
 * queueBlockLayout(false).register('regs.intStatus').offset; // 0x20
 * ```
 * @category NIC
 */
export function queueBlockLayout(macWritable: boolean): Layout {
  let l = layouts.get(macWritable);
  if (l === undefined) {
    const b = new LayoutBuilder(QUEUE_BLOCK.size).place('regs', 0, controlRegisters(macWritable)).place('tx', QUEUE_BLOCK.txBuffer, dataBlock('tx', 'TX buffer', 'RW'));
    const rx = dataBlock('rx', 'RX slot', 'RO');
    for (let k = 0; k < QUEUE_BLOCK.rxSlots; k++) b.place(`rx${k}`, QUEUE_BLOCK.rxSlot + k * QUEUE_BLOCK.rxSlotSize, rx);
    l = b.build();
    checkRxSlots(l);
    layouts.set(macWritable, l);
  }
  return l;
}

/** Qualified names of the RX_LEN registers, by slot (precomputed for the data path). */
const RX_LEN_QNAMES: readonly string[] = Array.from({ length: QUEUE_BLOCK.rxSlots }, (_, k) => `regs.rxLen${k}`);

/**
 * Checks that every byte of the RX slots belongs to a 32-bit register whose bits are all RO (so
 * the device may change it and software may not): the condition under which filling a slot with
 * one raw store equals a hardware-side update of each of its registers.
 */
function checkRxSlots(l: Layout): void {
  const Q = QUEUE_BLOCK;
  for (let at = Q.rxSlot; at < Q.rxSlot + Q.rxSlots * Q.rxSlotSize; at += 4) {
    const r = l.registers[l.registerAt[at]!];
    if (r === undefined || r.width !== 32 || r.offset !== at || r.checked.masks.RO !== 0xffff_ffff) {
      throw new LayoutError('layout.bad-option', `queue block: byte 0x${at.toString(16)} of the RX slots is not a full-width RO data register`);
    }
  }
}

const emptyDrops = (): Record<QueueDropReason, number> => Object.fromEntries(QUEUE_DROP_REASONS.map((r) => [r, 0])) as Record<QueueDropReason, number>;

/** The MAC register pair of a {@link Mac}: octet 0 in bits 7:0 of MAC_LO, octets 4..5 in MAC_HI. @internal */
export function macToRegs(mac: Mac): { readonly lo: number; readonly hi: number } {
  const o = (i: number): number => Math.floor(mac / 2 ** (8 * (5 - i))) % 256;
  return { lo: (o(0) | (o(1) << 8) | (o(2) << 16) | (o(3) << 24)) >>> 0, hi: o(4) | (o(5) << 8) };
}

/** The {@link Mac} a MAC register pair holds. @internal */
export function regsToMac(lo: number, hi: number): Mac {
  let v = 0;
  for (const octet of [lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, lo >>> 24, hi & 0xff, (hi >>> 8) & 0xff]) v = v * 256 + octet;
  return v as Mac;
}

/**
 * The register block of one function's queues (each VF's, and the PF's own): CTRL, STATUS, the
 * function's MAC, interrupt status (RW1C) and mask, a TX buffer with a length register and a
 * doorbell, and an RX ring of six 2 KiB slots with a device-owned head and a driver-owned tail.
 * Every register runs on the register engine; the data path uses the hardware-side verbs.
 *
 * @remarks
 * Driver side (software reads and writes through {@link QueueBlock.read}/{@link QueueBlock.write},
 * normally reached by memory address): write the frame into the TX buffer, its length into TX_LEN,
 * then 1 into TX_DOORBELL; read slot RX_TAIL (length in RX_LEN[RX_TAIL]) while RX_TAIL ≠ RX_HEAD,
 * then advance RX_TAIL; clear INT_STATUS bits by writing 1.
 *
 * Device side (the data path): {@link QueueBlock.postedTx} takes the next posted frame,
 * {@link QueueBlock.txDone} signals its completion, {@link QueueBlock.deliverRx} places a received
 * frame at RX_HEAD (false when it cannot: the caller counts the drop), {@link QueueBlock.flush}
 * drops what is queued. Every frame is either queued, taken, delivered, or counted in
 * {@link QueueBlock.counters} under a {@link QueueDropReason}.
 * @spec iovsim design (docs/guides/nic-registers.md); register attributes after PCIe Base r6.0 §7.4
 * @example
 * ```ts
 * const q = new QueueBlock({ fn: 1 });
 * q.write(QUEUE_BLOCK.ctrl, 4, QUEUE_CTRL.rxEnable | QUEUE_CTRL.txEnable);
 * q.write(QUEUE_BLOCK.txBuffer, 4, 0x04030201);
 * q.write(QUEUE_BLOCK.txLen, 4, 4);
 * q.write(QUEUE_BLOCK.txDoorbell, 4, 1);
 * q.postedTx();                          // Uint8Array [1, 2, 3, 4]
 * q.deliverRx(new Uint8Array(60));       // true: slot 0 filled, RX_HEAD = 1, INT_STATUS.rxReady set
 * ```
 * @category NIC
 */
export class QueueBlock {
  /** The block's registers (16 KiB), on the register engine. */
  readonly space: RegisterSpace;
  /** The function: 0 for the PF, n for VF n. */
  readonly fn: number;
  /** Frame counters (see {@link QueueCounters}). */
  readonly counters: QueueCounters;
  /** Why the last refused {@link QueueBlock.deliverRx} refused its frame (undefined after a delivery). */
  lastRxDrop: QueueDropReason | undefined;
  private txQueue: Uint8Array[] = [];
  private inFlight = 0;
  private readonly sink: DiagnosticSink | undefined;
  private readonly onTxPosted: ((fn: number) => void) | undefined;

  /**
   * A block in its reset state (FUNC holds `fn`, MAC zero, link down).
   * @param options - the function number, whether MAC is software-writable, a diagnostic sink, and who to tell of posted frames.
   * @throws {NicError} `nic.bad-option` if `fn` is not 0..65535.
   */
  constructor(options: QueueBlockOptions) {
    if (!Number.isInteger(options.fn) || options.fn < 0 || options.fn > 0xffff) throw new NicError('nic.bad-option', `function ${show(options.fn)} is not 0..65535`);
    this.fn = options.fn;
    this.sink = options.onDiagnostic;
    this.onTxPosted = options.onTxPosted;
    this.counters = { txPosted: 0, txTaken: 0, txCompleted: 0, rxDelivered: 0, rxReleased: 0, dropped: emptyDrops() };
    const post: PostWriteHook = (e) => {
      if ((e.touched & 1) === 0 || (e.written & 1) === 0) return;
      this.space.hwClear('regs.txDoorbell', 'post');
      this.post();
    };
    const tail: PreWriteHook = (e) => {
      const N = QUEUE_BLOCK.rxSlots;
      const old = e.before & 7;
      const want = e.written & 7;
      if (want === old) return e.written;
      const filled = (this.head - old + N) % N;
      const released = (want - old + N) % N;
      if (want >= N || released > filled) {
        this.report('nic.rx-tail-invalid', 'warning', 'NIC-REG-04', `RX_TAIL write of ${want} refused: ${want >= N ? `slots are 0..${N - 1}` : `it would release ${released} slots while ${filled} hold frames`} (RX_TAIL stays ${old})`);
        return ((e.written & ~7) | old) >>> 0;
      }
      this.counters.rxReleased += released;
      return e.written;
    };
    this.space = new RegisterSpace(queueBlockLayout(options.macWritable === true), {
      hooks: { postWrite: { [HOOKS.doorbell]: post }, preWrite: { [HOOKS.rxTail]: tail } },
      ...(this.sink === undefined ? {} : { onDiagnostic: this.sink }),
    });
    this.space.hwWrite('regs.func', 'function', this.fn);
  }

  private report(code: string, severity: Diagnostic['severity'], requirement: string, message: string): void {
    this.sink?.({ code, severity, requirement, spec: QSPEC, register: 'regs', message: `${this.fn === 0 ? 'PF' : `VF ${this.fn}`} queue block: ${message}` });
  }

  /**
   * Software read of the block (offset inside the 16 KiB window).
   * @throws {AccessError} For a size other than 1, 2, 4, a misaligned or an out-of-range access.
   */
  read(offset: number, size: AccessSize): number {
    return this.space.read(offset, size);
  }

  /**
   * Software write of the block (offset inside the 16 KiB window), through the access types and
   * the doorbell and RX_TAIL hooks.
   * @throws {AccessError} For a size other than 1, 2, 4, a misaligned or an out-of-range access,
   * or a value that does not fit.
   */
  write(offset: number, size: AccessSize, value: number): void {
    this.space.write(offset, size, value);
  }

  /** RX_HEAD: the slot the device fills next. */
  get head(): number {
    return this.space.readField('regs.rxHead', 'index');
  }

  /** RX_TAIL: the slot the driver reads next. */
  get tail(): number {
    return this.space.readField('regs.rxTail', 'index');
  }

  /** The MAC address in MAC_LO/MAC_HI. */
  get mac(): Mac {
    return regsToMac(this.space.readRegister('regs.macLo'), this.space.readRegister('regs.macHi'));
  }

  /** STATUS link up. */
  get linkUp(): boolean {
    return this.space.readField('regs.status', 'linkUp') === 1;
  }

  /** An unmasked INT_STATUS bit is set (the function would signal an interrupt). */
  get interruptPending(): boolean {
    return (this.space.readRegister('regs.intStatus') & ~this.space.readRegister('regs.intMask') & 0x1f) !== 0;
  }

  /** Frames queued in each direction. */
  depths(): QueueDepths {
    const N = QUEUE_BLOCK.rxSlots;
    return { tx: this.txQueue.length, txInFlight: this.inFlight, rx: (this.head - this.tail + N) % N };
  }

  /** Copies of the frames posted and not yet taken, oldest first (no side effects). */
  queuedTx(): Uint8Array[] {
    return this.txQueue.map((f) => f.slice());
  }

  /** The doorbell: take TX_LEN bytes of the TX buffer into the TX queue, or refuse and count why. */
  private post(): void {
    const Q = QUEUE_BLOCK;
    const len = this.space.readField('regs.txLen', 'length');
    const reason: QueueDropReason | undefined =
      (this.space.readRegister('regs.ctrl') & QUEUE_CTRL.txEnable) === 0 ? 'tx-disabled'
        : len === 0 || len > Q.txBufferSize ? 'tx-bad-length'
          : this.txQueue.length >= Q.txQueueDepth ? 'tx-queue-full' : undefined;
    if (reason !== undefined) {
      this.counters.dropped[reason]++;
      this.space.hwSet('regs.intStatus', 'txError');
      this.report('nic.tx-refused', 'note', 'NIC-REG-03', `doorbell refused (${reason}${reason === 'tx-bad-length' ? `: TX_LEN ${len}` : ''}); INT_STATUS.txError set`);
      return;
    }
    this.txQueue.push(this.space.peek(Q.txBuffer, len));
    this.counters.txPosted++;
    this.space.hwWrite('regs.txPending', 'frames', this.txQueue.length);
    this.onTxPosted?.(this.fn);
  }

  /**
   * Data path: takes the next frame the driver posted (oldest first), or undefined when none is
   * queued. The frame is then in flight until {@link QueueBlock.txDone}.
   */
  postedTx(): Uint8Array | undefined {
    const f = this.txQueue.shift();
    if (f === undefined) return undefined;
    this.counters.txTaken++;
    this.inFlight++;
    this.space.hwWrite('regs.txPending', 'frames', this.txQueue.length);
    return f;
  }

  /**
   * Data path: the oldest frame in flight has been sent: counts it in TX_DONE_COUNT and sets
   * INT_STATUS.txDone (hardware-side updates).
   * @returns false (and changes nothing) when no frame is in flight, e.g. the block was flushed
   * since the frame was taken.
   */
  txDone(): boolean {
    if (this.inFlight === 0) return false;
    this.inFlight--;
    this.counters.txCompleted++;
    this.space.hwWrite('regs.txDoneCount', 'count', (this.space.readRegister('regs.txDoneCount') + 1) >>> 0);
    this.space.hwSet('regs.intStatus', 'txDone');
    return true;
  }

  /**
   * Data path: places a received frame in slot RX_HEAD (bytes, then RX_LEN), advances RX_HEAD and
   * sets INT_STATUS.rxReady, all with hardware-side updates (the slot's bytes in one store, which
   * the layout guarantees equal to updating each of its read-only data registers).
   * @returns false when the frame is refused, counted under {@link QueueBlock.lastRxDrop}'s reason:
   * RX disabled, a length outside 1..2048, or the ring full (which also sets INT_STATUS.rxDrop).
   * @throws {NicError} `nic.bad-frame` if `frame` is not a Uint8Array.
   */
  deliverRx(frame: Uint8Array): boolean {
    if (!(frame instanceof Uint8Array)) throw new NicError('nic.bad-frame', 'a frame is a Uint8Array');
    const Q = QUEUE_BLOCK;
    const N = Q.rxSlots;
    const head = this.head;
    const reason: QueueDropReason | undefined =
      (this.space.readRegister('regs.ctrl') & QUEUE_CTRL.rxEnable) === 0 ? 'rx-disabled'
        : frame.length === 0 || frame.length > Q.rxSlotSize ? 'rx-bad-length'
          : (head + 1) % N === this.tail ? 'rx-ring-full' : undefined;
    this.lastRxDrop = reason;
    if (reason !== undefined) {
      this.counters.dropped[reason]++;
      if (reason === 'rx-ring-full') this.space.hwSet('regs.intStatus', 'rxDrop');
      return false;
    }
    // The slot's bytes: equivalent to a hardware-side update of each RX slot DWORD register that the
    // frame covers (queueBlockLayout checks that every slot byte belongs to a full-width RO data
    // register, so this store bypasses no access rule), in one store instead of one call per DWORD.
    this.space.poke(Q.rxSlot + head * Q.rxSlotSize, frame);
    this.space.hwWrite(RX_LEN_QNAMES[head]!, 'length', frame.length);
    this.space.hwWrite('regs.rxHead', 'index', (head + 1) % N);
    this.space.hwSet('regs.intStatus', 'rxReady');
    this.counters.rxDelivered++;
    return true;
  }

  /**
   * Drops every queued frame (the TX queue, the frames in the RX ring, and the record of frames in
   * flight) and counts them as `tx-flushed`/`rx-flushed`; RX_HEAD moves to RX_TAIL and TX_PENDING
   * to 0. Registers are otherwise untouched ({@link QueueBlock.reset} also resets them).
   * @returns the number of frames dropped (TX queue + RX ring).
   */
  flush(): number {
    const { tx, rx } = this.depths();
    this.counters.dropped['tx-flushed'] += tx;
    this.counters.dropped['rx-flushed'] += rx;
    this.txQueue = [];
    this.inFlight = 0;
    this.space.hwWrite('regs.txPending', 'frames', 0);
    this.space.hwWrite('regs.rxHead', 'index', this.tail);
    return tx + rx;
  }

  /**
   * The function was reset (FLR): {@link QueueBlock.flush}, then every register back to its reset
   * value (FUNC keeps the function number; MAC and link are the owner's to re-apply).
   * @returns the number of frames dropped.
   */
  reset(): number {
    const n = this.flush();
    this.space.reset('flr');
    this.space.hwWrite('regs.func', 'function', this.fn);
    return n;
  }

  /** Hardware side: the MAC address the function shows in MAC_LO/MAC_HI. */
  hwSetMac(mac: Mac): void {
    const { lo, hi } = macToRegs(mac);
    this.space.hwWrite('regs.macLo', 'octets0to3', lo);
    this.space.hwWrite('regs.macHi', 'octets4to5', hi);
  }

  /**
   * Hardware side: the function's link state in STATUS; a change sets INT_STATUS.linkChange
   * unless `notify` is false (used when the block is initialised).
   */
  hwSetLink(up: boolean, notify = true): void {
    if (this.linkUp === up) return;
    this.space.hwWrite('regs.status', 'linkUp', up ? 1 : 0);
    if (notify) this.space.hwSet('regs.intStatus', 'linkChange');
  }
}
