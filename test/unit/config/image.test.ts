import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { buildConfigSpace, configSpaceFromImage, sampleEndpointSpec } from '../../../src/config/index.js';
import { formatLspciDump, parseLspciDump } from '../../../src/formats/index.js';
import { LayoutError } from '../../../src/regs/index.js';

function programmed() {
  const fn = buildConfigSpace(sampleEndpointSpec());
  fn.write(0x10, 4, 0xfe80_0000);
  fn.write(0x1c, 4, 0xfe84_0000);
  fn.write(0x04, 2, 0x0006);
  fn.write(0x3c, 1, 11);
  fn.write(0xa8, 2, 0x2030); // Device Control: MPS 256, MRRS 512
  return fn;
}

describe('configSpaceFromImage', () => {
  it('CFG-IMG-01: should read back exactly the dumped bytes and decode every known capability', () => {
    const src = programmed();
    const text = formatLspciDump({ address: { domain: 0, bus: 1, device: 0, function: 0 }, bytes: src.peek() }, 4096);
    const [dump] = parseLspciDump(text);
    const { space, problems, opaque } = configSpaceFromImage(dump!.bytes);
    expect(problems).toEqual([]);
    expect(opaque).toEqual([]);
    expect(space.peek()).toEqual(src.peek());
    expect(space.capabilities.map((c) => [c.name, c.offset])).toEqual(src.capabilities.map((c) => [c.name, c.offset]));
  });

  it('CFG-IMG-01: should make the loaded registers live: RW, RW1C and read-only values that survive reset', () => {
    const { space } = configSpaceFromImage(programmed().peek());
    space.write(0x04, 2, 0x0000);
    expect(space.read(0x04, 2)).toBe(0);
    space.hwSet('header.status', 'receivedTargetAbort');
    space.write(0x06, 2, 0x1000);
    expect(space.readField('header.status', 'receivedTargetAbort')).toBe(0);
    space.write(0x00, 4, 0);
    expect(space.read(0x00, 4)).toBe(0x10c9_8086);
    space.reset('cold');
    expect(space.read(0x00, 4)).toBe(0x10c9_8086);
    expect(space.read(0x3c, 1)).toBe(0);
    expect(space.readField('cap.pcie.deviceCapabilities', 'maxPayloadSupported')).toBe(2);
  });

  it('CFG-IMG-01: should keep BARs without a size read-only and size those given one', () => {
    const bytes = programmed().peek();
    const fixed = configSpaceFromImage(bytes).space;
    fixed.write(0x10, 4, 0xffff_ffff);
    expect(fixed.read(0x10, 4)).toBe(0xfe80_0000);
    expect(fixed.bars()[0]).toMatchObject({ index: 0, kind: 'mem32', base: 0xfe80_0000n, size: undefined, active: false });
    const sized = configSpaceFromImage(bytes, { barSizes: [0x20000, undefined, undefined, 0x4000] }).space;
    sized.write(0x10, 4, 0xffff_ffff);
    expect(sized.read(0x10, 4)).toBe(0xfffe_0000);
    expect(sized.bars().find((b) => b.index === 3)).toMatchObject({ kind: 'mem64', size: 0x4000n, base: 0xfe84_0000n, active: true });
    expect(() => configSpaceFromImage(bytes, { barSizes: [0x0100_0000] })).toThrow(LayoutError);
  });

  it('CFG-IMG-01: should keep an unknown capability as opaque read-only bytes', () => {
    const bytes = programmed().peek();
    // Turn MSI-X at 0x70 into a vendor-specific capability (ID 0x09) with some payload.
    bytes[0x70] = 0x09;
    bytes[0x72] = 0x0c;
    bytes[0x74] = 0xaa;
    const { space, opaque } = configSpaceFromImage(bytes);
    expect(opaque).toEqual([{ id: 0x09, offset: 0x70, space: 'standard' }]);
    expect(space.read(0x74, 1)).toBe(0xaa);
    space.write(0x74, 1, 0x55);
    expect(space.read(0x74, 1)).toBe(0xaa);
    expect(space.peek()).toEqual(bytes);
  });

  it('CFG-IMG-02: should stop at a looping chain and report it', () => {
    const bytes = programmed().peek();
    bytes[0x51] = 0x40; // MSI's next pointer back to PM
    const { problems, space } = configSpaceFromImage(bytes);
    expect(problems.map((p) => p.code)).toEqual(['cap.loop']);
    expect(space.capabilities.map((c) => c.offset)).toEqual([0x40, 0x50]);
    expect(space.peek()).toEqual(bytes);
  });

  it('CFG-IMG-02: should refuse header type 2 and odd image lengths with a LayoutError', () => {
    const bytes = programmed().peek();
    bytes[0x0e] = 0x02;
    expect(() => configSpaceFromImage(bytes)).toThrow(/header type 2/);
    expect(() => configSpaceFromImage(new Uint8Array(100))).toThrow(LayoutError);
  });

  test.prop([fc.constantFrom(64, 256, 4096).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })), fc.constantFrom(0, 1, 0x80, 0x81)])(
    'CFG-IMG-02: loading any bytes either reads them back exactly or raises a LayoutError',
    (bytes, ht) => {
      bytes[0x0e] = ht;
      try {
        const { space } = configSpaceFromImage(bytes);
        const padded = new Uint8Array(4096);
        padded.set(bytes);
        expect(space.peek()).toEqual(padded);
      } catch (e) {
        expect(e).toBeInstanceOf(LayoutError);
      }
    },
  );
});
