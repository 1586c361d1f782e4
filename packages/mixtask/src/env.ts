import * as E from 'fp-ts/lib/Either.js';
import type { MixError } from '@mixtask/core';
import type { EnvVariable } from '@mixtask/core/adapter';
import { checkConfig, configurationError, type MixTaskConfig } from './config.js';
import { defaultCredentialChain } from './default-credentials.js';
import { providerDescriptors, type AnyProviderDescriptor } from './providers.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** The variables every provider shares; each provider's own come from its descriptor (`descriptor.env`). */
export const commonEnvVariables: readonly EnvVariable[] = [
  { name: 'MIXTASK_PROVIDER', path: 'provider', description: 'which provider: one of the names below' },
  { name: 'MIXTASK_ENDPOINT', path: 'endpoint', description: 'the API origin (http:// only for loopback hosts)' },
  { name: 'MIXTASK_TIMEOUT_MS', path: 'timeoutMs', description: "one attempt's budget, in ms" },
  { name: 'MIXTASK_DEADLINE_MS', path: 'deadlineMs', description: "the whole call's budget, in ms" },
  { name: 'MIXTASK_MAX_ATTEMPTS', path: 'retry.maxAttempts', description: 'attempts in all, from 1 to 10' },
  {
    name: 'MIXTASK_REQUESTS_PER_SECOND',
    path: 'rateLimit.requestsPerSecond',
    description: "the client-side quota ('off' turns the limiter off)",
  },
  { name: 'MIXTASK_NOT_FOUND', path: 'notFound', description: "'error' or 'already-stopped'" },
  { name: 'MIXTASK_TRANSPORT', path: 'transport', description: "'got' (the default) or 'node' (lean)" },
  {
    name: 'MIXTASK_REDIS_URL',
    path: 'redisUrl',
    description: 'share the quota across a fleet through Redis (needs @mixtask/redis)',
  },
  { name: 'MIXTASK_RATE_LIMIT_KEY', path: 'rateLimitKey', description: "the quota's scope in Redis, e.g. the account" },
];

/** Every variable read, by provider, for docs and `--help`. */
export const envVariables: Readonly<Record<string, readonly EnvVariable[]>> = Object.fromEntries([
  ['common', commonEnvVariables],
  ...providerDescriptors.map((d) => [d.name, d.env] as const),
]);

/**
 * Builds a config from environment variables and checks it like any other config. A number that does not parse
 * stays a string, so the error names the variable rather than silently using a default. Errors name the variables
 * the user set (`MIXTASK_MAX_ATTEMPTS: expected …`), not config paths.
 */
export function mixTaskConfigFromEnv(env: Env = process.env): E.Either<MixError, MixTaskConfig> {
  return configFromEnvWith(providerDescriptors, env) as E.Either<MixError, MixTaskConfig>;
}

export function configFromEnvWith(
  descriptors: readonly AnyProviderDescriptor[],
  env: Env | null | undefined,
): E.Either<MixError, { readonly provider: string }> {
  const names = descriptors.map((d) => `'${d.name}'`).join(' or ');
  const snapshot = snapshotEnv(env);
  if (snapshot === undefined) {
    return E.left(
      configurationError('unknown', ['(root): the environment could not be read (a getter or Proxy threw)']),
    );
  }
  env = snapshot;
  const read = readEnv(env);
  const provider = read('MIXTASK_PROVIDER');
  if (provider === undefined) {
    return E.left(configurationError('unknown', [`MIXTASK_PROVIDER: is not set; set it to ${names}`]));
  }
  const descriptor = descriptors.find((d) => d.name === provider);
  if (descriptor === undefined) {
    return E.left(configurationError('unknown', [`MIXTASK_PROVIDER: expected ${names}, got a string`]));
  }
  const config: Record<string, unknown> = { provider };
  const variables = [...commonEnvVariables, ...descriptor.env];
  for (const variable of variables) {
    if (variable.name === 'MIXTASK_PROVIDER') continue;
    const raw = read(variable.name);
    if (raw === undefined) continue;
    setPath(config, variable.path, valueFor(variable, raw));
  }
  if (config.credentials === undefined || !hasKeyPair(config.credentials)) {
    // No key variables: the vendor's own default chain (profile file, instance role, OIDC/RRSA…) when its package
    // is installed; otherwise an error that says what to set or install. A half-set pair is named as such.
    const chain = defaultChains[descriptor.name]?.(env ?? {});
    if (chain !== undefined) {
      if (E.isLeft(chain)) return chain;
      config.credentials = chain.right;
    }
  }
  // Credentials are one object: a half-set pair must be reported, not dropped.
  return E.mapLeft(({ provider: name, problems }: { provider: string; problems: readonly string[] }) =>
    configurationError(
      name,
      problems.map((line) => nameVariables(line, variables)),
    ),
  )(checkConfig(descriptors, config));
}

