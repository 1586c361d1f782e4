import type { RequestListener } from 'node:http';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { closedPort, httpServer, type LoopbackServer } from './helpers.js';
import type { Overrides, Subject } from './subjects.js';

/**
 * Where the fault matrix runs: which emulator, reached how. The rows stay the same; only what differs between
 * arrangements (the options every provider needs, the endpoints of the rows that leave the emulator) comes from here.
 */
export interface MatrixSetup {
  /** Shown in the describe titles; undefined for the plain arrangement. */
  readonly label?: string;
  start(): Promise<MatrixEnvironment>;
  /** One attempt's budget where a row needs an attempt to get through (default 200 ms); the abort rows wait half. */
  readonly attemptTimeoutMs?: number;
  /** Checks run once every row is done, with the environment still up (e.g. what a proxy saw). */
  readonly afterwards?: Readonly<Record<string, (env: MatrixEnvironment, subject: Subject) => Promise<void>>>;
}

export interface MatrixEnvironment {
  /** The emulator, without its quotas (the matrix sends far more than a vendor's quota allows). */
  readonly em: Emulator;
  /** Added to every provider the matrix makes (a row's own overrides win). */
  readonly options: Overrides;
  /** An endpoint where the connection is refused: no request can reach anyone. */
  readonly refusedUrl: string;
  /** An https:// endpoint whose server speaks plain HTTP: the TLS handshake fails. */
  readonly tlsToPlainUrl: string;
  /** A loopback server with this handler (the gzip bomb), reachable with `options` as the emulator is. */
  serve(handler: RequestListener): Promise<LoopbackServer>;
  close(): Promise<void>;
}

/** The matrix as issue 7 wrote it: the plain-http emulator, reached directly. */
export const direct: MatrixSetup = {
  start: async () => {
    const em = await startEmulator({ quota: { tencent: false, aliyun: false, awsIvs: false } });
    return {
      em,
      options: {},
      refusedUrl: `http://127.0.0.1:${await closedPort()}`,
      tlsToPlainUrl: em.url.replace('http:', 'https:'),
      serve: httpServer,
      close: () => em.close(),
    };
  },
};
