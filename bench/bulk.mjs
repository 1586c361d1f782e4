// The bulk bench: stopMixes over many ids. `node --expose-gc bench/bulk.mjs [--quick]`; bench/run.mjs runs it last.
//
// 1. At the vendors' quotas: 1000 ids (IVS: 50, 25 with --quick) through stopMixes and through
//    `mixtask stop --from <file>`, every option at its default (adaptive concurrency, the providers' default limiter
//    and retry), against an emulator enforcing 100/s (Tencent), 500/s (Aliyun) and 5/s (IVS): wall time vs the ideal n / quota, the throttling answers the emulator gave, and
//    (for stopMixes) those absorbed (retried) vs surfaced (RateLimited in the report).
// 2. Memory: many ids from a generator against a quota-less emulator (notFound: 'already-stopped', so no failure is
//    kept and the report should stay flat): heap and RSS after gc at checkpoints.
// The emulator runs in its own process (bench/server.mjs) so its memory is not counted. Loopback only.
import { execFile, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { stopMixes } from '@mixtask/core';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { createAwsIvsProvider } from '@mixtask/provider-aws-ivs';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { loopbackEnv } from './loopback-env.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
// `--quota-only`: part 1 alone (the memory part takes a minute of both cores).
const quotaOnly = process.argv.includes('--quota-only');
const n = 1000;
/**
 * IVS's 5/s makes 1000 ids 200 s per row: by default its run is shorter, with the same shape; `--ivs-ids 1000` runs
 * the full count, `--only aws-ivs` runs its rows alone.
 */
const ivsIds = process.argv.includes('--ivs-ids') ? Number(process.argv[process.argv.indexOf('--ivs-ids') + 1]) : 0;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const nOf = { tencent: n, aliyun: n, 'aws-ivs': ivsIds > 0 ? ivsIds : quick ? 25 : 50 };
const memoryIds = quick ? 50_000 : 200_000;
const quota = { tencent: 100, aliyun: 500, 'aws-ivs': 5 };

const childEnv = loopbackEnv();
const server = fork(join(here, 'server.mjs'), [], { env: childEnv });
const next = (type) => new Promise((resolve) => server.once('message', (m) => m.type === type && resolve(m)));
await next('started');
const fresh = async (quotaOn, sessions, prefix) => {
  const ready = next('ready');
  server.send({ type: 'fresh', quota: quotaOn, sessions, prefix });
  return ready;
};

const providerFor = (vendor, env, extra = {}) =>
  vendor === 'tencent'
    ? createTencentProvider({ credentials: env.tencent, endpoint: env.url, ...extra })
    : vendor === 'aws-ivs'
      ? createAwsIvsProvider({
          region: env.awsIvs.region,
          credentials: { accessKeyId: env.awsIvs.accessKeyId, secretAccessKey: env.awsIvs.secretAccessKey },
          endpoint: env.url,
          ...extra,
        })
      : createAliyunProvider({
          credentials: { accessKeyId: env.aliyun.accessKeyId, accessKeySecret: env.aliyun.accessKeySecret },
          appId: env.aliyun.appId,
          endpoint: env.url,
          ...extra,
        });

const stats = () => {
  const answer = next('stats');
  server.send({ type: 'stats' });
  return answer;
};
const cliBin = join(here, '..', 'packages', 'mixtask', 'dist', 'cli.js');
const workDir = mkdtempSync(join(tmpdir(), 'mixtask-bench-bulk-'));
/** `mixtask stop --from <file> --json` with nothing but the provider's settings: its defaults, as a user runs it. */
const cliRun = (vendor, env, file) =>
  new Promise((resolve) => {
    const vendorEnv =
      vendor === 'tencent'
        ? { TENCENTCLOUD_SECRET_ID: env.tencent.secretId, TENCENTCLOUD_SECRET_KEY: env.tencent.secretKey }
        : vendor === 'aws-ivs'
          ? {
              AWS_ACCESS_KEY_ID: env.awsIvs.accessKeyId,
              AWS_SECRET_ACCESS_KEY: env.awsIvs.secretAccessKey,
              AWS_REGION: env.awsIvs.region,
            }
          : {
              ALIBABA_CLOUD_ACCESS_KEY_ID: env.aliyun.accessKeyId,
              ALIBABA_CLOUD_ACCESS_KEY_SECRET: env.aliyun.accessKeySecret,
              MIXTASK_ALIYUN_APP_ID: env.aliyun.appId,
            };
    const started = performance.now();
    execFile(
      process.execPath,
      [cliBin, 'stop', '--from', file, '--json'],
      {
        env: { ...childEnv, MIXTASK_PROVIDER: vendor, MIXTASK_ENDPOINT: env.url, ...vendorEnv },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout) => {
        const wallMs = performance.now() - started;
        const summary = stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line))
          .find((line) => line.type === 'summary');
        resolve({ wallMs, exitCode: error?.code ?? 0, summary });
      },
    );
  });

const lines = [];
const rows = [];
const ratioLine = (label, vendor, wallMs, idealMs, rest) =>
  `  ${label.padEnd(22)} ${nOf[vendor]} ids at ${quota[vendor]}/s: ${(wallMs / 1000).toFixed(2)} s vs ideal ${(idealMs / 1000).toFixed(2)} s (× ${(wallMs / idealMs).toFixed(2)}); ${rest}`;
