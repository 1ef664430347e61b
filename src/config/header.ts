import type { FieldDef, RegisterDef } from '../regs/define.js';
import { defineBlock, type CheckedBlock } from '../regs/define.js';
import { LayoutError } from '../regs/errors.js';
import { barRegisters, expansionRomRegister, type BarSpec } from './bar.js';

/** @internal */
export const HEADER_SPEC = 'PCIe Base r6.0 §7.5.1';

/**
 * Identity and options common to Type 0 and Type 1 headers.
 * @category Config Space
 */
export interface CommonHeaderSpec {
  /** 16-bit Vendor ID register value, as assigned by PCI-SIG (e.g. 0x8086). */
  readonly vendorId: number;
  /** 16-bit Device ID register value, as the vendor assigns it. */
  readonly deviceId: number;
  /**
   * 8-bit Revision ID register value.
   * @defaultValue 0
   */
  readonly revisionId?: number;
  /** 24-bit Class Code (base class, sub-class, programming interface), e.g. 0x020000. */
  readonly classCode: number;
  /**
   * Sets the Multi-Function Device bit of the Header Type register.
   * @defaultValue false
   */
  readonly multiFunction?: boolean;
  /** Interrupt Pin: 0 none, 1..4 INTA..INTD. @defaultValue 0 */
  readonly interruptPin?: number;
  /** Expansion ROM size in bytes (power of two, 2 KiB..16 MiB); absent means no ROM. */
  readonly expansionRomSize?: number;
  /**
   * The header of an SR-IOV Virtual Function: Command I/O Space, Memory Space and Interrupt Disable
   * are hardwired to 0 (VF memory decode follows the PF's VF MSE; VFs have no INTx).
   * @spec PCI-SIG SR-IOV r1.1 §3.4.1.3 (VF Command register); PCIe Base r6.0 §9.3.4.1.3
   * @defaultValue false
   */
  readonly virtualFunction?: boolean;
  /**
   * Sets the Status register's Immediate Readiness bit.
   * @defaultValue false
   */
  readonly immediateReadiness?: boolean;
  /**
   * Whether Command I/O Space and Memory Space Enable are implemented (RW). By default they are
   * exactly when an I/O BAR, or a memory BAR or expansion ROM, exists; an image loaded without BAR
   * sizes says so explicitly.
   */
  readonly decodes?: {
    /** Command I/O Space Enable is implemented (RW). */
    readonly io: boolean;
    /** Command Memory Space Enable is implemented (RW). */
    readonly memory: boolean;
  };
}

/**
 * A Type 0 (endpoint) header.
 * @category Config Space
 */
export interface Type0HeaderSpec extends CommonHeaderSpec {
  /** Header Layout (Header Type register bits 6:0): 0 selects the Type 0 header. */
  readonly type: 0;
  /** Up to six BAR slots; a 64-bit BAR takes its slot and the next, which must be left undefined. */
  readonly bars?: readonly (BarSpec | undefined)[];
  /**
   * 16-bit Subsystem Vendor ID register value.
   * @defaultValue 0
   */
  readonly subsystemVendorId?: number;
  /**
   * 16-bit Subsystem ID register value.
   * @defaultValue 0
   */
  readonly subsystemId?: number;
}

/**
 * A Type 1 (bridge, root or switch port) header.
 * @category Config Space
 */
export interface Type1HeaderSpec extends CommonHeaderSpec {
  /** Header Layout (Header Type register bits 6:0): 1 selects the Type 1 header. */
  readonly type: 1;
  /** Up to two BAR slots. */
  readonly bars?: readonly (BarSpec | undefined)[];
  /** I/O window decoding: 16-bit, 32-bit, or none (I/O Base/Limit read 0). @defaultValue '32' */
  readonly ioWindow?: '16' | '32' | 'none';
  /** Prefetchable window: 32-bit, 64-bit, or none. @defaultValue '64' */
  readonly prefetchableWindow?: '32' | '64' | 'none';
}

/**
 * Either header.
 * @category Config Space
 */
export type HeaderSpec = Type0HeaderSpec | Type1HeaderSpec;

function checkInt(where: string, v: number, bits: number): number {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits) throw new LayoutError('layout.bad-option', `${where}: ${v} does not fit ${bits} bits`);
  return v;
}

function checkPin(v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 4) throw new LayoutError('layout.bad-option', `Interrupt Pin ${v} is not 0 (none) or 1..4 (INTA#..INTD#)`);
  return v;
}

