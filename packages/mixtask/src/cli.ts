#!/usr/bin/env node
import { main } from './cli/main.js';

// The abort's reason names the signal, so the exit code can say which it was (130 Ctrl-C, 143 SIGTERM). `once`:
// a second signal gets Node's default and ends the process at once.
const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort('SIGINT'));
process.once('SIGTERM', () => interrupted.abort('SIGTERM'));

// No process.exit(): the command closes its provider (sockets, timers), so the process ends on its own.
process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interrupted: interrupted.signal,
});
