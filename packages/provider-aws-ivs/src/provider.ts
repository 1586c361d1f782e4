import { createProvider, type MixTaskProvider, type ProviderDefinition } from '@mixtask/core/adapter';
import { awsIvsProviderOptionsCodec, type AwsCredentials, type AwsIvsProviderOptions } from './options.js';
import { awsIvsProtocol } from './protocol.js';

export const awsIvsDefinition: ProviderDefinition<AwsIvsProviderOptions, AwsCredentials> = {
  name: 'aws-ivs',
  optionsCodec: awsIvsProviderOptionsCodec,
  protocol: (options) => awsIvsProtocol({ region: options.region }),
};

/**
 * A MixTaskProvider that stops Amazon IVS real-time compositions (StopComposition) by ARN. It never throws:
 * options that do not validate (a bad `region`, endpoint or credentials shape) make every call a
 * ConfigurationError naming the field, before any request.
 */
export function createAwsIvsProvider(options: AwsIvsProviderOptions): MixTaskProvider {
  return createProvider(awsIvsDefinition, options);
}
