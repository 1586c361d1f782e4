import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import type { MixError } from '@mixtask/core';
import type { StopJobResult } from '@mixtask/queue';
import { exitCodeFor, exitCodes } from './exit-codes.js';
import type { CliIo } from './io.js';
import { loadQueue } from './queue-peer.js';
import { providerFromEnv } from './stop.js';
import { isParseArgsError, usageError } from './usage-error.js';

export const workerHelp = `Usage: mixtask worker [--provider <name>] [--endpoint <url>] [--concurrency <n>] [--queue <name>] [--json]

Runs the stops queued with "mixtask queue stop" or @mixtask/queue (leases that came due included) through the
provider the environment configures, as "mixtask stop" does; Redis from MIXTASK_REDIS_URL, which also makes
the provider's rate limiter the fleet's (one vendor quota for every worker). Runs until SIGTERM or Ctrl-C,
then lets the stops in flight settle and exits 0. Needs @mixtask/queue (npm install @mixtask/queue).

Options:
  --provider <name>            overrides MIXTASK_PROVIDER (without it: qualified ids, the registry)
  --endpoint <url>             overrides MIXTASK_ENDPOINT
  --concurrency <n>            stops in flight at once in this process, fixed (default: adaptive,
                               the quota x the round trip, as for mixtask stop --from,
                               at least 16 or the quota per second if smaller)
  --queue <name>               the queue's name (default mixtask-stops)
  --json                       one JSON line per finished attempt
  -h, --help                   show this help`;

export async function workerCommand(args: readonly string[], io: CliIo): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...args],
      strict: true,
      options: {
        provider: { type: 'string' },
        endpoint: { type: 'string' },
        concurrency: { type: 'string' },
        queue: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    return refuse(io, args.includes('--json'), error.message);
  }
  if (values.help) {
    io.out(workerHelp);
    return exitCodes.ok;
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000)) {
    return refuse(io, values.json, '--concurrency must be a whole number from 1 to 10000');
  }
  const loaded = await loadQueue(io.env);
  if (E.isLeft(loaded)) return configurationFailure(io, values.json, loaded.left);
  const built = providerFromEnv({
    ...io.env,
    ...(values.provider === undefined ? {} : { MIXTASK_PROVIDER: values.provider }),
    ...(values.endpoint === undefined ? {} : { MIXTASK_ENDPOINT: values.endpoint }),
  });
  if (E.isLeft(built)) return configurationFailure(io, values.json, built.left);
  const provider = built.right;
  let worker;
  try {
    worker = loaded.right.queue.createStopWorker({
      redis: loaded.right.redisUrl,
      provider,
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(values.queue === undefined ? {} : { name: values.queue }),
      onResult: (result) => io.out(values.json ? JSON.stringify(resultLine(result)) : resultText(result)),
    });
  } catch (error) {
    await provider.close();
    return refuse(io, values.json, error instanceof TypeError ? error.message : 'the worker could not start');
  }
  if (!values.json) io.err(`mixtask worker: running (${provider.name}); SIGTERM or Ctrl-C drains and exits`);
  await new Promise<void>((resolve) => {
    if (io.interrupted.aborted) resolve();
    io.interrupted.addEventListener('abort', () => resolve(), { once: true });
  });
  if (!values.json) io.err('mixtask worker: draining the stops in flight…');
  await worker.close();
  await provider.close();
  return exitCodes.ok;
}

/** A configuration that cannot run (no Redis URL, no @mixtask/queue, a bad provider config): exit 2 (or 4…). */
export function configurationFailure(io: CliIo, json: boolean, error: MixError): number {
  if (json) io.out(JSON.stringify({ ok: false, error }));
  else io.err(error.message);
  return exitCodeFor(error._tag);
}

function refuse(io: CliIo, json: boolean, message: string): number {
  if (json) io.out(JSON.stringify({ ok: false, error: usageError(message) }));
  else io.err(`mixtask worker: ${message}\n\n${workerHelp}`);
  return exitCodes.invalid;
}

function resultLine(result: StopJobResult) {
  const { id, kind, attemptsStarted, willRetry } = result;
  return E.isRight(result.result)
    ? { ok: true, kind, attemptsStarted, ...result.result.right }
    : { ok: false, id, kind, attemptsStarted, willRetry, error: result.result.left };
}

function resultText(result: StopJobResult): string {
  const from = result.kind === 'lease' ? ' (lease came due)' : '';
  if (E.isRight(result.result)) {
    const { outcome, provider, requestId } = result.result.right;
    return `${outcome === 'stopped' ? 'stopped' : 'already stopped'}: ${provider} ${result.id}${from} (RequestId ${requestId})`;
  }
  const error = result.result.left;
  return `${result.willRetry ? 'will retry' : 'failed'}: ${result.id}${from}: ${error.message}`;
}
