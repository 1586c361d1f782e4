import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { createMixTaskProvider } from '../create.js';
import { mixTaskConfigFromEnv } from '../env.js';
import { exitCodeFor, exitCodes } from './exit-codes.js';
import type { CliIo } from './io.js';

export const stopHelp = `Usage: mixtask stop <id> [options]

Stops the mix session (Tencent) or MPU task (Aliyun) with this id.
Configuration comes from the environment (see docs/configuration.md); flags override it.

Options:
  --provider <tencent|aliyun>  overrides MIXTASK_PROVIDER
  --endpoint <url>             overrides MIXTASK_ENDPOINT (http:// only for loopback hosts)
  --app-id <id>                overrides MIXTASK_ALIYUN_APP_ID (Aliyun)
  --timeout <ms>               deadline for the whole call, retries included
  --json                       print one JSON object instead of a line of text
  -h, --help                   show this help

Exit codes: 0 stopped or already stopped, 1 other failure, 2 invalid id/config/usage,
3 not found, 4 authentication/permission/service disabled, 5 throttled/unavailable/network/timeout,
130 interrupted.`;

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
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(stopHelp);
    return exitCodes.ok;
  }
  if (positionals.length !== 1) {
    io.err('mixtask stop: expected exactly one id\n\n' + stopHelp);
    return exitCodes.invalid;
  }
  const id = positionals[0] as string;
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
  let result: Awaited<ReturnType<ReturnType<ReturnType<typeof createMixTaskProvider>['stopMix']>>>;
  if (E.isLeft(config)) result = config;
  else {
    const provider = createMixTaskProvider(config.right);
    try {
      result = await provider.stopMix(id, {
        signal: io.interrupted,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      })();
    } finally {
      await provider.close();
    }
  }

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
