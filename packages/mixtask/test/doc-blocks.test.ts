import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import ts from 'typescript';
import { startEmulator, type Emulator } from '@mixtask/emulator';

/**
 * No doc can rot (issue 11 item 10): every ```ts block of README.md, docs/**\/*.md and packages/*\/README.md is
 * type-checked against the built packages, as an app would see them, and the blocks marked to run are run.
 *
 * A block may be preceded by an HTML comment (invisible on GitHub and npm):
 *   <!-- run -->                  run it with node (against this test's emulator, see `runEnv`) and typecheck it;
 *   <!-- fragment -->             typecheck it only (the default for a block with no comment);
 *   <!-- run|fragment
 *   import { … } from '…';        hidden lines put before the block: the imports and `declare`s of the names the
 *   declare const em: Emulator;   block takes from its surroundings (placeholders like `credentials`)
 *   -->
 * Each block is its own module. A run block must end on its own (close what it opens): a block that hangs, or
 * leaves a top-level await unsettled, fails here. The first block of each package README and getting-started's
 * "Stop many at once" are also run, with their own checks, by readme-examples.test.ts and getting-started.test.ts.
 * `npm test` builds first; run alone, this test needs `npx tsc -b` (it reads the packages' dist, as users do).
 */
const root = new URL('../../../', import.meta.url);
const scratch = new URL('node_modules/.cache/mixtask-doc-blocks/', root);

// Packages the docs invent (a provider being written in adding-a-provider.md), declared for the typecheck.
const inventedModules = `declare module '@mixtask/provider-kiwi' {
  export const kiwiProvider: import('@mixtask/core/adapter').ProviderDescriptor<any, any, 'kiwi'>;
}
`;

interface DocBlock {
  readonly name: string; // e.g. docs/testing.md#2 (line 10)
  readonly slug: string;
  readonly kind: 'run' | 'fragment';
  readonly preamble: string;
  readonly code: string;
}

function markdownFiles(): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(new URL(dir, root), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? docs(`${dir}${entry.name}/`) : entry.name.endsWith('.md') ? [`${dir}${entry.name}`] : [],
    );
  // A package another branch is still building may have no README yet.
  const readmes = readdirSync(new URL('packages/', root))
    .map((pkg) => `packages/${pkg}/README.md`)
    .filter((readme) => existsSync(new URL(readme, root)));
  return ['README.md', ...docs('docs/'), ...readmes];
}

function blocksOf(file: string): DocBlock[] {
  const markdown = readFileSync(new URL(file, root), 'utf8');
  const blocks: DocBlock[] = [];
  const fence = /(?:<!--\s*(run|fragment)\b([\s\S]*?)-->\s*\n)?```ts\n([\s\S]*?)^```/gm;
  for (const match of markdown.matchAll(fence)) {
    const line = markdown.slice(0, match.index).split('\n').length;
    const index = blocks.length;
    blocks.push({
      name: `${file}#${index} (line ${line})`,
      slug: `${file.replace(/[^A-Za-z0-9]+/g, '-')}-${index}`,
      kind: match[1] === 'run' ? 'run' : 'fragment',
      preamble: match[2]?.trim() ?? '',
      code: match[3] ?? '',
    });
  }
  return blocks;
}

const blocks = markdownFiles().flatMap(blocksOf);
// The preamble's lines come first; errors in the block itself are reported with the block's own line numbers.
const source = (block: DocBlock) => `${block.preamble}\n${block.code}\nexport {};\n`;
const preambleLines = (block: DocBlock) => block.preamble.split('\n').length;

let em: Emulator;
beforeAll(async () => {
  em = await startEmulator();
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
});
afterAll(() => em.close());

describe('the code blocks of the docs', () => {
  it('finds the blocks (README.md, docs/, package READMEs) and some to run', () => {
    expect(blocks.length).toBeGreaterThan(30);
    expect(blocks.filter((b) => b.kind === 'run').length).toBeGreaterThan(5);
  });

  it('every block typechecks, in one program, as an app compiled with strict settings sees it', () => {
    const files = blocks.map((block) => {
      const path = new URL(`${block.slug}.mts`, scratch).pathname;
      writeFileSync(path, source(block));
      return { path, block };
    });
    const ambient = new URL('invented-modules.d.ts', scratch).pathname;
    writeFileSync(ambient, inventedModules);
    const program = ts.createProgram([...files.map((f) => f.path), ambient], {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noUncheckedIndexedAccess: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      noEmit: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      const file = files.find((f) => f.path === d.file?.fileName);
      if (file === undefined || d.start === undefined || d.file === undefined) return text;
      const line = d.file.getLineAndCharacterOfPosition(d.start).line + 1 - preambleLines(file.block);
      return `${file.block.name}, ${line > 0 ? `block line ${line}` : 'hidden preamble'}: ${text}`;
    });
    expect(problems).toEqual([]);
  }, 120_000);

  const runnable = blocks.filter((b) => b.kind === 'run');
  it.each(runnable.map((b) => [b.name, b] as const))('%s runs and ends on its own', async (_name, block) => {
    await em.tencent.createSession('room_1');
    await em.aliyun.startTask('task-1');
    const js = ts.transpileModule(source(block), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, experimentalDecorators: true },
    }).outputText;
    const file = new URL(`${block.slug}.mjs`, scratch);
    writeFileSync(file, js);
    const run = await new Promise<{ code: number | string; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [file.pathname],
        { env: runEnv(), timeout: 15_000, killSignal: 'SIGKILL' },
        (error, stdout, stderr) =>
          resolve({
            code: error === null ? 0 : error.killed ? 'killed after 15 s (it hangs)' : (error.code ?? -1),
            stdout,
            stderr,
          }),
      );
    });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  });
});

/** What a run block's environment holds: the test's emulator as the Tencent cloud, room_1 and task-1 running. */
function runEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    MIXTASK_PROVIDER: 'tencent',
    MIXTASK_ENDPOINT: em.url,
    TENCENTCLOUD_SECRET_ID: em.tencent.credentials.secretId,
    TENCENTCLOUD_SECRET_KEY: em.tencent.credentials.secretKey,
  };
}

describe('docs/README.md', () => {
  it('links every page of docs/', () => {
    const index = readFileSync(new URL('docs/README.md', root), 'utf8');
    const pages = markdownFiles()
      .filter((file) => file.startsWith('docs/') && file !== 'docs/README.md')
      .map((file) => file.slice('docs/'.length));
    expect(pages.filter((page) => !index.includes(`](${page})`))).toEqual([]);
  });
});
