/**
 * How the model answers the SR-IOV cases the specification leaves undefined.
 *
 * @remarks
 * | Case | `strict` (default) | `qemu` (QEMU 10.x) | `clamp` (openvmm) |
 * |---|---|---|---|
 * | NumVFs written while VF Enable = 1 | write ignored, warning | write ignored (wmask 0), note | write ignored, warning |
 * | NumVFs > TotalVFs | value kept, VF Enable refused, warning | value kept, VF Enable read-only 0, warning | value clamped to TotalVFs, warning |
 * | VF Enable with NumVFs = 0 | VF Enable refused, warning | enabled with zero VFs, note | enabled with zero VFs, note |
 * | System Page Size 0, several bits, or unsupported | write ignored, warning | stored masked by Supported Page Sizes, warning | write ignored, warning |
 * | System Page Size written while VF Enable = 1 | write ignored, warning | stored, note | write ignored, warning |
 * | ARI Capable Hierarchy changed while VF Enable = 1 in any PF | write ignored, warning | stored, note | write ignored, warning |
 *
 * Every case is reported with a stable `sriov.*` diagnostic code whatever the policy.
 * @spec PCIe Base r6.0 §9.3.3.3.1 (VF Enable), §9.3.3.3.5 (ARI Capable Hierarchy), §9.3.3.7 (NumVFs), §9.3.3.13 (System Page Size)
 * @category SR-IOV
 */
export type SriovPolicy = 'strict' | 'qemu' | 'clamp';

/** Every {@link SriovPolicy}. @category SR-IOV */
export const SRIOV_POLICIES: readonly SriovPolicy[] = ['strict', 'qemu', 'clamp'];
