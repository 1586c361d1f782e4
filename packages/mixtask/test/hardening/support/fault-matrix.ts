import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import type { Emulator } from '@mixtask/emulator';
import { deadlineMs, timeoutMs } from './budgets.js';
import { activeTimers, silentTcpServer, type LoopbackServer } from './helpers.js';
import { direct, type MatrixEnvironment, type MatrixSetup } from './matrix-setup.js';
import { abortScenario } from './scenarios/abort.js';
import { deadlineScenario } from './scenarios/deadline.js';
import { faultScenario } from './scenarios/faults.js';
import { leftBehindScenario } from './scenarios/left-behind.js';
import { retryAfterScenario } from './scenarios/retry-after.js';
import { retryOnceScenario } from './scenarios/retry-once.js';
import type { Overrides, Subject } from './subjects.js';

const plainBase: Overrides = {
  rateLimit: false,
  timeoutMs,
  deadlineMs,
  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 20 },
};

/** What every scenario of the matrix works with: one provider's subject in one setup, and the servers it runs on. */
export interface MatrixContext {
  readonly subject: Subject;
  readonly setup: MatrixSetup;
  readonly title: string;
  /** The base options of every provider the matrix makes (small budgets, no rate limit). */
  readonly base: Overrides;
  /** One attempt's budget in this setup. */
  readonly attemptMs: number;
  /** Every call of the matrix carries this signal: its abort listeners must not pile up. */
  readonly shared: AbortController;
  /** A new id, started on the emulator unless `start` is false. */
  freshId(start?: boolean): Promise<string>;
  /** Requests the emulator received for this subject's vendor. */
  received(): number;
  /** Set up before the scenarios' tests run. */
  readonly em: Emulator;
  readonly env: MatrixEnvironment;
  readonly silent: LoopbackServer;
  readonly timersAtStart: number;
}

/**
 * The fault matrix of issue 7, for one provider against the emulator's fault injection. Every row asserts the tag,
 * `retryable`, `attempts` and `httpStatus` of errors.md, that the call never rejects, and that it ends within its
 * bounds; the big-body rows also that memory stays bounded. One scenario per file, under ./scenarios.
 */
export function faultMatrix(plain: Subject, options: { readonly setup?: MatrixSetup } = {}): void {
  const setup = options.setup ?? direct;
  let env: MatrixEnvironment;
  let silent: LoopbackServer;
  let timersAtStart: number;
  // Every provider the matrix makes carries the setup's options (e.g. proxy and ca), under the row's own.
  const subject: Subject = {
    ...plain,
    make: (e, overrides = {}, transport) =>
      plain.make(e, { ...env.options, ...(overrides as object) } as Overrides, transport),
  };
  // A setup whose connections are slow to open (TLS through a proxy) gives each attempt more time to get through.
  const attemptMs = setup.attemptTimeoutMs ?? timeoutMs;
  let counter = 0;
  const ctx: MatrixContext = {
    subject,
    setup,
    title: setup.label === undefined ? subject.vendor : `${subject.vendor} (${setup.label})`,
    base: { ...plainBase, timeoutMs: attemptMs },
    attemptMs,
    shared: new AbortController(),
    freshId: async (start = true) => {
      const id = subject.idFor(env.em, `hardening_${subject.vendor}_${counter++}`);
      if (start) await subject.start(env.em, id);
      return id;
    },
    received: () => env.em.requests().filter((r) => r.vendor === subject.vendor).length,
    get em() {
      return env.em;
    },
    get env() {
      return env;
    },
    get silent() {
      return silent;
    },
    get timersAtStart() {
      return timersAtStart;
    },
  };

  beforeAll(async () => {
    timersAtStart = activeTimers();
    env = await setup.start();
    silent = await silentTcpServer();
  });
  afterAll(async () => {
    await silent.close();
    await env.close();
  });
  beforeEach(() => {
    env.em.clearFaults();
    env.em.clearRequests();
  });

  faultScenario(ctx);
  retryOnceScenario(ctx);
  retryAfterScenario(ctx);
  abortScenario(ctx);
  deadlineScenario(ctx);
  leftBehindScenario(ctx);
}
