import type { ProviderDescriptor } from '@mixtask/core/adapter';
import { awsIvsRequestsPerSecond } from './protocol.js';
import type { AwsCredentials, AwsIvsProviderOptions } from './options.js';
import { awsIvsDefinition, createAwsIvsProvider } from './provider.js';

/**
 * What the `mixtask` package needs to offer Amazon IVS: its config switch, registry, env loader and CLI use this.
 * Everything the descriptor says is in this one file, so moving it to another descriptor API is one edit.
 */
export const awsIvsProvider: ProviderDescriptor<AwsIvsProviderOptions, AwsCredentials, 'aws-ivs'> = {
  name: 'aws-ivs',
  definition: awsIvsDefinition,
  quota: awsIvsRequestsPerSecond,
  create: (options) => createAwsIvsProvider(options),
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
  cliFlags: [],
};
