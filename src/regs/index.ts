/**
 * The register engine: registers and fields declared as data, compiled once into per-DWORD
 * masks and run by one generic read/write/reset engine with named hooks and driver diagnostics.
 *
 * @module regs
 */
export { ACCESS_INFO, ACCESS_TYPES, RESET_KINDS } from './access.js';
export type { Access, AccessInfo, ResetKind } from './access.js';
export { defineRegister, defineBlock } from './define.js';
export type { FieldDef, RegisterDef, RegisterHooks, BlockDef, CheckedBlock, CheckedRegister, FieldInfo } from './define.js';
export { LayoutError, AccessError } from './errors.js';
export type { LayoutErrorCode, AccessErrorCode } from './errors.js';
export { DiagnosticLog } from './diagnostics.js';
export type { Diagnostic, DiagnosticCode, DiagnosticSink, Severity } from './diagnostics.js';
export { LayoutBuilder, Layout } from './layout.js';
export type { PlacedRegister, Placement } from './layout.js';
export { RegisterSpace } from './space.js';
export type { WriteEvent, PreWriteHook, PostWriteHook, PostResetHook, HookImpls, SpaceOptions } from './space.js';
export { explainWrite } from './explain.js';
export type { FieldChange } from './explain.js';