function ro(bits: readonly [number, number], reset = 0): FieldDef {
  return { bits, access: 'RO', reset };
}

/**
 * Bits 15:5 shared by Status and Secondary Status: the legacy RO bits and the RW1C error bits.
 * Bit 14 is Signaled System Error in Status and Received System Error in Secondary Status.
 */
function errorStatusFields(bit14: 'signaledSystemError' | 'receivedSystemError'): Record<string, FieldDef> {
  const w1c = (bit: number): FieldDef => ({ bits: [bit, bit], access: 'RW1C' });
  return {
    mhz66Capable: ro([5, 5]),
    fastBackToBackCapable: ro([7, 7]),
    masterDataParityError: w1c(8),
    devselTiming: ro([10, 9]),
    signaledTargetAbort: w1c(11),
    receivedTargetAbort: w1c(12),
    receivedMasterAbort: w1c(13),
    [bit14]: w1c(14),
    detectedParityError: w1c(15),
  };
}

/** @internal BAR slots are checked: 64-bit pairs need a free upper slot. */
export function barSlots(where: string, bars: readonly (BarSpec | undefined)[], slots: number, base: number): RegisterDef[] {
  if (bars.length > slots) throw new LayoutError('layout.bad-option', `${where}: ${bars.length} BARs given, the header has ${slots} slots`);
  const regs: RegisterDef[] = [];
  for (let i = 0; i < slots; i++) {
    const b = bars[i];
    if (b?.kind === 'mem64') {
      if (i + 1 >= slots) throw new LayoutError('layout.bad-option', `${where}: 64-bit BAR${i} needs slot ${i + 1}, which does not exist`);
      if (bars[i + 1] !== undefined) throw new LayoutError('layout.bad-option', `${where}: slot ${i + 1} holds the upper half of 64-bit BAR${i} and must be left empty`);
      regs.push(...barRegisters(where, i, base + i * 4, b, `${HEADER_SPEC}.2.1`));
      i++;
    } else {
      regs.push(...barRegisters(where, i, base + i * 4, b, `${HEADER_SPEC}.2.1`));
    }
  }
  return regs;
}

function commonRegisters(h: HeaderSpec, capPointer: number, hasIo: boolean, hasMem: boolean): RegisterDef[] {
  const hasCapabilities = capPointer !== 0;
  const s = `${HEADER_SPEC}.1`;
  const hw0 = h.virtualFunction === true;
  return [
    { id: 'vendorId', name: 'Vendor ID', offset: 0x00, width: 16, spec: `${s}.1`, fields: { vendorId: ro([15, 0], checkInt('vendorId', h.vendorId, 16)) } },
    { id: 'deviceId', name: 'Device ID', offset: 0x02, width: 16, spec: `${s}.2`, fields: { deviceId: ro([15, 0], checkInt('deviceId', h.deviceId, 16)) } },
    {
      id: 'command', name: 'Command', offset: 0x04, width: 16, spec: `${s}.3`, rest: 'RsvdP',
      fields: {
        ioSpace: { bits: [0, 0], access: hasIo && !hw0 ? 'RW' : 'RO' },
        memorySpace: { bits: [1, 1], access: hasMem && !hw0 ? 'RW' : 'RO' },
        busMaster: { bits: [2, 2], access: 'RW' },
        specialCycle: ro([3, 3]),
        memoryWriteInvalidate: ro([4, 4]),
        vgaPaletteSnoop: ro([5, 5]),
        parityErrorResponse: { bits: [6, 6], access: 'RW' },
        idselStepping: ro([7, 7]),
        serrEnable: { bits: [8, 8], access: 'RW' },
        fastBackToBack: ro([9, 9]),
        interruptDisable: { bits: [10, 10], access: hw0 ? 'RO' : 'RW' },
      },
    },
    {
      id: 'status', name: 'Status', offset: 0x06, width: 16, spec: `${s}.4`, rest: 'RsvdZ',
      fields: {
        immediateReadiness: ro([0, 0], h.immediateReadiness === true ? 1 : 0),
        interruptStatus: ro([3, 3]),
        capabilitiesList: ro([4, 4], hasCapabilities ? 1 : 0),
        ...errorStatusFields('signaledSystemError'),
      },
    },
    {
      id: 'classRevision', name: 'Revision ID / Class Code', offset: 0x08, width: 32, spec: `${s}.5-6`,
      fields: {
        revisionId: ro([7, 0], checkInt('revisionId', h.revisionId ?? 0, 8)),
        programmingInterface: ro([15, 8], checkInt('classCode', h.classCode, 24) & 0xff),
        subClass: ro([23, 16], (h.classCode >>> 8) & 0xff),
        baseClass: ro([31, 24], (h.classCode >>> 16) & 0xff),
      },
    },
    { id: 'cacheLineSize', name: 'Cache Line Size', offset: 0x0c, width: 8, spec: `${s}.7`, fields: { cacheLineSize: { bits: [7, 0], access: 'RW' } } },
    { id: 'latencyTimer', name: 'Latency Timer', offset: 0x0d, width: 8, spec: `${s}.8`, fields: { latencyTimer: ro([7, 0]) } },
    {
      id: 'headerType', name: 'Header Type', offset: 0x0e, width: 8, spec: `${s}.9`,
      fields: { headerLayout: ro([6, 0], h.type), multiFunction: ro([7, 7], h.multiFunction === true ? 1 : 0) },
    },
    { id: 'bist', name: 'BIST', offset: 0x0f, width: 8, spec: `${s}.10`, fields: { bist: ro([7, 0]) } },
    { id: 'capabilitiesPointer', name: 'Capabilities Pointer', offset: 0x34, width: 8, spec: `${s}.11`, fields: { pointer: ro([7, 0], capPointer) } },
    { id: 'interruptLine', name: 'Interrupt Line', offset: 0x3c, width: 8, spec: `${s}.12`, fields: { interruptLine: { bits: [7, 0], access: 'RW' } } },
    {
      id: 'interruptPin', name: 'Interrupt Pin', offset: 0x3d, width: 8, spec: `${s}.13`,
      fields: { interruptPin: ro([7, 0], checkPin(h.interruptPin ?? 0)) },
    },
  ];
}

