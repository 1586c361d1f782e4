import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { createAwsIvsProvider, type AwsIvsProviderOptions } from '@mixtask/provider-aws-ivs';

const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example-secret' };
const arn = 'arn:aws:ivs:us-east-1:123456789012:composition/abcd';

async function configurationError(options: unknown) {
  let provider;
  expect(() => {
    provider = createAwsIvsProvider(options as AwsIvsProviderOptions);
  }).not.toThrow();
  const result = await provider!.stopMix(arn)();
  if (E.isRight(result)) throw new Error('expected a failure');
  expect(result.left).toMatchObject({ _tag: 'ConfigurationError', provider: 'aws-ivs', attempts: 0 });
  return result.left.message;
}

describe('createAwsIvsProvider options', () => {
  it('is named aws-ivs', () => {
    expect(createAwsIvsProvider({ region: 'us-east-1', credentials }).name).toBe('aws-ivs');
  });

  it.each([
    ['region', { credentials }],
    ['region', { credentials, region: 'US-EAST-1' }],
    ['region', { credentials, region: 'us-east' }],
    ['credentials', { region: 'us-east-1' }],
    ['credentials.secretAccessKey', { region: 'us-east-1', credentials: { accessKeyId: 'AKIA' } }],
    ['credentials.sessionToken', { region: 'us-east-1', credentials: { ...credentials, sessionToken: '' } }],
    ['endpoint', { region: 'us-east-1', credentials, endpoint: 'http://ivsrealtime.us-east-1.amazonaws.com' }],
    ['rateLimit.requestsPerSecond', { region: 'us-east-1', credentials, rateLimit: { requestsPerSecond: 0 } }],
  ])('names %s when it is wrong, on every call and without throwing', async (path, options) => {
    expect(await configurationError(options)).toContain(`${path}: expected`);
  });

  it('refuses the other SDKs’ names for the key pair and the other providers’ fields, with the right one', async () => {
    const message = await configurationError({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIA', accessKeySecret: 'x', securityToken: 't' },
      appId: 'app',
    });
    expect(message).toContain('credentials.accessKeySecret: unknown field; did you mean secretAccessKey?');
    expect(message).toContain('credentials.securityToken: unknown field; did you mean sessionToken?');
    expect(message).toContain('appId: unknown field; only the Aliyun provider takes appId');
  });
});
