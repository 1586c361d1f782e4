#!/usr/bin/env node
import { main } from './cli/main.js';

const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort());
process.once('SIGTERM', () => interrupted.abort());

// No process.exit(): the command closes its provider (sockets, timers), so the process ends on its own.
process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interrupted: interrupted.signal,
});
