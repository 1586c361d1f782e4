import * as E from 'fp-ts/lib/Either.js';
import { isInstalled } from './optional-peer.js';
import type { ConfigurationError } from '@mixtask/core';
import { mixError, type CredentialObject } from '@mixtask/core/adapter';
import { fromAlibabaCloudCredentials, type AliyunCredentials } from '@mixtask/provider-aliyun';
import { fromAwsCredentialProvider, type AwsCredentialProvider, type AwsCredentials } from '@mixtask/provider-aws-ivs';
import { fromTencentCloudCredential, type TencentCredentials } from '@mixtask/provider-tencent';

type Env = Readonly<Record<string, string | undefined>>;

/** The vendors' credential libraries: optional peers of this package, loaded on the first stop that needs them. */
export const credentialPackages = {
  tencent: 'tencentcloud-sdk-nodejs-common',
  aliyun: '@alicloud/credentials',
  'aws-ivs': '@aws-sdk/credential-providers',
} as const;

type ChainProvider = keyof typeof credentialPackages;

/** The key variables each vendor's SDKs read, and what the default chain tries when they are absent. */
const chains = {
  tencent: {
    id: 'TENCENTCLOUD_SECRET_ID',
    secret: 'TENCENTCLOUD_SECRET_KEY',
    token: 'TENCENTCLOUD_SESSION_TOKEN',
    sources: 'the profile file ~/.tencentcloud/credentials, the CVM instance role, TKE OIDC (TKE_* variables)',
  },
  aliyun: {
    id: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
    secret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    token: 'ALIBABA_CLOUD_SECURITY_TOKEN',
    sources:
      'OIDC/RRSA (ALIBABA_CLOUD_ROLE_ARN, _OIDC_PROVIDER_ARN, _OIDC_TOKEN_FILE), ~/.aliyun/config.json, ' +
      '~/.alibabacloud/credentials, the ECS RAM role, ALIBABA_CLOUD_CREDENTIALS_URI',
  },
  'aws-ivs': {
    id: 'AWS_ACCESS_KEY_ID',
    secret: 'AWS_SECRET_ACCESS_KEY',
    token: 'AWS_SESSION_TOKEN',
    sources:
      'fromNodeProviderChain: ~/.aws/credentials and config (AWS_PROFILE, SSO), web identity ' +
      '(AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN), process credentials, the ECS/EKS container role, EC2 IMDS',
  },
} as const;

export type DefaultChainCredentials<P extends ChainProvider> = P extends 'tencent'
  ? () => Promise<TencentCredentials>
  : P extends 'aliyun'
    ? () => Promise<AliyunCredentials>
    : () => Promise<AwsCredentials>;

/**
 * For a config without key variables: the vendor's own default credential chain, when its package is installed,
 * as a credentials function (called per attempt, through the adapters that absorb the chains' defects).
 * Otherwise a ConfigurationError saying which variables to set or which package to install. Only one of a key
 * pair set is an error too: falling through to another source would hide the typo.
 */
export function defaultCredentialChain<P extends ChainProvider>(
  provider: P,
  env: Env = process.env,
): E.Either<ConfigurationError, DefaultChainCredentials<P>> {
  const chain = chains[provider];
  const packageName = credentialPackages[provider];
  const has = (name: string) => (env[name] ?? '').trim() !== '';
  if (has(chain.id) !== has(chain.secret)) {
    const missing = has(chain.id) ? chain.secret : chain.id;
    return E.left(
      configurationError(provider, `${missing} is not set (it goes with ${has(chain.id) ? chain.id : chain.secret})`),
    );
  }
  if (!isInstalled(packageName)) {
    return E.left(
      configurationError(
        provider,
        `no credentials: set ${chain.id} and ${chain.secret} (plus ${chain.token} for temporary keys), ` +
          `or install ${packageName} to use its default chain (${chain.sources})`,
      ),
    );
  }
  const credentials =
    provider === 'tencent'
      ? fromTencentCloudCredential(lazySource(packageName, 'DefaultCredentialProvider', tencentDefaultChain))
      : provider === 'aliyun'
        ? fromAlibabaCloudCredentials(lazySource(packageName, 'DefaultCredentialsProvider', aliyunDefaultChain))
        : fromAwsCredentialProvider(lazyAwsChain(packageName));
  return E.right(credentials as DefaultChainCredentials<P>);
}

function configurationError(provider: ChainProvider, reason: string): ConfigurationError {
  return mixError('ConfigurationError', { provider, id: '', reason });
}

type VendorModule = Record<string, unknown> & { default?: Record<string, unknown> };

/** Tencent: `new DefaultCredentialProvider()` — Env → Profile → CVM role → TKE OIDC. */
function tencentDefaultChain(module: VendorModule): CredentialObject {
  const Chain = (module.DefaultCredentialProvider ??
    module.default?.DefaultCredentialProvider) as new () => CredentialObject;
  return new Chain();
}

/** Alibaba: `new Credential()` with no config is the default chain (the CJS default export's `default`). */
function aliyunDefaultChain(module: VendorModule): CredentialObject {
  const Credential = (module.default?.default ?? module.default) as new () => CredentialObject;
  return new Credential();
}

/**
 * AWS: `fromNodeProviderChain()`, built once the package is loaded. The chain memoises its answer, refreshes it
 * before expiry and forgets a failed fetch itself, so it is kept; only a failed import is tried again.
 */
function lazyAwsChain(packageName: string): AwsCredentialProvider {
  let chain: Promise<AwsCredentialProvider> | undefined;
  return async () => {
    chain ??= (import(packageName) as Promise<VendorModule>).then(
      (module) => {
        const from = (module.fromNodeProviderChain ??
          module.default?.fromNodeProviderChain) as () => AwsCredentialProvider;
        return from();
      },
      (error: unknown) => {
        chain = undefined;
        throw error;
      },
    );
    return (await chain)();
  };
}

/**
 * A credential object whose real source is built once the vendor package is loaded, and rebuilt by the adapter
 * (through `getCredential` failing) after a failure: a new chain each time, so no library state survives one.
 */
function lazySource(
  packageName: string,
  kind: string,
  build: (module: VendorModule) => CredentialObject,
): () => CredentialObject {
  let loading: Promise<VendorModule> | undefined;
  // Named after the vendor's chain, so an error says which source answered (the adapter shows class names).
  const Source = {
    [kind]: class {
      private built: Promise<CredentialObject> | undefined;
      getCredential = async (): Promise<unknown> => {
        this.built ??= (loading ??= import(packageName) as Promise<VendorModule>).then(build, (error: unknown) => {
          loading = undefined;
          throw error;
        });
        return (await this.built).getCredential();
      };
    },
  }[kind]!;
  return () => new Source();
}
