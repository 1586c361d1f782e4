import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** The release number the build writes into the bundles (scripts/bundle.mjs `define`); tests run the sources. */
const { version } = JSON.parse(readFileSync(new URL('./packages/core/package.json', import.meta.url), 'utf8'));

/**
 * Every workspace package's entry points (`exports` targets under ./dist/, as scripts/bundle.mjs reads them),
 * mapped to their sources: `@mixtask/core/adapter` → packages/core/src/adapter.ts. Picked up from packages/*, so a
 * new package needs no line here; one without sources yet (a manifest only) maps nothing.
 */
function sourceMappings() {
  const mappings = [];
  for (const entry of readdirSync(new URL('packages/', import.meta.url), { withFileTypes: true })) {
    const dir = new URL(`packages/${entry.name}/`, import.meta.url);
    if (!entry.isDirectory() || !existsSync(new URL('src/', dir)) || !existsSync(new URL('package.json', dir)))
      continue;
    const manifest = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8'));
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const file = typeof target === 'object' && target !== null ? target.default : undefined;
      if (typeof file !== 'string' || !file.startsWith('./dist/')) continue;
      const source = file.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
      if (!existsSync(new URL(source, dir))) continue;
      const name = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, '')}`;
      mappings.push([
        `^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`,
        `<rootDir>/packages/${entry.name}/${source}`,
      ]);
    }
  }
  // Longer names first, so `@mixtask/core/adapter` is not taken for `@mixtask/core` (the patterns are anchored anyway).
  return Object.fromEntries(mappings.sort(([a], [b]) => b.length - a.length));
}

/**
 * jest 30 + ts-jest in ESM mode. Tests import workspace packages by name; the mapper points those names at the
 * sources, so a test run needs no prior build and always sees the current code.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  globals: { __MIXTASK_VERSION__: version },
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/packages', '<rootDir>/examples'],
  testMatch: ['**/test/**/*.test.ts', '**/examples/**/*.test.ts'],
  moduleNameMapper: {
    ...sourceMappings(),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  testTimeout: 20000,
};
