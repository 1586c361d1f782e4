import { keyPairCodec, providerOptionsCodec, type CommonProviderOptions } from '@mixtask/core/adapter';
import * as t from 'io-ts';

/** An IAM key pair; `sessionToken` only with temporary (STS) credentials, sent as X-Amz-Security-Token. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsIvsProviderOptions extends CommonProviderOptions<AwsCredentials> {
  /**
   * The AWS region of the compositions, e.g. `us-east-1`: it picks the endpoint (`ivsrealtime.<region>.amazonaws.com`),
   * goes into every signature's credential scope, and must be the region of every ARN stopped.
   */
  readonly region: string;
}

export const awsCredentialsCodec = keyPairCodec<AwsCredentials>('accessKeyId', 'secretAccessKey', 'sessionToken');

/** `us-east-1`, `ap-northeast-2`, `us-gov-west-1`: the shape of every AWS region code. */
export const awsRegionPattern = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export const awsRegionCodec = new t.Type<string, string, unknown>(
  'an AWS region such as us-east-1',
  (u): u is string => typeof u === 'string' && awsRegionPattern.test(u),
  (u, c) => (typeof u === 'string' && awsRegionPattern.test(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/**
 * Every option of the IVS provider. The umbrella package's config parser reuses it, so its errors name fields by
 * path (`region`, `credentials.secretAccessKey`).
 */
export const awsIvsProviderOptionsCodec = providerOptionsCodec<AwsIvsProviderOptions>(awsCredentialsCodec, {
  required: { region: awsRegionCodec },
  aliases: {
    appId: 'only the Aliyun provider takes appId (a composition ARN says its account and region itself)',
    language: 'only the Tencent provider takes language',
    profile: 'there is no profile option: pass fromAwsCredentialProvider(fromIni({ profile })) as credentials',
  },
});
