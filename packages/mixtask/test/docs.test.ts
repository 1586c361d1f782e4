import { describe, expect, it } from '@jest/globals';
import { commonOptionsCodec, renderCodeTable } from '@mixtask/core/adapter';
import { envVariables, providerDescriptors } from 'mixtask';
import { fleetFieldNames } from '../src/fleet-limiter.js';
import { mainHelp } from '../src/cli/main.js';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { stopHelp } from '../src/cli/stop.js';
import { readFileSync } from 'node:fs';
import { between, doc, providerPage } from './support/provider-docs.js';
import { queueHelp } from '../src/cli/queue.js';
import { workerHelp } from '../src/cli/worker.js';

/** The umbrella's own config fields, beside the common options and each provider's. */
const umbrellaFields = ['provider', 'credentials', 'redisUrl', 'rateLimitKey'];

describe('docs say what the code does', () => {
  describe.each(providerDescriptors.map((d) => [d.name, d] as const))('%s', (name, descriptor) => {
    it('has its page, docs/providers/<name>.md, holding its code table exactly (npm run docs:tables rewrites it)', () => {
      const page = providerPage(name) ?? '';
      expect(between(page, `${name}-code-table`)).toBe(renderCodeTable(descriptor.codeRules));
      // Exactly once: a hand-edited second copy would drift.
      expect(page.split(renderCodeTable(descriptor.codeRules))).toHaveLength(2);
    });

    it("errors.md's copy of its code table, if it has one, is the same", () => {
      const table = between(doc('errors.md'), `${name}-code-table`);
      if (table !== undefined) expect(table).toBe(renderCodeTable(descriptor.codeRules));
    });

    it('its own options and env variables are documented, in configuration.md or on its page', () => {
      const docs = `${doc('configuration.md')}\n${providerPage(name) ?? ''}`;
      for (const variable of descriptor.env) expect(docs).toContain(variable.name);
      for (const field of new Set(descriptor.env.map((v) => v.path.split('.')[0] as string))) {
        expect(docs).toContain(`\`${field}\``);
      }
    });
  });

  it('configuration.md names only options and env variables that exist', () => {
    const configuration = doc('configuration.md');
    const providerFields = providerDescriptors.flatMap((d) => d.env.map((v) => v.path.split('.')[0] as string));
    const options = new Set([
      ...Object.keys((commonOptionsCodec as unknown as { type: { props: object } }).type.props),
      ...umbrellaFields,
      ...providerFields,
      ...fleetFieldNames,
    ]);
    const rows = configuration.split('\n').filter((line) => /^\| `/.test(line));
    const documented = new Set(rows.map((line) => /^\| `([A-Za-z]+)`/.exec(line)?.[1]));
    for (const option of documented) expect(options).toContain(option);
    // Every common and umbrella option has its row; a provider's own may be on its page instead.
    for (const option of options) if (!providerFields.includes(option)) expect(documented).toContain(option);

    const known = new Set(Object.values(envVariables).flatMap((group) => group.map((variable) => variable.name)));
    const prefixes = new Set([...known].map((name) => /^[A-Z]+_/.exec(name)?.[0]));
    const named = (configuration.match(/\b[A-Z]+_[A-Z_]+\b/g) ?? []).filter((n) =>
      prefixes.has(/^[A-Z]+_/.exec(n)?.[0]),
    );
    for (const name of named) expect(known).toContain(name);
    for (const variable of envVariables.common ?? []) expect(named).toContain(variable.name);
  });

  it('cli.md names only flags the commands accept', () => {
    const cli = doc('cli.md');
    const help = [mainHelp, stopHelp, queueHelp, workerHelp, emulatorHelp('serve'), emulatorHelp('demo')].join('\n');
    for (const flag of new Set(cli.match(/--[a-z][a-z-]+/g) ?? [])) expect(help).toContain(flag);
  });
});

/** The emulator's help, from its installed bin (its public face; `npm test` builds first). */
function emulatorHelp(command: string): string {
  const manifestPath = createRequire(import.meta.url).resolve('@mixtask/emulator/package.json');
  const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> };
  const cli = join(dirname(manifestPath), bin['mixtask-emulator'] ?? '');
  return execFileSync(process.execPath, [cli, command, '--help'], { encoding: 'utf8' });
}
