import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import type { MixTaskProvider } from '@mixtask/core';
import type { MixTaskConfig } from '../config.js';
import { createMixTaskProvider } from '../create.js';
import { mixTaskConfigFromEnv } from '../env.js';
import { bulkStop } from './bulk.js';
import { exitCodeFor, exitCodes } from './exit-codes.js';
import type { CliIo } from './io.js';

export const stopHelp = `Usage: mixtask stop <id> [options]
       mixtask stop <id…> | --from <file|-> [options]

Stops the mix session (Tencent) or MPU task (Aliyun) with this id, or every id given: on the command
line and/or in a file (one per line; blank lines and # comments skipped; - reads stdin).
Configuration comes from the environment (see docs/configuration.md); flags override it.

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
 * SEAM(registry): how a config becomes a provider. The lead's createMixTaskRegistry (ids '<provider>:<id>') plugs
 * in here when --provider / MIXTASK_PROVIDER is absent and the ids are qualified; stopMixes takes any
 * MixTaskProvider, so nothing else in the bulk path changes.
 */
export type ProviderFor = (config: MixTaskConfig) => MixTaskProvider;

export async function stopCommand(
  args: readonly string[],
  io: CliIo,
  providerFor: ProviderFor = createMixTaskProvider,
): Promise<number> {
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
  const config = mixTaskConfigFromEnv(env);
  if (bulk) {
    if (E.isLeft(config)) {
      io.err(config.left.message);
      return exitCodeFor(config.left._tag);
    }
    return bulkStop(
      {
        positionals,
        json: values.json,
        ...(values.from === undefined ? {} : { from: values.from }),
        ...(values.remaining === undefined ? {} : { remaining: values.remaining }),
        ...(concurrency === undefined ? {} : { concurrency }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      },
      providerFor(config.right),
      io,
      { stdin: process.stdin, stderr: process.stderr },
    );
  }
  const id = positionals[0] as string;
  const result = E.isLeft(config)
    ? config
    : await providerFor(config.right).stopMix(id, {
        signal: io.interrupted,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      })();

  if (E.isRight(result)) {
    const success = result.right;
    if (values.json) io.out(JSON.stringify({ ok: true, ...success }));
    else {
      const what = success.outcome === 'stopped' ? 'stopped' : 'already stopped';
      const tries = success.attempts === 1 ? '1 attempt' : `${success.attempts} attempts`;
      io.out(`${what}: ${success.provider} ${success.id} (RequestId ${success.requestId}, ${tries})`);
    }
    return exitCodes.ok;
  }
  const error = result.left;
  if (values.json) io.out(JSON.stringify({ ok: false, error }));
  else io.err(`${error.message}${error.retryable ? ' (retryable)' : ''}`);
  return exitCodeFor(error._tag);
}