/** The vendors whose own credential chains the environment loader falls back to (docs/credentials.md). */
const defaultChains: Readonly<Record<string, (env: Env) => E.Either<MixError, unknown>>> = {
  tencent: (env) => defaultCredentialChain('tencent', env),
  aliyun: (env) => defaultCredentialChain('aliyun', env),
  'aws-ivs': (env) => defaultCredentialChain('aws-ivs', env),
};

/**
 * The environment as plain strings, read once: an env mapping given by the app may be a Proxy, hold getters that
 * throw or values that are not strings, and the credential chains read it too. Undefined when it cannot be listed.
 */
function snapshotEnv(env: Env | null | undefined): Record<string, string> | undefined {
  if (env === null || env === undefined) return {};
  if (typeof env !== 'object') return undefined;
  let names: string[];
  try {
    names = Object.keys(env);
  } catch {
    return undefined;
  }
  const copy: Record<string, string> = {};
  for (const name of names) {
    try {
      const value: unknown = env[name];
      if (typeof value === 'string') copy[name] = value;
    } catch {
      // One unreadable variable is as good as unset; the others still count.
    }
  }
  return copy;
}

function hasKeyPair(credentials: unknown): boolean {
  return typeof credentials === 'object' && credentials !== null && Object.keys(credentials).length >= 2;
}

function readEnv(env: Env): (name: string) => string | undefined {
  return (name) => {
    let raw: unknown;
    try {
      raw = env[name];
    } catch {
      return undefined;
    }
    return typeof raw !== 'string' || raw.trim() === '' ? undefined : raw.trim();
  };
}

function valueFor(variable: EnvVariable, raw: string): unknown {
  if (variable.name === 'MIXTASK_REQUESTS_PER_SECOND' && raw === 'off') return false;
  return /Ms$|maxAttempts$|requestsPerSecond$/.test(variable.path) && /^\d+$/.test(raw) ? Number(raw) : raw;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  // `rateLimit: false` replaces the object the path would make.
  if (value === false) {
    target[keys[0] as string] = false;
    return;
  }
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : (node[key] = {});
  }
  node[keys[keys.length - 1] as string] = value;
}

/**
 * "credentials.secretKey: expected …" → "TENCENTCLOUD_SECRET_KEY: expected …". A path no variable fills (a
 * required field left unset) names the variables that would fill it.
 */
function nameVariables(line: string, variables: readonly EnvVariable[]): string {
  const colon = line.indexOf(':');
  const path = colon < 0 ? line : line.slice(0, colon);
  const rest = colon < 0 ? '' : line.slice(colon);
  const exact = variables.find((v) => v.path === path);
  if (exact !== undefined) return `${exact.name}${rest.replace(/, got nothing$/, ', but it is not set')}`;
  const under = variables.filter((v) => v.path.startsWith(`${path}.`) || path === '(root)');
  if (under.length > 0 && path !== '(root)') return `${under.map((v) => v.name).join(' / ')}${rest}`;
  return line;
}
