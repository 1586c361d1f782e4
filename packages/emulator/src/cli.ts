#!/usr/bin/env node
import { main } from './cli/main.js';

// The first signal ends the command gracefully (the emulator closes); `once`, so a second one gets Node's default
// and ends the process at once. Every signal that ends a terminal session is heard: none is swallowed.
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const interrupted = new AbortController();
const onSignal = (signal: NodeJS.Signals) => interrupted.abort(signal);
for (const signal of signals) process.once(signal, onSignal);

// No process.exit(): every command closes what it opened, so the process ends on its own.
process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interrupted: interrupted.signal,
});
// Once the command is done, a signal gets Node's default again: nothing left running could swallow it.
for (const signal of signals) process.off(signal, onSignal);
