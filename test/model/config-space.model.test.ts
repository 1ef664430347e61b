import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ACCESS_INFO, RESET_KINDS, type ResetKind } from '../../src/regs/index.js';
import { buildConfigSpace, sampleEndpointSpec, type ConfigSpace } from '../../src/config/index.js';
import { bitTable, type BitTable } from '../helpers/arb-layout.js';

/**
 * A naive reference of one function's configuration space: a byte array and, per bit, the
 * attribute read straight from the field definitions. It knows the one hook the sample function
 * has (Initiate FLR) and nothing of the engine's compiled masks.
 */
class Reference {
  readonly bytes = new Uint8Array(4096);
  constructor(readonly t: BitTable, private readonly devctl: number, private readonly pmcsr: number) {
    this.reset('cold');
  }
  bit(b: number): number {
    return (this.bytes[b >> 3]! >> (b & 7)) & 1;
  }
  setBit(b: number, v: number): void {
    this.bytes[b >> 3] = (this.bytes[b >> 3]! & ~(1 << (b & 7))) | (v << (b & 7));
  }
  read(offset: number, size: number): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + this.bytes[offset + i]!;
    return v;
  }
  write(offset: number, size: number, value: number): void {
    const pmcsr = this.pmcsr * 8;
    const oldState = this.bit(pmcsr) | (this.bit(pmcsr + 1) << 1);
    for (let b = offset * 8; b < (offset + size) * 8; b++) {
      const v = Math.floor(value / 2 ** (b - offset * 8)) % 2;
      const a = this.t.access[b];
      if (a === undefined) continue;
      if (ACCESS_INFO[a].swWrite) this.setBit(b, v);
      else if (ACCESS_INFO[a].w1c && v === 1) this.setBit(b, 0);
    }
    // PM PowerState: a write of D1 or D2, which the sample does not support, is discarded.
    const state = this.bit(pmcsr) | (this.bit(pmcsr + 1) << 1);
    if (offset * 8 <= pmcsr && pmcsr < (offset + size) * 8 && (state === 1 || state === 2)) {
      this.setBit(pmcsr, oldState & 1);
      this.setBit(pmcsr + 1, oldState >> 1);
    }
    const flrBit = (this.devctl + 1) * 8 + 7; // Device Control bit 15
    const t = this.t.access[flrBit];
    if (t === 'RW' && offset * 8 <= flrBit && flrBit < (offset + size) * 8 && this.bit(flrBit) === 1) this.reset('flr');
  }
  reset(kind: ResetKind): void {
    for (let b = 0; b < 4096 * 8; b++) {
      const a = this.t.access[b];
      const sticky = a !== undefined && ACCESS_INFO[a].sticky;
      const keep = (kind === 'hot' && sticky) || (kind === 'flr' && (sticky || this.t.flrKeep[b]));
      if (!keep) this.setBit(b, this.t.reset[b]!);
    }
  }
}

type Sys = { real: ConfigSpace };

class WriteCmd implements fc.Command<Reference, Sys> {
  constructor(readonly offset: number, readonly size: 1 | 2 | 4, readonly value: number) {}
  check = () => true;
  run(m: Reference, s: Sys): void {
    s.real.write(this.offset, this.size, this.value);
    m.write(this.offset, this.size, this.value);
    expect(s.real.peek()).toEqual(m.bytes);
  }
  toString = () => `write(0x${this.offset.toString(16)}, ${this.size}, 0x${this.value.toString(16)})`;
}

class ReadCmd implements fc.Command<Reference, Sys> {
  constructor(readonly offset: number, readonly size: 1 | 2 | 4) {}
  check = () => true;
  run(m: Reference, s: Sys): void {
    expect(s.real.read(this.offset, this.size)).toBe(m.read(this.offset, this.size));
  }
  toString = () => `read(0x${this.offset.toString(16)}, ${this.size})`;
}

class HwCmd implements fc.Command<Reference, Sys> {
  constructor(readonly reg: string, readonly field: string, readonly value: number, readonly at: number, readonly lo: number, readonly hi: number) {}
  check = () => true;
  run(m: Reference, s: Sys): void {
    s.real.hwWrite(this.reg, this.field, this.value);
    for (let b = this.lo; b <= this.hi; b++) m.setBit(this.at * 8 + b, Math.floor(this.value / 2 ** (b - this.lo)) % 2);
    expect(s.real.peek()).toEqual(m.bytes);
  }
  toString = () => `hwWrite(${this.reg}.${this.field}, ${this.value})`;
}

class ResetCmd implements fc.Command<Reference, Sys> {
  constructor(readonly kind: ResetKind) {}
  check = () => true;
  run(m: Reference, s: Sys): void {
    s.real.reset(this.kind);
    m.reset(this.kind);
    expect(s.real.peek()).toEqual(m.bytes);
  }
  toString = () => `reset(${this.kind})`;
}

describe('config space (model-based)', () => {
  const proto = buildConfigSpace(sampleEndpointSpec());
  const table = bitTable(proto.layout);
  const devctl = proto.layout.register('cap.pcie.deviceControl').offset;
  const pmcsr = proto.layout.register('cap.pm.pmcsr').offset;
  const hwFields = proto.layout.registers.flatMap((r) =>
    r.checked.fields.filter((f) => ACCESS_INFO[f.access].hwWrite).map((f) => ({ reg: r.qname, f, at: r.offset })),
  );
  const offsetArb = (size: 1 | 2 | 4) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: Math.floor(0x10f / size) }).map((i) => i * size) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 4096 / size - 1 }).map((i) => i * size) },
      { weight: 4, arbitrary: fc.constantFrom(0x04, 0x06, 0xa8, 0xaa, 0xd0, 0xd2, 0x44).map((o) => o - (o % size)) },
    );
  const sizeArb = fc.constantFrom<1 | 2 | 4>(1, 2, 4);
  const commands = [
    sizeArb.chain((size) => fc.tuple(offsetArb(size), fc.constant(size), fc.integer({ min: 0, max: 2 ** (8 * size) - 1 }))).map(([o, s, v]) => new WriteCmd(o, s, v)),
    sizeArb.chain((size) => fc.tuple(offsetArb(size), fc.constant(size))).map(([o, s]) => new ReadCmd(o, s)),
    fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...hwFields.filter((h) => ACCESS_INFO[h.f.access].w1c)) }, { weight: 1, arbitrary: fc.constantFrom(...hwFields) }).chain((h) => fc.integer({ min: 0, max: 2 ** (h.f.hi - h.f.lo + 1) - 1 }).map((v) => new HwCmd(h.reg, h.f.name, v, h.at, h.f.lo, h.f.hi))),
    fc.constantFrom(...RESET_KINDS).map((k) => new ResetCmd(k)),
  ];

  it('REG-MODEL-01: random reads, writes, hardware updates and resets agree with a naive bit-level reference', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 80, size: 'max' }), (cmds) => {
        const setup = () => ({ model: new Reference(table, devctl, pmcsr), real: { real: buildConfigSpace(sampleEndpointSpec()) } });
        fc.modelRun(setup, cmds);
      }),
      { numRuns: Math.min(40, fc.readConfigureGlobal().numRuns ?? 40) },
    );
  });
});
