import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';
import { startEmulator, type Emulator } from '@mixtask/emulator';

/**
 * Every package README starts with a runnable example: this runs each one, as a user would, against the built
 * packages (`npm test` builds first). A README whose example no longer runs fails here.
 */
const root = new URL('../../../', import.meta.url);
// Inside the repository, so the example's imports resolve to the workspace packages like an app's would.
const scratch = new URL('node_modules/.cache/mixtask-readme-examples/', root);

function firstTsBlock(readme: string): string {
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('no ```ts block');
  return block;
}

function runExample(name: string, source: string, env: Record<string, string> = {}) {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  mkdirSync(scratch, { recursive: true });
  const file = new URL(`${name}.mjs`, scratch);
  writeFileSync(file, js);
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [file.pathname],
      { env: { ...process.env, ...env }, timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

let em: Emulator;
beforeAll(async () => {
  em = await startEmulator();
});
afterAll(() => em.close());

describe('package README examples run as written', () => {
  it.each(['core', 'provider-tencent', 'provider-aliyun', 'provider-aws-ivs', 'emulator'])(
    'packages/%s/README.md',
    async (pkg) => {
      const readme = readFileSync(new URL(`packages/${pkg}/README.md`, root), 'utf8');
      const run = await runExample(pkg, firstTsBlock(readme));
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).not.toBe('');
    },
  );

  it('packages/mixtask/README.md, with the environment it names', async () => {
    await em.aliyun.startTask('task-1');
    const readme = readFileSync(new URL('packages/mixtask/README.md', root), 'utf8');
    const run = await runExample('mixtask', firstTsBlock(readme), {
      MIXTASK_PROVIDER: 'aliyun',
      MIXTASK_ENDPOINT: em.url,
      MIXTASK_ALIYUN_APP_ID: em.aliyun.appId,
      ALIBABA_CLOUD_ACCESS_KEY_ID: em.aliyun.credentials.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: em.aliyun.credentials.accessKeySecret,
    });
    expect(run).toMatchObject({ code: 0, stdout: 'stopped\n' });
  });
});
