#!/usr/bin/env node
import { main } from './cli/main.js';

const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort());
process.once('SIGTERM', () => interrupted.abort());

// No process.exit(): every command closes what it opened, so the process ends on its own.
process.exitCode = await main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interrupted: interrupted.signal,
});
