import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

/** Runs the iovsim CLI in-process with an in-memory file system; returns the exit code and both streams. */
export function runCli(argv: string[], files: Record<string, string> = {}): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    readText: (p) => {
      const f = files[p];
      if (f === undefined) throw new Error(`ENOENT: no such file '${p}'`);
      return f;
    },
  };
  return { code: main(argv, io), out, err };
}
