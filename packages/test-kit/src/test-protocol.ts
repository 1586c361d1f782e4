import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  classifyByStatus,
  codeClassifier,
  credentialString,
  parseJsonBody,
  type ProviderProtocol,
} from '@mixtask/core/adapter';

export interface TestCredentials {
  readonly key: string;
  readonly secret: string;
}

const classify = codeClassifier([
  { tag: 'SessionNotFound', codes: ['NotFound'] },
  { tag: 'RateLimited', codes: ['Busy'] },
  { tag: 'ProviderUnavailable', codes: ['Oops'] },
  { tag: 'InvalidArgument', codes: ['Bad'] },
  { tag: 'AuthenticationFailed', codes: ['NonceUsed'], retryable: true },
]);

const envelope = t.intersection([t.type({ requestId: t.string }), t.partial({ code: t.string, message: t.string })]);

/** A minimal vendor: JSON in, JSON out, the "signature" is the secret's length (never the secret). */
export const testProtocol: ProviderProtocol<TestCredentials> = {
  name: 'test',
  defaultEndpoint: 'https://example.invalid',
  defaultRequestsPerSecond: 1000,
  credentialsCodec: t.type({ key: credentialString, secret: credentialString }),
  validateId: (id) =>
    typeof id === 'string' && /^[a-z0-9_]{1,20}$/.test(id)
      ? E.right(id)
      : E.left({ tag: 'InvalidArgument', reason: 'bad id' }),
  buildRequest: ({ id, credentials, endpoint, timestampMs, nonce }) => ({
    method: 'POST',
    url: new URL('/', endpoint).toString(),
    headers: {
      'content-type': 'application/json',
      'x-key': credentials.key,
      'x-time': String(timestampMs),
      'x-nonce': nonce,
      authorization: `SIGNATURE-${credentials.secret.length}`,
    },
    body: JSON.stringify({ id }),
  }),
  readResponse: (response) => {
    const parsed = E.flatMap(parseJsonBody(response.body), (json) =>
      E.mapLeft(() => 'not an envelope')(envelope.decode(json)),
    );
    if (E.isLeft(parsed)) return E.left(classifyByStatus(response, parsed.left));
    const body = parsed.right;
    if (body.code === undefined) return E.right({ requestId: body.requestId });
    const match = classify(body.code);
    // Reported on every coded answer, as a vendor header would be: the runner decides whether it counts.
    const header = response.headers['x-test-retry-after'];
    const retryAfterMs = typeof header === 'string' ? Number(header) : undefined;
    return E.left({
      ...match,
      providerCode: body.code,
      requestId: body.requestId,
      httpStatus: response.status,
      ...(body.message === undefined ? {} : { providerMessage: body.message }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  },
};
