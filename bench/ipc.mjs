// What the benchmark orchestrators share: the median of a list, one question to a forked process, one cold start.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Sends one message to a child (none when undefined) and resolves with its next answer of the given type. */
export function ask(child, message, answerType = 'result') {
  return new Promise((resolve, reject) => {
    const onMessage = (answer) => {
      if (answer.type !== answerType) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(answer.result ?? answer);
    };
    const onExit = (code) => reject(new Error(`a benchmark process exited (${code}) while asked ${message?.type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (message !== undefined) child.send(message);
  });
}

/** One cold start of a subject (bench/cold.mjs in a fresh node process) against `env`; its JSON line, parsed. */
export function coldStart(name, env, childEnv) {
  const child = spawnSync(process.execPath, [join(here, 'cold.mjs'), name], {
    env: { ...childEnv, BENCH_ENV: JSON.stringify(env) },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (child.status !== 0) throw new Error(`cold start of ${name} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop());
}
