import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { createGotTransport } from '@mixtask/core/internal';
import { type MixErrorTag, type MixEvent, type MixTaskProvider } from '@mixtask/core';
import { type Transport } from '@mixtask/core/adapter';
import { startEmulator, type Emulator, type FaultAction } from '@mixtask/emulator';
import { createMixTaskProvider } from 'mixtask';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { awsIvsCodeRules } from '@mixtask/provider-aws-ivs';
import { closedPort, settle, silentTcpServer, type LoopbackServer } from './support/helpers.js';
import { aliyunTable, tencentTable } from './support/oracle.js';
import { subjects, type Overrides, type Subject } from './support/subjects.js';

/**
 * Every error path of both providers, run with recognisable secrets; then every rendering an app may log — errors
 * (message, JSON, util.inspect with hidden fields, the cause), events, results, the provider objects themselves,
 * and the CLI's output — is searched for secret keys, tokens, signatures and Authorization values.
 */

const bin = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

const tencentCanary = { secretId: 'AKIDhardeningCanary0001', secretKey: 'HARDENING_tc_SECRET_KEY_canary_5e1f' };
const wrongSecret = {
  tencent: 'HARDENING_tc_WRONG_KEY_canary_c0d3',
  aliyun: 'HARDENING_al_WRONG_SECRET_canary_9b7a',
  'aws-ivs': 'HARDENING_aws_WRONG_SECRET_canary_31f7',
};

let em: Emulator;
let silent: LoopbackServer;
let refusedUrl: string;
/** Everything that must never be seen. Filled as credentials are issued and requests are signed. */
const secrets = new Set<string>();
/** Every rendering an app could log. */
const renderings: { source: string; text: string }[] = [];

const deep = (value: unknown) => inspect(value, { showHidden: true, depth: Infinity, getters: true });
const keep = (source: string, ...texts: string[]) => texts.forEach((text) => renderings.push({ source, text }));

/** got, plus a record of what was signed: every Authorization value and signature is a secret to look for. */
const capturing: Transport = (() => {
  const got = createGotTransport();
  const send: Transport['send'] = (request, options) => {
    for (const [name, value] of Object.entries(request.headers)) {
      const lower = name.toLowerCase();
      if (['authorization', 'x-tc-token', 'x-acs-security-token', 'x-amz-security-token'].includes(lower)) {
        secrets.add(value);
        const signature = /Signature=([0-9a-f]{64})/.exec(value)?.[1];
        if (signature !== undefined) secrets.add(signature);
      }
    }
    return got.send(request, options);
  };
  return { send };
})();

beforeAll(async () => {
  em = await startEmulator({ quota: { tencent: false, aliyun: false, awsIvs: false } });
  silent = await silentTcpServer();
  refusedUrl = `http://127.0.0.1:${await closedPort()}`;
  em.tencent.acceptCredentials(tencentCanary);
  for (const value of [
    tencentCanary.secretKey,
    em.tencent.credentials.secretKey,
    em.aliyun.credentials.accessKeySecret,
    em.awsIvs.credentials.secretAccessKey,
    ...Object.values(wrongSecret),
  ])
    secrets.add(value);
});
afterAll(async () => {
  await silent.close();
  await em.close();
});

interface Scenario {
  readonly name: string;
  readonly credentials?: () => unknown;
  readonly fault?: FaultAction;
  readonly endpoint?: 'refused' | 'tls' | 'silent';
  readonly options?: Overrides;
  /** A name the subject turns into its kind of id (idFor), unless `literalId`. */
  readonly id?: string;
  readonly literalId?: boolean;
  readonly timeoutMs?: number;
  readonly abortAfterMs?: number;
  /** The tag this path must end in (Right when absent). */
  readonly tag?: MixErrorTag;
}

/** Amazon IVS's exact codes and tags, from its rules (the oracle holds the two older vendors' tables). */
const awsIvsExact: Readonly<Record<string, MixErrorTag>> = Object.fromEntries(
  awsIvsCodeRules.flatMap((rule) => (rule.codes ?? []).map((code) => [code, rule.tag] as const)),
);

