import { keyPairCodec, providerOptionsCodec, type CommonProviderOptions } from '@mixtask/core/adapter';
import * as t from 'io-ts';

/** An AccessKey pair, plus the token when it is a temporary (STS) one. */
export interface AliyunCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

export interface AliyunProviderOptions extends CommonProviderOptions<AliyunCredentials> {
  /** The ApsaraVideo Live application whose MPU tasks are stopped: up to 64 letters, digits, `_` or `-`. */
  readonly appId: string;
}

export const aliyunCredentialsCodec = keyPairCodec<AliyunCredentials>(
  'accessKeyId',
  'accessKeySecret',
  'securityToken',
);

export const appIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** StopLiveMPUTask's AppId: it goes into every request's query string, so it must be checked before any. */
export const appIdCodec = new t.Type<string, string, unknown>(
  'an AppId of 1 to 64 letters, digits, _ or -',
  (u): u is string => typeof u === 'string' && appIdPattern.test(u),
  (u, c) => (typeof u === 'string' && appIdPattern.test(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/**
 * Every option of the Aliyun provider. The umbrella package's config parser reuses it, so its errors name
 * fields by path (`appId`, `credentials.accessKeyId`).
 */
export const aliyunProviderOptionsCodec = providerOptionsCodec<AliyunProviderOptions>(aliyunCredentialsCodec, {
  required: { appId: appIdCodec },
  aliases: { language: 'only the Tencent provider takes language', app: 'did you mean appId?' },
});
