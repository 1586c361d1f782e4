import {
  commonOptionsCodec,
  credentialsSourceCodec,
  credentialString,
  type CommonProviderOptions,
} from '@mixtask/core';
import * as t from 'io-ts';

/** A CAM key pair; `sessionToken` only with temporary (STS) credentials, sent as X-TC-Token. */
export interface TencentCredentials {
  readonly secretId: string;
  readonly secretKey: string;
  readonly sessionToken?: string;
}

export type TencentLanguage = 'zh-CN' | 'en-US';

export interface TencentProviderOptions extends CommonProviderOptions<TencentCredentials> {
  /** The language of the vendor's error messages (X-TC-Language). Default: the vendor's (zh-CN). */
  readonly language?: TencentLanguage;
}

export const tencentCredentialsCodec: t.Type<TencentCredentials, unknown, unknown> = t.exact(
  t.intersection([
    t.type({ secretId: credentialString, secretKey: credentialString }),
    t.partial({ sessionToken: credentialString }),
  ]),
  '{ secretId, secretKey, sessionToken? }',
) as unknown as t.Type<TencentCredentials, unknown, unknown>;

export const tencentLanguageCodec = t.keyof({ 'zh-CN': null, 'en-US': null });

/**
 * The whole options object. Exported so a config parser (the umbrella package's) validates a Tencent config
 * with the same rules, and the same error paths, as the provider itself.
 */
export const tencentProviderOptionsCodec: t.Type<TencentProviderOptions, unknown, unknown> = t.intersection([
  commonOptionsCodec,
  t.type({ credentials: credentialsSourceCodec(tencentCredentialsCodec) }),
  t.exact(t.partial({ language: tencentLanguageCodec })),
]) as unknown as t.Type<TencentProviderOptions, unknown, unknown>;
