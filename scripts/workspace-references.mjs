#!/usr/bin/env node
/**
 * Keeps the TypeScript project references in step with the workspace (tsconfig `references` cannot be globs):
 *  - the root tsconfig.json references every packages/* that has a tsconfig.json;
 *  - a package's tsconfig.json references every workspace package it depends on (dependencies, peer and optional
 *    dependencies) that has one.
 * Existing references keep their order; missing ones are appended, ones to packages gone or no longer depended on
 * are dropped. A package with only a package.json (being built on another branch) is skipped.
 *
 * Usage: node scripts/workspace-references.mjs [--check]   (--check: exit 1 and say what is stale, write nothing)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

const projects = readdirSync(join(repo, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => ({ dir: entry.name, path: join(repo, 'packages', entry.name) }))
  .filter(({ path }) => existsSync(join(path, 'package.json')) && existsSync(join(path, 'tsconfig.json')))
  .map((p) => ({ ...p, manifest: JSON.parse(readFileSync(join(p.path, 'package.json'), 'utf8')) }));
const byName = new Map(projects.map((p) => [p.manifest.name, p]));

/** `wanted` in the order of `current` first, then the rest in the order given. */
function keepOrder(current, wanted) {
  const kept = current.filter((path) => wanted.includes(path));
  return [...kept, ...wanted.filter((path) => !kept.includes(path))];
}

const stale = [];
async function update(file, wanted) {
  const text = readFileSync(file, 'utf8');
  const config = ts.parseConfigFileTextToJson(file, text).config; // tsconfig is JSON with comments
  const current = (config.references ?? []).map((r) => r.path);
  const next = keepOrder(current, wanted);
  if (JSON.stringify(next) === JSON.stringify(current)) return;
  stale.push(`${file.slice(repo.length + 1)}: references ${JSON.stringify(current)} → ${JSON.stringify(next)}`);
  if (check) return;
  config.references = next.map((path) => ({ path }));
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(JSON.stringify(config, null, 2), { ...options, filepath: file }));
}

await update(
  join(repo, 'tsconfig.json'),
  projects.map((p) => `packages/${p.dir}`),
);
for (const project of projects) {
  const { dependencies = {}, peerDependencies = {}, optionalDependencies = {} } = project.manifest;
  const deps = Object.keys({ ...dependencies, ...peerDependencies, ...optionalDependencies });
  const wanted = deps.filter((name) => byName.has(name)).map((name) => `../${byName.get(name).dir}`);
  await update(join(project.path, 'tsconfig.json'), wanted);
}

if (stale.length > 0) {
  console.log(stale.join('\n'));
  if (check) {
    console.error('stale project references: run `node scripts/workspace-references.mjs`');
    process.exit(1);
  }
}
