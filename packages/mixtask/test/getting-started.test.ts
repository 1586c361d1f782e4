import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';
import { startEmulator, type Emulator } from '@mixtask/emulator';

/** docs/getting-started.md's "event ended" example, run as written against the built packages and the emulator. */
const root = new URL('../../../', import.meta.url);
const scratch = new URL('node_modules/.cache/mixtask-doc-examples/', root);

function blockAfter(markdown: string, heading: string): string {
  const section = markdown.slice(markdown.indexOf(heading));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!markdown.includes(heading) || block === undefined) throw new Error(`no ts block after "${heading}"`);
  return block;
}

let em: Emulator;
beforeAll(async () => {
  em = await startEmulator();
});
afterAll(() => em.close());

describe('docs/getting-started.md', () => {
  it('the stopMixes example stops every room of the event', async () => {
    const markdown = readFileSync(new URL('docs/getting-started.md', root), 'utf8');
    const source = blockAfter(markdown, '## Stop many at once');
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    mkdirSync(scratch, { recursive: true });
    const file = new URL('stop-many.mjs', scratch);
    writeFileSync(file, js);
    await em.tencent.createSession('launch_room_1');
    await em.tencent.createSession('launch_room_3');
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [file.pathname],
        {
          env: {
            PATH: process.env.PATH ?? '',
            MIXTASK_PROVIDER: 'tencent',
            MIXTASK_ENDPOINT: em.url,
            TENCENTCLOUD_SECRET_ID: em.tencent.credentials.secretId,
            TENCENTCLOUD_SECRET_KEY: em.tencent.credentials.secretKey,
          },
          timeout: 20_000,
        },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
      );
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('stopped 2, already stopped 0, failed 1, not attempted 0\n');
    expect(run.stderr).toMatch(/^launch_room_2: SessionNotFound [0-9a-f-]{36}\n$/);
    expect(em.tencent.sessions()).toEqual([]);
  });
});
