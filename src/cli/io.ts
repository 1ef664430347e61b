import { readFileSync } from 'node:fs';

/**
 * What a CLI command may do to the outside world; tests pass their own.
 * @category CLI
 */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Reads a file as UTF-8 text; `-` means standard input. */
  readonly readText: (path: string) => string;
}

/** The process's own standard streams and file system. @category CLI */
export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  readText: (p) => readFileSync(p === '-' ? 0 : p, 'utf8'),
};

/**
 * Exit codes of every command.
 * @category CLI
 */
export const EXIT = { ok: 0, findings: 1, unusable: 2 } as const;

/** A usage error: unknown command or bad flags (exit 2). @category CLI */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Reads a command's input file; on failure writes `iovsim <cmd>: cannot read …` to stderr.
 * @returns the text, or undefined when the file cannot be read (the command then exits 2).
 */
export function readInput(io: CliIo, cmd: string, file: string): string | undefined {
  try {
    return io.readText(file);
  } catch (e) {
    io.err(`iovsim ${cmd}: cannot read ${file}: ${(e as Error).message}\n`);
    return undefined;
  }
}
