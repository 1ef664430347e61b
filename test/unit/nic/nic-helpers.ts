import { createHash } from 'node:crypto';
import { NicPcie, type NicPcieOptions, type QueueFlushEvent } from '../../../src/nic/index.js';
import type { RoutingId } from '../../../src/sriov/index.js';

/**
 * Queue block offsets as the guide (docs/guides/nic-registers.md) documents them. Test-side
 * literals on purpose: the tests must not read them back from src.
 */
export const Q = {
  ctrl: 0x000, status: 0x004, func: 0x008, macLo: 0x010, macHi: 0x014, intStatus: 0x020, intMask: 0x024,
  txLen: 0x040, txDoorbell: 0x044, txPending: 0x048, txDoneCount: 0x04c, rxHead: 0x060, rxTail: 0x064,
  rxLen: (k: number): number => 0x080 + 4 * k,
  txBuffer: 0x800, rxSlot: (k: number): number => 0x1000 + k * 0x800,
  slots: 6, txDepth: 8, maxFrame: 2048, size: 0x4000,
} as const;

/** INT_STATUS bits. */
export const INT = { txDone: 1, rxReady: 2, linkChange: 4, txError: 8, rxDrop: 16 } as const;

/** PF control block offsets (relative to PF BAR0 + 0x4000). */
export const PFC = { base: 0x4000, info: 0x0, portStatus: 0x4, switchMode: 0x8, entry: (vf: number): number => 0x100 + 16 * (vf - 1), macLo: 0, macHi: 4, vlan: 8, flags: 12 } as const;

/** Addresses `bringUp` uses by default. */
export const PF_BAR0 = 0xfe00_0000n;
export const VF_BAR0 = 0x1_0000_0000n;
export const VF_SIZE = 0x4000n;

/** SR-IOV capability offsets and control bits (PCIe Base r6.0 §9.3.3). */
export const SRIOV = { control: 0x08, numVfs: 0x10, vfBar0: 0x24, vfe: 0x01, mse: 0x08, ari: 0x10 } as const;

/** The base of VF k's window under the default bring-up. */
export const vfBase = (k: number): bigint => VF_BAR0 + BigInt(k - 1) * VF_SIZE;

/** A NIC on bus 1 brought up with `numVfs` VFs (ARI, VF Bus Master set), flush events collected. */
export function upNic(numVfs: number, options: NicPcieOptions = {}): { nic: NicPcie; flushes: QueueFlushEvent[] } {
  const flushes: QueueFlushEvent[] = [];
  const nic = new NicPcie({ bus: 1, totalVfs: 64, ...options, onFlush: (e) => flushes.push(e) });
  nic.bringUp({ numVfs });
  return { nic, flushes };
}

/** Routing ID of VF k (must exist). */
export function vfRid(nic: NicPcie, k: number): RoutingId {
  const rid = nic.pf.vfRid(k);
  if (rid === undefined) throw new Error(`VF ${k} has no Routing ID`);
  return rid;
}

/** Offset of the PCI Express capability in a VF (standard capability ID 0x10). */
export function vfPcieAt(nic: NicPcie, k: number): number {
  return nic.pf.vfSpaceForRead(k).capability(0x10, 'standard')!.offset;
}

/** Writes a frame into a block through memory (TX buffer, TX_LEN, doorbell). */
export function postFrame(nic: NicPcie, base: bigint, frame: Uint8Array): void {
  for (let i = 0; i < frame.length; i += 4) {
    const w = (frame[i]! | ((frame[i + 1] ?? 0) << 8) | ((frame[i + 2] ?? 0) << 16) | ((frame[i + 3] ?? 0) << 24)) >>> 0;
    nic.memWrite(base + BigInt(Q.txBuffer + i), 4, w);
  }
  nic.memWrite(base + BigInt(Q.txLen), 4, frame.length);
  nic.memWrite(base + BigInt(Q.txDoorbell), 4, 1);
}

/** A frame of `n` bytes whose bytes are derived from `seed`. */
export function frameOf(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

/** A short digest of some bytes (snapshots stay readable when a comparison fails). */
const b64 = (u: Uint8Array): string => createHash('sha256').update(u).digest('hex').slice(0, 24);

/** Everything observable about one function's queue block (undefined when it has none). */
export function blockState(nic: NicPcie, fn: number): unknown {
  const q = nic.peekQueues(fn);
  if (q === undefined) return undefined;
  return { bytes: b64(q.space.peek()), depths: q.depths(), counters: JSON.stringify(q.counters), tx: q.queuedTx().map(b64) };
}

/** A function's configuration space (0 = the PF), as its bytes (configuration reads have no side effects). */
export function configState(nic: NicPcie, fn: number): string {
  return b64((fn === 0 ? nic.pf.space : nic.pf.vfSpaceForRead(fn)).peek());
}

/** Snapshot of the whole NIC: PF config, PF block, PF control, and each VF's config and block. */
export function snapshot(nic: NicPcie, maxVf: number): Record<string, unknown> {
  const s: Record<string, unknown> = {
    pfConfig: configState(nic, 0), pf: blockState(nic, 0), control: b64(nic.control.space.peek()), materialised: nic.materialisedVfBlocks,
  };
  for (let k = 1; k <= maxVf; k++) {
    s[`vf${k}`] = { config: nic.vfExists(k) ? configState(nic, k) : undefined, block: blockState(nic, k) };
  }
  return s;
}
