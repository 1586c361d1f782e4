import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import type { MixError, MixTaskProvider } from '@mixtask/core';
import { createMixTaskProvider } from '../create.js';
import { mixTaskConfigFromEnv, type Env } from '../env.js';
import { providerDescriptors } from '../providers.js';
import { createMixTaskRegistry, type MixTaskRegistryConfig } from '../registry.js';
import { bulkStop } from './bulk.js';
import { exitCodeFor, exitCodes } from './exit-codes.js';
import { interruptionOf, signalName, type Interruption } from './interruption.js';
import type { CliIo } from './io.js';
import { openIdSource } from './id-lines.js';
import { isParseArgsError, usageError, wantsJson, type UsageError } from './usage-error.js';

/** Exit codes, shared by `mixtask --help` and `mixtask stop --help` (docs/cli.md has the same table). */
export const exitCodesHelp = `Exit codes: 0 stopped or already stopped, 1 other failure, 2 invalid id/config/usage,
3 not found, 4 authentication/permission/service disabled, 5 throttled/unavailable/network/timeout,
130 interrupted by Ctrl-C (SIGINT), 143 interrupted by SIGTERM: an interrupted stop may have landed anyway.
Many ids: the worst code any id earned, worst first 143, 130, 4, 2, 1, 5, 3, 0.`;

/** The flags only some providers have, from their descriptors: adding a provider adds its flags here too. */
const providerFlags = providerDescriptors.flatMap((d) => d.cliFlags.map((flag) => ({ ...flag, provider: d.name })));
const providerNameList = providerDescriptors.map((d) => d.name).join('|');
const flagUsage = providerFlags.map((f) => `[--${f.name} <${f.valueName}>]`).join(' ');
const flagHelp = providerFlags
  .map((f) => `  ${`--${f.name} <${f.valueName}>`.padEnd(29)}overrides ${f.env} (${f.provider}): ${f.description}`)
  .join('\n');

export const stopHelp = `Usage: mixtask stop <id> [--provider <${providerNameList}>] [--endpoint <url>] ${flagUsage} [--timeout <ms>] [--json]
       mixtask stop <id…> | --from <file|-> [--remaining <file>] [--concurrency <n>] [same options]
       mixtask stop -h|--help

Stops the mix session (Tencent), MPU task (Aliyun) or composition (Amazon IVS, by ARN) with this id, or
every id given: on the command line and/or in a file (one per line; blank lines and # comments skipped;
- reads stdin).
Configuration comes from the environment (see docs/configuration.md); flags override it.
Without --provider and MIXTASK_PROVIDER, ids are qualified, 'tencent:<id>', 'aliyun:<id>' or
'aws-ivs:<arn>', and go to every provider the environment configures (the registry).

Options:
  ${`--provider <${providerNameList}>`.padEnd(29)}overrides MIXTASK_PROVIDER
  --endpoint <url>             overrides MIXTASK_ENDPOINT (http:// only for loopback hosts)
${flagHelp}
  --timeout <ms>               deadline for the whole call, retries included
  --json                       print JSON only on stdout, for every outcome (usage errors included):
                               one object for one id; for many, one JSON line per id as it settles,
                               then a summary line
  --from <file|->              read ids from a file, one per line, or from stdin
  --remaining <file>           after Ctrl-C or SIGTERM, write the ids not attempted here, ready for --from
  --concurrency <n>            stops at once when stopping many (default 16)
  -h, --help                   show this help

${exitCodesHelp}`;

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

/** What a failed run prints with --json, in the single-id form: the id asked for, whatever stopped it. */
interface FailureLine {
  readonly ok: false;
  readonly id?: string;
  readonly error: MixError | UsageError;
  readonly interrupted?: InterruptionNote;
}

/** The --json form of an interruption: which signal, its exit code, and the warning a human reads on stderr. */
interface InterruptionNote extends Interruption {
  readonly mayHaveLanded: true;
  readonly message: string;
}

