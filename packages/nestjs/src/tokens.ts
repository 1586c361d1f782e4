import { Inject } from '@nestjs/common';

/** The name of the instance `forRoot()` makes when it is given none. */
export const defaultMixTaskName = 'default';

/**
 * The injection token of a `MixTaskProvider` (or registry) made by `MixTaskModule.forRoot({ name })`: for
 * `moduleRef.get()`, `Test.overrideProvider()` or a factory's `inject`. As `getQueueToken` in `@nestjs/bullmq`.
 */
export function getMixTaskToken(name: string = defaultMixTaskName): string {
  return name === defaultMixTaskName ? 'MixTaskProvider' : `MixTaskProvider:${name}`;
}

/** Where an instance's state for the health indicator lives (not for apps). */
export function getMixTaskInstanceToken(name: string = defaultMixTaskName): string {
  return `MixTaskInstance:${name}`;
}

/** The token of the config `forRootAsync`'s factory returns (not for apps). */
export function getMixTaskConfigToken(name: string = defaultMixTaskName): string {
  return `MixTaskModuleConfig:${name}`;
}

/** Injects the `MixTaskProvider` of `MixTaskModule.forRoot()`, or of `forRoot({ name })` with that name. */
export function InjectMixTask(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getMixTaskToken(name));
}
