import type { CommonProviderOptions, MixTaskProvider } from '@mixtask/core';
import type { Transport } from '@mixtask/core/adapter';
import type { Emulator, FaultAction } from '@mixtask/emulator';
import { createAliyunProvider, type AliyunCredentials } from '@mixtask/provider-aliyun';
import { createAwsIvsProvider, type AwsCredentials } from '@mixtask/provider-aws-ivs';
import { createTencentProvider, type TencentCredentials } from '@mixtask/provider-tencent';

/** Options a test may set on top of a subject's defaults (credentials included, as a value or a function). */
export type Overrides = Partial<Omit<CommonProviderOptions<never>, 'credentials'>> & {
  readonly credentials?: unknown;
};

/** One provider as the hardening tests drive it: the same table runs against each. */
export interface Subject {
  readonly vendor: 'tencent' | 'aliyun' | 'aws-ivs';
  /** A provider pointed at the emulator with the emulator's credentials, unless overridden. */
  make(em: Emulator, overrides?: Overrides, transport?: Transport): MixTaskProvider;
  /** The emulator's credentials for this vendor. */
  credentials(em: Emulator): TencentCredentials | AliyunCredentials | AwsCredentials;
  /** The vendor's id for a test's name (`hardening_tencent_0`): the name itself, or an ARN made from it. */
  idFor(em: Emulator, name: string): string;
  /** Starts a mix session / MPU task / composition with this id (from idFor) on the emulator. */
  start(em: Emulator, id: string): Promise<void>;
  /** What is running on the emulator now. */
  running(em: Emulator): readonly string[];
  /** The vendor's envelope, cut in the middle: what a proxy that dropped the connection leaves. */
  readonly truncatedEnvelope: string;
  /** A vendor code the tables map to RateLimited, and one they map to ProviderUnavailable. */
  readonly throttleCode: string;
  readonly unavailableCode: string;
  /** Vendor-only rows of the fault matrix (e.g. Aliyun's x-acs-retry-after). */
  readonly extraRetryAfterRows: readonly RetryAfterRow[];
}

export interface RetryAfterRow {
  readonly name: string;
  readonly action: () => FaultAction;
  readonly tag: 'RateLimited' | 'ProviderUnavailable';
  readonly httpStatus: number;
  /** The retryAfterMs the error must carry: an exact value, or [min, max] for an HTTP-date. */
  readonly retryAfterMs: number | readonly [number, number];
  readonly providerCode?: string;
}

export const tencent: Subject = {
  vendor: 'tencent',
  make: (em, overrides = {}, transport) =>
    createTencentProvider({
      credentials: em.tencent.credentials,
      endpoint: em.url,
      ...(overrides as object),
      ...(transport === undefined ? {} : { transport }),
    } as Parameters<typeof createTencentProvider>[0]),
  credentials: (em) => em.tencent.credentials,
  idFor: (_em, name) => name,
  start: (em, id) => em.tencent.createSession(id),
  running: (em) => em.tencent.sessions(),
  truncatedEnvelope: '{"Response":{"RequestId":"4f0e1c2a-9d1b-4b2e-8c4f-0a1b2c3d4e5f","Er',
  throttleCode: 'RequestLimitExceeded',
  unavailableCode: 'InternalError',
  extraRetryAfterRows: [],
};

export const aliyun: Subject = {
  vendor: 'aliyun',
  make: (em, overrides = {}, transport) =>
    createAliyunProvider({
      credentials: em.aliyun.credentials,
      appId: em.aliyun.appId,
      endpoint: em.url,
      ...(overrides as object),
      ...(transport === undefined ? {} : { transport }),
    } as Parameters<typeof createAliyunProvider>[0]),
  credentials: (em) => em.aliyun.credentials,
  idFor: (_em, name) => name,
  start: (em, id) => em.aliyun.startTask(id),
  running: (em) => em.aliyun.tasks(),
  truncatedEnvelope: '{"RequestId":"5D2A7C1E-0B3F-4A6D-9E8C-1F2A3B4C5D6E","HostId":"live.aliyun',
  throttleCode: 'Throttling.User',
  unavailableCode: 'ServiceUnavailable',
  extraRetryAfterRows: [
    {
      name: '429 Throttling with x-acs-retry-after (ms)',
      action: () => ({ type: 'code', code: 'Throttling.User', status: 429, headers: { 'x-acs-retry-after': '1500' } }),
      tag: 'RateLimited',
      httpStatus: 429,
      retryAfterMs: 1500,
      providerCode: 'Throttling.User',
    },
    {
      name: '400 Throttling (the gateway’s usual status) with Retry-After seconds',
      action: () => ({ type: 'code', code: 'Throttling', headers: { 'retry-after': '2' } }),
      tag: 'RateLimited',
      httpStatus: 400,
      retryAfterMs: 2000,
      providerCode: 'Throttling',
    },
  ],
};

/** A composition's resource id takes letters, digits and `-` only: the test's name with `_` as `-`. */
const resourceId = (name: string) => name.replace(/[^A-Za-z0-9-]/g, '-');

export const awsIvs: Subject = {
  vendor: 'aws-ivs',
  make: (em, overrides = {}, transport) =>
    createAwsIvsProvider({
      region: em.awsIvs.region,
      credentials: em.awsIvs.credentials,
      endpoint: em.url,
      ...(overrides as object),
      ...(transport === undefined ? {} : { transport }),
    } as Parameters<typeof createAwsIvsProvider>[0]),
  credentials: (em) => em.awsIvs.credentials,
  idFor: (em, name) => em.awsIvs.arnOf(resourceId(name)),
  start: async (em, id) => {
    await em.awsIvs.createComposition({ id: id.slice(id.lastIndexOf('/') + 1) });
  },
  running: (em) => em.awsIvs.compositions().map((c) => c.arn),
  // restJson1 has no envelope: a cut error body is what a proxy that dropped the connection leaves.
  truncatedEnvelope: '{"exceptionMessage":"Request references a resource wh',
  throttleCode: 'ThrottlingException',
  unavailableCode: 'InternalServerException',
  extraRetryAfterRows: [
    {
      name: '400 ThrottlingException (the Common Errors page’s status) with Retry-After seconds',
      action: () => ({ type: 'code', code: 'ThrottlingException', headers: { 'retry-after': '2' } }),
      tag: 'RateLimited',
      httpStatus: 400,
      retryAfterMs: 2000,
      providerCode: 'ThrottlingException',
    },
  ],
};

export const subjects: readonly Subject[] = [tencent, aliyun, awsIvs];

/** The same subject with another built-in transport: every suite that takes a subject runs on both. */
export function withTransport(subject: Subject, transport: 'got' | 'node'): Subject {
  return {
    ...subject,
    make: (em, overrides = {}, custom) =>
      subject.make(em, { transport, ...(overrides as object) } as Overrides, custom),
  };
}
