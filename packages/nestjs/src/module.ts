import { Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { MixTaskHealthIndicator } from './health.js';
import { createMixTaskInstance, type MixTaskInstance } from './instance.js';
import { queueModule, type MixTaskQueueAsyncOptions, type MixTaskQueueOptions } from './queue.js';
import type {
  MixTaskConfigFactory,
  MixTaskModuleAsyncOptions,
  MixTaskModuleConfig,
  MixTaskModuleOptions,
} from './options.js';
import { defaultMixTaskName, getMixTaskConfigToken, getMixTaskInstanceToken, getMixTaskToken } from './tokens.js';

/**
 * The mixtask module: `forRoot(config)` or `forRootAsync({ imports, inject, useFactory })` once in the app
 * module, then `@InjectMixTask()` wherever a stop is sent. A config that does not parse fails the bootstrap with
 * the ConfigurationError's message; on shutdown the provider is closed (calls in flight settle first).
 */
@Module({})
export class MixTaskModule {
  static forRoot(options: MixTaskModuleOptions): DynamicModule {
    const { name = defaultMixTaskName, isGlobal = false, ...config } = options;
    return dynamicModule(name, isGlobal, [], [{ provide: getMixTaskConfigToken(name), useValue: config }]);
  }

  static forRootAsync(options: MixTaskModuleAsyncOptions): DynamicModule {
    const { name = defaultMixTaskName, isGlobal = false, imports = [] } = options;
    const provide = getMixTaskConfigToken(name);
    const fromClass = (factory: MixTaskConfigFactory) => factory.createMixTaskConfig();
    if ('useFactory' in options) {
      const { useFactory, inject = [] } = options;
      return dynamicModule(name, isGlobal, imports, [{ provide, useFactory, inject }]);
    }
    if ('useClass' in options) {
      const { useClass } = options;
      return dynamicModule(name, isGlobal, imports, [
        { provide: useClass, useClass },
        { provide, useFactory: fromClass, inject: [useClass] },
      ]);
    }
    return dynamicModule(name, isGlobal, imports, [{ provide, useFactory: fromClass, inject: [options.useExisting] }]);
  }

  /**
   * A durable stop queue (`@mixtask/queue`, an optional peer): `@InjectStopQueue(name)` injects its `StopQueue`;
   * with `worker`, this app also runs the stops, through the provider of `forRoot` (or of `instance`). As
   * `@nestjs/bullmq`'s `registerQueue`. Closed on shutdown: the worker first, letting its stops settle.
   */
  static registerQueue(options: MixTaskQueueOptions): DynamicModule {
    const { name, worker, instance, ...config } = options;
    return queueModule(MixTaskModule, { name, worker, instance }, [], { useValue: config });
  }

  static registerQueueAsync(options: MixTaskQueueAsyncOptions): DynamicModule {
    const { name, worker, instance, imports = [], inject = [], useFactory } = options;
    return queueModule(MixTaskModule, { name, worker, instance }, imports, { useFactory, inject });
  }
}

function dynamicModule(
  name: string,
  isGlobal: boolean,
  imports: NonNullable<DynamicModule['imports']>,
  sources: Provider[],
): DynamicModule {
  const instanceToken = getMixTaskInstanceToken(name);
  const providers: Provider[] = [
    ...sources,
    {
      provide: instanceToken,
      useFactory: (config: MixTaskModuleConfig) => createMixTaskInstance(config, name),
      inject: [getMixTaskConfigToken(name)],
    },
    { provide: getMixTaskToken(name), useFactory: (i: MixTaskInstance) => i.provider, inject: [instanceToken] },
    {
      provide: `MixTaskShutdown:${name}`,
      useFactory: (i: MixTaskInstance) => new InstanceShutdown(i),
      inject: [instanceToken],
    },
    MixTaskHealthIndicator,
  ];
  return {
    module: MixTaskModule,
    global: isGlobal,
    imports,
    providers,
    exports: [getMixTaskToken(name), instanceToken, MixTaskHealthIndicator],
  };
}

/**
 * Closes the instance when the app shuts down (`app.close()`, or a signal with `enableShutdownHooks()`): after the
 * HTTP server has stopped taking requests, calls still in flight settle, then the keep-alive sockets and the
 * Redis connection end, so the process exits on its own. As `@nestjs/bullmq` closes its queues.
 */
class InstanceShutdown implements OnApplicationShutdown {
  constructor(private readonly instance: MixTaskInstance) {}

  onApplicationShutdown(): Promise<void> {
    return this.instance.close();
  }
}
