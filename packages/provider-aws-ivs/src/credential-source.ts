import { credentialsFromSource } from '@mixtask/core/adapter';
import type { AwsCredentials } from './options.js';

/** What an AWS SDK credential provider answers (`AwsCredentialIdentity`): the fields mixtask reads. */
export interface AwsCredentialIdentityLike {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** An AWS SDK credential provider: `fromNodeProviderChain()`, `fromIni()`, `fromInstanceMetadata()`, `fromSSO()`… */
export type AwsCredentialProvider = () => Promise<AwsCredentialIdentityLike>;

/**
 * The provider as a credential object, named so that an error says which kind of source failed. The SDK's
 * providers memoise and refresh themselves (and forget a failed fetch), so it is called as is on every attempt.
 */
class AwsCredentialProviderSource {
  constructor(private readonly provider: AwsCredentialProvider) {}
  getCredential(): Promise<unknown> {
    return this.provider();
  }
}

/**
 * mixtask credentials from an AWS SDK credential provider function, e.g.
 * `fromAwsCredentialProvider(fromNodeProviderChain())` from `@aws-sdk/credential-providers` (an optional peer the
 * app installs and imports). `sessionToken` is kept as is; empty keys reject, naming the field, never the value.
 */
export function fromAwsCredentialProvider(provider: AwsCredentialProvider): () => Promise<AwsCredentials> {
  if (typeof provider !== 'function') {
    throw new TypeError('expected an AWS credential provider function, e.g. fromNodeProviderChain()');
  }
  return credentialsFromSource<AwsCredentials>(new AwsCredentialProviderSource(provider), {
    library: '@aws-sdk/credential-providers',
    fields: [
      { from: 'accessKeyId', to: 'accessKeyId', required: true },
      { from: 'secretAccessKey', to: 'secretAccessKey', required: true },
      { from: 'sessionToken', to: 'sessionToken', required: false },
    ],
  });
}
