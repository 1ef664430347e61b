#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { match } from 'ts-pattern';
import { demoCommand, DEMO_HELP } from './demo.js';
import { dumpCommand, DUMP_HELP } from './dump.js';
import { vfsCommand, VFS_HELP } from './vfs.js';
import { lspciCommand, LSPCI_HELP } from './lspci.js';
import { conformCommand, CONFORM_HELP } from './conform.js';
import { simCommand, SIM_HELP } from './sim.js';
import { checkCommand, CHECK_HELP } from './check.js';
import { replayCommand, REPLAY_HELP } from './replay.js';
import { nicCommand, NIC_HELP } from './nic.js';
import { EXIT, UsageError, processIo, type CliIo } from './io.js';

const HELP = `Usage: iovsim <command> [options]

Commands:
  demo          build a sample PCIe endpoint, program it as firmware would, print it lspci-style
  dump <file>   read an lspci -x/-xxx/-xxxx dump and print it back in lspci -xxxx form
  vfs <dump>    load SR-IOV PFs from a dump: each VF's Routing ID and BAR windows, Linux's verdict
  lspci <x>     print a built-in profile or a dump's functions the way lspci -v… decodes them
  conform       run the requirement-keyed conformance suite against a target module or profile
  check <dump>… conformance of real devices from lspci dumps: findings by requirement ID (--json, --junit)
  sim <json>    run a network described as data (hosts, hubs, repeaters, switches): counters, pcap, VCD, DOT
  replay <json> replay a frame sequence through one switch; prints the ports each frame reached (Linux-bridge oracle format)
  nic           hypervisor vswitch vs SR-IOV VFs in the NIC model: latency and loss-free throughput table
  help [cmd]    this text, or a command's

Every command takes --help. Exit status: 0 success, 1 findings, 2 unusable input or usage error.
`;

/** Reports a usage error (exit 2) or rethrows anything else. */
function usage(e: unknown, io: CliIo): number {
  if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
    io.err(`iovsim: ${e.message}\nRun 'iovsim help' for usage.\n`);
    return EXIT.unusable;
  }
  throw e;
}

/**
 * Runs the iovsim command line.
 * @param argv - arguments after the program name.
 * @returns the exit code (a promise of it for commands that load modules, such as `conform`).
 */
export function main(argv: readonly string[], io: CliIo = processIo): number | Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    return match(cmd)
      .with('demo', () => demoCommand(rest, io))
      .with('dump', () => dumpCommand(rest, io))
      .with('vfs', () => vfsCommand(rest, io))
      .with('lspci', () => lspciCommand(rest, io))
      .with('conform', () => conformCommand(rest, io).catch((e: unknown) => usage(e, io)))
      .with('sim', () => simCommand(rest, io))
      .with('check', () => checkCommand(rest, io))
      .with('replay', () => replayCommand(rest, io))
      .with('nic', () => nicCommand(rest, io))
      .with('help', '--help', '-h', undefined, () => {
        io.out(match(rest[0]).with('demo', () => DEMO_HELP).with('dump', () => DUMP_HELP).with('vfs', () => VFS_HELP).with('lspci', () => LSPCI_HELP).with('conform', () => CONFORM_HELP).with('sim', () => SIM_HELP).with('check', () => CHECK_HELP).with('replay', () => REPLAY_HELP).with('nic', () => NIC_HELP).otherwise(() => HELP));
        return EXIT.ok;
      })
      .otherwise((c) => {
        throw new UsageError(`unknown command '${c}'`);
      });
  } catch (e) {
    return usage(e, io);
  }
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  // A reader that goes away (`iovsim … | head`) ends the output quietly, as other Unix tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  process.exitCode = await main(process.argv.slice(2));
}