/** One vendor code per tag of the vendor's table: each table row is an error path. */
function codePaths(vendor: Subject['vendor']): Scenario[] {
  const exact = vendor === 'tencent' ? tencentTable.exact : vendor === 'aliyun' ? aliyunTable.exact : awsIvsExact;
  const byTag = new Map<MixErrorTag, string>();
  for (const [code, tag] of Object.entries(exact)) if (!byTag.has(tag)) byTag.set(tag, code);
  // Amazon's answers keep the emulator's status for the type (restJson1 sends each with its own).
  const status = vendor === 'aliyun' ? 400 : vendor === 'tencent' ? 200 : undefined;
  return [...byTag].map(([tag, code]) => ({
    name: `vendor code ${code}`,
    fault: { type: 'code', code, ...(status === undefined ? {} : { status }), headers: { 'retry-after': '0' } },
    tag,
    options: { retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 } },
  }));
}

function scenarios(subject: Subject): Scenario[] {
  const tencent = subject.vendor === 'tencent';
  const aliyun = subject.vendor === 'aliyun';
  const good = () => (tencent ? tencentCanary : aliyun ? em.aliyun.credentials : em.awsIvs.credentials);
  const temporary = () => {
    const issued = tencent
      ? em.tencent.issueTemporaryCredentials()
      : aliyun
        ? em.aliyun.issueTemporaryCredentials()
        : em.awsIvs.issueTemporaryCredentials();
    Object.values(issued)
      .filter((v): v is string => typeof v === 'string' && !/^(AKID|STS\.|ASIA)/.test(v))
      .forEach((v) => secrets.add(v));
    return issued;
  };
  const withSecret = (secret: string) =>
    tencent
      ? { secretId: tencentCanary.secretId, secretKey: secret }
      : aliyun
        ? { accessKeyId: em.aliyun.credentials.accessKeyId, accessKeySecret: secret }
        : { accessKeyId: em.awsIvs.credentials.accessKeyId, secretAccessKey: secret };
  const tokenOf = (issued: object) => ({
    ...issued,
    ...(aliyun ? { securityToken: 'HARDENING_WRONG_TOKEN_canary' } : { sessionToken: 'HARDENING_WRONG_TOKEN_canary' }),
  });
  secrets.add('HARDENING_WRONG_TOKEN_canary');
  return [
    { name: 'success' },
    { name: 'success with temporary credentials', credentials: temporary },
    {
      name: 'wrong secret key',
      credentials: () => withSecret(wrongSecret[subject.vendor]),
      tag: 'AuthenticationFailed',
    },
    { name: 'wrong token', credentials: () => tokenOf(temporary()), tag: 'AuthenticationFailed' },
    {
      name: 'clock skew',
      options: { clock: { now: () => Date.now() - 20 * 60_000, sleep: async () => true } },
      tag: 'AuthenticationFailed',
    },
    { name: 'unknown session', id: 'never_started', tag: 'SessionNotFound' },
    { name: 'invalid id', id: 'room 1&AppId=x', literalId: true, tag: 'InvalidArgument' },
    {
      name: 'invalid options holding a secret',
      credentials: () => withSecret(`${wrongSecret[subject.vendor]} `),
      tag: 'ConfigurationError',
    },
    {
      name: 'credentials function that throws (the secret in its error)',
      credentials: () => () => {
        throw Object.assign(new Error('vault unreachable'), { config: good(), secret: wrongSecret[subject.vendor] });
      },
      tag: 'AuthenticationFailed',
    },
    {
      name: 'credentials function of the wrong shape',
      credentials: () => async () => ({ ...withSecret(`${wrongSecret[subject.vendor]}\n`), nested: good() }),
      tag: 'ConfigurationError',
    },
    {
      name: 'credentials function that hangs',
      credentials: () => () => new Promise(() => undefined),
      options: { deadlineMs: 150 },
      tag: 'Timeout',
    },
    ...codePaths(subject.vendor),
    { name: 'connection refused', endpoint: 'refused', tag: 'NetworkError' },
    { name: 'reset', fault: { type: 'reset' }, tag: 'NetworkError' },
    { name: 'reset mid-body', fault: { type: 'reset-mid-body' }, tag: 'NetworkError' },
    { name: 'no answer', fault: { type: 'no-answer' }, tag: 'Timeout' },
    { name: 'stalled body', fault: { type: 'stall-body' }, tag: 'Timeout' },
    { name: 'endless body', fault: { type: 'huge-body', bytes: 'endless' }, tag: 'MalformedResponse' },
    {
      name: '429 with Retry-After',
      fault: { type: 'body', status: 429, body: '', headers: { 'retry-after': '0' } },
      tag: 'RateLimited',
    },
    { name: '503 HTML', fault: { type: 'body', status: 503, body: '<html/>' }, tag: 'ProviderUnavailable' },
    { name: '200 HTML', fault: { type: 'body', status: 200, body: '<html/>' }, tag: 'MalformedResponse' },
    { name: 'TLS to a plain port', endpoint: 'tls', tag: 'NetworkError' },
    { name: 'abort while connecting', endpoint: 'silent', abortAfterMs: 50, tag: 'Aborted' },
    { name: 'abort while waiting', fault: { type: 'no-answer' }, abortAfterMs: 50, tag: 'Aborted' },
    { name: 'deadline spent', fault: { type: 'no-answer' }, timeoutMs: 150, tag: 'Timeout' },
  ];
}