export async function stopCommand(args: readonly string[], io: CliIo): Promise<number> {
  const json = wantsJson(args);
  /** A command line that cannot run: JSON on stdout with --json (and nothing else), else the message and help. */
  const refuse = (message: string, id?: string): number => {
    if (json) io.out(JSON.stringify(failureLine(usageError(message), id)));
    else io.err(`mixtask stop: ${message}\n\n${stopHelp}`);
    return exitCodes.invalid;
  };

  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        provider: { type: 'string' },
        endpoint: { type: 'string' },
        ...Object.fromEntries(providerFlags.map((f) => [f.name, { type: 'string' as const }])),
        timeout: { type: 'string' },
        json: { type: 'boolean', default: false },
        from: { type: 'string' },
        remaining: { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    if (isParseArgsError(error)) return refuse(error.message);
    throw error;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(stopHelp);
    return exitCodes.ok;
  }
  const bulk = positionals.length !== 1 || values.from !== undefined;
  // The single-id form names its id in every JSON answer, so a script can match answers to what it asked.
  const id = bulk ? undefined : (positionals[0] as string);
  if (positionals.length === 0 && values.from === undefined) {
    return refuse('expected an id, several ids, or --from <file|->');
  }
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) {
      return refuse('--concurrency must be a whole number from 1 to 1024', id);
    }
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      return refuse('--timeout must be a positive whole number of milliseconds', id);
    }
  }
  // Opened before anything is sent: a --from file that cannot be read is a usage error, not a half-done run.
  let source: Readable | undefined;
  if (values.from !== undefined) {
    const opened = await openIdSource(values.from, process.stdin);
    if (E.isLeft(opened)) return refuse(opened.left);
    source = opened.right;
  }

  const env = {
    ...io.env,
    ...(values.provider === undefined ? {} : { MIXTASK_PROVIDER: values.provider }),
    ...(values.endpoint === undefined ? {} : { MIXTASK_ENDPOINT: values.endpoint }),
    ...Object.fromEntries(
      providerFlags.flatMap((f) => {
        const value = (values as Record<string, unknown>)[f.name];
        return typeof value === 'string' ? [[f.env, value]] : [];
      }),
    ),
  };
  const built = providerFromEnv(env);
  if (E.isLeft(built)) {
    if (source !== process.stdin) source?.destroy();
    return report(E.left(built.left), id, values.json, io);
  }
  const provider = built.right;
  try {
    if (id === undefined) {
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
        { stdin: process.stdin, stderr: process.stderr, ...(source === undefined ? {} : { source }) },
      );
    }
    const result = await provider.stopMix(id, {
      signal: io.interrupted,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    })();
    return report(result, id, values.json, io);
  } finally {
    // Ends keep-alive sockets and timers, so the process exits on its own.
    await provider.close();
  }
}

/** One id's outcome, as a line of text or one JSON object; the exit code by its class (or by the signal). */
function report(
  result: E.Either<MixError, { provider: string; id: string; requestId: string; outcome: string; attempts: number }>,
  id: string | undefined,
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
  // Only the user's signal aborts a CLI stop, so an Aborted answer is an interruption: its code says which.
  const interruption = error._tag === 'Aborted' ? (interruptionOf(io.interrupted) ?? sigint) : undefined;
  const note = interruption === undefined ? undefined : interruptionNote(interruption);
  if (json) io.out(JSON.stringify(failureLine(error, id, note)));
  else io.err(`${error.message}${error.retryable ? ' (retryable)' : ''}`);
  // The warning goes to stderr with --json too: stderr is the human's channel, stdout stays JSON only.
  if (note !== undefined) io.err(`mixtask stop: ${note.message}`);
  return interruption?.exitCode ?? exitCodeFor(error._tag);
}

const sigint: Interruption = { signal: 'SIGINT', exitCode: exitCodes.interrupted };

function interruptionNote(interruption: Interruption): InterruptionNote {
  return {
    ...interruption,
    mayHaveLanded: true,
    message:
      `interrupted by ${signalName(interruption)}: the stop was abandoned in flight and may have landed anyway ` +
      '(its request may already have reached the vendor); run the same stop again to find out',
  };
}

function failureLine(error: MixError | UsageError, id: string | undefined, note?: InterruptionNote): FailureLine {
  return {
    ok: false,
    ...(id === undefined ? {} : { id }),
    error,
    ...(note === undefined ? {} : { interrupted: note }),
  };
}
