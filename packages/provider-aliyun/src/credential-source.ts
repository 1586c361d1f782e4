import { credentialsFromSource, type CredentialSourceInput } from '@mixtask/core/adapter';
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