describe.each(subjects)('$vendor: no secret in any error, event or result', (subject) => {
  it.each(scenarios(subject).map((c) => [c.name, c] as const))('%s', async (_name, fresh) => {
    em.clearFaults();
    const id =
      fresh.literalId === true
        ? (fresh.id ?? '')
        : subject.idFor(em, fresh.id ?? `secret_${subject.vendor}_${renderings.length}`);
    if (fresh.id === undefined) await subject.start(em, id);
    if (fresh.fault !== undefined) em.inject({ vendor: subject.vendor, action: fresh.fault, times: 3 });
    const endpoint =
      fresh.endpoint === 'refused'
        ? refusedUrl
        : fresh.endpoint === 'tls'
          ? em.url.replace('http:', 'https:')
          : fresh.endpoint === 'silent'
            ? silent.url
            : em.url;
    const events: MixEvent[] = [];
    const provider = subject.make(
      em,
      {
        ...(fresh.credentials === undefined
          ? subject.vendor === 'tencent'
            ? { credentials: tencentCanary }
            : {}
          : { credentials: fresh.credentials() }),
        endpoint,
        rateLimit: false,
        timeoutMs: 200,
        deadlineMs: 1500,
        retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
        onEvent: (event) => events.push(event),
        ...fresh.options,
      },
      capturing,
    );
    const controller = new AbortController();
    if (fresh.abortAfterMs !== undefined) setTimeout(() => controller.abort(), fresh.abortAfterMs);
    const { result } = await settle(provider, id, {
      signal: controller.signal,
      ...(fresh.timeoutMs === undefined ? {} : { timeoutMs: fresh.timeoutMs }),
    });
    em.clearFaults();

    const source = `${subject.vendor} / ${fresh.name}`;
    if (E.isLeft(result)) {
      const error = result.left;
      expect(error._tag).toBe(fresh.tag);
      keep(
        source,
        error.message,
        JSON.stringify(error),
        inspect(error),
        deep(error),
        String(error.cause),
        deep(error.cause),
        JSON.stringify(error.cause ?? null),
      );
    } else {
      expect(fresh.tag).toBeUndefined();
      keep(source, JSON.stringify(result.right), deep(result.right));
    }
    for (const event of events) keep(`${source} (event ${event.type})`, JSON.stringify(event), deep(event));
    keep(`${source} (provider object)`, deep(provider), JSON.stringify(provider) ?? '', String(provider.stopMix));
  });
});

describe('the umbrella package', () => {
  it('the provider objects createMixTaskProvider returns hold no visible secret', () => {
    const providers: MixTaskProvider[] = [
      createMixTaskProvider({ provider: 'tencent', credentials: tencentCanary, endpoint: em.url }),
      createMixTaskProvider({
        provider: 'aliyun',
        credentials: em.aliyun.credentials,
        appId: em.aliyun.appId,
        endpoint: em.url,
      }),
      createMixTaskProvider({
        provider: 'tencent',
        credentials: { ...tencentCanary, secretKey: `${tencentCanary.secretKey} ` },
        endpoint: em.url,
      }),
      createMixTaskProvider({
        provider: 'aws-ivs',
        region: em.awsIvs.region,
        credentials: em.awsIvs.credentials,
        endpoint: em.url,
      }),
    ];
    for (const provider of providers) keep(`umbrella ${provider.name}`, deep(provider), JSON.stringify(provider) ?? '');
  });
});

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const cliExitCodes: Record<string, number> = {
  stop: 0,
  'not found': 3,
  'wrong key': 4,
  'wrong secret': 4,
  'wrong token': 4,
  'bad config': 2,
  'invalid id': 2,
  refused: 5,
  TLS: 5,
  timeout: 5,
};

