import {
  credentialsFromSource,
  type CredentialObject,
  type CredentialSourceInput,
  type DefaultCredentialChain,
} from '@mixtask/core/adapter';
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

/**
 * Tencent's default chain, `new DefaultCredentialProvider()` — Env → Profile → CVM role → TKE OIDC — which
 * `mixTaskConfigFromEnv` falls back to when no key variable is set (docs/credentials.md).
 */
export const tencentDefaultCredentials: DefaultCredentialChain<TencentCredentials> = {
  library: 'tencentcloud-sdk-nodejs-common',
  keyVariables: {
    id: 'TENCENTCLOUD_SECRET_ID',
    secret: 'TENCENTCLOUD_SECRET_KEY',
    token: 'TENCENTCLOUD_SESSION_TOKEN',
  },
  sources: 'the profile file ~/.tencentcloud/credentials, the CVM instance role, TKE OIDC (TKE_* variables)',
  kind: 'DefaultCredentialProvider',
  build: (library) => {
    const Chain = (library.DefaultCredentialProvider ??
      library.default?.DefaultCredentialProvider) as new () => CredentialObject;
    return new Chain();
  },
  adapt: fromTencentCloudCredential,
};
