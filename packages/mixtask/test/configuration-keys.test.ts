import { describe, expect, it } from '@jest/globals';
import { strictFieldPaths } from '@mixtask/core/adapter';
import * as E from 'fp-ts/lib/Either.js';
import { parseMixTaskConfig, providerDescriptors } from 'mixtask';
import { between, doc, providerPage } from './support/provider-docs.js';

/**
 * docs/configuration.md lists, per provider, exactly the keys its options codec accepts (issue 11): the list is
 * rendered from the codec here, and the doc must hold it verbatim between its markers.
 */
export function renderAcceptedKeys(codec: Parameters<typeof strictFieldPaths>[0]): string {
  const paths = strictFieldPaths(codec);
  const mark = (required: boolean) => (required ? ' (required)' : '');
  return paths
    .filter(({ path }) => !path.includes('.'))
    .map(({ path, required }) => {
      const nested = paths
        .filter((inner) => inner.path.startsWith(`${path}.`))
        .map((inner) => `\`${inner.path.slice(path.length + 1)}\`${mark(inner.required)}`);
      return `- \`${path}\`${mark(required)}${nested.length === 0 ? '' : `; as an object, exactly: ${nested.join(', ')}`}`;
    })
    .join('\n');
}

const configuration = doc('configuration.md');

describe('docs/configuration.md', () => {
  it.each(providerDescriptors.map((d) => [d.name, d] as const))('lists exactly the keys %s accepts', (name, d) => {
    // Here, or on the provider's own page (docs/providers/<name>.md) for a provider added since.
    const listed = between(configuration, `${name}-keys`) ?? between(providerPage(name) ?? '', `${name}-keys`);
    expect(listed).toBe(renderAcceptedKeys(d.definition.optionsCodec));
  });

  it('walks into the nested exact objects', () => {
    const tencent = providerDescriptors.find((d) => d.name === 'tencent');
    const paths = tencent === undefined ? [] : strictFieldPaths(tencent.definition.optionsCodec).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'credentials.sessionToken',
        'retry.maxAttempts',
        'rateLimit.requestsPerSecond',
        'telemetry.meterProvider',
      ]),
    );
  });

  it('shows the message parseMixTaskConfig really gives', () => {
    const parsed = parseMixTaskConfig({
      provider: 'tencent',
      credentials: { secretId: 'AKIDexample', secretKey: 'secret', token: 'sts-token' },
      timeoutMS: 5000,
      retry: { attempts: 5 },
      region: 'ap-guangzhou',
    });
    expect(E.isLeft(parsed)).toBe(true);
    expect(configuration).toContain(E.isLeft(parsed) ? parsed.left.message : 'unreachable');
  });
});
