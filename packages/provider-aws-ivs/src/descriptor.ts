import { defineProvider } from '@mixtask/core/adapter';
import { awsDefaultCredentials } from './credential-source.js';
import { awsIvsCodeRules } from './errors.js';
import { awsIvsProviderOptionsCodec } from './options.js';
import { awsIvsDefaultEndpoint, awsIvsProtocol, awsIvsRequestsPerSecond, compositionArnIdRule } from './protocol.js';

/** Amazon IVS real-time, described once: the `mixtask` package's config switch, registry, env loader and CLI use this. */
export const awsIvsProvider = defineProvider({
  name: 'aws-ivs',
  stops: 'a composition, by ARN (Amazon IVS real-time, StopComposition)',
  quota: awsIvsRequestsPerSecond,
  // Regional: the endpoint is the options' region's (the signature's scope names it too).
  defaultEndpoint: (options) => awsIvsDefaultEndpoint(options.region),
  optionsCodec: awsIvsProviderOptionsCodec,
  protocol: (options) => awsIvsProtocol({ region: options.region }),
  idRule: compositionArnIdRule,
  codeRules: awsIvsCodeRules,
  // The official names (the AWS CLI and every AWS SDK), so a machine set up for them needs nothing new.
  env: [
    { name: 'AWS_ACCESS_KEY_ID', path: 'credentials.accessKeyId', description: 'the IAM access key id' },
    { name: 'AWS_SECRET_ACCESS_KEY', path: 'credentials.secretAccessKey', description: 'the IAM secret access key' },
    {
      name: 'AWS_SESSION_TOKEN',
      path: 'credentials.sessionToken',
      description: 'the STS session token, with temporary credentials only',
    },
    { name: 'AWS_REGION', path: 'region', description: 'the region of the compositions, e.g. us-east-1' },
  ],
  defaultCredentials: awsDefaultCredentials,
});
