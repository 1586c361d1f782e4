import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as E from 'fp-ts/lib/Either.js';
import { stopMixes } from '@mixtask/core';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import {
  createMixTaskProvider,
  createMixTaskRegistry,
  envVariables,
  mixTaskConfigFromEnv,
  parseMixTaskConfig,
  providerNames,
} from 'mixtask';

/**
 * Amazon IVS reaches the umbrella through its descriptor and one line in providers.ts: the config switch, the
 * environment loader, the registry with ARNs as ids, stopMixes under the 5/s quota and telemetry, with no code of
 * its own in this package.
 */
let em: Emulator;
beforeAll(async () => {
  em = await startEmulator();
});
afterAll(async () => {
  await em.close();
});

const awsEnv = () => ({
  MIXTASK_PROVIDER: 'aws-ivs',
  MIXTASK_ENDPOINT: em.url,
  AWS_ACCESS_KEY_ID: em.awsIvs.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: em.awsIvs.credentials.secretAccessKey,
  AWS_REGION: em.awsIvs.region,
});

describe('the config switch and the environment loader', () => {
  it('lists aws-ivs and its AWS_* variables', () => {
    expect(providerNames).toContain('aws-ivs');
    expect(envVariables['aws-ivs']?.map((v) => v.name)).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_REGION',
    ]);
  });

  it('reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_REGION', () => {
    const config = mixTaskConfigFromEnv({ ...awsEnv(), AWS_SESSION_TOKEN: 'token' });
    expect(E.isRight(config) && config.right).toMatchObject({
      provider: 'aws-ivs',
      region: em.awsIvs.region,
      credentials: { ...em.awsIvs.credentials, sessionToken: 'token' },
    });
  });

  it('names the variable of a bad or missing region, and of half a key pair', () => {
    const badRegion = mixTaskConfigFromEnv({ ...awsEnv(), AWS_REGION: 'Frankfurt' });
    expect(E.isLeft(badRegion) && badRegion.left.message).toContain('AWS_REGION: expected an AWS region');
    const { AWS_REGION: _region, ...noRegion } = awsEnv();
    const missing = mixTaskConfigFromEnv(noRegion);
    expect(E.isLeft(missing) && missing.left.message).toContain('AWS_REGION');
    const { AWS_SECRET_ACCESS_KEY: _secret, ...half } = awsEnv();
    const halfPair = mixTaskConfigFromEnv(half);
    expect(E.isLeft(halfPair) && halfPair.left.message).toContain('AWS_SECRET_ACCESS_KEY is not set');
  });

  it('falls back to fromNodeProviderChain when no key is set and @aws-sdk/credential-providers is installed', async () => {
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...noKeys } = awsEnv();
    const config = mixTaskConfigFromEnv(noKeys);
    if (E.isLeft(config)) throw new Error(config.left.message);
    expect(typeof config.right.credentials).toBe('function');
    // The chain reads the process's own environment: give it the emulator's key there, for this call only.
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = em.awsIvs.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = em.awsIvs.credentials.secretAccessKey;
    try {
      const provider = createMixTaskProvider(config.right);
      const result = await provider.stopMix(await em.awsIvs.createComposition())();
      expect(E.isRight(result) && result.right.outcome).toBe('stopped');
      await provider.close();
    } finally {
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('checks a config with the provider’s own codec', () => {
    const bad = parseMixTaskConfig({ provider: 'aws-ivs', credentials: { accessKeyId: 'a', secretKey: 'b' } });
    const message = E.isLeft(bad) ? bad.left.message : '';
    expect(message).toContain('credentials.secretKey: unknown field; did you mean secretAccessKey?');
    expect(message).toContain('region: expected an AWS region such as us-east-1, got nothing');
  });
});

describe('the registry', () => {
  it("routes 'aws-ivs:arn:aws:ivs:…' to IVS, the ARN keeping its own colons", async () => {
    const registry = createMixTaskRegistry({
      'aws-ivs': { region: em.awsIvs.region, credentials: em.awsIvs.credentials, endpoint: em.url },
      tencent: { credentials: em.tencent.credentials, endpoint: em.url },
    });
    const arn = await em.awsIvs.createComposition();
    const stopped = await registry.stopMix(`aws-ivs:${arn}`)();
    expect(E.isRight(stopped) && stopped.right.outcome).toBe('stopped');
    const again = await registry.stopMix(`aws-ivs:${arn}`)();
    expect(E.isLeft(again) && again.left).toMatchObject({ _tag: 'SessionNotFound', provider: 'aws-ivs', id: arn });
    const wrongRegion = await registry.stopMix(`aws-ivs:${arn.replace(em.awsIvs.region, 'eu-west-1')}`)();
    expect(E.isLeft(wrongRegion) && wrongRegion.left).toMatchObject({ _tag: 'InvalidArgument', attempts: 0 });
    await registry.close();
  });
});

describe('stopMixes under the 5/s quota', () => {
  it('stops 12 compositions with the default limiter and never meets ThrottlingException', async () => {
    // An emulator of its own: the quota is per account, and the other tests' calls of the last second count too.
    const own = await startEmulator();
    const arns = await Promise.all(Array.from({ length: 12 }, () => own.awsIvs.createComposition()));
    // No retries: one throttled answer would show as a RateLimited failure.
    const provider = createMixTaskProvider({
      provider: 'aws-ivs',
      region: own.awsIvs.region,
      credentials: own.awsIvs.credentials,
      endpoint: own.url,
      retry: false,
    });
    const report = await stopMixes(provider, arns, { concurrency: 12 })();
    expect(report.totals).toMatchObject({ stopped: 12, failed: 0 });
    expect(own.requests().filter((r) => r.code === 'ThrottlingException')).toEqual([]);
    expect(own.requests()).toHaveLength(12);
    expect(own.awsIvs.compositions()).toEqual([]);
    await provider.close();
    await own.close();
  });
});

describe('telemetry', () => {
  it("names the call IVSRealTime/StopComposition with cloud.provider 'aws'", async () => {
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    const provider = createMixTaskProvider({ ...configFor(), telemetry: { tracerProvider } });
    await provider.stopMix(await em.awsIvs.createComposition())();
    const [span] = spans.getFinishedSpans();
    expect(span?.name).toBe('IVSRealTime/StopComposition');
    expect(span?.attributes).toMatchObject({
      'rpc.system.name': 'aws-api',
      'cloud.provider': 'aws',
      'mixtask.provider': 'aws-ivs',
    });
    await provider.close();
    trace.disable();
    await tracerProvider.shutdown();
  });
});

function configFor() {
  return {
    provider: 'aws-ivs' as const,
    region: em.awsIvs.region,
    credentials: em.awsIvs.credentials,
    endpoint: em.url,
  };
}
