#!/usr/bin/env node
/**
 * Replaces each package's runtime entry points in dist/ with bundled ESM files (issue 14, cold start). Run after
 * `tsc -b` (`npm run build` does both): tsc still type-checks and emits every .d.ts (and the per-file .js, which no
 * entry point uses any more but tests may probe); this script then overwrites dist/<entry>.js with one bundle per
 * entry point, built by esbuild from src/.
 *
 * Why: importing mixtask as per-file ESM spent ~75% of its time in Node's module loader (~48 files, a dozen of them
 * fp-ts/io-ts CommonJS). A bundle with fp-ts and io-ts inlined is one or two files (docs/benchmarks.md, "Cold start").
 *
 * What is inlined: the package's own modules, fp-ts and io-ts (their ES-module builds, so unused parts are shaken
 * out), and core's two small proxy helpers hpagent and proxy-from-env (~7 KB, but ~8 ms of import as separate
 * CommonJS/ESM packages). Everything else stays an import: other @mixtask/* packages (one copy of core for all of
 * them), got (still a lazy `import()`), ioredis, cli-progress, the optional peers, node: builtins. The licences of
 * what is inlined go to dist/third-party-licenses.txt.
 * A package with several entry points (core: `.`, `./adapter`, `./testing`, `./internal`) is split: the entries share
 * chunks in dist/chunks/, so `lifecycle`, `createRateLimiter`, the runner, … exist once whichever entry is imported.
 *
 * Entry points come from each package.json: every `exports` target and `bin` under ./dist/ (dist/X.js ← src/X.ts).
 */
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Every workspace package that has sources (the root's `workspaces` is the glob `packages/*`). */
const workspaces = readdirSync(join(repo, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(repo, 'packages', entry.name, 'src')))
  .map((entry) => join('packages', entry.name));
const tsBase = JSON.parse(readFileSync(join(repo, 'tsconfig.base.json'), 'utf8')).compilerOptions;

/** Third-party code copied into the bundles; any other bare import stays external. */
const inlined = /^(fp-ts|io-ts|hpagent|proxy-from-env)(\/|$)/;

/** hpagent is CommonJS and `require()`s node builtins: an ES-module bundle has no `require` of its own. */
const requireShim = `import { createRequire as __mixtaskCreateRequire } from 'node:module';
const require = __mixtaskCreateRequire(import.meta.url);`;

/** fp-ts/io-ts as ES modules: our sources import 'fp-ts/lib/X.js' (CommonJS) for Node; the bundle takes fp-ts/es6/X.js,
 * the same code, so io-ts's ES build and ours share one copy and the bundler can drop what is unused. */
const inlineOrExternal = {
  name: 'inline-fp-ts-io-ts',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (!inlined.test(args.path)) return { path: args.path, external: true };
      const es6 = args.path.replace(/^fp-ts\/lib\//, 'fp-ts/es6/');
      if (es6 === args.path || args.pluginData === 'es6') return undefined; // esbuild resolves it
      return b.resolve(es6, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'es6' });
    });
  },
};

/** `exports` targets and bins that are JS under ./dist/, mapped to their sources. */
function entryPoints(dir, manifest) {
  const targets = new Set();
  for (const target of Object.values(manifest.exports ?? {})) {
    if (typeof target === 'object' && typeof target.default === 'string') targets.add(target.default);
  }
  for (const bin of Object.values(manifest.bin ?? {})) targets.add(bin);
  return [...targets]
    .filter((t) => /^\.\/dist\/.+\.js$/.test(t))
    .map((t) => join(dir, t.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')));
}

/** The licence of every third-party package copied into this package's bundles (MIT asks for the notice). */
function writeNotices(outdir, inputs) {
  const names = [...new Set(inputs.map((i) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(i)?.[1]).filter(Boolean))];
  const file = join(outdir, 'third-party-licenses.txt');
  if (names.length === 0) return rmSync(file, { force: true });
  const notices = names.sort().map((name) => {
    const dir = join(repo, 'node_modules', name);
    const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const text = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].map((f) => join(dir, f)).find((f) => existsSync(f));
    return `${name}@${version} (${license})\n\n${text === undefined ? '' : readFileSync(text, 'utf8').trim()}\n`;
  });
  writeFileSync(file, `Bundled into this package's dist/ files:\n\n${notices.join('\n---\n\n')}`);
}

const started = performance.now();
const lines = [];
for (const workspace of workspaces) {
  const dir = join(repo, workspace);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entries = entryPoints(dir, manifest);
  if (entries.length === 0) continue;
  const outdir = join(dir, 'dist');
  rmSync(join(outdir, 'chunks'), { recursive: true, force: true }); // no stale chunk survives a rebuild
  const result = await build({
    entryPoints: entries,
    outdir,
    outbase: join(dir, 'src'),
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    plugins: [inlineOrExternal],
    banner: { js: requireShim },
    // Mirrors tsc's settings, so a map next to a bundle is the bundle's own.
    sourcemap: tsBase.sourceMap === true || tsBase.inlineSourceMap === true ? 'linked' : false,
    sourcesContent: tsBase.inlineSources === true,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: repo,
    metafile: true,
    write: true,
  });
  writeNotices(outdir, Object.keys(result.metafile.inputs));
  const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
  const bytes = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
  lines.push(
    `${manifest.name}: ${outputs.map(([file]) => relative(outdir, join(repo, file))).join(', ')} (${(bytes / 1024).toFixed(0)} KB)`,
  );
}
console.log(`bundle: ${lines.join('; ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
