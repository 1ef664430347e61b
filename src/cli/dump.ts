import { parseArgs } from 'node:util';
import { match, P } from 'ts-pattern';
import { LspciParseError, formatLspciDumps, parseLspciDump, type LspciDumpSize } from '../formats/index.js';
import { EXIT, UsageError, readInput, type CliIo } from './io.js';

/** Help text of `iovsim dump`. */
export const DUMP_HELP = `Usage: iovsim dump [--size 64|256|4096] <file|->

Reads an lspci -x / -xxx / -xxxx dump (one or more functions, optional domain; the decoded lines of
lspci -vvv -xxxx are skipped, as lspci -F skips them) and prints it back
in lspci -xxxx form, so a dump can be validated and normalised. lspci -F reads the output.

Options:
  --size N    print at most N bytes per function (64, 256 or 4096; default: all that were read).
              Like lspci -F, a function never prints more bytes than its dump holds.
  -h, --help  this text

Exit status: 0 printed; 2 unusable input (the error, with its line number, goes to stderr).
`;

/**
 * `iovsim dump`: parse an lspci dump and print it back normalised.
 * @returns the exit code.
 */
export function dumpCommand(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { size: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    io.out(DUMP_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('dump takes exactly one file (or - for standard input)');
  const size = match(values.size)
    .with(undefined, () => undefined)
    .with(P.union('64', '256', '4096'), (s) => Number(s) as LspciDumpSize)
    .otherwise((s) => {
      throw new UsageError(`--size ${s} is not 64, 256 or 4096`);
    });
  const file = positionals[0]!;
  const text = readInput(io, 'dump', file);
  if (text === undefined) return EXIT.unusable;
  try {
    const fns = parseLspciDump(text);
    io.out(formatLspciDumps(fns.map((f) => ({ address: f.address, bytes: f.bytes, description: f.description, size: size === undefined || size > f.size ? f.size : size }))));
    return EXIT.ok;
  } catch (e) {
    if (e instanceof LspciParseError) {
      io.err(`iovsim dump: ${file}: ${e.message} [${e.code}]\n`);
      return EXIT.unusable;
    }
    throw e;
  }
}
