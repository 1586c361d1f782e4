import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';

/**
 * What npm shows and ships for each package (issue 11 items 11 and 12): the metadata a registry page links from,
 * READMEs whose links work from a tarball (which holds no docs/), and fp-ts as a peer where the types expose it.
 */
const root = new URL('../../../', import.meta.url);
const repository = 'https://github.com/mixtask/mixtask';
const packages = ['core', 'provider-tencent', 'provider-aliyun', 'emulator', 'mixtask', 'redis'];
// Their public types hand out fp-ts values (Either, TaskEither): the app and mixtask must share one fp-ts.
const exposeFpTs = new Set(['core', 'provider-tencent', 'provider-aliyun', 'mixtask']);

interface PackageJson {
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  keywords?: string[];
  files?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
const manifest = (dir: string) =>
  JSON.parse(readFileSync(new URL(`packages/${dir}/package.json`, root), 'utf8')) as PackageJson;

describe.each(packages)('packages/%s', (dir) => {
  it('names its repository, homepage, issue tracker and keywords', () => {
    const pkg = manifest(dir);
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${repository}.git`, directory: `packages/${dir}` });
    expect(pkg.homepage).toBe(`${repository}/tree/main/packages/${dir}#readme`);
    expect(pkg.bugs).toEqual({ url: `${repository}/issues` });
    expect(pkg.keywords?.length).toBeGreaterThan(0);
  });

  it('README links are absolute (the tarball holds no docs/ and no sibling packages)', () => {
    const readme = readFileSync(new URL(`packages/${dir}/README.md`, root), 'utf8');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
    const relative = targets.filter((target) => !/^(https:\/\/|#)/.test(target));
    expect(relative).toEqual([]);
    for (const target of targets.filter((t) => t.startsWith(`${repository}/blob/main/`))) {
      const path = target.slice(`${repository}/blob/main/`.length).replace(/#.*$/, '');
      expect(() => readFileSync(new URL(path, root))).not.toThrow();
    }
  });

  it('ships no source maps (their sources are not in the tarball)', () => {
    expect(manifest(dir).files).toContain('!dist/**/*.map');
  });

  it(exposeFpTs.has(dir) ? 'has fp-ts as a peer (and a devDependency here)' : 'does not ask for fp-ts', () => {
    const pkg = manifest(dir);
    if (exposeFpTs.has(dir)) {
      expect(pkg.peerDependencies?.['fp-ts']).toMatch(/^\^2\./);
      expect(pkg.peerDependenciesMeta?.['fp-ts']?.optional).not.toBe(true);
      expect(pkg.devDependencies?.['fp-ts']).toBeDefined();
      expect(pkg.dependencies?.['fp-ts']).toBeUndefined();
    } else {
      expect(pkg.peerDependencies?.['fp-ts']).toBeUndefined();
    }
  });
});

it('the build emits no source maps', () => {
  const base = JSON.parse(readFileSync(new URL('tsconfig.base.json', root), 'utf8')) as {
    compilerOptions: { sourceMap?: boolean; declarationMap?: boolean };
  };
  expect(base.compilerOptions.sourceMap).toBe(false);
  expect(base.compilerOptions.declarationMap).toBe(false);
});
