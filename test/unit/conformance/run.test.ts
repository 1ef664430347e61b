import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { configTargetFromDevice, configTargetFromSpace, runConformance, type ConfigTarget, type ConformanceReport } from '../../../src/conformance/index.js';
import { buildConfigSpace, sampleEndpointSpec } from '../../../src/config/index.js';
import { SriovDevice, igbProfile } from '../../../src/sriov/index.js';

const seed = fc.readConfigureGlobal().seed ?? 1;
const statusOf = (r: ConformanceReport, id: string): string | undefined => r.results.find((x) => x.id === id)?.status;
const failedIds = (r: ConformanceReport): string[] => r.results.filter((x) => x.status === 'failed').map((x) => x.id);

/** A target that forwards to `inner` but rewrites writes, as a buggy device would. */
function tamper(inner: ConfigTarget, name: string, write: (rid: number, off: number, size: 1 | 2 | 4, v: number, pass: () => void) => void, read?: (rid: number, off: number, size: 1 | 2 | 4) => number | undefined): ConfigTarget {
  return {
    name,
    functions: () => inner.functions(),
    configRead: (rid, off, size) => read?.(rid, off, size) ?? inner.configRead(rid, off, size),
    configWrite: (rid, off, size, v) => write(rid, off, size, v, () => inner.configWrite(rid, off, size, v)),
  };
}

describe('runConformance', () => {
  it('passes our own endpoint model, and marks the SR-IOV requirements not applicable', () => {
    const r = runConformance(configTargetFromSpace(buildConfigSpace(sampleEndpointSpec()), 0x0100), { seed, numRuns: 50 });
    expect(failedIds(r), JSON.stringify(r.results.filter((x) => x.status === 'failed'))).toEqual([]);
    expect(r.passed).toBe(8);
    expect(statusOf(r, 'SRIOV-RID-01')).toBe('not-applicable');
    expect(r.seed).toBe(seed);
  });

  it('passes our own two-PF SR-IOV device, VFs included', () => {
    const r = runConformance(configTargetFromDevice(new SriovDevice(igbProfile(2), { bus: 1 })), { seed, numRuns: 50 });
    expect(failedIds(r), JSON.stringify(r.results.filter((x) => x.status === 'failed'))).toEqual([]);
    expect(r.passed).toBe(12);
  });

  it('REG-W1C-01: catches RW1C status bits that do not clear on a write of 1', () => {
    const space = buildConfigSpace(sampleEndpointSpec());
    space.hwSet('header.status', 'receivedMasterAbort');
    space.hwSet('header.status', 'signaledTargetAbort');
    space.hwSet('cap.pcie.deviceStatus', 'correctableErrorDetected');
    const good = configTargetFromSpace(space, 0x0100);
    const broken = tamper(good, 'rw1c-stuck', (_rid, off, size, _v, pass) => {
      // Writes to Status (0x06) and Device Status (0xaa) are swallowed: the error bits never clear.
      const hits = (at: number): boolean => off <= at && at < off + size;
      if (hits(0x06) || hits(0x07) || hits(0xaa) || hits(0xab)) return;
      pass();
    });
    const r = runConformance(broken, { seed, numRuns: 100 });
    expect(statusOf(r, 'REG-W1C-01')).toBe('failed');
    const res = r.results.find((x) => x.id === 'REG-W1C-01')!;
    expect(res.detail).toMatch(/RW1C/);
    expect(res.reproduce?.seed).toBe(seed);
  });

  it('REG-RO-01: catches a Vendor ID that software can overwrite', () => {
    const good = configTargetFromSpace(buildConfigSpace(sampleEndpointSpec()), 0x0100);
    let vendor = 0x8086;
    const broken = tamper(
      good, 'writable-vendor',
      (_rid, off, size, v, pass) => {
        if (off === 0 && size >= 2) vendor = v & 0xffff;
        pass();
      },
      (rid, off, size) => (off === 0 && size === 4 ? ((good.configRead(rid, 0, 4) & 0xffff_0000) | vendor) >>> 0 : off === 0 && size === 2 ? vendor : undefined),
    );
    const r = runConformance(broken, { seed, numRuns: 200, only: ['REG-RO-01', 'REG-WIDTH-01'] });
    expect(statusOf(r, 'REG-RO-01')).toBe('failed');
    // The byte reads still come from the model, so the width law sees the inconsistency too (or passes when
    // no write changed the vendor before it looked); either way the report names only these two.
    expect(r.results.map((x) => x.id)).toEqual(['REG-WIDTH-01', 'REG-RO-01']);
  });

  it('SRIOV-RID-01: catches VFs placed one stride off their Routing IDs', () => {
    const dev = new SriovDevice(igbProfile(), { bus: 1 });
    const good = configTargetFromDevice(dev);
    const pf = dev.pfs[0]!;
    // The broken device answers each VF one function later than First VF Offset says.
    const broken = tamper(good, 'vf-off-by-one', (rid, off, size, v, pass) => (pf.vfAt((rid - 1) as never) !== undefined ? good.configWrite(rid - 1, off, size, v) : pass()),
      (rid, off, size) => {
        if (rid === pf.rid) return undefined;
        const shifted = pf.vfAt((rid - 1) as never);
        if (shifted !== undefined) return good.configRead(rid - 1, off, size);
        return pf.vfAt(rid as never) !== undefined ? (size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff) : undefined;
      });
    const r = runConformance(broken, { seed, numRuns: 20, only: ['SRIOV-RID-01'] });
    expect(statusOf(r, 'SRIOV-RID-01')).toBe('failed');
  });

  it('never throws: a target that throws or lists nothing fails every requirement with a reason', () => {
    const throwing: ConfigTarget = { name: 'throws', functions: () => [0x100], configRead: () => { throw new Error('bus error'); }, configWrite: () => undefined };
    const r = runConformance(throwing, { seed });
    expect(r.failed).toBe(r.results.length);
    expect(r.results[0]!.detail).toMatch(/bus error/);
    const empty = runConformance({ ...throwing, name: 'empty', functions: () => [] }, { seed });
    expect(empty.results.every((x) => x.detail === 'the target lists no functions')).toBe(true);
  });
});
