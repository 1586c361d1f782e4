import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { isMixError, type MixTaskProvider } from '@mixtask/core';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { httpServer, settle, type LoopbackServer } from './support/helpers.js';
import {
  aliyunExpectation,
  codePrefixes,
  knownCodes,
  tencentExpectation,
  type Expectation,
  type ServedResponse,
} from './support/oracle.js';

/**
 * Random statuses, headers and bodies from a loopback server: whatever comes back, stopMix resolves to a Left or a
 * Right, never throws, and its tag agrees with the status and the vendor code as docs/errors.md says.
 */

const alnum = fc.stringMatching(/^[A-Za-z0-9]{1,12}$/);
const code = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...knownCodes) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...codePrefixes), alnum).map(([p, s]) => `${p}${s}`) },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '  ', ' Throttling', 'throttling', 'InternalError ') },
);
const text = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const wrongType = fc.oneof(
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);
/** Mostly the right type, sometimes not: the decoders must refuse, not crash. */
const field = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 8, arbitrary: arb as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: wrongType });

const tencentEnvelope = fc.record(
  {
    Response: field(
      fc.record(
        {
          RequestId: field(text),
          Error: field(fc.record({ Code: field(code), Message: field(text) }, { requiredKeys: [] })),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);
const aliyunEnvelope = fc.record(
  {
    RequestId: field(text),
    HostId: field(text),
    Code: field(code),
    Message: field(text),
    Recommend: field(text),
  },
  { requiredKeys: [] },
);
/** Envelopes of either vendor with fields missing or of the wrong type. */
const mangledEnvelope = fc.oneof(tencentEnvelope, aliyunEnvelope).map((value) => JSON.stringify(value));

const garbageBody = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.tuple(mangledEnvelope, fc.nat()).map(([json, n]) => json.slice(0, n % (json.length + 1))),
  },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme' }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '[]', '{}', '<html><body>Bad Gateway</body></html>') },
);

/** Statuses a server can send with a body (no 1xx, 204, 205, 304). */
const anyStatus = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(200, 200, 200, 201, 400, 401, 403, 404, 408, 429, 500, 502, 503, 504) },
  { weight: 2, arbitrary: fc.integer({ min: 200, max: 599 }).filter((s) => ![204, 205, 304].includes(s)) },
  { weight: 1, arbitrary: fc.integer({ min: 600, max: 999 }) },
);
const errorStatus = fc.constantFrom(400, 401, 403, 404, 408, 429, 500, 502, 503);

/** What each vendor really sends (successes, coded errors), next to mangled envelopes and plain garbage. */
const shaped = {
  tencent: fc.oneof(
    fc.record({
      status: fc.constantFrom(200, 200, 200, 201, 500),
      body: fc.uuid().map((id) => JSON.stringify({ Response: { RequestId: id } })),
    }),
    fc.record({
      status: fc.oneof({ weight: 4, arbitrary: fc.constant(200) }, { weight: 1, arbitrary: errorStatus }),
      body: fc
        .tuple(code, text, fc.option(fc.uuid(), { nil: undefined }))
        .map(([Code, Message, RequestId]) => JSON.stringify({ Response: { Error: { Code, Message }, RequestId } })),
    }),
  ),
  aliyun: fc.oneof(
    fc.record({
      status: fc.constantFrom(200, 200, 200, 202, 500),
      body: fc
        .tuple(fc.uuid(), fc.option(text, { nil: undefined }))
        .map(([RequestId, HostId]) => JSON.stringify({ RequestId, HostId })),
    }),
    fc.record({
      status: fc.oneof({ weight: 4, arbitrary: errorStatus }, { weight: 1, arbitrary: fc.constant(200) }),
      body: fc
        .tuple(code, text, fc.option(fc.uuid(), { nil: undefined }), fc.option(text, { nil: undefined }))
        .map(([Code, Message, RequestId, Recommend]) => JSON.stringify({ RequestId, Code, Message, Recommend })),
    }),
  ),
};

const headerValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,30}[\x21-\x7e])?$/);
const headers = fc
  .tuple(
    fc.record(
      {
        'retry-after': fc.oneof(
          fc.nat(100).map(String),
          fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
          fc.constantFrom('0', '1.5', '-1', 'soon', '99999999999'),
          headerValue,
        ),
        'x-acs-retry-after': fc.oneof(fc.nat(5000).map(String), fc.constantFrom('0', '-5', 'x', '1e3'), headerValue),
        'x-acs-request-id': fc.oneof(fc.uuid(), fc.constantFrom('', 'req-from-header')),
        'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/html'),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(
      alnum.map((n) => `x-fuzz-${n.toLowerCase()}`),
      headerValue,
      { maxKeys: 3 },
    ),
  )
  .map(([known, extra]) => ({ ...extra, ...known }) as Record<string, string>);

const responseFor = (vendor: 'tencent' | 'aliyun'): fc.Arbitrary<ServedResponse> =>
  fc
    .tuple(
      fc.oneof(
        { weight: 4, arbitrary: shaped[vendor] },
        { weight: 2, arbitrary: fc.record({ status: anyStatus, body: mangledEnvelope }) },
        { weight: 2, arbitrary: fc.record({ status: anyStatus, body: garbageBody }) },
      ),
      headers,
    )
    .map(([answer, h]) => ({ ...answer, headers: h }));

let server: LoopbackServer;
let planned: ServedResponse = { status: 200, headers: {}, body: '' };
beforeAll(async () => {
  server = await httpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(planned.status, planned.headers);
      res.end(planned.body);
    });
  });
});
afterAll(() => server.close());

