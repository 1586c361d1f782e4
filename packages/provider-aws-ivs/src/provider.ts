import type { MixTaskProvider } from '@mixtask/core/adapter';
import { awsIvsProvider } from './descriptor.js';
import type { AwsIvsProviderOptions } from './options.js';

/**
 * A MixTaskProvider that stops Amazon IVS real-time compositions (StopComposition) by ARN. It never throws:
 * options that do not validate (a bad `region`, endpoint or credentials shape) make every call a
 * ConfigurationError naming the field, before any request.
 */
export function createAwsIvsProvider(options: AwsIvsProviderOptions): MixTaskProvider {
  return awsIvsProvider.create(options);
}
