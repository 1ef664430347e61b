import type { RegisterSpace } from '../regs/space.js';
import type { SriovDevice } from '../sriov/device.js';
import { asRoutingId } from '../sriov/routing.js';
import type { ConfigTarget } from './target.js';

/**
 * A {@link ConfigTarget} over one iovsim function space at a Routing ID (any other ID reads all ones).
 * @example
 * ```ts
 * runConformance(configTargetFromSpace(buildConfigSpace(sampleEndpointSpec()), 0x0100));
 * ```
 * @category Conformance
 */
export function configTargetFromSpace(space: RegisterSpace, rid: number, name = 'iovsim function'): ConfigTarget {
  const ones = (size: number): number => (size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff);
  return {
    name,
    functions: () => [rid],
    configRead: (r, o, s) => (r === rid ? space.read(o, s) : ones(s)),
    configWrite: (r, o, s, v) => {
      if (r === rid) space.write(o, s, v);
    },
    reset: (r, kind) => {
      if (r === rid) space.reset(kind);
    },
  };
}

/**
 * A {@link ConfigTarget} over an iovsim SR-IOV device: every PF is checked; VFs are reached through it.
 * @example
 * ```ts
 * runConformance(configTargetFromDevice(new SriovDevice(igbProfile(), { bus: 1 })));
 * ```
 * @category Conformance
 */
export function configTargetFromDevice(dev: SriovDevice, name = `iovsim ${dev.profile.name}`): ConfigTarget {
  return {
    name,
    functions: () => dev.pfs.map((p) => p.rid),
    configRead: (r, o, s) => dev.configRead(asRoutingId(r), o, s),
    configWrite: (r, o, s, v) => dev.configWrite(asRoutingId(r), o, s, v),
    reset: (r, kind) => dev.pfs.find((p) => p.rid === r)?.space.reset(kind),
  };
}