const providers: {
  name: 'tencent' | 'aliyun';
  make: () => MixTaskProvider;
  expect: (r: ServedResponse) => Expectation;
}[] = [
  {
    name: 'tencent',
    make: () =>
      createTencentProvider({
        credentials: { secretId: 'AKIDfuzz', secretKey: 'fuzz-key' },
        endpoint: server.url,
        retry: false,
        rateLimit: false,
        timeoutMs: 5000,
      }),
    expect: tencentExpectation,
  },
  {
    name: 'aliyun',
    make: () =>
      createAliyunProvider({
        credentials: { accessKeyId: 'LTAIfuzz', accessKeySecret: 'fuzz-secret' },
        appId: 'fuzz-app',
        endpoint: server.url,
        retry: false,
        rateLimit: false,
        timeoutMs: 5000,
      }),
    expect: aliyunExpectation,
  },
];

describe.each(providers)('$name: any response is an Either whose tag fits the status and code', (subject) => {
  it('random statuses, headers and bodies', async () => {
    const provider = subject.make();
    const seen = { right: 0, byCode: 0, byStatus: 0 };
    await fc.assert(
      fc.asyncProperty(responseFor(subject.name), async (served) => {
        planned = served;
        const { result } = await settle(provider, 'room_1');
        // What the client receives: header values trimmed by the HTTP parser.
        const received = {
          ...served,
          headers: Object.fromEntries(Object.entries(served.headers).map(([k, v]) => [k, v.trim()])),
        };
        const expected = subject.expect(received);
        seen[expected.kind === 'right' ? 'right' : expected.providerCode === undefined ? 'byStatus' : 'byCode'] += 1;
        if (expected.kind === 'right') {
          expect(E.isRight(result) ? result.right : result.left.message).toEqual({
            provider: subject.name,
            id: 'room_1',
            requestId: expected.requestId,
            outcome: 'stopped',
            attempts: 1,
          });
          return;
        }
        if (E.isRight(result)) throw new Error(`a ${served.status} passed for a stop: ${served.body.slice(0, 200)}`);
        const error = result.left;
        expect(isMixError(error)).toBe(true);
        expect({
          tag: error._tag,
          retryable: error.retryable,
          attempts: error.attempts,
          httpStatus: error.httpStatus,
          providerCode: error.providerCode,
        }).toEqual({
          tag: expected.tag,
          retryable: expected.retryable,
          attempts: 1,
          httpStatus: expected.httpStatus,
          providerCode: expected.providerCode,
        });
        if (expected.requestId !== undefined) expect(error.requestId).toBe(expected.requestId);
        if (expected.retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(expected.retryAfterMs);
        if (error.retryAfterMs !== undefined) expect(error.retryAfterMs).toBeGreaterThanOrEqual(0);
        expect(typeof JSON.stringify(error)).toBe('string');
      }),
      { numRuns: 300 },
    );
    // Not vacuous: successes, vendor codes and bare statuses were all exercised.
    expect(Math.min(seen.right, seen.byCode, seen.byStatus)).toBeGreaterThanOrEqual(10);
  });
});

describe('garbage instead of HTTP', () => {
  let tcp: { url: string; close: () => Promise<void> };
  let bytes: Buffer = Buffer.alloc(0);
  beforeAll(async () => {
    const sockets = new Set<Socket>();
    const raw = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
      socket.once('data', () => socket.end(bytes));
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    tcp = {
      url: `http://127.0.0.1:${(raw.address() as AddressInfo).port}`,
      close: () =>
        new Promise<void>((resolve) => {
          raw.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        }),
    };
  });
  afterAll(() => tcp.close());

  it.each(['tencent', 'aliyun'])('%s: random bytes on the socket are a Left, never a throw', async (name) => {
    const options = { endpoint: tcp.url, retry: false as const, rateLimit: false as const, timeoutMs: 2000 };
    const provider =
      name === 'tencent'
        ? createTencentProvider({ ...options, credentials: { secretId: 'AKIDfuzz', secretKey: 'k' } })
        : createAliyunProvider({
            ...options,
            appId: 'app',
            credentials: { accessKeyId: 'LTAI', accessKeySecret: 's' },
          });
    const statusLine = fc.constantFrom('', 'HTTP/1.1 200 OK\r\n', 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n');
    await fc.assert(
      fc.asyncProperty(statusLine, fc.uint8Array({ maxLength: 300 }), async (head, tail) => {
        bytes = Buffer.concat([Buffer.from(head), Buffer.from(tail)]);
        const { result } = await settle(provider, 'room_1');
        if (E.isLeft(result)) {
          expect(['NetworkError', 'MalformedResponse', 'Timeout', 'ProviderUnavailable']).toContain(result.left._tag);
          expect(result.left.attempts).toBe(1);
        }
      }),
      { numRuns: 60 },
    );
  });
});
