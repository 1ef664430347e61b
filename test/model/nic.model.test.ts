import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { QueueBlock } from '../../src/nic/index.js';

/**
 * NIC-REG-05: a naive reference of one queue block, written from the register table in
 * docs/guides/nic-registers.md (offsets and rules are test-side literals), driven by random driver
 * and data-path commands.
 */

const R = { ctrl: 0x00, intStatus: 0x20, intMask: 0x24, txLen: 0x40, txDoorbell: 0x44, txPending: 0x48, txDoneCount: 0x4c, rxHead: 0x60, rxTail: 0x64, rxLen: 0x80, txBuf: 0x800, rxSlot: 0x1000 } as const;
const SLOTS = 6;
const DEPTH = 8;
const MAX = 2048;

class Model {
  ctrl = 0;
  intStatus = 0;
  intMask = 0x1f;
  txLen = 0;
  txBuf = new Uint8Array(MAX);
  txQueue: Uint8Array[] = [];
  inFlight = 0;
  done = 0;
  slots: Uint8Array[] = Array.from({ length: SLOTS }, () => new Uint8Array(0));
  head = 0;
  tail = 0;
  dropped = 0;

  get filled(): number {
    return (this.head - this.tail + SLOTS) % SLOTS;
  }
}

type Cmd = fc.Command<Model, QueueBlock>;

/** Registers and depths the reference predicts, checked after every command. */
function agree(m: Model, q: QueueBlock): void {
  expect(q.read(R.ctrl, 4), 'CTRL').toBe(m.ctrl);
  expect(q.read(R.intStatus, 4), 'INT_STATUS').toBe(m.intStatus);
  expect(q.read(R.intMask, 4), 'INT_MASK').toBe(m.intMask);
  expect(q.read(R.txLen, 4), 'TX_LEN').toBe(m.txLen);
  expect(q.read(R.txPending, 4), 'TX_PENDING').toBe(m.txQueue.length);
  expect(q.read(R.txDoneCount, 4), 'TX_DONE_COUNT').toBe(m.done);
  expect(q.read(R.rxHead, 4), 'RX_HEAD').toBe(m.head);
  expect(q.read(R.rxTail, 4), 'RX_TAIL').toBe(m.tail);
  expect(q.read(R.txDoorbell, 4), 'TX_DOORBELL').toBe(0);
  expect(q.depths()).toEqual({ tx: m.txQueue.length, txInFlight: m.inFlight, rx: m.filled });
  expect(q.interruptPending).toBe((m.intStatus & ~m.intMask & 0x1f) !== 0);
  const c = q.counters;
  const drops = Object.values(c.dropped).reduce((a, b) => a + b, 0);
  expect(drops, 'drops').toBe(m.dropped);
}

class WriteCtrl implements Cmd {
  constructor(readonly v: number) {}
  check = (): boolean => true;
  run(m: Model, q: QueueBlock): void {
    q.write(R.ctrl, 4, this.v);
    m.ctrl = this.v & 3;
    agree(m, q);
  }
  toString = (): string => `ctrl(${this.v})`;
}

class FillTx implements Cmd {
  constructor(readonly at: number, readonly bytes: readonly number[]) {}
  check = (): boolean => true;
  run(m: Model, q: QueueBlock): void {
    this.bytes.forEach((b, i) => {
      const o = (this.at + i) % MAX;
      q.write(R.txBuf + o, 1, b);
      m.txBuf[o] = b;
    });
    agree(m, q);
  }
  toString = (): string => `fill(${this.at}, ${this.bytes.length} bytes)`;
}

class Post implements Cmd {
  constructor(readonly len: number) {}
  check = (): boolean => true;
  run(m: Model, q: QueueBlock): void {
    q.write(R.txLen, 4, this.len);
    m.txLen = this.len & 0xfff;
    q.write(R.txDoorbell, 4, 1);
    if ((m.ctrl & 2) === 0 || m.txLen === 0 || m.txLen > MAX || m.txQueue.length >= DEPTH) {
      m.intStatus |= 0x08;
      m.dropped++;
    } else {
      m.txQueue.push(m.txBuf.slice(0, m.txLen));
    }
    agree(m, q);
  }
  toString = (): string => `post(${this.len})`;
}

/** The driver posts `n` frames of `len` bytes in a row (reaches the full TX queue). */
class Burst implements Cmd {
  constructor(readonly n: number, readonly len: number) {}
  check = (): boolean => true;
  run(m: Model, q: QueueBlock): void {
    for (let i = 0; i < this.n; i++) new Post(this.len).run(m, q);
  }
  toString = (): string => `burst(${this.n} × ${this.len})`;
}

class Take implements Cmd {
  check = (): boolean => true;
  run(m: Model, q: QueueBlock): void {
    const want = m.txQueue.shift();
    if (want !== undefined) m.inFlight++;
    expect(q.postedTx()).toEqual(want);
    agree(m, q);
  }
  toString = (): string => 'take';
}

