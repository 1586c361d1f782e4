import type * as E from 'fp-ts/lib/Either.js';
import type { MixError } from '@mixtask/core';
import { parseMixTaskConfig, type MixTaskConfig } from './config.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The environment variables read, by provider. Credentials use the vendors' official names, so a machine already
 * set up for their CLIs and SDKs needs nothing new.
 */
export const envVariables = {
  common: {
    MIXTASK_PROVIDER: "'tencent' or 'aliyun'",
    MIXTASK_ENDPOINT: 'endpoint',
    MIXTASK_TIMEOUT_MS: 'timeoutMs',
    MIXTASK_DEADLINE_MS: 'deadlineMs',
    MIXTASK_MAX_ATTEMPTS: 'retry.maxAttempts',
    MIXTASK_REQUESTS_PER_SECOND: "rateLimit.requestsPerSecond ('off' turns the limiter off)",
    MIXTASK_NOT_FOUND: "notFound ('error' or 'already-stopped')",
  },
  tencent: {
    TENCENTCLOUD_SECRET_ID: 'credentials.secretId',
    TENCENTCLOUD_SECRET_KEY: 'credentials.secretKey',
    TENCENTCLOUD_SESSION_TOKEN: 'credentials.sessionToken',
    MIXTASK_TENCENT_LANGUAGE: 'language',
  },
  aliyun: {
    ALIBABA_CLOUD_ACCESS_KEY_ID: 'credentials.accessKeyId',
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'credentials.accessKeySecret',
    ALIBABA_CLOUD_SECURITY_TOKEN: 'credentials.securityToken',
    MIXTASK_ALIYUN_APP_ID: 'appId',
  },
} as const;

/**
 * Builds a config from environment variables and checks it like any other config. A number that does not parse
 * stays a string, so the error names the field (`timeoutMs: expected …`) rather than silently using a default.
 */
export function mixTaskConfigFromEnv(env: Env = process.env): E.Either<MixError, MixTaskConfig> {
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const provider = value('MIXTASK_PROVIDER');
  const config: Record<string, unknown> = { provider };
  const set = (key: string, raw: unknown) => {
    if (raw !== undefined) config[key] = raw;
  };
  set('endpoint', value('MIXTASK_ENDPOINT'));
  set('timeoutMs', numberOrRaw(value('MIXTASK_TIMEOUT_MS')));
  set('deadlineMs', numberOrRaw(value('MIXTASK_DEADLINE_MS')));
  const maxAttempts = numberOrRaw(value('MIXTASK_MAX_ATTEMPTS'));
  if (maxAttempts !== undefined) set('retry', { maxAttempts });
  const rps = value('MIXTASK_REQUESTS_PER_SECOND');
  if (rps !== undefined) set('rateLimit', rps === 'off' ? false : { requestsPerSecond: numberOrRaw(rps) });
  set('notFound', value('MIXTASK_NOT_FOUND'));

  if (provider === 'tencent') {
    set('credentials', {
      secretId: value('TENCENTCLOUD_SECRET_ID'),
      secretKey: value('TENCENTCLOUD_SECRET_KEY'),
      ...optional('sessionToken', value('TENCENTCLOUD_SESSION_TOKEN')),
    });
    set('language', value('MIXTASK_TENCENT_LANGUAGE'));
  } else if (provider === 'aliyun') {
    set('credentials', {
      accessKeyId: value('ALIBABA_CLOUD_ACCESS_KEY_ID'),
      accessKeySecret: value('ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
      ...optional('securityToken', value('ALIBABA_CLOUD_SECURITY_TOKEN')),
    });
    set('appId', value('MIXTASK_ALIYUN_APP_ID'));
  }
  return parseMixTaskConfig(config);
}

function numberOrRaw(raw: string | undefined): number | string | undefined {
  if (raw === undefined) return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

function optional(key: string, raw: string | undefined): Record<string, string> {
  return raw === undefined ? {} : { [key]: raw };
}
