import {
  Inject,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type OptionalFactoryDependency,
  type Provider,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { MixTaskProvider } from 'mixtask';
import { getMixTaskToken } from './tokens.js';

/** The optional peer that holds durable stops: loaded by name, only by an app that registers a queue. */
export const queuePackage = '@mixtask/queue';

/** What `@mixtask/queue` gives, as far as this module uses it (its own types stay its own: it is optional). */
interface QueuePackage {
  createStopQueue(options: object): { close(): () => Promise<unknown> };
  createStopWorker(options: object): { close(): Promise<void> };
}

/** The worker's settings, passed to `createStopWorker` as given (see @mixtask/queue). */
export interface MixTaskQueueWorkerOptions {
  readonly concurrency?: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- @mixtask/queue's StopJobResult, an optional peer
  readonly onResult?: (result: any) => void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- @mixtask/queue's StopQueueError
  readonly onError?: (error: any) => void;
  readonly horizonMs?: number;
  readonly retry?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number };
  readonly lockDurationMs?: number;
}

/** A queue's connection, as `createStopQueue` takes it. */
export interface MixTaskQueueConfig {
  /** A `redis://`/`rediss://` URL, or an ioredis client the app owns. */
  readonly redis: unknown;
  /** BullMQ's key prefix. Default `bull`. */
  readonly prefix?: string;
  /** How long one queue call may wait for Redis. Default 5000 ms. */
  readonly timeoutMs?: number;
}

/** Static: Nest needs the tokens before any factory runs. */
export interface MixTaskQueueScope {
  /** The queue's name in Redis, and its injection name: `@InjectStopQueue(name)`. Default `mixtask-stops`. */
  readonly name?: string;
  /** Run a worker in this app, stopping through the `MixTaskModule` instance `instance` (default the default). */
  readonly worker?: boolean | MixTaskQueueWorkerOptions;
  /** The `MixTaskModule.forRoot({ name })` whose provider the worker stops with. */
  readonly instance?: string;
}

export type MixTaskQueueOptions = MixTaskQueueConfig & MixTaskQueueScope;

export interface MixTaskQueueAsyncOptions extends MixTaskQueueScope {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: (InjectionToken | OptionalFactoryDependency)[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Nest passes the injected values positionally
  readonly useFactory: (...args: any[]) => MixTaskQueueConfig | Promise<MixTaskQueueConfig>;
}

const defaultQueueName = 'mixtask-stops';

/** The injection token of a registered queue's `StopQueue`, as `getQueueToken` in `@nestjs/bullmq`. */
export function getStopQueueToken(name: string = defaultQueueName): string {
  return `MixTaskStopQueue:${name}`;
}

/** Injects the `StopQueue` of `MixTaskModule.registerQueue({ name })`. */
export function InjectStopQueue(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getStopQueueToken(name));
}

/** The module `registerQueue`/`registerQueueAsync` return (their `module` is MixTaskModule's). */
export function queueModule(
  module: DynamicModule['module'],
  scope: MixTaskQueueScope,
  imports: NonNullable<DynamicModule['imports']>,
  config:
    | { readonly useValue: MixTaskQueueConfig }
    | {
        readonly useFactory: MixTaskQueueAsyncOptions['useFactory'];
        readonly inject: MixTaskQueueAsyncOptions['inject'];
      },
): DynamicModule {
  const name = scope.name ?? defaultQueueName;
  const configToken = `MixTaskStopQueueConfig:${name}`;
  const token = getStopQueueToken(name);
  const providers: Provider[] = [
    { provide: configToken, ...config } as Provider,
    {
      provide: token,
      inject: [configToken],
      useFactory: async (c: MixTaskQueueConfig) => (await loadQueuePackage()).createStopQueue({ ...c, name }),
    },
    {
      provide: `MixTaskStopQueueShutdown:${name}`,
      inject: [token],
      useFactory: (queue: { close(): () => Promise<unknown> }) => ({
        // After the worker (beforeApplicationShutdown) and before the provider: the queue's Redis client quits.
        onApplicationShutdown: async () => void (await queue.close()()),
      }),
    },
  ];
  if (scope.worker !== undefined && scope.worker !== false) {
    const workerOptions = scope.worker === true ? {} : scope.worker;
    providers.push({
      provide: `MixTaskStopWorker:${name}`,
      inject: [configToken, ModuleRef],
      useFactory: (c: MixTaskQueueConfig, moduleRef: ModuleRef) =>
        new WorkerHost(async () => {
          // Found once every module is made: the MixTaskModule instance need not be global nor imported here.
          const provider = moduleRef.get<MixTaskProvider>(getMixTaskToken(scope.instance), { strict: false });
          return (await loadQueuePackage()).createStopWorker({
            ...workerOptions,
            redis: c.redis,
            ...(c.prefix === undefined ? {} : { prefix: c.prefix }),
            name,
            provider,
          });
        }),
    });
  }
  return { module, imports, providers, exports: [token] };
}

/**
 * Starts the worker once the app is bootstrapped (a bad option fails `app.init()`), and closes it in
 * `beforeApplicationShutdown`, which Nest runs for every module before any `onApplicationShutdown`: it stops taking
 * jobs and lets the ones in flight settle while the provider they stop with is still open.
 */
class WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  #worker: { close(): Promise<void> } | undefined;

  constructor(private readonly start: () => Promise<{ close(): Promise<void> }>) {}

  async onApplicationBootstrap(): Promise<void> {
    this.#worker = await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.#worker?.close();
  }
}

async function loadQueuePackage(): Promise<QueuePackage> {
  try {
    return (await import(queuePackage)) as QueuePackage;
  } catch {
    throw new Error(`MixTaskModule.registerQueue needs ${queuePackage}: npm install ${queuePackage}`);
  }
}
