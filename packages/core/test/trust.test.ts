import { afterAll, describe, expect, it } from '@jest/globals';
import type { Agent as HttpsAgent } from 'node:https';
import { createSecureContext } from 'node:tls';
import * as E from 'fp-ts/lib/Either.js';
import { createTransportAgents } from '../src/transport/proxy/proxy-agents.js';
import { trustOnly, withPublicRoots } from '../src/transport/trust.js';
import { testCert } from '@mixtask/test-kit';

/** What Node's https.Agent hands tls.connect for every new socket (its options merged over the request's). */
const agentOptions = (agent: HttpsAgent) => (agent as unknown as { options: Record<string, unknown> }).options;
const SecureContext = createSecureContext().constructor;

describe('extra CAs are one TLS context, made once', () => {
  const made: Array<{ destroy(): void }> = [];
  afterAll(() => made.forEach((agents) => agents.destroy()));

  it('trustOnly gives a secureContext and no ca, so Node does not rebuild the context per connection', () => {
    const options = trustOnly(withPublicRoots(testCert));
    expect(options.secureContext).toBeInstanceOf(SecureContext);
    expect(options).not.toHaveProperty('ca');
  });

  it.each([
    ['direct', undefined],
    ['through a proxy', 'http://127.0.0.1:3128'],
  ])('the https agent %s carries the context, not the PEM list', (_how, proxy) => {
    const built = createTransportAgents({
      endpoint: new URL('https://live.tencentcloudapi.com'),
      proxy: proxy ?? false,
      ca: testCert,
      env: {},
    });
    if (E.isLeft(built)) throw new Error(built.left);
    made.push(built.right);
    const options = agentOptions(built.right.agent.https);
    expect(options['secureContext']).toBeInstanceOf(SecureContext);
    expect(options['ca']).toBeUndefined();
  });
});
