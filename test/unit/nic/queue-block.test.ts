import { describe, expect, it } from 'vitest';
import { NicError, QueueBlock } from '../../../src/nic/index.js';
import { DiagnosticLog } from '../../../src/regs/index.js';
import { frameOf, INT, Q } from './nic-helpers.js';

/** A VF block (function 3) with RX and TX enabled, diagnostics collected. */
function vfBlock(enable = 3): { q: QueueBlock; log: DiagnosticLog } {
  const log = new DiagnosticLog();
  const q = new QueueBlock({ fn: 3, onDiagnostic: log.sink });
  q.write(Q.ctrl, 4, enable);
  return { q, log };
}

/** Posts a frame through the driver's registers: TX buffer, TX_LEN, doorbell. */
function post(q: QueueBlock, frame: Uint8Array, len = frame.length): void {
  for (let i = 0; i < frame.length; i += 4) {
    q.write(Q.txBuffer + i, 4, (frame[i]! | ((frame[i + 1] ?? 0) << 8) | ((frame[i + 2] ?? 0) << 16) | ((frame[i + 3] ?? 0) << 24)) >>> 0);
  }
  q.write(Q.txLen, 4, len);
  q.write(Q.txDoorbell, 4, 1);
}

/** The frame in RX slot k, read byte by byte as a driver does. */
function readSlot(q: QueueBlock, k: number): Uint8Array {
  const len = q.read(Q.rxLen(k), 4);
  return Uint8Array.from({ length: len }, (_, i) => q.read(Q.rxSlot(k) + i, 1));
}

describe('queue block layout', () => {
  it('NIC-REG-01: should answer the documented reset values and writable bits register by register (VF block)', () => {
    const { q, log } = vfBlock(0);
    // [offset, reset value, value read back after writing all ones]
    const table: [string, number, number, number][] = [
      ['CTRL', Q.ctrl, 0, 0x3], ['STATUS', Q.status, 0, 0], ['FUNC', Q.func, 0x0001_0003, 0x0001_0003], ['MAC_LO', Q.macLo, 0, 0], ['MAC_HI', Q.macHi, 0, 0],
      ['INT_STATUS', Q.intStatus, 0, 0], ['INT_MASK', Q.intMask, 0x1f, 0x1f], ['TX_LEN', Q.txLen, 0, 0xfff], ['TX_PENDING', Q.txPending, 0, 0],
      ['TX_DONE_COUNT', Q.txDoneCount, 0, 0], ['RX_HEAD', Q.rxHead, 0, 0], ['RX_LEN0', Q.rxLen(0), 0, 0], ['RX_LEN5', Q.rxLen(5), 0, 0],
    ];
    for (const [name, off, reset] of table) expect(q.read(off, 4), `${name} reset`).toBe(reset);
    for (const [name, off, , ones] of table) {
      q.write(off, 4, 0xffff_ffff);
      expect(q.read(off, 4), `${name} after all ones`).toBe(ones);
      q.write(off, 4, 0); // back to a neutral value where writable
    }
    // RsvdZ bits of STATUS written with 1 and RO bits of MAC are reported, never thrown.
    const codes = new Set(log.take().map((d) => d.code));
    expect(codes.has('driver.rsvdz-nonzero')).toBe(true);
    expect(codes.has('driver.ro-write')).toBe(true);
  });

  it('NIC-REG-01: should make MAC_LO/MAC_HI writable in the PF block only', () => {
    const pf = new QueueBlock({ fn: 0, macWritable: true });
    pf.write(Q.macLo, 4, 0x5634_1202);
    pf.write(Q.macHi, 4, 0xffff_bc9a);
    expect([pf.read(Q.macLo, 4), pf.read(Q.macHi, 4)]).toEqual([0x5634_1202, 0xbc9a]);
    expect(pf.mac).toBe(0x0212_3456_9abc);
    expect(pf.read(Q.func, 4)).toBe(0x0001_0000);
    const vf = new QueueBlock({ fn: 7 });
    vf.write(Q.macLo, 4, 0x5634_1202);
    expect(vf.read(Q.macLo, 4)).toBe(0);
  });

  it('NIC-REG-01: should keep the TX buffer as written, RX slots read-only, and unclaimed bytes at 0 with a report', () => {
    const { q, log } = vfBlock();
    q.write(Q.txBuffer + 0x7fc, 4, 0xdead_beef);
    q.write(Q.txBuffer + 1, 1, 0xab);
    expect([q.read(Q.txBuffer + 0x7fc, 4), q.read(Q.txBuffer, 4)]).toEqual([0xdead_beef, 0xab00]);
    q.write(Q.rxSlot(2) + 8, 4, 0x1234_5678);
    expect(q.read(Q.rxSlot(2) + 8, 4)).toBe(0);
    q.write(0x0a0, 4, 0x55);
    q.write(0x3ffc, 4, 0x55); // last DWORD of slot 5: read-only
    expect([q.read(0x0a0, 4), q.read(0x3ffc, 4)]).toEqual([0, 0]);
    expect(log.take().map((d) => d.code)).toEqual(['driver.ro-write', 'driver.unimplemented-write', 'driver.ro-write']);
  });

  it('NIC-REG-01: should refuse a function number outside 0..65535 with nic.bad-option', () => {
    expect(() => new QueueBlock({ fn: 0x10000 })).toThrow(NicError);
    expect(() => new QueueBlock({ fn: -1 })).toThrow(/nic.bad-option/);
  });
});

