import type { ProviderDescriptor } from '@mixtask/core/adapter';
import { aliyunRequestsPerSecond } from './protocol.js';
import type { AliyunCredentials, AliyunProviderOptions } from './options.js';
import { aliyunDefinition, createAliyunProvider } from './provider.js';

/** What the `mixtask` package needs to offer Aliyun: its config switch, registry, env loader and CLI use this. */
export const aliyunProvider: ProviderDescriptor<AliyunProviderOptions, AliyunCredentials, 'aliyun'> = {
  name: 'aliyun',
  definition: aliyunDefinition,
  quota: aliyunRequestsPerSecond,
  create: (options) => createAliyunProvider(options),
  // The official names (Alibaba Cloud CLI and SDKs' credential chain), so a machine set up for them needs nothing new.
  env: [
    { name: 'ALIBABA_CLOUD_ACCESS_KEY_ID', path: 'credentials.accessKeyId', description: 'the AccessKey ID' },
    {
      name: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
      path: 'credentials.accessKeySecret',
      description: 'the AccessKey secret',
    },
    {
      name: 'ALIBABA_CLOUD_SECURITY_TOKEN',
      path: 'credentials.securityToken',
      description: 'the STS token, with temporary credentials only',
    },
    { name: 'MIXTASK_ALIYUN_APP_ID', path: 'appId', description: 'the ApsaraVideo Live AppId of the MPU tasks' },
  ],
  cliFlags: [{ name: 'app-id', env: 'MIXTASK_ALIYUN_APP_ID', valueName: 'id', description: 'the Live AppId' }],
};
