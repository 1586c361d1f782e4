import type { ProviderDescriptor } from '@mixtask/core/adapter';
import { tencentRequestsPerSecond } from './protocol.js';
import type { TencentCredentials, TencentProviderOptions } from './options.js';
import { createTencentProvider, tencentDefinition } from './provider.js';

/** What the `mixtask` package needs to offer Tencent: its config switch, registry, env loader and CLI use this. */
export const tencentProvider: ProviderDescriptor<TencentProviderOptions, TencentCredentials, 'tencent'> = {
  name: 'tencent',
  definition: tencentDefinition,
  quota: tencentRequestsPerSecond,
  create: (options) => createTencentProvider(options),
  // The official names (tencentcloud-sdk-nodejs, tccli), so a machine set up for them needs nothing new.
  env: [
    { name: 'TENCENTCLOUD_SECRET_ID', path: 'credentials.secretId', description: 'the CAM SecretId' },
    { name: 'TENCENTCLOUD_SECRET_KEY', path: 'credentials.secretKey', description: 'the CAM SecretKey' },
    {
      name: 'TENCENTCLOUD_SESSION_TOKEN',
      path: 'credentials.sessionToken',
      description: 'the STS token, with temporary credentials only',
    },
    { name: 'MIXTASK_TENCENT_LANGUAGE', path: 'language', description: "'zh-CN' or 'en-US': the vendor's messages" },
  ],
  cliFlags: [],
};