/**
 * Builds the 64-byte header block for a function.
 *
 * @param capPointer - offset of the first capability, or 0; a non-zero value also sets Status.Capabilities List.
 * @throws {LayoutError} On impossible options (bad BAR sizes, a 64-bit BAR without an upper slot, out-of-range IDs).
 * @spec PCIe Base r6.0 §7.5.1.1 (common), §7.5.1.2 (Type 0), §7.5.1.3 (Type 1)
 * @internal
 */
export function headerBlock(h: HeaderSpec, capPointer: number): CheckedBlock {
  const where = `Type ${h.type} header`;
  const bars = h.bars ?? [];
  const hasIo = bars.some((b) => b?.kind === 'io');
  const hasMem = bars.some((b) => b !== undefined && b.kind !== 'io') || h.expansionRomSize !== undefined;
  const regs = commonRegisters(h, capPointer, h.decodes?.io ?? (hasIo || h.type === 1), h.decodes?.memory ?? (hasMem || h.type === 1));
  if (h.type === 0) {
    regs.push(...barSlots(where, bars, 6, 0x10));
    regs.push(
      { id: 'cardbusCis', name: 'CardBus CIS Pointer', offset: 0x28, width: 32, spec: `${HEADER_SPEC}.2.2`, fields: { pointer: ro([31, 0]) } },
      { id: 'subsystemVendorId', name: 'Subsystem Vendor ID', offset: 0x2c, width: 16, spec: `${HEADER_SPEC}.2.3`, fields: { id: ro([15, 0], checkInt('subsystemVendorId', h.subsystemVendorId ?? 0, 16)) } },
      { id: 'subsystemId', name: 'Subsystem ID', offset: 0x2e, width: 16, spec: `${HEADER_SPEC}.2.3`, fields: { id: ro([15, 0], checkInt('subsystemId', h.subsystemId ?? 0, 16)) } },
      expansionRomRegister(0x30, h.expansionRomSize, `${HEADER_SPEC}.2.4`),
      { id: 'reserved35', name: 'Reserved', offset: 0x35, width: 8, rest: 'RsvdP', fields: {} },
      { id: 'reserved36', name: 'Reserved', offset: 0x36, width: 16, rest: 'RsvdP', fields: {} },
      { id: 'reserved38', name: 'Reserved', offset: 0x38, width: 32, rest: 'RsvdP', fields: {} },
      { id: 'minGnt', name: 'Min_Gnt', offset: 0x3e, width: 8, spec: `${HEADER_SPEC}.2.5`, fields: { minGnt: ro([7, 0]) } },
      { id: 'maxLat', name: 'Max_Lat', offset: 0x3f, width: 8, spec: `${HEADER_SPEC}.2.6`, fields: { maxLat: ro([7, 0]) } },
    );
  } else {
    regs.push(...type1Registers(h, where, bars));
  }
  return defineBlock({ id: 'header', name: `Type ${h.type} Configuration Space Header`, size: 64, spec: HEADER_SPEC, registers: regs });
}

