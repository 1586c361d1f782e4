#!/usr/bin/env node
/**
 * Packaging smoke test (issue 7): what a user gets from npm, checked outside the monorepo.
 *
 *  1. build (tsc, then the bundles of scripts/bundle.mjs), then `npm pack` every workspace package into a temporary directory;
 *  2. install the tarballs into a fresh temporary app (their own dependencies come from the registry);
 *  3. `import` every package from an ESM file and `require()` it from a CommonJS file, with every Node binary given
 *     (default: the one running this script), and stop a mix against the installed emulator from both;
 *     Before that, a second app installs only what README.md's Install section names, with
 *     `npm install --install-strategy=linked` (an isolated, pnpm-like layout), and runs README.md's quickstart;
 *     no tarball may hold a source map;
 *  4. run the installed `mixtask` bin;
 *  5. type-check a TypeScript consumer with `moduleResolution` `node16` and `bundler` (and a CommonJS `.cts` one
 *     with `nodenext`), with the repository's TypeScript, `skipLibCheck: false`, so broken .d.ts files fail; then
 *     the same with TypeScript 7 (npm `typescript@7`, installed in a temporary directory) and no `types` option;
 *  6. boot a fresh Nest app (Nest from the registry) with the packed @mixtask/nestjs and stop a mix through it;
 *  every tarball's JavaScript must be exactly its entry points (one bundle each, no per-file JS, no chunks).
 *
 * Usage: node scripts/packaging-smoke.mjs [--node <path-to-node>]... [--keep]
 *   e.g. node scripts/packaging-smoke.mjs --node "$(npx -y node@24 -p process.execPath)"
 * Exits non-zero on the first failure. Needs network access to the npm registry (for got, fp-ts, io-ts, @types/node).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const nodes = [process.execPath];
for (let i = 0; i < args.length; i++) if (args[i] === '--node' && args[i + 1] !== undefined) nodes.push(args[++i]);
const keep = args.includes('--keep');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
/** Every published workspace package (the root's `workspaces` is `packages/*`; a private one, e.g. the test kit, is not packed). */
const packages = readdirSync(join(repo, 'packages'), { withFileTypes: true })
  // A workspace with a manifest but no src/ yet has nothing to ship.
  .filter((entry) => entry.isDirectory() && existsSync(join(repo, 'packages', entry.name, 'src')))
  .map((entry) => JSON.parse(readFileSync(join(repo, 'packages', entry.name, 'package.json'), 'utf8')))
  .filter((manifest) => manifest.private !== true)
  .map((manifest) => manifest.name);

