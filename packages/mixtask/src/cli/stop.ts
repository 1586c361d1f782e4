import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import type { MixError, MixTaskProvider } from '@mixtask/core';
import { createMixTaskProvider } from '../create.js';
import { mixTaskConfigFromEnv, type Env } from '../env.js';
import { providerDescriptors } from '../providers.js';
import { createMixTaskRegistry, type MixTaskRegistryConfig } from '../registry.js';
import { bulkStop } from './bulk.js';
import { exitCodeFor, exitCodes } from './exit-codes.js';
import type { CliIo } from './io.js';

export const stopHelp = `Usage: mixtask stop <id> [options]
       mixtask stop <id…> | --from <file|-> [options]

Stops the mix session (Tencent) or MPU task (Aliyun) with this id, or every id given: on the command
line and/or in a file (one per line; blank lines and # comments skipped; - reads stdin).
Configuration comes from the environment (see docs/configuration.md); flags override it.
Without --provider and MIXTASK_PROVIDER, ids are qualified, 'tencent:<id>' or 'aliyun:<id>', and go to
every provider the environment configures (the registry).

Options:
  --provider <tencent|aliyun>  overrides MIXTASK_PROVIDER
  --endpoint <url>             overrides MIXTASK_ENDPOINT (http:// only for loopback hosts)
  --app-id <id>                overrides MIXTASK_ALIYUN_APP_ID (Aliyun)
  --timeout <ms>               deadline for the whole call, retries included
  --json                       print one JSON object instead of a line of text
                               (many ids: one JSON line per id as it settles, then a summary line)
  --from <file|->              read ids from a file, one per line, or from stdin
  --remaining <file>           after Ctrl-C, write the ids not attempted here, ready for --from
  --concurrency <n>            stops at once when stopping many (default 16)
  -h, --help                   show this help

Exit codes: 0 stopped or already stopped, 1 other failure, 2 invalid id/config/usage,
3 not found, 4 authentication/permission/service disabled, 5 throttled/unavailable/network/timeout,
130 interrupted. Many ids: the worst code any id earned, worst first 130, 4, 2, 1, 5, 3, 0.`;

/**
 * The provider the environment names (MIXTASK_PROVIDER), or, when it names none, a registry of every provider the
 * environment configures, for qualified ids ('tencent:room_1').
 */
export function providerFromEnv(env: Env): E.Either<MixError, MixTaskProvider> {
  if ((env.MIXTASK_PROVIDER ?? '').trim() !== '') return E.map(createMixTaskProvider)(mixTaskConfigFromEnv(env));
  const members: Record<string, unknown> = {};
  const problems: MixError[] = [];
  for (const { name } of providerDescriptors) {
    const config = mixTaskConfigFromEnv({ ...env, MIXTASK_PROVIDER: name });
    if (E.isLeft(config)) problems.push(config.left);
    else {
      const { provider: _name, ...options } = config.right;
      members[name] = options;
    }
  }
  if (Object.keys(members).length === 0) {
    // Nothing configured: the plain "set MIXTASK_PROVIDER" answer says what to do.
    return E.left(problems[0] ?? (mixTaskConfigFromEnv(env) as E.Left<MixError>).left);
  }
  return E.right(createMixTaskRegistry(members as MixTaskRegistryConfig));
}

export async function stopCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      provider: { type: 'string' },
      endpoint: { type: 'string' },
      'app-id': { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean', default: false },
      from: { type: 'string' },
      remaining: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(stopHelp);
    return exitCodes.ok;
  }
  const bulk = positionals.length !== 1 || values.from !== undefined;
  if (positionals.length === 0 && values.from === undefined) {
    io.err('mixtask stop: expected an id, several ids, or --from <file|->\n\n' + stopHelp);
    return exitCodes.invalid;
  }
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) {
      io.err('mixtask stop: --concurrency must be a whole number from 1 to 1024');
      return exitCodes.invalid;
    }
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      io.err('mixtask stop: --timeout must be a positive whole number of milliseconds');
      return exitCodes.invalid;
    }
  }

  const env = {
    ...io.env,
    ...(values.provider === undefined ? {} : { MIXTASK_PROVIDER: values.provider }),
    ...(values.endpoint === undefined ? {} : { MIXTASK_ENDPOINT: values.endpoint }),
    ...(values['app-id'] === undefined ? {} : { MIXTASK_ALIYUN_APP_ID: values['app-id'] }),
  };
  const built = providerFromEnv(env);
  if (E.isLeft(built)) return report(E.left(built.left), values.json, io);
  const provider = built.right;
  try {
    if (bulk) {
      return await bulkStop(
        {
          positionals,
          json: values.json,
          ...(values.from === undefined ? {} : { from: values.from }),
          ...(values.remaining === undefined ? {} : { remaining: values.remaining }),
          ...(concurrency === undefined ? {} : { concurrency }),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
        },
        provider,
        io,
        { stdin: process.stdin, stderr: process.stderr },
      );
    }
    const id = positionals[0] as string;
    const result = await provider.stopMix(id, {
      signal: io.interrupted,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    })();
    return report(result, values.json, io);
  } finally {
    // Ends keep-alive sockets and timers, so the process exits on its own.
    await provider.close();
  }
}

/** One id's outcome, as a line of text or one JSON object; the exit code by its class. */
function report(
  result: E.Either<MixError, { provider: string; id: string; requestId: string; outcome: string; attempts: number }>,
  json: boolean,
  io: CliIo,
): number {
  if (E.isRight(result)) {
    const success = result.right;
    if (json) io.out(JSON.stringify({ ok: true, ...success }));
    else {
      const what = success.outcome === 'stopped' ? 'stopped' : 'already stopped';
      const tries = success.attempts === 1 ? '1 attempt' : `${success.attempts} attempts`;
      io.out(`${what}: ${success.provider} ${success.id} (RequestId ${success.requestId}, ${tries})`);
    }
    return exitCodes.ok;
  }
  const error = result.left;
  if (json) io.out(JSON.stringify({ ok: false, error }));
  else io.err(`${error.message}${error.retryable ? ' (retryable)' : ''}`);
  return exitCodeFor(error._tag);
}