function mixtask(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

describe('the CLI (the built bin)', () => {
  it('prints no secret, token or signature on any path, in text or JSON', async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run "npm run build" (npm test does it first)`);
    const temporaryTencent = em.tencent.issueTemporaryCredentials();
    const temporaryAliyun = em.aliyun.issueTemporaryCredentials();
    const temporaryAws = em.awsIvs.issueTemporaryCredentials();
    for (const value of [
      temporaryTencent.secretKey,
      temporaryTencent.sessionToken,
      temporaryAliyun.accessKeySecret,
      temporaryAliyun.securityToken,
      temporaryAws.secretAccessKey,
      temporaryAws.sessionToken,
    ])
      secrets.add(value);
    const envs = {
      tencent: (secretKey: string, extra: Record<string, string> = {}) => ({
        MIXTASK_PROVIDER: 'tencent',
        MIXTASK_ENDPOINT: em.url,
        MIXTASK_MAX_ATTEMPTS: '1',
        TENCENTCLOUD_SECRET_ID: tencentCanary.secretId,
        TENCENTCLOUD_SECRET_KEY: secretKey,
        ...extra,
      }),
      aliyun: (secret: string, extra: Record<string, string> = {}) => ({
        MIXTASK_PROVIDER: 'aliyun',
        MIXTASK_ENDPOINT: em.url,
        MIXTASK_MAX_ATTEMPTS: '1',
        MIXTASK_ALIYUN_APP_ID: em.aliyun.appId,
        ALIBABA_CLOUD_ACCESS_KEY_ID: em.aliyun.credentials.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret,
        ...extra,
      }),
      aws: (secret: string, extra: Record<string, string> = {}) => ({
        MIXTASK_PROVIDER: 'aws-ivs',
        MIXTASK_ENDPOINT: em.url,
        MIXTASK_MAX_ATTEMPTS: '1',
        AWS_REGION: em.awsIvs.region,
        AWS_ACCESS_KEY_ID: em.awsIvs.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: secret,
        ...extra,
      }),
    };
    const awsStopped = await em.awsIvs.createComposition({ id: 'cli-secret-composition' });
    const awsOther = em.awsIvs.arnOf('cli-never-started');
    await em.tencent.createSession('cli_secret_room');
    await em.aliyun.startTask('cli_secret_task');
    // Each path once; every other one with --json (flipped between the vendors), so both outputs see every kind.
    const paths: [string, string, Record<string, string>][] = [
      ['tencent stop', 'cli_secret_room', envs.tencent(tencentCanary.secretKey)],
      ['tencent not found', 'cli_never_started', envs.tencent(tencentCanary.secretKey)],
      ['tencent wrong key', 'room_x', envs.tencent(wrongSecret.tencent)],
      [
        'tencent wrong token',
        'room_x',
        {
          ...envs.tencent(temporaryTencent.secretKey, {
            TENCENTCLOUD_SESSION_TOKEN: `${temporaryTencent.sessionToken.slice(0, -2)}xx`,
          }),
          TENCENTCLOUD_SECRET_ID: temporaryTencent.secretId,
        },
      ],
      ['tencent bad config', 'room_x', envs.tencent(`${tencentCanary.secretKey} x`)],
      ['tencent invalid id', 'a&b', envs.tencent(tencentCanary.secretKey)],
      ['tencent refused', 'room_x', envs.tencent(tencentCanary.secretKey, { MIXTASK_ENDPOINT: refusedUrl })],
      [
        'tencent TLS',
        'room_x',
        envs.tencent(tencentCanary.secretKey, { MIXTASK_ENDPOINT: em.url.replace('http:', 'https:') }),
      ],
      [
        'tencent timeout',
        'room_x',
        envs.tencent(tencentCanary.secretKey, { MIXTASK_ENDPOINT: silent.url.replace('https:', 'http:') }),
      ],
      ['aliyun stop', 'cli_secret_task', envs.aliyun(em.aliyun.credentials.accessKeySecret)],
      ['aliyun not found', 'cli_never_started', envs.aliyun(em.aliyun.credentials.accessKeySecret)],
      ['aliyun wrong secret', 'task_x', envs.aliyun(wrongSecret.aliyun)],
      [
        'aliyun wrong token',
        'task_x',
        {
          ...envs.aliyun(temporaryAliyun.accessKeySecret, {
            ALIBABA_CLOUD_SECURITY_TOKEN: `${temporaryAliyun.securityToken.slice(0, -4)}AAAA`,
          }),
          ALIBABA_CLOUD_ACCESS_KEY_ID: temporaryAliyun.accessKeyId,
        },
      ],
      ['aliyun bad config', 'task_x', envs.aliyun(`${wrongSecret.aliyun}\u00e9`)],
      ['aliyun invalid id', 'a&AppId=x', envs.aliyun(em.aliyun.credentials.accessKeySecret)],
      [
        'aliyun refused',
        'task_x',
        envs.aliyun(em.aliyun.credentials.accessKeySecret, { MIXTASK_ENDPOINT: refusedUrl }),
      ],
      [
        'aliyun TLS',
        'task_x',
        envs.aliyun(em.aliyun.credentials.accessKeySecret, { MIXTASK_ENDPOINT: em.url.replace('http:', 'https:') }),
      ],
      [
        'aliyun timeout',
        'task_x',
        envs.aliyun(em.aliyun.credentials.accessKeySecret, { MIXTASK_ENDPOINT: silent.url.replace('https:', 'http:') }),
      ],
      ['aws-ivs stop', awsStopped, envs.aws(em.awsIvs.credentials.secretAccessKey)],
      ['aws-ivs not found', awsOther, envs.aws(em.awsIvs.credentials.secretAccessKey)],
      ['aws-ivs wrong secret', awsOther, envs.aws(wrongSecret['aws-ivs'])],
      [
        'aws-ivs wrong token',
        awsOther,
        {
          ...envs.aws(temporaryAws.secretAccessKey, {
            AWS_SESSION_TOKEN: `${temporaryAws.sessionToken.slice(0, -4)}AAAA`,
          }),
          AWS_ACCESS_KEY_ID: temporaryAws.accessKeyId,
        },
      ],
      ['aws-ivs bad config', awsOther, envs.aws(`${wrongSecret['aws-ivs']} x`)],
      ['aws-ivs invalid id', 'arn:aws:ivs:eu-west-1:1:composition/x', envs.aws(em.awsIvs.credentials.secretAccessKey)],
    ];
    const runs = paths.map(([name, id, env], i): [string, string[], Record<string, string>] => {
      const json = (i + (name.startsWith('aliyun') ? 1 : 0)) % 2 === 1 ? ['--json'] : [];
      const timeout = name.endsWith('timeout') ? ['--timeout', '300'] : [];
      return [name, ['stop', id, ...timeout, ...json], env];
    });
    const results: CliRun[] = [];
    for (let i = 0; i < runs.length; i += 6) {
      const batch = runs.slice(i, i + 6);
      results.push(...(await Promise.all(batch.map(([, args, env]) => mixtask(args, env)))));
    }
    // Every path ran: stopped (0), not found (3), authentication (4), usage/config (2), network/timeout (5).
    expect(results.map((r, i) => `${runs[i]?.[0]}: ${r.code}`)).toEqual(
      runs.map(([name]) => `${name}: ${cliExitCodes[name.replace(/^[\w-]+ /, '')]}`),
    );
    results.forEach((r, i) => keep(`cli ${runs[i]?.[0]} ${runs[i]?.[1].join(' ')}`, r.stdout, r.stderr));
    // Three vendors' paths, a Node process each, six at a time: more than the default 20 s on a loaded machine.
  }, 60_000);
});

/**
 * Errors raised by app code — a credentials function, a getter, a listener, a Proxy — with a secret in what they
 * throw: the tag says what failed, and whatever is kept as `cause` is reduced to name/code (issue 11 item 5).
 */
describe('user code that throws with a secret in its message', () => {
  const canary = (what: string) => {
    const value = `HARDENING_USERCODE_${what}_canary_4a9e`;
    secrets.add(value);
    return value;
  };
  const thrower = (what: string) => () => {
    throw Object.assign(new Error(`failed with ${canary(what)}`), { code: canary(`${what}_CODE`) });
  };
  const proxy = (what: string) => new Proxy({}, { get: thrower(what), ownKeys: thrower(what), has: thrower(what) });
  const base = () => ({
    credentials: tencentCanary,
    endpoint: em.url,
    rateLimit: false as const,
    retry: false as const,
  });

  const cases: { name: string; options: () => object; callOptions?: () => object; tag: MixErrorTag | 'ok' }[] = [
    {
      name: 'credentials function throws',
      options: () => ({ ...base(), credentials: thrower('CREDFN') }),
      tag: 'AuthenticationFailed',
    },
    {
      name: 'credentials function rejects with a hostile error',
      options: () => ({
        ...base(),
        credentials: () =>
          Promise.reject(
            Object.defineProperties({}, { name: { get: thrower('ERRNAME') }, code: { value: canary('REJECTCODE') } }),
          ),
      }),
      tag: 'AuthenticationFailed',
    },
    {
      name: "credentials function's result has a throwing getter",
      options: () => ({
        ...base(),
        credentials: () =>
          Object.defineProperty({ secretId: tencentCanary.secretId }, 'secretKey', {
            get: thrower('GETTER'),
            enumerable: true,
          }),
      }),
      tag: 'AuthenticationFailed',
    },
    {
      name: "credentials function's result is a Proxy",
      options: () => ({ ...base(), credentials: () => proxy('RESULTPROXY') }),
      tag: 'AuthenticationFailed',
    },
    { name: 'onEvent throws', options: () => ({ ...base(), onEvent: thrower('LISTENER') }), tag: 'ok' },
    { name: 'options are a Proxy', options: () => proxy('OPTIONSPROXY'), tag: 'ConfigurationError' },
    {
      name: 'an option getter throws',
      options: () => Object.defineProperty(base(), 'timeoutMs', { get: thrower('OPTIONGETTER'), enumerable: true }),
      tag: 'ConfigurationError',
    },
    {
      name: 'a nested option is a Proxy',
      options: () => ({ ...base(), retry: proxy('NESTEDPROXY') }),
      tag: 'ConfigurationError',
    },
    { name: 'call options are a Proxy', options: base, callOptions: () => proxy('CALLPROXY'), tag: 'InvalidArgument' },
    {
      name: 'the Tencent SDK token name',
      options: () => ({ ...base(), credentials: { ...tencentCanary, token: canary('TOKENALIAS') } }),
      tag: 'ConfigurationError',
    },
  ];

  it.each(cases)('$name', async ({ name, options, callOptions, tag }) => {
    await em.tencent.createSession('room_user_code');
    // The provider's own factory: the umbrella's would need to spread the options first, in this test.
    const provider = createTencentProvider(options() as never);
    const result = await provider.stopMix('room_user_code', callOptions?.() as never)();
    const source = `user code / ${name}`;
    if (tag === 'ok') expect(E.isRight(result)).toBe(true);
    if (E.isLeft(result)) {
      const error = result.left;
      expect(error._tag).toBe(tag);
      keep(
        source,
        error.message,
        JSON.stringify(error),
        inspect(error),
        deep(error),
        String(error.cause),
        deep(error.cause),
        JSON.stringify(error.cause ?? null),
      );
    }
    keep(`${source} (provider object)`, deep(provider));
  });
});

describe('the scan', () => {
  it('found no secret key, token, signature or Authorization value anywhere', () => {
    expect(renderings.length).toBeGreaterThan(400);
    const signatures = [...secrets].filter((s) => /^[0-9a-f]{64}$/.test(s));
    expect(signatures.length).toBeGreaterThan(40);
    const found: string[] = [];
    for (const { source, text } of renderings) {
      for (const secret of secrets) if (text.includes(secret)) found.push(`${source}: ${secret}`);
      // Pieces of an Authorization header (TC3 and ACS3 alike), whatever the values.
      const piece = /Credential=|SignedHeaders=|Signature=[0-9a-f]/.exec(text);
      if (piece !== null) found.push(`${source}: ${piece[0]}`);
      // A 64-hex run is what a signature looks like (request ids are UUIDs).
      const hex = /\b[0-9a-f]{64}\b/.exec(text);
      if (hex !== null) found.push(`${source}: ${hex[0]}`);
    }
    expect(found).toEqual([]);
  });
});
