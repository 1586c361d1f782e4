import { expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

// tsconfig `references` cannot be globs: a script derives them from packages/* and each manifest's dependencies.
it('the TypeScript project references are what the workspace says (node scripts/workspace-references.mjs)', () => {
  const run = () =>
    execFileSync(process.execPath, ['scripts/workspace-references.mjs', '--check'], {
      cwd: repo,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  expect(run).not.toThrow();
});