for (const vendor of ['tencent', 'aliyun', 'aws-ivs'].filter((v) => only === undefined || v === only)) {
  const count = nOf[vendor];
  const idealMs = (count / quota[vendor]) * 1000;

  // Through stopMixes, every option at its default.
  let env = await fresh(true, count, 'bulk_');
  // IVS ids are the ARNs of the compositions bench/server.mjs started for `bulk_<i>`: each fresh emulator has its
  // own account id, so they are made again for every emulator.
  const idsOf = (at) =>
    Array.from({ length: count }, (_, i) => (vendor === 'aws-ivs' ? `${at.awsIvs.arnPrefix}bulk-${i}` : `bulk_${i}`));
  const ids = idsOf(env);
  let throttledAttempts = 0;
  const onEvent = (event) => {
    if (event.type === 'attempt-result' && event.errorTag === 'RateLimited') throttledAttempts++;
  };
  const provider = providerFor(vendor, env, { onEvent });
  let inFlight = 0;
  let mostInFlight = 0;
  const counted = {
    name: provider.name,
    pacing: provider.pacing,
    close: () => provider.close(),
    stopMix: (id, options) => {
      const task = provider.stopMix(id, options);
      return async () => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        const result = await task();
        inFlight -= 1;
        return result;
      };
    },
  };
  let started = performance.now();
  const report = await stopMixes(counted, ids)();
  let wallMs = performance.now() - started;
  let atEmulator = await stats();
  await provider.close();
  lines.push(
    ratioLine(
      `${vendor} stopMixes`,
      vendor,
      wallMs,
      idealMs,
      `stopped ${report.totals.stopped}, failed ${report.totals.failed} ${JSON.stringify(report.byTag)}; ` +
        `throttling answers at the emulator ${atEmulator.throttled} (absorbed ${throttledAttempts}, surfaced ${report.byTag.RateLimited ?? 0}); ` +
        `busiest second ${atEmulator.busiestSecond}; most in flight ${mostInFlight}, round trip ${provider.pacing?.roundTripMs()?.toFixed(1)} ms`,
    ),
  );
  rows.push({ vendor, via: 'stopMixes', wallMs, idealMs, throttled: atEmulator.throttled, ok: report.totals.stopped });

  // Through the CLI, as a user runs it: `mixtask stop --from <file>`, every option at its default.
  env = await fresh(true, count, 'bulk_');
  const file = join(workDir, `${vendor}.txt`);
  writeFileSync(file, `${idsOf(env).join('\n')}\n`);
  const cli = await cliRun(vendor, env, file);
  wallMs = cli.wallMs;
  atEmulator = await stats();
  const totals = cli.summary?.totals ?? {};
  lines.push(
    ratioLine(
      `${vendor} mixtask stop --from`,
      vendor,
      wallMs,
      idealMs,
      `exit ${cli.exitCode}, stopped ${totals.stopped ?? '?'}, failed ${totals.failed ?? '?'}; ` +
        `throttling answers at the emulator ${atEmulator.throttled}; busiest second ${atEmulator.busiestSecond} (process start included)`,
    ),
  );
  rows.push({
    vendor,
    via: 'mixtask stop --from',
    wallMs,
    idealMs,
    throttled: atEmulator.throttled,
    ok: totals.stopped,
  });
}
rmSync(workDir, { recursive: true, force: true });

const memory = quotaOnly ? undefined : await measureMemory();
server.send({ type: 'close' });

async function measureMemory() {
  const env = await fresh(false, 0, 'm_');
  const provider = providerFor('tencent', env, { rateLimit: false, notFound: 'already-stopped' });
  const checkpoints = new Set([1000, memoryIds / 10, memoryIds / 2, memoryIds]);
  const points = [];
  let settled = 0;
  let pendingSample = false;
  function* source() {
    for (let i = 0; i < memoryIds; i++) yield `m_${i}`;
  }
  const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
  const started = performance.now();
  const report = await stopMixes(provider, source(), {
    concurrency: 16,
    onResult: () => {
      settled += 1;
      if (checkpoints.has(settled)) pendingSample = true;
      if (pendingSample) {
        pendingSample = false;
        globalThis.gc?.();
        const m = process.memoryUsage();
        points.push(`${settled} ids: heap ${mb(m.heapUsed)} MB, RSS ${mb(m.rss)} MB`);
      }
    },
  })();
  const memoryMs = performance.now() - started;
  return { memoryMs, report, points };
}

console.log(
  [
    `bulk (stopMixes, node ${process.version}${globalThis.gc === undefined ? ', no --expose-gc: memory without gc' : ''}):`,
    ...lines,
    '',
    '| vendor | through | wall s (× ideal) | throttling answers at the emulator | stopped |',
    '|---|---|--:|--:|--:|',
    ...rows.map(
      (r) =>
        `| ${r.vendor} | ${r.via} | ${(r.wallMs / 1000).toFixed(2)} (${(r.wallMs / r.idealMs).toFixed(2)}) | ${r.throttled} | ${r.ok}/${nOf[r.vendor]} |`,
    ),
    '',
    ...(memory === undefined
      ? ['  memory: skipped (--quota-only)']
      : [
          `  memory, ${memoryIds} ids from a generator, quota-less emulator, concurrency 16 (${(memory.memoryMs / 1000).toFixed(1)} s, ` +
            `${((memoryIds / memory.memoryMs) * 1000).toFixed(0)} ids/s; report: ${memory.report.totals.attempted} attempted, ${memory.report.failures.length} failures kept):`,
          ...memory.points.map((p) => `    ${p}`),
        ]),
  ].join('\n'),
);
process.exit(0);
