import type { RegisterDef } from '../../regs/define.js';
import { readLE } from '../../bits/bits.js';
import type { CapabilityDef } from './capability.js';

/**
 * A capability the model does not know, kept as read-only bytes (for instance one taken from a
 * real device's dump): its body is RO with the given contents, so reads answer what the device
 * answered and writes are ignored (and reported as `driver.ro-write`).
 *
 * @param space - `standard` or `extended`.
 * @param id - capability ID.
 * @param body - the bytes after the header (the header is 2 bytes for standard, 4 for extended capabilities).
 * @spec PCIe Base r6.0 §7.5.1.1.11, §7.6.3 (capability headers)
 * @example
 * ```ts
 * builder.capability(opaqueCapability('standard', 0x09, new Uint8Array([0x08, 0x00, 0x12, 0x34, 0x56, 0x78])));
 * ```
 * @category Capabilities
 */
export function opaqueCapability(space: 'standard' | 'extended', id: number, body: Uint8Array, version = 1): CapabilityDef {
  const head = space === 'standard' ? 2 : 4;
  const size = head + body.length;
  const bytes = new Uint8Array(size + 4);
  bytes.set(body, head);
  const regs: RegisterDef[] = [];
  let at = head;
  while (at < size) {
    const width: 8 | 16 | 32 = at % 4 === 0 && at + 4 <= size ? 32 : at % 2 === 0 && at + 2 <= size ? 16 : 8;
    const n = width / 8;
    regs.push({ id: `raw${at.toString(16)}`, name: `Data at +0x${at.toString(16)}`, offset: at, width, fields: { data: { bits: [width - 1, 0], access: 'RO', reset: readLE(bytes, at, n as 1 | 2 | 4) } } });
    at += n;
  }
  const hexId = id.toString(16).padStart(space === 'standard' ? 2 : 4, '0');
  return { space, id, version, key: `id${hexId}`, name: `Capability ${hexId} (opaque)`, size, registers: regs, spec: space === 'standard' ? 'PCIe Base r6.0 §7.5.1.1.11' : 'PCIe Base r6.0 §7.6.3' };
}
