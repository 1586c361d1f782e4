import { defineProvider } from '@mixtask/core/adapter';
import { aliyunDefaultCredentials } from './credential-source.js';
import { aliyunCodeRules } from './errors.js';
import { aliyunProviderOptionsCodec } from './options.js';
import { aliyunDefaultEndpoint, aliyunProtocol, aliyunRequestsPerSecond, mpuTaskIdPattern } from './protocol.js';

/** Alibaba Cloud, described once: the `mixtask` package's config switch, registry, env loader and CLI use this. */
export const aliyunProvider = defineProvider({
  name: 'aliyun',
  stops: 'an MPU task (Alibaba Cloud ApsaraVideo Live, StopLiveMPUTask)',
  quota: aliyunRequestsPerSecond,
  defaultEndpoint: aliyunDefaultEndpoint,
  optionsCodec: aliyunProviderOptionsCodec,
  protocol: (options) => aliyunProtocol(options.appId),
  idRule: mpuTaskIdPattern,
  codeRules: aliyunCodeRules,
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
  defaultCredentials: aliyunDefaultCredentials,
});
