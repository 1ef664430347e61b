import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

function memoryIo(files: Record<string, string>): { io: CliIo; out: () => string; err: () => string } {
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
  return { io, out: () => out, err: () => err };
}

/** Runs a synchronous iovsim command in-process with an in-memory file system; returns the exit code and both streams. */
export function runCli(argv: string[], files: Record<string, string> = {}): { code: number; out: string; err: string } {
  const m = memoryIo(files);
  const code = main(argv, m.io);
  if (typeof code !== 'number') throw new Error(`'${argv[0] ?? ''}' is asynchronous: use runCliAsync`);
  return { code, out: m.out(), err: m.err() };
}

/** Runs any iovsim command in-process (awaiting asynchronous ones such as `conform`). */
export async function runCliAsync(argv: string[], files: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const m = memoryIo(files);
  const code = await main(argv, m.io);
  return { code, out: m.out(), err: m.err() };
}
