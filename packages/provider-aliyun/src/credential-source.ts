import {
  credentialsFromSource,
  type CredentialObject,
  type CredentialSourceInput,
  type DefaultCredentialChain,
} from '@mixtask/core/adapter';
import type { AliyunCredentials } from './options.js';

/**
 * mixtask credentials from an `@alicloud/credentials` `Credential` (its default chain, or one built for RAM role,
 * OIDC/RRSA, ECS role, credentials URI…), or a factory returning one — preferred: after one failure the default
 * chain sticks to its last provider, so a fresh one is built instead. `securityToken` is kept as is.
 */
export function fromAlibabaCloudCredentials(source: CredentialSourceInput): () => Promise<AliyunCredentials> {
  return credentialsFromSource<AliyunCredentials>(source, {
    library: '@alicloud/credentials',
    fields: [
      { from: 'accessKeyId', to: 'accessKeyId', required: true },
      { from: 'accessKeySecret', to: 'accessKeySecret', required: true },
      { from: 'securityToken', to: 'securityToken', required: false },
    ],
    providerNameField: 'providerName',
  });
}

/**
 * Alibaba's default chain, `new Credential()` with no config (the CommonJS default export's `default`), which
 * `mixTaskConfigFromEnv` falls back to when no key variable is set (docs/credentials.md).
 */
export const aliyunDefaultCredentials: DefaultCredentialChain<AliyunCredentials> = {
  library: '@alicloud/credentials',
  keyVariables: {
    id: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
    secret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    token: 'ALIBABA_CLOUD_SECURITY_TOKEN',
  },
  sources:
    'OIDC/RRSA (ALIBABA_CLOUD_ROLE_ARN, _OIDC_PROVIDER_ARN, _OIDC_TOKEN_FILE), ~/.aliyun/config.json, ' +
    '~/.alibabacloud/credentials, the ECS RAM role, ALIBABA_CLOUD_CREDENTIALS_URI',
  kind: 'DefaultCredentialsProvider',
  build: (library) => {
    const Credential = (library.default?.default ?? library.default) as new () => CredentialObject;
    return new Credential();
  },
  adapt: fromAlibabaCloudCredentials,
};
