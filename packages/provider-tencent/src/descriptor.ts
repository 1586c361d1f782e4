import { defineProvider } from '@mixtask/core/adapter';
import { tencentDefaultCredentials } from './credential-source.js';
import { tencentCodeRules } from './errors.js';
import { tencentProviderOptionsCodec } from './options.js';
import {
  mixStreamSessionIdPattern,
  tencentDefaultEndpoint,
  tencentProtocol,
  tencentRequestsPerSecond,
} from './protocol.js';

/** Tencent Cloud, described once: the `mixtask` package's config switch, registry, env loader and CLI use this. */
export const tencentProvider = defineProvider({
  name: 'tencent',
  stops: 'a mix session (Tencent Cloud Live, CancelCommonMixStream)',
  quota: tencentRequestsPerSecond,
  defaultEndpoint: tencentDefaultEndpoint,
  optionsCodec: tencentProviderOptionsCodec,
  protocol: (options) => tencentProtocol(options.language === undefined ? {} : { language: options.language }),
  idRule: mixStreamSessionIdPattern,
  codeRules: tencentCodeRules,
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
  defaultCredentials: tencentDefaultCredentials,
});
