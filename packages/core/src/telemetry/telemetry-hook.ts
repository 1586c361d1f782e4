import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { MixError } from '../contract/errors.js';
import type { MixEventListener } from '../contract/events.js';
import type { ProtocolTelemetry } from '../contract/protocol.js';
import type { ProviderName, StopMixOptions, StopMixSuccess } from '../contract/provider.js';
import { createTelemetry, type TelemetryOption } from './telemetry.js';

type StopMix = (id: string, options?: StopMixOptions) => TaskEither<MixError, StopMixSuccess>;

/** What the hook needs of a runner's configuration; the rest passes through untouched. */
interface TracedConfig {
  readonly protocol: { readonly name: ProviderName; readonly telemetry?: ProtocolTelemetry };
  readonly endpoint: URL;
  readonly onEvent: MixEventListener | undefined;
}

/**
 * Builds the runner's stopMix, wrapped in one span per call when telemetry is on. The runner itself knows
 * nothing of OpenTelemetry: the span's events come through the same `onEvent` the app may also listen on.
 * With telemetry off this is exactly `make(config)`.
 */
export function withTelemetry<Config extends TracedConfig>(
  make: (config: Config) => StopMix,
  option: TelemetryOption | undefined,
  config: Config,
): StopMix {
  const plain = make(config);
  const telemetry = createTelemetry(option, {
    provider: config.protocol.name,
    endpoint: config.endpoint,
    ...(config.protocol.telemetry === undefined ? {} : { protocol: config.protocol.telemetry }),
  });
  if (telemetry === undefined) return plain;
  const appListener = config.onEvent;
  return (id, options) => () =>
    telemetry.around((listen) => {
      if (listen === undefined) return plain(id, options)();
      // Telemetry hears each event first; the app's listener may throw, and the runner swallows that.
      const onEvent: MixEventListener =
        appListener === undefined
          ? listen
          : (event) => {
              listen(event);
              appListener(event);
            };
      return make({ ...config, onEvent })(id, options)();
    });
}
