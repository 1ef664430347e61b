import { defineBlock } from '../regs/define.js';
import { LayoutError } from '../regs/errors.js';
import { LayoutBuilder } from '../regs/layout.js';
import type { HookImpls, SpaceOptions } from '../regs/space.js';
import { extendedHeader, standardHeader, type CapabilityDef } from './cap/capability.js';
import { ConfigSpace, type PlacedCapability } from './config-space.js';
import { headerBlock, type HeaderSpec } from './header.js';

/** Bytes of a PCIe function's configuration space. @category Config Space */
export const CONFIG_SPACE_SIZE = 4096;

interface Pending {
  readonly def: CapabilityDef;
  readonly at: number | undefined;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/**
 * Assembles a function's configuration space from a header and capabilities and refuses layouts
 * that contradict themselves: capabilities overlapping each other or the header, misaligned,
 * outside their region (standard 0x40..0xFF, extended 0x100..0xFFF), an extended list that does
 * not start at 0x100, or extended capabilities without a PCI Express capability.
 *
 * @remarks Capabilities are chained in the order they are added; without an explicit offset each
 * one is placed at the next free DWORD after the previous one.
 * @spec PCIe Base r6.0 §7.5.1.1.11 (capability list), §7.6 (extended configuration space, list at 0x100)
 * @example
 * ```ts
 * const fn = new ConfigSpaceBuilder({ type: 0, vendorId: 0x8086, deviceId: 0x10c9, classCode: 0x020000 })
 *   .capability(pmCapability())
 *   .capability(pcieCapability({ deviceType: 'endpoint' }))
 *   .capability(ariCapability())
 *   .build();
 * ```
 * @category Config Space
 */
export class ConfigSpaceBuilder {
  private readonly standard: Pending[] = [];
  private readonly extended: Pending[] = [];

  constructor(private readonly header: HeaderSpec) {}

  /**
   * Adds a capability (standard or extended, as its definition says) to the end of its list.
   * @param at - byte offset; by default the next free DWORD after the previous capability.
   */
  capability(def: CapabilityDef, at?: number): this {
    (def.space === 'standard' ? this.standard : this.extended).push({ def, at });
    return this;
  }

  private place(list: Pending[], lo: number, hi: number): number[] {
    const where: number[] = [];
    let cursor = lo;
    for (const p of list) {
      const at = p.at ?? align4(cursor);
      const what = `${p.def.name} capability`;
      if (!Number.isInteger(at) || at % 4 !== 0) throw new LayoutError('layout.capability-misaligned', `${what} at ${at} is not DWORD-aligned`);
      if (at < lo || at + p.def.size > hi) {
        if (p.at === undefined) throw new LayoutError('layout.capability-space-full', `${what} (${p.def.size} bytes) does not fit below 0x${hi.toString(16)}`);
        throw new LayoutError('layout.capability-outside-space', `${what} at 0x${at.toString(16)} (+${p.def.size}) leaves 0x${lo.toString(16)}..0x${(hi - 1).toString(16)}`);
      }
      const clash = where.findIndex((o, i) => at < o + list[i]!.def.size && o < at + p.def.size);
      if (clash >= 0) {
        throw new LayoutError('layout.block-overlap', `${what} at 0x${at.toString(16)} (+${p.def.size}) overlaps the ${list[clash]!.def.name} capability at 0x${where[clash]!.toString(16)} (+${list[clash]!.def.size})`);
      }
      where.push(at);
      cursor = at + p.def.size;
    }
    return where;
  }

