import { Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { MixTaskHealthIndicator } from './health.js';
import { createMixTaskInstance, type MixTaskInstance } from './instance.js';
import { queueModule, type MixTaskQueueAsyncOptions, type MixTaskQueueOptions } from './queue.js';
import type { MixTaskModuleAsyncOptions, MixTaskModuleConfig, MixTaskModuleOptions } from './options.js';
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
    const source: Provider = { provide: getMixTaskConfigToken(name), useValue: config as MixTaskModuleConfig };
    return dynamicModule(name, isGlobal, [], source);
  }

  static forRootAsync(options: MixTaskModuleAsyncOptions): DynamicModule {
    const { name = defaultMixTaskName, isGlobal = false, imports = [], inject = [], useFactory } = options;
    const source: Provider = { provide: getMixTaskConfigToken(name), useFactory, inject };
    return dynamicModule(name, isGlobal, imports, source);
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
  source: Provider,
): DynamicModule {
  const instanceToken = getMixTaskInstanceToken(name);
  const providers: Provider[] = [
    source,
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