describe('interrupt status (RW1C)', () => {
  it('NIC-REG-02: should set INT_STATUS bits only from the device side and clear a bit only when 1 is written to it', () => {
    const { q } = vfBlock();
    q.write(Q.intStatus, 4, 0x1f); // software cannot set a RW1C bit
    expect(q.read(Q.intStatus, 4)).toBe(0);
    q.deliverRx(frameOf(64, 1));
    post(q, frameOf(64, 2));
    q.postedTx();
    q.txDone();
    q.hwSetLink(true);
    expect(q.read(Q.intStatus, 4)).toBe(INT.rxReady | INT.txDone | INT.linkChange);
    q.write(Q.intStatus, 4, 0); // writing 0 leaves every bit
    expect(q.read(Q.intStatus, 4)).toBe(INT.rxReady | INT.txDone | INT.linkChange);
    q.write(Q.intStatus, 4, INT.rxReady); // writing 1 clears exactly that bit
    expect(q.read(Q.intStatus, 4)).toBe(INT.txDone | INT.linkChange);
    q.write(Q.intStatus, 1, INT.txDone | INT.linkChange);
    expect(q.read(Q.intStatus, 4)).toBe(0);
  });

  it('NIC-REG-02: should report an interrupt pending only for an unmasked set bit (all masked after reset)', () => {
    const { q } = vfBlock();
    q.deliverRx(frameOf(64, 1));
    expect(q.interruptPending).toBe(false);
    q.write(Q.intMask, 4, 0x1f & ~INT.txDone);
    expect(q.interruptPending).toBe(false);
    q.write(Q.intMask, 4, 0x1f & ~INT.rxReady);
    expect(q.interruptPending).toBe(true);
    q.write(Q.intStatus, 4, INT.rxReady);
    expect(q.interruptPending).toBe(false);
  });
});

describe('transmit', () => {
  it('NIC-REG-03: should queue posted frames in order, show TX_PENDING, read the doorbell as 0, and complete with txDone', () => {
    const { q } = vfBlock();
    post(q, frameOf(60, 1));
    post(q, frameOf(1514, 2));
    expect(q.read(Q.txDoorbell, 4)).toBe(0);
    expect(q.read(Q.txPending, 4)).toBe(2);
    expect(q.postedTx()).toEqual(frameOf(60, 1));
    expect(q.read(Q.txPending, 4)).toBe(1);
    expect(q.postedTx()).toEqual(frameOf(1514, 2));
    expect(q.postedTx()).toBeUndefined();
    expect(q.depths()).toEqual({ tx: 0, txInFlight: 2, rx: 0 });
    expect(q.txDone()).toBe(true);
    expect(q.txDone()).toBe(true);
    expect(q.txDone()).toBe(false); // nothing in flight: no change
    expect(q.read(Q.txDoneCount, 4)).toBe(2);
    expect(q.counters).toMatchObject({ txPosted: 2, txTaken: 2, txCompleted: 2 });
  });

  it('NIC-REG-03: should take the frame at doorbell time, so the TX buffer can be reused at once', () => {
    const { q } = vfBlock();
    post(q, frameOf(64, 1));
    post(q, frameOf(64, 9));
    expect(q.postedTx()).toEqual(frameOf(64, 1));
    expect(q.postedTx()).toEqual(frameOf(64, 9));
  });

  it('NIC-REG-03: should refuse a doorbell with TX disabled, TX_LEN 0 or above 2048, or the queue full: nothing queued, TX error set, counted', () => {
    const { q, log } = vfBlock(1); // RX only
    post(q, frameOf(64, 1));
    expect(q.counters.dropped['tx-disabled']).toBe(1);
    expect(q.read(Q.intStatus, 4) & INT.txError).toBe(INT.txError);
    q.write(Q.ctrl, 4, 3);
    post(q, frameOf(64, 1), 0);
    q.write(Q.txLen, 4, 2049);
    q.write(Q.txDoorbell, 4, 1);
    expect(q.counters.dropped['tx-bad-length']).toBe(2);
    q.write(Q.txLen, 4, 2048);
    q.write(Q.txDoorbell, 4, 1); // 2048 is the largest frame
    for (let i = 0; i < 8; i++) post(q, frameOf(64, i));
    expect(q.counters.dropped['tx-queue-full']).toBe(1);
    expect(q.depths().tx).toBe(8);
    expect(q.read(Q.txPending, 4)).toBe(8);
    expect(q.postedTx()?.length).toBe(2048);
    expect(log.take().filter((d) => d.code === 'nic.tx-refused').length).toBe(4);
  });

  it('NIC-REG-03: should not ring on a write of 0 to the doorbell or a write that misses bit 0', () => {
    const { q } = vfBlock();
    q.write(Q.txLen, 4, 64);
    q.write(Q.txDoorbell, 4, 0);
    q.write(Q.txDoorbell + 1, 1, 0); // RsvdZ byte only
    expect(q.depths().tx).toBe(0);
    q.write(Q.txDoorbell, 1, 1);
    expect(q.depths().tx).toBe(1);
  });
});

