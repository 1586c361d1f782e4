import { demoCommand, demoHelp } from './demo.js';
import type { CliIo } from './io.js';
import { serveCommand, serveHelp } from './serve.js';

export const mainHelp = `Usage: mixtask-emulator [serve] [options]   run the local Tencent + Aliyun emulator (the default)
       mixtask-emulator demo                stop mixes on both vendors against the embedded emulator

Run "mixtask-emulator <command> --help" for a command's options.`;

const commands: Record<string, { run: (args: readonly string[], io: CliIo) => Promise<number>; help: string }> = {
  serve: { run: serveCommand, help: serveHelp },
  demo: { run: demoCommand, help: demoHelp },
};

/** Runs one command line and returns the exit code (0 ok, 1 failed, 2 usage); usage errors are never thrown. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === 'help' || ((first === '--help' || first === '-h') && rest.length === 0)) {
    io.out(mainHelp);
    return 0;
  }
  // No command, or flags first: serve, as `mixtask emulator` did.
  const name = first === undefined || first.startsWith('-') ? 'serve' : first;
  const args = first === undefined || first.startsWith('-') ? argv : rest;
  const command = commands[name];
  if (command === undefined) {
    io.err(`mixtask-emulator: unknown command "${name}"\n\n${mainHelp}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    // util.parseArgs reports unknown or malformed flags by throwing: that is a usage error.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`mixtask-emulator ${name}: ${error.message}\n\n${command.help}`);
      return 2;
    }
    io.err(`mixtask-emulator ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
