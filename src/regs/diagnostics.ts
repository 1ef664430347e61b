/**
 * Stable codes of {@link Diagnostic}s. `driver.*` are obligations of the software side that a
 * write broke; `device.*` are conditions of the modelled device.
 * @category Registers
 */
export type DiagnosticCode =
  | 'driver.rsvdz-nonzero'
  | 'driver.rsvdp-changed'
  | 'driver.ro-write'
  | 'driver.unimplemented-write'
  | (string & {
      /** Type-level brand only, never present at run time: keeps editor completion of the known codes while still accepting any other string. */
      readonly __diagnosticCode?: never;
    });

/** Severity of a {@link Diagnostic}. @category Registers */
export type Severity = 'error' | 'warning' | 'note';

/**
 * One reported condition: a driver obligation broken by a write, or a spec-undefined case.
 *
 * @category Registers
 */
export interface Diagnostic {
  /** Stable code, e.g. `driver.rsvdz-nonzero`. */
  readonly code: DiagnosticCode;
  /** How serious the condition is. */
  readonly severity: Severity;
  /** Requirement ID in spec/ (e.g. `REG-RSVDZ-01`). */
  readonly requirement: string;
  /** Spec section, e.g. `PCIe Base r6.0 §7.4`. */
  readonly spec: string;
  /** Byte offset of the register in the space, if the diagnostic concerns one. */
  readonly offset?: number;
  /** Qualified register name, e.g. `header.command`. */
  readonly register?: string;
  /** Field names concerned. */
  readonly fields?: readonly string[];
  /** Human-readable explanation. */
  readonly message: string;
}

/**
 * Receives diagnostics as they happen.
 * @category Registers
 */
export type DiagnosticSink = (d: Diagnostic) => void;

/**
 * A bounded log of diagnostics: keeps the newest `capacity` entries and counts what it had to drop,
 * so a long run never grows memory without bound.
 *
 * @example
 * ```ts
 * const log = new DiagnosticLog(100);
 * const space = layout.instantiate({ onDiagnostic: log.sink });
 * space.write(0x04, 2, 0xffff);
 * log.take(); // [{ code: 'driver.rsvdp-changed', ... }]
 * ```
 * @category Registers
 */
export class DiagnosticLog {
  private entries: Diagnostic[] = [];
  /** Entries dropped because the log was full. */
  dropped = 0;
  /** The sink to hand to a space. */
  readonly sink: DiagnosticSink;
  /**
   * @param capacity - maximum entries kept.
   * @defaultValue capacity 4096
   */
  constructor(readonly capacity = 4096) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.sink = (d) => {
      if (this.entries.length >= this.capacity) {
        this.entries.shift();
        this.dropped++;
      }
      this.entries.push(d);
    };
  }
  /** Returns and clears the collected entries. */
  take(): Diagnostic[] {
    const out = this.entries;
    this.entries = [];
    return out;
  }
  /** The collected entries, without clearing. */
  peek(): readonly Diagnostic[] {
    return this.entries;
  }
}