describe('receive ring', () => {
  it('NIC-REG-04: should fill slot RX_HEAD with the bytes and RX_LEN, advance RX_HEAD, and set RX ready', () => {
    const { q } = vfBlock();
    expect(q.deliverRx(frameOf(61, 5))).toBe(true);
    expect(q.deliverRx(frameOf(2048, 6))).toBe(true);
    expect(q.read(Q.rxHead, 4)).toBe(2);
    expect(readSlot(q, 0)).toEqual(frameOf(61, 5));
    expect(readSlot(q, 1)).toEqual(frameOf(2048, 6));
    expect(q.read(Q.intStatus, 4) & INT.rxReady).toBe(INT.rxReady);
    expect(q.depths().rx).toBe(2);
  });

  it('NIC-REG-04: should hold at most 5 frames in 6 slots and refuse the next with rx-ring-full and RX drop', () => {
    const { q } = vfBlock();
    for (let i = 0; i < 5; i++) expect(q.deliverRx(frameOf(64, i))).toBe(true);
    expect(q.deliverRx(frameOf(64, 9))).toBe(false);
    expect(q.lastRxDrop).toBe('rx-ring-full');
    expect(q.read(Q.intStatus, 4) & INT.rxDrop).toBe(INT.rxDrop);
    expect(q.counters.dropped['rx-ring-full']).toBe(1);
    // The driver releases two slots; two more frames fit, wrapping around slot 5 -> 0.
    q.write(Q.rxTail, 4, 2);
    expect(q.deliverRx(frameOf(64, 10))).toBe(true);
    expect(q.deliverRx(frameOf(64, 11))).toBe(true);
    expect(q.read(Q.rxHead, 4)).toBe(1);
    expect(readSlot(q, 0)).toEqual(frameOf(64, 11));
    expect(q.deliverRx(frameOf(64, 12))).toBe(false);
    expect(q.counters.rxReleased).toBe(2);
  });

  it('NIC-REG-04: should refuse frames while RX is disabled and frames that are empty or longer than a slot, each counted', () => {
    const { q } = vfBlock(2);
    expect(q.deliverRx(frameOf(64, 1))).toBe(false);
    expect(q.lastRxDrop).toBe('rx-disabled');
    q.write(Q.ctrl, 4, 3);
    expect(q.deliverRx(new Uint8Array(0))).toBe(false);
    expect(q.deliverRx(frameOf(2049, 1))).toBe(false);
    expect(q.lastRxDrop).toBe('rx-bad-length');
    expect(q.counters.dropped).toMatchObject({ 'rx-disabled': 1, 'rx-bad-length': 2 });
    expect(q.read(Q.rxHead, 4)).toBe(0);
    expect(q.read(Q.intStatus, 4)).toBe(0);
    expect(() => q.deliverRx([1, 2] as unknown as Uint8Array)).toThrow(NicError);
  });

  it('NIC-REG-04: should refuse an RX_TAIL write past RX_HEAD or above slot 5, keep RX_TAIL and report nic.rx-tail-invalid', () => {
    const { q, log } = vfBlock();
    q.deliverRx(frameOf(64, 1));
    q.deliverRx(frameOf(64, 2));
    q.write(Q.rxTail, 4, 3); // would release 3 slots, 2 hold frames
    expect(q.read(Q.rxTail, 4)).toBe(0);
    q.write(Q.rxTail, 4, 6);
    expect(q.read(Q.rxTail, 4)).toBe(0);
    expect(log.take().map((d) => d.code)).toEqual(['nic.rx-tail-invalid', 'nic.rx-tail-invalid']);
    q.write(Q.rxTail, 4, 2);
    expect(q.read(Q.rxTail, 4)).toBe(2);
    expect(q.depths().rx).toBe(0);
  });

  it('NIC-REG-04: should drop queued frames on flush and count them; reset also returns the registers to reset values', () => {
    const { q } = vfBlock();
    q.deliverRx(frameOf(64, 1));
    q.deliverRx(frameOf(64, 2));
    post(q, frameOf(64, 3));
    post(q, frameOf(64, 4));
    q.postedTx();
    expect(q.flush()).toBe(3);
    expect(q.depths()).toEqual({ tx: 0, txInFlight: 0, rx: 0 });
    expect(q.counters.dropped).toMatchObject({ 'tx-flushed': 1, 'rx-flushed': 2 });
    expect(q.read(Q.ctrl, 4)).toBe(3);
    q.deliverRx(frameOf(64, 5));
    expect(q.reset()).toBe(1);
    expect([q.read(Q.ctrl, 4), q.read(Q.rxHead, 4), q.read(Q.intStatus, 4), q.read(Q.intMask, 4), q.read(Q.func, 4)]).toEqual([0, 0, 0, 0x1f, 0x0001_0003]);
  });
});
