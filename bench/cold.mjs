// Cold start of one subject in a fresh process (`node bench/cold.mjs <subject>`, spawned by bench/run.mjs):
// the time to import its library, then to construct a client and finish a first stop against the emulator
// (BENCH_ENV, one live session named cold_0). Prints one JSON line.
import { performance } from 'node:perf_hooks';

const started = performance.now();
const { loadSubject } = await import('./subjects.mjs');
const baseMs = performance.now() - started; // node:crypto, node:http, … — the same for every subject

const importStarted = performance.now();
const make = await loadSubject(process.argv[2]);
const importMs = performance.now() - importStarted;
const importRssMb = process.memoryUsage().rss / 2 ** 20;

const env = JSON.parse(process.env.BENCH_ENV);
const client = make(env, { rateLimit: false });
const outcome = await client.call('cold_0');
const firstStopMs = performance.now() - importStarted;
client.close?.();

console.log(
  JSON.stringify({
    baseMs,
    importMs,
    importRssMb,
    firstStopMs,
    firstStopRssMb: process.memoryUsage().rss / 2 ** 20,
    outcome,
  }),
);
process.exit(0);