  /**
   * Compiles the layout and instantiates the space.
   * @throws {LayoutError} If the layout contradicts itself.
   */
  build(options: SpaceOptions = {}): ConfigSpace {
    const stdAt = this.place(this.standard, 0x40, 0x100);
    const extAt = this.place(this.extended, 0x100, CONFIG_SPACE_SIZE);
    if (this.extended.length > 0) {
      if (extAt[0] !== 0x100) throw new LayoutError('layout.capability-outside-space', `the first extended capability must be at 0x100, not 0x${(extAt[0] ?? 0).toString(16)}`);
      if (!this.standard.some((p) => p.def.space === 'standard' && p.def.id === 0x10)) {
        throw new LayoutError('layout.bad-option', 'extended capabilities need a PCI Express capability: the extended space exists only for PCIe functions');
      }
    }
    const lb = new LayoutBuilder(CONFIG_SPACE_SIZE);
    lb.place('header', 0, headerBlock(this.header, stdAt[0] ?? 0));
    const caps: PlacedCapability[] = [];
    const hooks: { preWrite: Record<string, unknown>; postWrite: Record<string, unknown>; postReset: Record<string, unknown> } = { preWrite: {}, postWrite: {}, postReset: {} };
    const names = new Map<string, number>();
    const add = (list: Pending[], at: number[], prefix: string): void => {
      list.forEach((p, i) => {
        const off = at[i]!;
        const next = at[i + 1] ?? 0;
        const d = p.def;
        const n = (names.get(`${prefix}.${d.key}`) ?? 0) + 1;
        names.set(`${prefix}.${d.key}`, n);
        const name = n === 1 ? `${prefix}.${d.key}` : `${prefix}.${d.key}${n}`;
        const head = d.space === 'standard' ? standardHeader(d.id, next, d.spec) : extendedHeader(d.id, d.version ?? 1, next, d.spec);
        lb.place(name, off, defineBlock({ id: d.key, name: d.name, size: d.size, spec: d.spec, registers: [head, ...d.registers] }));
        caps.push({ name, space: d.space, id: d.id, offset: off, size: d.size, title: d.name });
        for (const kind of ['preWrite', 'postWrite', 'postReset'] as const) {
          for (const [hn, impl] of Object.entries(d.hooks?.[kind] ?? {})) {
            const prev = hooks[kind][hn];
            if (prev !== undefined && prev !== impl) throw new LayoutError('layout.duplicate-name', `two capabilities implement ${kind} hook '${hn}' differently`);
            hooks[kind][hn] = impl;
          }
        }
      });
    };
    add(this.standard, stdAt, 'cap');
    add(this.extended, extAt, 'ecap');
    const user = options.hooks ?? {};
    const merged = {
      preWrite: { ...hooks.preWrite, ...user.preWrite },
      postWrite: { ...hooks.postWrite, ...user.postWrite },
      postReset: { ...hooks.postReset, ...user.postReset },
    } as HookImpls;
    const bars = this.header.bars ?? [];
    return new ConfigSpace(
      lb.build(),
      { headerType: this.header.type, bars, expansionRomSize: this.header.expansionRomSize, capabilities: caps },
      { ...options, hooks: merged },
    );
  }
}

/**
 * A function's configuration space described as data.
 * @category Config Space
 */
export interface FunctionSpec {
  /** The Type 0 or Type 1 header: identity, BARs and options. */
  readonly header: HeaderSpec;
  /**
   * Capabilities in chain order (standard and extended may be mixed; each goes to its own list).
   * A bare definition goes to the next free DWORD; wrap it as `{ def, at }` to pin its offset.
   */
  readonly capabilities?: readonly (
    | CapabilityDef
    | {
        /** The capability to place. */
        readonly def: CapabilityDef;
        /** Byte offset of its header in the configuration space; must be DWORD-aligned and inside its list's range. */
        readonly at: number;
      }
  )[];
}

/**
 * Builds a configuration space from a {@link FunctionSpec}.
 *
 * @throws {LayoutError} If the layout contradicts itself.
 * @example
 * ```ts
 * const fn = buildConfigSpace({
 *   header: { type: 0, vendorId: 0x8086, deviceId: 0x10c9, classCode: 0x020000, bars: [{ kind: 'mem32', size: 0x20000 }] },
 *   capabilities: [pmCapability(), msiCapability({ vectors: 1 }), pcieCapability({ deviceType: 'endpoint' }), ariCapability()],
 * });
 * ```
 * @category Config Space
 */
export function buildConfigSpace(spec: FunctionSpec, options: SpaceOptions = {}): ConfigSpace {
  const b = new ConfigSpaceBuilder(spec.header);
  for (const c of spec.capabilities ?? []) {
    if ('def' in c) b.capability(c.def, c.at);
    else b.capability(c);
  }
  return b.build(options);
}