class Done implements Cmd {
  check = (): boolean => true;
  run(m: Model, q: QueueBlock): void {
    const ok = m.inFlight > 0;
    if (ok) {
      m.inFlight--;
      m.done++;
      m.intStatus |= 0x01;
    }
    expect(q.txDone()).toBe(ok);
    agree(m, q);
  }
  toString = (): string => 'txDone';
}

class Deliver implements Cmd {
  constructor(readonly frame: Uint8Array) {}
  check = (): boolean => true;
  run(m: Model, q: QueueBlock): void {
    let ok = false;
    if ((m.ctrl & 1) === 0 || this.frame.length === 0 || this.frame.length > MAX) {
      m.dropped++;
    } else if ((m.head + 1) % SLOTS === m.tail) {
      m.dropped++;
      m.intStatus |= 0x10;
    } else {
      m.slots[m.head] = this.frame.slice();
      m.head = (m.head + 1) % SLOTS;
      m.intStatus |= 0x02;
      ok = true;
    }
    expect(q.deliverRx(this.frame)).toBe(ok);
    agree(m, q);
  }
  toString = (): string => `deliver(${this.frame.length})`;
}

/** The driver reads the frame at RX_TAIL (if any) byte by byte and releases the slot. */
class Consume implements Cmd {
  check = (m: Readonly<Model>): boolean => m.filled > 0;
  run(m: Model, q: QueueBlock): void {
    const want = m.slots[m.tail]!;
    const len = q.read(R.rxLen + 4 * m.tail, 4);
    expect(len).toBe(want.length);
    const got = Uint8Array.from({ length: len }, (_, i) => q.read(R.rxSlot + m.tail * 0x800 + i, 1));
    expect(got).toEqual(want);
    m.tail = (m.tail + 1) % SLOTS;
    q.write(R.rxTail, 4, m.tail);
    agree(m, q);
  }
  toString = (): string => 'consume';
}

/** Any RX_TAIL write: accepted only when it releases no more slots than hold frames. */
class WriteTail implements Cmd {
  constructor(readonly v: number) {}
  check = (): boolean => true;
  run(m: Model, q: QueueBlock): void {
    q.write(R.rxTail, 4, this.v);
    const want = this.v & 7;
    if (want < SLOTS && (want - m.tail + SLOTS) % SLOTS <= m.filled) m.tail = want;
    agree(m, q);
  }
  toString = (): string => `tail(${this.v})`;
}

class WriteInt implements Cmd {
  constructor(readonly v: number) {}
  check = (): boolean => true;
  run(m: Model, q: QueueBlock): void {
    q.write(R.intStatus, 4, this.v);
    m.intStatus &= ~this.v;
    agree(m, q);
  }
  toString = (): string => `int(${this.v})`;
}

class WriteMask implements Cmd {
  constructor(readonly v: number) {}
  check = (): boolean => true;
  run(m: Model, q: QueueBlock): void {
    q.write(R.intMask, 4, this.v);
    m.intMask = this.v & 0x1f;
    agree(m, q);
  }
  toString = (): string => `mask(${this.v})`;
}

class Flush implements Cmd {
  check = (): boolean => true;
  run(m: Model, q: QueueBlock): void {
    const n = m.txQueue.length + m.filled;
    m.dropped += n;
    m.txQueue = [];
    m.inFlight = 0;
    m.head = m.tail;
    expect(q.flush()).toBe(n);
    agree(m, q);
  }
  toString = (): string => 'flush';
}

const frameArb = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 128 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2040, max: 2050 }).map((n) => Uint8Array.from({ length: n }, (_, i) => i & 0xff)) },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
);

const commands = [
  fc.integer({ min: 0, max: 0xffff_ffff }).map((v) => new WriteCtrl(v % 4 === 0 ? 3 : v)),
  fc.tuple(fc.integer({ min: 0, max: MAX - 1 }), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 64 })).map(([a, b]) => new FillTx(a, b)),
  fc.oneof(fc.integer({ min: 0, max: 128 }), fc.constantFrom(2048, 2049, 4095)).map((n) => new Post(n)),
  fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 64 })).map(([n, len]) => new Burst(n, len)),
  fc.constant(new Take()),
  fc.constant(new Done()),
  frameArb.map((f) => new Deliver(f)),
  fc.constant(new Consume()),
  fc.integer({ min: 0, max: 7 }).map((v) => new WriteTail(v)),
  fc.integer({ min: 0, max: 0x1f }).map((v) => new WriteInt(v)),
  fc.integer({ min: 0, max: 0x1f }).map((v) => new WriteMask(v)),
  fc.constant(new Flush()),
];

describe('queue block against a naive reference (model-based)', () => {
  it('NIC-REG-05: random driver and data-path command sequences agree with the reference', () => {
    fc.assert(
      fc.property(fc.commands(commands, { size: '+1' }), (cmds) => {
        const q = new QueueBlock({ fn: 1 });
        q.write(R.ctrl, 4, 3);
        const m = new Model();
        m.ctrl = 3;
        fc.modelRun(() => ({ model: m, real: q }), cmds);
      }),
      { numRuns: 100 },
    );
  });
});