function type1Registers(h: Type1HeaderSpec, where: string, bars: readonly (BarSpec | undefined)[]): RegisterDef[] {
  const s = `${HEADER_SPEC}.3`;
  const io = h.ioWindow ?? '32';
  const pf = h.prefetchableWindow ?? '64';
  const rw: FieldDef = { bits: [15, 4], access: 'RW' };
  const window = (id: string, name: string, offset: number, present: boolean, cap: number): RegisterDef => ({
    id, name, offset, width: 16, spec: `${s}.8-9`,
    fields: present ? { capability: ro([3, 0], cap), address: rw } : { unimplemented: ro([15, 0]) },
  });
  const ioReg = (id: string, name: string, offset: number): RegisterDef => ({
    id, name, offset, width: 8, spec: `${s}.6`,
    fields: io === 'none' ? { unimplemented: ro([7, 0]) } : { capability: ro([3, 0], io === '32' ? 1 : 0), address: { bits: [7, 4], access: 'RW' } },
  });
  const upper = (id: string, name: string, offset: number, width: 16 | 32, present: boolean): RegisterDef => ({
    id, name, offset, width, spec: `${s}.9-10`,
    fields: { upper: { bits: [width - 1, 0], access: present ? 'RW' : 'RO' } },
  });
  const bus = (id: string, name: string, offset: number): RegisterDef => ({ id, name, offset, width: 8, spec: `${s}.2-4`, fields: { busNumber: { bits: [7, 0], access: 'RW' } } });
  return [
    ...barSlots(where, bars, 2, 0x10),
    bus('primaryBus', 'Primary Bus Number', 0x18),
    bus('secondaryBus', 'Secondary Bus Number', 0x19),
    bus('subordinateBus', 'Subordinate Bus Number', 0x1a),
    { id: 'secondaryLatencyTimer', name: 'Secondary Latency Timer', offset: 0x1b, width: 8, spec: `${s}.5`, fields: { timer: ro([7, 0]) } },
    ioReg('ioBase', 'I/O Base', 0x1c),
    ioReg('ioLimit', 'I/O Limit', 0x1d),
    {
      id: 'secondaryStatus', name: 'Secondary Status', offset: 0x1e, width: 16, spec: `${s}.7`, rest: 'RsvdZ',
      fields: errorStatusFields('receivedSystemError'),
    },
    window('memoryBase', 'Memory Base', 0x20, true, 0),
    window('memoryLimit', 'Memory Limit', 0x22, true, 0),
    window('prefetchableBase', 'Prefetchable Memory Base', 0x24, pf !== 'none', pf === '64' ? 1 : 0),
    window('prefetchableLimit', 'Prefetchable Memory Limit', 0x26, pf !== 'none', pf === '64' ? 1 : 0),
    upper('prefetchableBaseUpper', 'Prefetchable Base Upper 32 Bits', 0x28, 32, pf === '64'),
    upper('prefetchableLimitUpper', 'Prefetchable Limit Upper 32 Bits', 0x2c, 32, pf === '64'),
    upper('ioBaseUpper', 'I/O Base Upper 16 Bits', 0x30, 16, io === '32'),
    upper('ioLimitUpper', 'I/O Limit Upper 16 Bits', 0x32, 16, io === '32'),
    { id: 'reserved35', name: 'Reserved', offset: 0x35, width: 8, rest: 'RsvdP', fields: {} },
    { id: 'reserved36', name: 'Reserved', offset: 0x36, width: 16, rest: 'RsvdP', fields: {} },
    expansionRomRegister(0x38, h.expansionRomSize, `${s}.13`),
    {
      id: 'bridgeControl', name: 'Bridge Control', offset: 0x3e, width: 16, spec: `${s}.15`, rest: 'RsvdP',
      fields: {
        parityErrorResponse: { bits: [0, 0], access: 'RW' },
        serrEnable: { bits: [1, 1], access: 'RW' },
        isaEnable: { bits: [2, 2], access: 'RW' },
        vgaEnable: { bits: [3, 3], access: 'RW' },
        vga16BitDecode: { bits: [4, 4], access: 'RW' },
        masterAbortMode: ro([5, 5]),
        secondaryBusReset: { bits: [6, 6], access: 'RW' },
        fastBackToBack: ro([7, 7]),
        discardTimers: ro([11, 8]),
      },
    },
  ];
}
