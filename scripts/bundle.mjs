#!/usr/bin/env node
/**
 * Writes each package's runtime entry points to dist/ as bundled ESM files (issue 14, cold start; issue 20 item 5).
 * Run after `tsc -b` (`npm run build` does both): tsc type-checks and emits only the .d.ts tree
 * (`emitDeclarationOnly` in tsconfig.base.json); this script writes dist/<entry>.js, one self-contained file per
 * entry point, built by esbuild from src/, and deletes any other .js left in dist/ by an older build. So a package's
 * dist/ holds, as JavaScript, exactly its entry points and bins: what the tarball ships (scripts/packaging-smoke.mjs
 * checks the listing).
 *
 * Why: importing mixtask as per-file ESM spent ~75% of its time in Node's module loader (~48 files, a dozen of them
 * fp-ts/io-ts CommonJS). A bundle with fp-ts and io-ts inlined is one or two files (docs/benchmarks.md, "Cold start").
 *
 * What is inlined: the package's own modules, fp-ts and io-ts (their ES-module builds, so unused parts are shaken
 * out), and core's two small proxy helpers hpagent and proxy-from-env (~7 KB, but ~8 ms of import as separate
 * CommonJS/ESM packages). Everything else stays an import: other @mixtask/* packages (one copy of core for all of
 * them), got (still a lazy `import()`), ioredis, cli-progress, the optional peers, node: builtins. The licences of
 * what is inlined go to dist/third-party-licenses.txt.
 * No code splitting: an entry point is one file, with no chunks beside it. A package with several entry points (core:
 * `.`, `./adapter`, `./testing`, `./internal`) therefore carries the modules they share once per entry; nothing in
 * core depends on a module's identity across entries (errors are recognised by `Symbol.for`, caches live on the
 * provider instance), and docs/benchmarks.md measures what the repeat costs at import.
 *
 * The version: `__MIXTASK_VERSION__` is replaced by the package's `version` (esbuild `define`), the one place a
 * release number enters the code (core's User-Agent and telemetry scope, the CLI's --version). jest.config.js sets
 * the same global from core's package.json for tests, which run the sources.
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

/**
 * Every .js (and its map) under dist/ that this build did not write (per-file output of an older tsc, old chunks),
 * and every .d.ts whose source is gone (tsc -b does not delete the output of a moved or deleted file).
 */
function removeStrayJs(outdir, written) {
  const srcdir = join(dirname(outdir), 'src');
  for (const entry of readdirSync(outdir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath ?? entry.path, entry.name);
    const source = join(srcdir, relative(outdir, file)).replace(/\.d\.ts$/, '.ts');
    if (/\.js(\.map)?$/.test(file) && !written.has(file.replace(/\.map$/, ''))) rmSync(file);
    else if (file.endsWith('.d.ts') && !existsSync(source)) rmSync(file);
  }
  rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
}

/**
 * The published declarations mention Node's types (Buffer, node:http agents, streams). An app whose tsconfig loads
 * no global types (TypeScript 7's default `types: []`) would not see them, so each entry point's .d.ts asks for
 * them itself, and the package depends on @types/node (issue 23 item 15). tsc (5.5+) drops a `reference types` it
 * did not need to resolve the file, so the directive is written here, on the emitted entry .d.ts.
 */
function referenceNodeTypes(dir, manifest) {
  if (manifest.dependencies?.['@types/node'] === undefined) {
    throw new Error(`${manifest.name}: its .d.ts reference Node's types, so it must depend on @types/node`);
  }
  const directive = '/// <reference types="node" />\n';
  for (const target of Object.values(manifest.exports ?? {})) {
    if (typeof target !== 'object' || typeof target.types !== 'string') continue;
    const file = join(dir, target.types);
    if (!existsSync(file)) throw new Error(`${manifest.name}: exports types ${target.types} was not emitted by tsc`);
    const text = readFileSync(file, 'utf8');
    if (!text.startsWith(directive)) writeFileSync(file, directive + text);
  }
}

const started = performance.now();
const lines = [];
for (const workspace of workspaces) {
  const dir = join(repo, workspace);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entries = entryPoints(dir, manifest);
  if (entries.length === 0) continue;
  const outdir = join(dir, 'dist');
  const result = await build({
    entryPoints: entries,
    outdir,
    outbase: join(dir, 'src'),
    bundle: true,
    splitting: false,
    define: { __MIXTASK_VERSION__: JSON.stringify(manifest.version) },
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
  removeStrayJs(outdir, new Set(outputs.map(([file]) => join(repo, file))));
  if (manifest.private !== true) referenceNodeTypes(dir, manifest); // a private package (the test kit) is never installed by an app
  const bytes = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
  lines.push(
    `${manifest.name}: ${outputs.map(([file]) => relative(outdir, join(repo, file))).join(', ')} (${(bytes / 1024).toFixed(0)} KB)`,
  );
}
console.log(`bundle: ${lines.join('; ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
