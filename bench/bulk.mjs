// The bulk bench: stopMixes over many ids. `node --expose-gc bench/bulk.mjs [--quick]`; bench/run.mjs runs it last.
//
// 1. At the vendors' quotas: 1000 ids through stopMixes (default concurrency 16, the providers' default limiter and
//    retry) against an emulator enforcing 100/s (Tencent) and 500/s (Aliyun): wall time vs the ideal n / quota, and
//    the throttling answers absorbed (retried) vs surfaced (RateLimited in the report).
// 2. Memory: many ids from a generator against a quota-less emulator (notFound: 'already-stopped', so no failure is
//    kept and the report should stay flat): heap and RSS after gc at checkpoints.
// The emulator runs in its own process (bench/server.mjs) so its memory is not counted. Loopback only.
import { fork } from 'node:child_process';
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
const n = 1000;
/** IVS's 5/s would make 1000 ids 200 s: its run is shorter, with the same shape. */
const nOf = { tencent: n, aliyun: n, 'aws-ivs': quick ? 25 : 50 };
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

const lines = [];
for (const vendor of ['tencent', 'aliyun', 'aws-ivs']) {
  const count = nOf[vendor];
  const env = await fresh(true, count, 'bulk_');
  let throttledAttempts = 0;
  const onEvent = (event) => {
    if (event.type === 'attempt-result' && event.errorTag === 'RateLimited') throttledAttempts++;
  };
  const provider = providerFor(vendor, env, { onEvent });
  // IVS ids are the ARNs of the compositions bench/server.mjs started for `bulk_<i>`.
  const ids = Array.from({ length: count }, (_, i) =>
    vendor === 'aws-ivs' ? `${env.awsIvs.arnPrefix}bulk-${i}` : `bulk_${i}`,
  );
  const started = performance.now();
  const report = await stopMixes(provider, ids)();
  const wallMs = performance.now() - started;
  const idealMs = (count / quota[vendor]) * 1000;
  lines.push(
    `  ${vendor.padEnd(8)} ${count} ids at ${quota[vendor]}/s: ${(wallMs / 1000).toFixed(2)} s vs ideal ${(idealMs / 1000).toFixed(2)} s (× ${(wallMs / idealMs).toFixed(2)}); ` +
      `stopped ${report.totals.stopped}, failed ${report.totals.failed} ${JSON.stringify(report.byTag)}; ` +
      `throttling absorbed ${throttledAttempts}, surfaced ${report.byTag.RateLimited ?? 0}`,
  );
}

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
server.send({ type: 'close' });

console.log(
  [
    `bulk (stopMixes, node ${process.version}${globalThis.gc === undefined ? ', no --expose-gc: memory without gc' : ''}):`,
    ...lines,
    `  memory, ${memoryIds} ids from a generator, quota-less emulator, concurrency 16 (${(memoryMs / 1000).toFixed(1)} s, ` +
      `${((memoryIds / memoryMs) * 1000).toFixed(0)} ids/s; report: ${report.totals.attempted} attempted, ${report.failures.length} failures kept):`,
    ...points.map((p) => `    ${p}`),
  ].join('\n'),
);
process.exit(0);
