import { exitCodes } from './exit-codes.js';
import type { CliIo } from './io.js';
import { exitCodesHelp, stopCommand, stopHelp } from './stop.js';
import { usageError, wantsJson } from './usage-error.js';
import { packageVersion } from './version.js';
import { providerDescriptors } from '../providers.js';
import { queueCommand, queueHelp } from './queue.js';
import { workerCommand, workerHelp } from './worker.js';

export const mainHelp = `Usage: mixtask <command> [options]
       mixtask -v|--version
       mixtask -h|--help

Commands:
  stop <id>   stop a mix (${providerDescriptors.map((d) => d.name).join(', ')}): see mixtask stop --help
  queue       queue durable stops on Redis, list them, retry failed ones (@mixtask/queue)
  worker      run the queued stops (@mixtask/queue)

The local emulator and the demo are in @mixtask/emulator (bin: mixtask-emulator), a development tool.

Run "mixtask <command> --help" for a command's options.

${exitCodesHelp}`;

const commands: Record<string, { run: (args: readonly string[], io: CliIo) => Promise<number>; help: string }> = {
  stop: { run: stopCommand, help: stopHelp },
  queue: { run: queueCommand, help: queueHelp },
  worker: { run: workerCommand, help: workerHelp },
};

/** Runs one command line and returns the exit code; usage errors are reported, never thrown. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp);
    return name === undefined ? exitCodes.invalid : exitCodes.ok;
  }
  if (name === '--version' || name === '-v') {
    io.out(packageVersion());
    return exitCodes.ok;
  }
  const command = commands[name];
  if (command === undefined) {
    const message = `unknown command "${name}"; the commands are: ${Object.keys(commands).join(', ')}`;
    // A script that asked for JSON gets JSON, whatever went wrong (docs/cli.md).
    if (wantsJson(argv)) io.out(JSON.stringify({ ok: false, error: usageError(message) }));
    else io.err(`mixtask: ${message}\n\n${mainHelp}`);
    return exitCodes.invalid;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    // util.parseArgs reports unknown or malformed flags by throwing: that is a usage error.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`mixtask ${name}: ${error.message}\n\n${command.help}`);
      return exitCodes.invalid;
    }
    throw error;
  }
}