/** Every workspace package's manifest, by package name. */
const manifests = new Map(
  readdirSync(join(repo, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(repo, 'packages', d.name, 'package.json'))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')))
    .map((m) => [m.name, m]),
);

/** The files a manifest's `exports` and `bin` name under dist/: the entry points' JavaScript and declarations. */
function entryFiles(manifest) {
  const js = new Set();
  const types = new Set();
  for (const target of Object.values(manifest.exports ?? {})) {
    if (typeof target !== 'object') continue;
    if (typeof target.default === 'string') js.add(target.default.replace(/^\.\//, ''));
    if (typeof target.types === 'string') types.add(target.types.replace(/^\.\//, ''));
  }
  for (const bin of Object.values(manifest.bin ?? {})) js.add(bin.replace(/^\.\//, ''));
  return { js, types };
}

const startedAt = Date.now();
const step = (text) => console.log(`\n== ${text} (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
/** Runs a command; exits on failure. Returns stdout and stderr together, or stdout alone with `{ stdoutOnly }`. */
function run(command, commandArgs, { stdoutOnly = false, ...options } = {}) {
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0) {
    console.error(`✗ ${command} ${commandArgs.join(' ')} (exit ${result.status})\n${output}`);
    process.exit(1);
  }
  return stdoutOnly ? (result.stdout ?? '') : output;
}

const root = mkdtempSync(join(tmpdir(), 'mixtask-packaging-'));
const tarballs = join(root, 'tarballs');
const app = join(root, 'app');
mkdirSync(tarballs);
mkdirSync(app);
let failed = true;
process.on('exit', () => {
  if (!keep && !failed) rmSync(root, { recursive: true, force: true });
  else console.log(`\n(temporary files kept in ${root})`);
});

step('build');
run(process.execPath, [tsc, '-b'], { cwd: repo });
run(process.execPath, [join(repo, 'scripts', 'bundle.mjs')], { cwd: repo }); // the published entry points

step('npm pack every published workspace package');
const packed = JSON.parse(
  execFileSync(
    npm,
    ['pack', ...packages.flatMap((name) => ['--workspace', name]), '--json', '--pack-destination', tarballs],
    {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  ),
);
for (const p of packed) {
  const files = p.files.map((f) => f.path);
  console.log(`${p.name}@${p.version}: ${p.filename}, ${files.length} files, ${p.unpackedSize} bytes`);
  if (files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.includes('tsbuildinfo'))) {
    console.error(`✗ ${p.name} packs sources, tests or build info: ${files.join(', ')}`);
    process.exit(1);
  }
  // The sources are not shipped, so neither are source maps (their `sources` would point at nothing).
  if (files.some((f) => f.endsWith('.map'))) {
    console.error(`✗ ${p.name} packs source maps: ${files.filter((f) => f.endsWith('.map')).join(', ')}`);
    process.exit(1);
  }
  // One bundled artifact per entry point (issue 20 item 5): the JavaScript in the tarball is exactly the `exports`
  // targets and bins, each with its .d.ts; no per-file module, no shared chunk beside them.
  const entries = entryFiles(manifests.get(p.name) ?? {});
  const js = files.filter((f) => /\.[cm]?js$/.test(f)).sort();
  if (JSON.stringify(js) !== JSON.stringify([...entries.js].sort())) {
    console.error(
      `✗ ${p.name} packs JavaScript other than its entry points:\n  packed: ${js.join(', ')}\n  entries: ${[...entries.js].sort().join(', ')}`,
    );
    process.exit(1);
  }
  const missingTypes = [...entries.types].filter((f) => !files.includes(f));
  if (!files.includes('dist/index.js') || missingTypes.length > 0) {
    console.error(`✗ ${p.name} lacks dist/index.js or the .d.ts of an entry point: ${missingTypes.join(', ')}`);
    process.exit(1);
  }
  console.log(`  JavaScript: ${js.join(', ')} (one file per entry point)`);
}
const names = packed.map((p) => p.name).sort();
if (JSON.stringify(names) !== JSON.stringify([...packages].sort())) {
  console.error(`✗ expected ${packages.join(', ')}, packed ${names.join(', ')}`);
  process.exit(1);
}

step('a production install of mixtask brings no emulator');
{
  const lean = join(root, 'lean-app');
  mkdirSync(lean);
  writeFileSync(join(lean, 'package.json'), JSON.stringify({ name: 'mixtask-lean-app', private: true }, null, 2));
  // mixtask's own @mixtask dependencies come from their tarballs (they are not on the registry). The emulator's is
  // not offered: were mixtask to depend on it, this install fails; the `npm ls` below checks the tree besides.
  const offered = readdirSync(tarballs).filter((f) => !f.startsWith('mixtask-emulator'));
  run(
    npm,
    ['install', '--no-audit', '--no-fund', '--no-package-lock', '--omit=dev', ...offered.map((f) => join(tarballs, f))],
    {
      cwd: lean,
    },
  );
  const tree = run(npm, ['ls', '--omit=dev', '--all', '--parseable'], { cwd: lean, stdoutOnly: true });
  if (tree.includes('@mixtask/emulator')) {
    console.error(`✗ npm ls --omit=dev of an app with mixtask lists @mixtask/emulator:\n${tree}`);
    process.exit(1);
  }
  console.log('npm ls --omit=dev: no @mixtask/emulator');
}

step("README's install line in an isolated layout (npm --install-strategy=linked, like pnpm)");
{
  // Only what the README's Install section names is a direct dependency. In this layout an app sees its direct
  // dependencies only, so the quickstart's own `import 'fp-ts/…'` fails unless the install line names fp-ts.
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const install = /## Install\n+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const lines = install.split('\n').filter((l) => l.startsWith('npm install '));
  const named = (line) =>
    line
      .replace(/#.*$/, '')
      .split(/\s+/)
      .slice(2)
      .filter((word) => word !== '' && !word.startsWith('-'));
  const dependencies = lines.filter((l) => !/\s(-D|--save-dev)\b/.test(l)).flatMap(named);
  const devDependencies = lines.filter((l) => /\s(-D|--save-dev)\b/.test(l)).flatMap(named);
  if (!dependencies.includes('mixtask') || !dependencies.includes('fp-ts')) {
    console.error(`✗ README's install line does not name mixtask and fp-ts:\n${install}`);
    process.exit(1);
  }
  const tarballOf = (name) => {
    const file = readdirSync(tarballs).find((f) => f === `${name.replace('@', '').replace('/', '-')}-0.1.0.tgz`);
    return file === undefined ? name : `file:${join(tarballs, file)}`;
  };
  const linked = join(root, 'linked-app');
  mkdirSync(linked);
  // The @mixtask packages mixtask depends on are not on the registry: npm finds them through overrides pointing at
  // their tarballs, so they stay transitive (not direct dependencies of the app).
  const overrides = Object.fromEntries(
    packages.filter((name) => name !== 'mixtask').map((name) => [name, tarballOf(name)]),
  );
  writeFileSync(
    join(linked, 'package.json'),
    JSON.stringify(
      {
        name: 'mixtask-linked-app',
        private: true,
        type: 'module',
        dependencies: Object.fromEntries(
          dependencies.map((name) => [name, tarballOf(name) === name ? '*' : tarballOf(name)]),
        ),
        devDependencies: Object.fromEntries(
          devDependencies.map((name) => [name, tarballOf(name) === name ? '*' : tarballOf(name)]),
        ),
        overrides,
      },
      null,
      2,
    ),
  );
  run(npm, ['install', '--no-audit', '--no-fund', '--install-strategy=linked'], { cwd: linked });
  const quickstart = /## Quickstart\n+(?:<!--[\s\S]*?-->\n)?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  if (quickstart === '') {
    console.error("✗ no ```ts block under README.md's Quickstart");
    process.exit(1);
  }
  const ts = (await import(join(repo, 'node_modules', 'typescript', 'lib', 'typescript.js'))).default;
  writeFileSync(
    join(linked, 'quickstart.js'),
    ts.transpileModule(quickstart, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText,
  );
  for (const node of nodes) {
    const out = run(node, ['quickstart.js'], { cwd: linked, env: { ...process.env, NODE_OPTIONS: '' } });
    if (!/^stopped room_1, RequestId \S+$/.test(out)) {
      console.error(`✗ the README quickstart in the linked app printed:\n${out}`);
      process.exit(1);
    }
    console.log(`quickstart (${run(node, ['--version'])}, linked layout): ${out}`);
  }
}

step('install the tarballs into a fresh app outside the repository');
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'mixtask-smoke-app', private: true }, null, 2));
const tgz = readdirSync(tarballs).map((f) => join(tarballs, f));
run(npm, ['install', '--no-audit', '--no-fund', '--no-package-lock', ...tgz, '@types/node@^20'], { cwd: app });
// The packages must be the tarballs, not same-named ones from the registry.
const installed = JSON.parse(run(npm, ['ls', '--all', '--json', ...packages], { cwd: app, stdoutOnly: true }));
const walk = (deps, out = []) => {
  for (const [name, info] of Object.entries(deps ?? {})) {
    // Entries without `resolved` are the deduplicated references to the top-level copy.
    if (packages.includes(name) && info.resolved !== undefined) out.push(`${name} ${info.resolved}`);
    walk(info.dependencies, out);
  }
  return out;
};
for (const line of walk(installed.dependencies)) {
  if (!line.includes('file:') && !line.includes(tarballs)) {
    console.error(`✗ not from the tarballs: ${line}`);
    process.exit(1);
  }
}

// A real stop through each provider against the installed emulator, then the fake provider: the same code, in two
// module systems.
const scenario = (load) => `
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };
const warnings = [];
process.on('warning', (w) => warnings.push(w.name + ': ' + w.message));
const names = ${JSON.stringify(packages.flatMap((name) => (name === '@mixtask/core' ? [name, '@mixtask/core/testing'] : [name])))};
const loaded = await Promise.all([
  ${packages
    .flatMap((name) => (name === '@mixtask/core' ? [name, '@mixtask/core/testing'] : [name]))
    .map((name) => load(name))
    .join(',\n  ')}
]);
const modules = Object.fromEntries(names.map((name, i) => [name, loaded[i]]));
const [core, testing, tencent, aliyun, emulator, redis, umbrella] = ['@mixtask/core', '@mixtask/core/testing',
  '@mixtask/provider-tencent', '@mixtask/provider-aliyun', '@mixtask/emulator', '@mixtask/redis', 'mixtask'].map((name) => modules[name]);
const queue = modules['@mixtask/queue'];
// Every provider the umbrella lists, from its descriptor: built with no options, it answers ConfigurationError
// under its own name (a provider added to the list is checked here with no edit).
for (const d of umbrella.providerDescriptors) {
  const refused = await d.create({}).stopMix('x')();
  check(refused._tag === 'Left' && refused.left._tag === 'ConfigurationError' && refused.left.provider === d.name, d.name + ' descriptor: ' + JSON.stringify(refused));
}
for (const [name, fn] of Object.entries({
  'core.isMixError': core.isMixError, 'core.matchMixError': core.matchMixError, 'testing.createFakeProvider':
  testing.createFakeProvider, 'tencent.createTencentProvider': tencent.createTencentProvider,
  'aliyun.createAliyunProvider': aliyun.createAliyunProvider, 'emulator.startEmulator': emulator.startEmulator,
  'redis.createRedisRateLimiter': redis.createRedisRateLimiter, 'mixtask.createMixTaskProvider': umbrella.createMixTaskProvider, 'mixtask.parseMixTaskConfig': umbrella.parseMixTaskConfig,
  'queue.createStopQueue': queue.createStopQueue, 'queue.createStopWorker': queue.createStopWorker,
})) check(typeof fn === 'function', name + ' is a function');
const em = await emulator.startEmulator();
try {
  await em.tencent.createSession('smoke_room');
  await em.aliyun.startTask('smoke-task');
  const t = await umbrella.createMixTaskProvider({ provider: 'tencent', credentials: em.tencent.credentials, endpoint: em.url }).stopMix('smoke_room')();
  check(t._tag === 'Right' && t.right.outcome === 'stopped', 'tencent stop: ' + JSON.stringify(t));
  const a = await aliyun.createAliyunProvider({ credentials: em.aliyun.credentials, appId: em.aliyun.appId, endpoint: em.url }).stopMix('smoke-task')();
  check(a._tag === 'Right' && a.right.outcome === 'stopped', 'aliyun stop: ' + JSON.stringify(a));
  const again = await tencent.createTencentProvider({ credentials: em.tencent.credentials, endpoint: em.url }).stopMix('smoke_room')();
  check(again._tag === 'Left' && core.isMixError(again.left) && again.left._tag === 'SessionNotFound', 'not found: ' + JSON.stringify(again));
  // isMixError across copies: the umbrella's error is recognised by the core loaded here.
  const bad = umbrella.parseMixTaskConfig({ provider: 'tencent' });
  check(bad._tag === 'Left' && core.isMixError(bad.left), 'config error is a MixError');
  // The bundles carry their own fp-ts/io-ts: the app's fp-ts still reads our Eithers, and a second copy of core (as
  // when two versions are installed) still recognises our errors (Symbol.for).
  const appEither = await ${load('fp-ts/lib/Either.js')};
  const E = typeof appEither.isLeft === 'function' ? appEither : appEither.default;
  check(E.isLeft(again) && E.isRight(t) && E.getOrElse(() => 'none')(E.map((s) => s.outcome)(a)) === 'stopped', "the app's fp-ts reads our Eithers");
  const secondCore = await ${load('./second-core/dist/index.js')};
  check(secondCore.isMixError !== core.isMixError && secondCore.isMixError(again.left) && secondCore.isMixError(bad.left), 'a second copy of core recognises our errors');
  const fake = testing.createFakeProvider({ sessions: ['f1'] });
  const f = await fake.stopMix('f1')();
  check(f._tag === 'Right', 'fake provider');
} finally {
  await em.close();
}
console.log(JSON.stringify({ node: process.version, failures, warnings }));
`;

// A second, separate copy of core next to the app (its own bundle, its own inlined fp-ts/io-ts).
cpSync(join(app, 'node_modules', '@mixtask', 'core'), join(app, 'second-core'), { recursive: true });
writeFileSync(
  join(app, 'esm.mjs'),
  scenario((name) => `import('${name}')`),
);
// CommonJS: require() of the ESM packages (Node >= 20.19 / 22.12 load ESM through require when it has no top-level
// await). The top-level awaits here are inside an async function.
writeFileSync(
  join(app, 'cjs.cjs'),
  `'use strict';\n(async () => {\n${scenario((name) => `Promise.resolve(require('${name}'))`)}\n})().catch((e) => { console.log(JSON.stringify({ node: process.version, failures: ['threw: ' + (e && e.code) + ' ' + (e && e.message)], warnings: [] })); });\n`,
);

for (const node of nodes) {
  const version = run(node, ['--version']);
  for (const file of ['esm.mjs', 'cjs.cjs']) {
    step(`${file} with Node ${version}`);
    const out = run(node, [file], { cwd: app, env: { ...process.env, NODE_OPTIONS: '' } });
    const last =
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .pop() ?? '{}';
    const report = JSON.parse(last);
    console.log(`node ${report.node}: ${report.failures?.length === 0 ? 'ok' : 'FAILED'}`);
    for (const w of report.warnings ?? []) console.log(`  warning: ${w}`);
    if (report.failures === undefined || report.failures.length > 0) {
      console.error(`✗ ${file} on ${version}:\n${out}`);
      process.exit(1);
    }
  }
  step(`the installed bin with Node ${version}`);
  const help = run(node, [join(app, 'node_modules', 'mixtask', 'dist', 'cli.js'), '--help'], { cwd: app });
  if (!help.includes('Usage: mixtask')) {
    console.error(`✗ mixtask --help printed:\n${help}`);
    process.exit(1);
  }
  console.log('mixtask --help: ok');
}

step('type-check a TypeScript consumer');
writeFileSync(
  join(app, 'consumer.mts'),
  `import { createMixTaskProvider, matchMixError, parseMixTaskConfig, type MixError, type MixTaskProvider } from 'mixtask';
import { createTencentProvider, type TencentProviderOptions } from '@mixtask/provider-tencent';
import { createAliyunProvider, type AliyunProviderOptions } from '@mixtask/provider-aliyun';
import { startEmulator, type Emulator } from '@mixtask/emulator';
import { mixErrorTags, type MixErrorTag, type StopMixSuccess } from '@mixtask/core';
import { conformanceCases, createFakeProvider } from '@mixtask/core/testing';

const explain = matchMixError<string>({
  InvalidArgument: (e) => e.message, SessionNotFound: (e) => e.providerCode ?? '', AuthenticationFailed: (e) => e.message,
  PermissionDenied: (e) => e.message, ServiceDisabled: (e) => e.message, ConfigurationError: (e) => e.message,
  RateLimited: (e) => String(e.retryAfterMs), ProviderUnavailable: (e) => e.message, OperationFailed: (e) => e.message,
  NetworkError: (e) => e.message, Timeout: (e) => e.message, Aborted: (e) => e.message,
  MalformedResponse: (e) => String(e.httpStatus), Unknown: (e) => e.providerCode ?? '', Internal: (e) => e.message,
});
// @ts-expect-error a missing handler does not compile
matchMixError<string>({ InvalidArgument: () => '' });

export async function stop(provider: MixTaskProvider, id: string): Promise<StopMixSuccess | string> {
  const result = await provider.stopMix(id, { signal: AbortSignal.timeout(1000), timeoutMs: 1000 })();
  return result._tag === 'Right' ? result.right : explain(result.left);
}
const tencentOptions: TencentProviderOptions = { credentials: { secretId: 'a', secretKey: 'b' }, language: 'en-US' };
const aliyunOptions: AliyunProviderOptions = { credentials: async () => ({ accessKeyId: 'a', accessKeySecret: 'b' }), appId: 'x' };
export const providers: MixTaskProvider[] = [
  createTencentProvider(tencentOptions),
  createAliyunProvider(aliyunOptions),
  createMixTaskProvider({ provider: 'aliyun', ...aliyunOptions }),
  createFakeProvider({ sessions: ['a'] }),
];
export const tags: readonly MixErrorTag[] = mixErrorTags;
export const parsed = parseMixTaskConfig({});
export const cases = (em: Emulator) => conformanceCases({
  makeProvider: () => createTencentProvider({ credentials: em.tencent.credentials, endpoint: em.url }),
  createSession: async () => { await em.tencent.createSession('r1'); return 'r1'; },
  requestCount: () => em.requests().length,
  holdNextAnswer: () => em.inject({ action: { type: 'no-answer' } }),
});
export const emulator: Promise<Emulator> = startEmulator({ port: 0 });
export type { MixError };
`,
);
writeFileSync(
  join(app, 'consumer.cts'),
  `// A CommonJS TypeScript file: \`import x = require()\` of the ESM packages (require(esm) typing: module nodenext).
import mixtask = require('mixtask');
import core = require('@mixtask/core');
export const provider: core.MixTaskProvider = mixtask.createMixTaskProvider({
  provider: 'tencent',
  credentials: { secretId: 'a', secretKey: 'b' },
});
export const isError: (u: unknown) => u is core.MixError = core.isMixError;
`,
);
const strict = { strict: true, noEmit: true, skipLibCheck: false, types: ['node'], target: 'ES2022', lib: ['ES2023'] };
const configs = {
  node16: { compilerOptions: { ...strict, module: 'node16', moduleResolution: 'node16' }, files: ['consumer.mts'] },
  bundler: { compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler' }, files: ['consumer.mts'] },
  'nodenext-cjs': {
    compilerOptions: { ...strict, module: 'nodenext', moduleResolution: 'nodenext' },
    files: ['consumer.cts'],
  },
};
for (const [name, config] of Object.entries(configs)) {
  writeFileSync(join(app, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
  run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: app });
  console.log(`tsc --noEmit (${name}): ok`);
}

step('type-check the same consumer with TypeScript 7 (its default `types` is none)');
{
  // TypeScript 7 loads no global types unless asked: the published .d.ts must bring Node's types themselves (issue 23
  // item 15). Installed in its own temporary directory, never in the repository's lock; the consumer's tsconfigs are
  // the ones above without `types`, so only what our declarations reference is loaded.
  const ts7 = join(root, 'typescript-7');
  mkdirSync(ts7);
  writeFileSync(join(ts7, 'package.json'), JSON.stringify({ name: 'mixtask-ts7', private: true }, null, 2));
  run(npm, ['install', '--no-audit', '--no-fund', '--no-package-lock', 'typescript@7'], { cwd: ts7 });
  const tsc7 = join(ts7, 'node_modules', 'typescript', 'bin', 'tsc');
  const version7 = run(process.execPath, [tsc7, '--version'], { cwd: app });
  if (!/Version 7\./.test(version7)) {
    console.error(`✗ expected TypeScript 7, got ${version7}`);
    process.exit(1);
  }
  for (const [name, config] of Object.entries(configs)) {
    const { types: _types, ...compilerOptions } = config.compilerOptions;
    writeFileSync(join(app, `tsconfig.ts7-${name}.json`), JSON.stringify({ ...config, compilerOptions }, null, 2));
    run(process.execPath, [tsc7, '-p', `tsconfig.ts7-${name}.json`], { cwd: app });
    console.log(`${version7} --noEmit (${name}, no \`types\`): ok`);
  }
}

step('@mixtask/nestjs in a fresh Nest app: boots from the environment, stops a mix, exits by itself');
{
  // A Nest 12 app of its own (Nest from the registry, mixtask from the tarballs), in plain JavaScript: the test
  // fixture that boots a controller over @InjectMixTask() and closes on stdin's end, run from ESM here.
  const nestApp = join(root, 'nest-app');
  mkdirSync(nestApp);
  writeFileSync(
    join(nestApp, 'package.json'),
    JSON.stringify({ name: 'mixtask-nest-app', private: true, type: 'module' }),
  );
  // Every tarball of ours: npm resolves the optional peers among them (an optional peer that is only half present,
  // e.g. @mixtask/queue named by mixtask and @mixtask/nestjs, is an ERESOLVE otherwise).
  const ours = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
  const nest = [
    '@nestjs/common@^12',
    '@nestjs/core@^12',
    '@nestjs/platform-express@^12',
    'reflect-metadata',
    'rxjs',
    'fp-ts',
  ];
  run(
    npm,
    ['install', '--no-audit', '--no-fund', '--no-package-lock', ...ours.map((f) => join(tarballs, f)), ...nest],
    { cwd: nestApp },
  );
  cpSync(join(repo, 'packages', 'nestjs', 'test', 'fixtures', 'boot.cjs'), join(nestApp, 'boot.cjs'));
  cpSync(join(repo, 'packages', 'nestjs', 'test', 'fixtures', 'app.mjs'), join(nestApp, 'app.mjs'));
  writeFileSync(
    join(nestApp, 'drive.mjs'),
    `import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startEmulator } from '@mixtask/emulator';
const em = await startEmulator();
await em.tencent.createSession('nest_room');
const env = { PATH: process.env.PATH, MIXTASK_PROVIDER: 'tencent', MIXTASK_ENDPOINT: em.url,
  TENCENTCLOUD_SECRET_ID: em.tencent.credentials.secretId, TENCENTCLOUD_SECRET_KEY: em.tencent.credentials.secretKey };
const child = spawn(process.execPath, ['app.mjs'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
const events = createInterface({ input: child.stdout });
const port = await new Promise((resolve, reject) => {
  events.on('line', (line) => { const e = JSON.parse(line); if (e.event === 'listening') resolve(e.port); });
  exited.then(() => reject(new Error('the Nest app exited before listening')));
});
const answer = await (await fetch('http://127.0.0.1:' + port + '/rooms/nest_room/stop', { method: 'POST' })).json();
child.stdin.end(); // app.close(): the provider closes, and the process must end by itself
const code = await Promise.race([exited, new Promise((r) => setTimeout(r, 10000, 'still running').unref())]);
if (code === 'still running') child.kill('SIGKILL');
await em.close();
if (answer.stopped !== true || code !== 0) { console.error('✗', JSON.stringify({ answer, code })); process.exit(1); }
console.log('Nest app: stopped nest_room through @InjectMixTask(), closed, exited 0');
`,
  );
  for (const node of nodes) console.log(run(node, ['drive.mjs'], { cwd: nestApp }));
}

failed = false;
step('packaging smoke test passed');
