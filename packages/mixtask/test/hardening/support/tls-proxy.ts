import { expect } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { startEmulator, type Emulator } from '@mixtask/emulator';
// The test kit's loopback identity: the gzip-bomb server (the emulator's own faults cannot send a binary body) is
// trusted through `ca` beside the emulator's certificate.
import { startHttpsServer, testCert } from '@mixtask/test-kit';
import { startTappedProxy, type TappedProxy } from '../../access/connect-proxy.js';
import { closedPort, httpServer } from './helpers.js';
import type { MatrixEnvironment, MatrixSetup } from './matrix-setup.js';
import type { Subject } from './subjects.js';

/**
 * The fault matrix against the TLS emulator, reached only through a real CONNECT proxy (issue 13's acceptance).
 * Rows that leave the emulator are adapted, not dropped:
 * - 'connection refused': the client reaches the proxy, and the proxy is refused; it answers the CONNECT with an
 *   error status, so the endpoint is an https:// closed port (an http:// one would be forwarded, not tunnelled).
 * - 'TLS to a plain-http port': a plain HTTP server reached through the tunnel (the emulator itself speaks TLS).
 * - the gzip bomb: served over https with the emulator's identity, so that it too crosses the tunnel.
 * Afterwards, the proxy's byte tap must show CONNECT lines only: no header, key, token, signature or mix id.
 */
export function tlsBehindProxy(): MatrixSetup {
  let proxy: TappedProxy;
  return {
    label: 'TLS behind a CONNECT proxy',
    // Each row's provider opens new tunnels: CONNECT, a TLS handshake, and a secure context built from Node's ~140
    // public roots plus `ca` (~25 ms of CPU each, idle); 200 ms was missed now and then on 2 loaded cores.
    attemptTimeoutMs: 500,
    start: async () => {
      const em = await startEmulator({ tls: true, quota: { tencent: false, aliyun: false, awsIvs: false } });
      proxy = await startTappedProxy();
      const plain = await httpServer((_req, res) => res.writeHead(404).end());
      return {
        em,
        options: { proxy: proxy.url, ca: [em.ca!, testCert] },
        refusedUrl: `https://127.0.0.1:${await closedPort()}`,
        tlsToPlainUrl: `https://127.0.0.1:${plain.port}`,
        serve: startHttpsServer,
        close: async () => {
          await Promise.all([plain.close(), proxy.close()]);
          await em.close();
        },
      };
    },
    afterwards: {
      'the proxy saw only CONNECT host:port: no Authorization, token, signature, key or mix id': async (env, subject) =>
        expectOpaqueTunnels(proxy, env, subject),
    },
  };
}

/** One more stop with temporary credentials (a session token on the wire), then what the proxy was sent. */
async function expectOpaqueTunnels(proxy: TappedProxy, env: MatrixEnvironment, subject: Subject): Promise<void> {
  const { em } = env;
  const id = subject.idFor(em, `tunnelled_${subject.vendor}`);
  await subject.start(em, id);
  const temporary =
    subject.vendor === 'tencent'
      ? em.tencent.issueTemporaryCredentials()
      : subject.vendor === 'aliyun'
        ? em.aliyun.issueTemporaryCredentials()
        : em.awsIvs.issueTemporaryCredentials();
  const result = await subject.make(em, { credentials: temporary, rateLimit: false }).stopMix(id)();
  expect(E.isRight(result)).toBe(true);

  const connects = proxy.connects();
  expect(connects.length).toBeGreaterThan(10);
  for (const line of connects) expect(line).toMatch(/^CONNECT 127\.0\.0\.1:\d+ HTTP\/1\.1$/);
  expect(connects).toContain(`CONNECT ${new URL(em.url).host} HTTP/1.1`);
  const seen = proxy.clientBytes().toLowerCase();
  for (const marker of secretMarkers(em, Object.values(temporary))) expect(seen).not.toContain(marker);
}

/** What a request carries in clear without TLS; latin1-lowercased as the tap's bytes are. */
function secretMarkers(em: Emulator, temporary: readonly unknown[]): string[] {
  return [
    'authorization',
    'tc3-hmac',
    'acs3-hmac',
    'x-tc-',
    'x-acs-',
    'aws4-hmac',
    'x-amz-',
    'signature',
    'hardening_', // the mix ids of the matrix, in the request bodies
    'hardening-', // the same, as a composition ARN's resource id
    'tunnelled_',
    'tunnelled-',
    em.tencent.credentials.secretId,
    em.tencent.credentials.secretKey,
    em.aliyun.credentials.accessKeyId,
    em.aliyun.credentials.accessKeySecret,
    em.awsIvs.credentials.accessKeyId,
    em.awsIvs.credentials.secretAccessKey,
    ...temporary.filter((value): value is string => typeof value === 'string'),
  ].map((marker) => marker.toLowerCase());
}
