import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

// Issue 23, item 16: what a newcomer followed and what failed them, kept from coming back.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

const markdownFiles = [
  'README.md',
  ...readdirSync(join(root, 'docs'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...readdirSync(join(root, 'packages'))
    .map((p) => `packages/${p}/README.md`)
    .filter((f) => existsSync(join(root, f))),
];

describe('the docs a newcomer follows', () => {
  it.each(markdownFiles)('%s: every relative link names a page and heading that exist', (file) => {
    const broken: string[] = [];
    for (const [, link] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:)/.test(link as string)) continue;
      const [path, anchor] = (link as string).split('#');
      const target = path === '' ? file : normalize(join(dirname(file), path as string));
      if (!existsSync(join(root, target))) {
        broken.push(`${link} (no such page)`);
        continue;
      }
      if (anchor !== undefined && target.endsWith('.md')) {
        const headings = [...read(target).matchAll(/^#+ (.*)$/gm)].map(([, h]) => slug(h as string));
        if (!headings.includes(anchor)) broken.push(`${link} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('transports.md: no stale text about a switch that has landed; the ambiguous retry links where it is', () => {
    const transports = read('docs/transports.md');
    expect(transports).not.toMatch(/until the lead's switch|positional argument/);
    expect(transports).toContain('errors.md#retries-and-the-ambiguous-retry');
  });

  it('observability.md says what to install for the SDK, not only the API', () => {
    const observability = read('docs/observability.md');
    expect(observability).toMatch(/npm install @opentelemetry\/api/);
    expect(observability).toMatch(/npm install @opentelemetry\/sdk-node/);
    expect(observability).toMatch(/npm install @opentelemetry\/context-async-hooks .*@opentelemetry\/sdk-metrics/);
  });

  it('the install docs mention @types/node (and TypeScript 7 needs it listed)', () => {
    for (const file of ['README.md', 'docs/getting-started.md']) expect(read(file)).toContain('@types/node');
    expect(read('docs/getting-started.md')).toContain('"types": ["node"]');
  });

  it('the emulator docs name the flags and variables for fixed credentials and port', () => {
    for (const file of ['docs/cli.md', 'docs/testing.md']) {
      const text = read(file);
      for (const name of ['--tencent-secret-id', '--aliyun-app-id', 'MIXTASK_EMULATOR_PORT'])
        expect(text).toContain(name);
    }
  });
});
