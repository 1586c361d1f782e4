import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import type { MixError, MixTaskProvider } from '@mixtask/core';
import { mixError } from '@mixtask/core/adapter';
import { createProviderWith } from '../create.js';
import { configFromEnvWith, type Env } from '../env.js';
import { providerDescriptors, type AnyProviderDescriptor } from '../providers.js';
import { createRegistryWith } from '../registry.js';
import { bulkStop } from './bulk.js';
import { exitCodeFor, exitCodes } from './exit-codes.js';
import { interruptionOf, signalName, type Interruption } from './interruption.js';
import type { CliIo } from './io.js';
import { openIdSource } from './id-lines.js';
import { RemainingFile } from './remaining.js';
import { isParseArgsError, usageError, wantsJson, type UsageError } from './usage-error.js';

/** Exit codes, shared by `mixtask --help` and `mixtask stop --help` (docs/cli.md has the same table). */
export const exitCodesHelp = `Exit codes: 0 stopped or already stopped, 1 other failure, 2 invalid id/config/usage,
3 not found, 4 authentication/permission/service disabled, 5 throttled/unavailable/network/timeout,
130 interrupted by Ctrl-C (SIGINT), 143 interrupted by SIGTERM: an interrupted stop may have landed anyway.
Many ids: the worst code any id earned, worst first 143, 130, 4, 2, 1, 5, 3, 0.`;

/** The flags only some providers have, from their descriptors: adding a provider adds its flags here too. */
function providerFlagsOf(descriptors: readonly AnyProviderDescriptor[]) {
  return descriptors.flatMap((d) => d.cliFlags.map((flag) => ({ ...flag, provider: d.name })));
}

/** `mixtask stop --help` for a descriptor list: names, flags and what a stop ends all come from the descriptors. */
export function stopHelpFor(descriptors: readonly AnyProviderDescriptor[]): string {
  const providerFlags = providerFlagsOf(descriptors);
  const providerNameList = descriptors.map((d) => d.name).join('|');
  const flagUsage = providerFlags.map((f) => `[--${f.name} <${f.valueName}>]`).join(' ');
  const flagHelp = providerFlags
    .map((f) => `  ${`--${f.name} <${f.valueName}>`.padEnd(29)}overrides ${f.env} (${f.provider}): ${f.description}`)
    .join('\n');
  const stops = descriptors.map((d) => `  ${d.name.padEnd(29)}${d.stops}`).join('\n');
  const qualified = descriptors.map((d) => `'${d.name}:<id>'`).join(' or ');
  return `Usage: mixtask stop <id> [--provider <${providerNameList}>] [--endpoint <url>] ${flagUsage} [--timeout <ms>] [--json]
       mixtask stop <id…> | --from <file|-> [--remaining <file>] [--concurrency <n>] [same options]
       mixtask stop -h|--help

Stops the mix with this id, or every id given: on the command line and/or in a file (one per line;
blank lines and # comments skipped; - reads stdin). What an id names, by provider:
${stops}
Configuration comes from the environment (see docs/configuration.md); flags override it.
Without --provider and MIXTASK_PROVIDER, ids are qualified, ${qualified}, and go to
every provider the environment configures (the registry).

Options:
  ${`--provider <${providerNameList}>`.padEnd(29)}overrides MIXTASK_PROVIDER
  --endpoint <url>             overrides MIXTASK_ENDPOINT (http:// only for loopback hosts)
${flagHelp === '' ? '' : `${flagHelp}\n`}  --timeout <ms>               deadline for the whole call, retries included
  --json                       print JSON only on stdout, for every outcome (usage errors included):
                               one object for one id; for many, one JSON line per id as it settles,
                               then a summary line
  --from <file|->              read ids from a file, one per line, or from stdin
  --remaining <file>           after Ctrl-C or SIGTERM, write the ids not attempted here, ready for --from
  --concurrency <n>            stops at once when stopping many (default: the quota × round trip × 4)
  -h, --help                   show this help

${exitCodesHelp}`;
}

export const stopHelp = stopHelpFor(providerDescriptors);

/**
 * The provider the environment names (MIXTASK_PROVIDER), or, when it names none, a registry of every provider the
 * environment configures, for qualified ids ('<provider>:<id>').
 */
