import { credentialsFromSource, type CredentialSourceInput } from '@mixtask/core/adapter';
import type { TencentCredentials } from './options.js';

/**
 * mixtask credentials from a `tencentcloud-sdk-nodejs-common` credential object — `DefaultCredentialProvider`,
 * `CvmRoleCredential`, `OIDCRoleArnCredential`, `ProfileCredential`, `STSCredential`… — or a factory returning
 * one (preferred: a source that failed is then rebuilt). Its `token` becomes `sessionToken` (X-TC-Token).
 */
export function fromTencentCloudCredential(source: CredentialSourceInput): () => Promise<TencentCredentials> {
  return credentialsFromSource<TencentCredentials>(source, {
    library: 'tencentcloud-sdk-nodejs-common',
    fields: [
      { from: 'secretId', to: 'secretId', required: true },
      { from: 'secretKey', to: 'secretKey', required: true },
      { from: 'token', to: 'sessionToken', required: false },
    ],
  });
}
