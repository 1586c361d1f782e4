import { credentialsFromSource, type CredentialSourceInput, type DefaultCredentialChain } from '@mixtask/core/adapter';
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
  return fromAwsCredentialSource(new AwsCredentialProviderSource(provider));
}

/** The adapter over credential objects wrapping AWS providers (or a factory of them): empty keys reject, by name. */
function fromAwsCredentialSource(source: CredentialSourceInput): () => Promise<AwsCredentials> {
  return credentialsFromSource<AwsCredentials>(source, {
    library: '@aws-sdk/credential-providers',
    fields: [
      { from: 'accessKeyId', to: 'accessKeyId', required: true },
      { from: 'secretAccessKey', to: 'secretAccessKey', required: true },
      { from: 'sessionToken', to: 'sessionToken', required: false },
    ],
  });
}

/**
 * AWS's default chain, `fromNodeProviderChain()`, which `mixTaskConfigFromEnv` falls back to when no key variable
 * is set (docs/credentials.md). The chain memoises and refreshes itself; after a failure the loader builds a new one.
 */
export const awsDefaultCredentials: DefaultCredentialChain<AwsCredentials> = {
  library: '@aws-sdk/credential-providers',
  keyVariables: { id: 'AWS_ACCESS_KEY_ID', secret: 'AWS_SECRET_ACCESS_KEY', token: 'AWS_SESSION_TOKEN' },
  sources:
    'fromNodeProviderChain: ~/.aws/credentials and config (AWS_PROFILE, SSO), web identity ' +
    '(AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN), process credentials, the ECS/EKS container role, EC2 IMDS',
  kind: 'fromNodeProviderChain',
  build: (library) => {
    const fromNodeProviderChain = (library.fromNodeProviderChain ??
      library.default?.fromNodeProviderChain) as () => AwsCredentialProvider;
    return new AwsCredentialProviderSource(fromNodeProviderChain());
  },
  adapt: fromAwsCredentialSource,
};