export function providerFromEnv(
  env: Env,
  descriptors: readonly AnyProviderDescriptor[] = providerDescriptors,
): E.Either<MixError, MixTaskProvider> {
  if ((env.MIXTASK_PROVIDER ?? '').trim() !== '') {
    return E.map((config) => createProviderWith(descriptors, config))(configFromEnvWith(descriptors, env));
  }
  const members: Record<string, unknown> = {};
  const problems: MixError[] = [];
  for (const { name } of descriptors) {
    const config = configFromEnvWith(descriptors, { ...env, MIXTASK_PROVIDER: name });
    if (E.isLeft(config)) problems.push(config.left);
    else {
      const { provider: _name, ...options } = config.right;
      members[name] = options;
    }
  }
  if (Object.keys(members).length === 0) {
    // Nothing configured: the plain "set MIXTASK_PROVIDER" answer says what to do.
    return E.left(problems[0] ?? (configFromEnvWith(descriptors, env) as E.Left<MixError>).left);
  }
  return E.right(createRegistryWith(descriptors, members));
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

export function stopCommand(args: readonly string[], io: CliIo): Promise<number> {
  return stopCommandWith(providerDescriptors, args, io);
}

/** `mixtask stop` over a descriptor list (the umbrella's, or a test's with one more provider). */
export async function stopCommandWith(
  descriptors: readonly AnyProviderDescriptor[],
  args: readonly string[],
  io: CliIo,
): Promise<number> {
  const providerFlags = providerFlagsOf(descriptors);
  const help = descriptors === providerDescriptors ? stopHelp : stopHelpFor(descriptors);
  const json = wantsJson(args);
  /** A command line that cannot run: JSON on stdout with --json (and nothing else), else the message and help. */
  const refuse = (message: string, id?: string): number => {
    if (json) io.out(JSON.stringify(failureLine(usageError(message), id)));
    else io.err(`mixtask stop: ${message}\n\n${help}`);
    return exitCodes.invalid;
  };

  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      tokens: true,
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
  const { values, positionals, tokens } = parsed;
  if (values.help) {
    io.out(help);
    return exitCodes.ok;
  }
  // parseArgs keeps the last of a repeated flag: `--from a --from b` would silently drop a.
  const repeated = repeatedFlag(tokens);
  if (repeated !== undefined) return refuse(`--${repeated} is given twice; give it once`);
  const misplaced = flagForAnotherProvider(descriptors, values, io.env);
  if (misplaced !== undefined) return refuse(misplaced);
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
  const closeSource = () => {
    // stdin may never end (a terminal): once the run is over it is let go, so the process exits on its own.
    if (source === process.stdin) process.stdin.destroy();
    else source?.destroy();
  };
  // Opened before anything is sent too: a --remaining path that cannot be written is found now, not after the run.
  let remaining: RemainingFile | undefined;
  if (values.remaining !== undefined && bulk) {
    const opened = await RemainingFile.open(values.remaining);
    if (E.isLeft(opened)) {
      closeSource();
      return refuse(opened.left);
    }
    remaining = opened.right;
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
  const built = providerFromEnv(env, descriptors);
  if (E.isLeft(built)) {
    closeSource();
    await remaining?.close();
    return report(
      E.left(
        asTyped(
          built.left,
          flagVariablesOf(providerFlags),
          typedFlags(flagVariablesOf(providerFlags), values),
          io.env,
          id,
        ),
      ),
      id,
      values.json,
      io,
    );
  }
  const provider = built.right;
  try {
    if (id === undefined) {
      return await bulkStop(
        {
          positionals,
          json: values.json,
          ...(values.from === undefined ? {} : { from: values.from }),
          ...(remaining === undefined ? {} : { remaining }),
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
    closeSource();
    // Ends keep-alive sockets and timers, so the process exits on its own.
    await provider.close();
  }
}

/** The first value flag given more than once, by its name. */
function repeatedFlag(tokens: readonly { kind: string; name?: string; value?: string | undefined }[]) {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined || token.value === undefined) continue;
    if (seen.has(token.name)) return token.name;
    seen.add(token.name);
  }
  return undefined;
}

/** A provider's own flag given while another provider is chosen (by --provider or MIXTASK_PROVIDER). */
function flagForAnotherProvider(
  descriptors: readonly AnyProviderDescriptor[],
  values: Record<string, unknown>,
  env: CliIo['env'],
): string | undefined {
  const chosen = (typeof values.provider === 'string' ? values.provider : (env.MIXTASK_PROVIDER ?? '')).trim();
  if (!descriptors.some((d) => d.name === chosen)) return undefined; // none, or a typo reported later
  const flag = providerFlagsOf(descriptors).find((f) => values[f.name] !== undefined && f.provider !== chosen);
  return flag === undefined ? undefined : `--${flag.name} applies to ${flag.provider} only, not to ${chosen}`;
}

/** The variables the command line overrides, each with its flag: a message names what the user typed. */
type FlagVariables = readonly { readonly flag: string; readonly env: string }[];
function flagVariablesOf(providerFlags: ReturnType<typeof providerFlagsOf>): FlagVariables {
  return [
    { flag: 'provider', env: 'MIXTASK_PROVIDER' },
    { flag: 'endpoint', env: 'MIXTASK_ENDPOINT' },
    ...providerFlags.map((f) => ({ flag: f.name, env: f.env })),
  ];
}

function typedFlags(flagVariables: FlagVariables, values: Record<string, unknown>): ReadonlySet<string> {
  return new Set(flagVariables.filter(({ flag }) => values[flag] !== undefined).map(({ flag }) => flag));
}

/**
 * The environment loader names variables (`MIXTASK_ALIYUN_APP_ID: expected …`); on the command line the user may
 * have typed the flag instead. A flag typed is named as the flag, a value set by neither as both; a variable the
 * user set stays a variable. The single-id form's error carries the id asked for, as every other answer does.
 */
function asTyped(
  error: MixError,
  flagVariables: FlagVariables,
  typed: ReadonlySet<string>,
  env: CliIo['env'],
  id: string | undefined,
): MixError {
  // The message is `<tag>: <provider> — <reason>` for an error about the configuration (it has no id yet).
  const prefix = `${error._tag}: ${error.provider} — `;
  if (!error.message.startsWith(prefix)) return error;
  let reason = error.message.slice(prefix.length);
  for (const { flag, env: variable } of flagVariables) {
    const named = new RegExp(`\\b${variable}\\b`, 'g');
    if (typed.has(flag)) reason = reason.replace(named, `--${flag}`);
    else if ((env[variable] ?? '').trim() === '') reason = reason.replace(named, `--${flag} (or ${variable})`);
  }
  return mixError(error._tag, { provider: error.provider, id: id ?? '', reason, retryable: error.retryable });
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
