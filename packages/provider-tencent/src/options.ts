import { keyPairCodec, providerOptionsCodec, type CommonProviderOptions } from '@mixtask/core/adapter';
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

export const tencentCredentialsCodec = keyPairCodec<TencentCredentials>('secretId', 'secretKey', 'sessionToken');

export const tencentLanguageCodec = t.keyof({ 'zh-CN': null, 'en-US': null }, "'zh-CN' or 'en-US'");

/**
 * The whole options object. Exported so a config parser (the umbrella package's) validates a Tencent config
 * with the same rules, and the same error paths, as the provider itself.
 */
export const tencentProviderOptionsCodec = providerOptionsCodec<TencentProviderOptions>(tencentCredentialsCodec, {
  optional: { language: tencentLanguageCodec },
  aliases: {
    appId: 'only the Aliyun provider takes appId (a Tencent task id says its app itself)',
    lang: 'did you mean language?',
  },
});
