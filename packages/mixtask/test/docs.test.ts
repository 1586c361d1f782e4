import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { commonOptionsCodec, renderCodeTable } from '@mixtask/core/adapter';
import { aliyunCodeRules } from '@mixtask/provider-aliyun';
import { awsIvsCodeRules } from '@mixtask/provider-aws-ivs';
import { tencentCodeRules } from '@mixtask/provider-tencent';
import { envVariables } from 'mixtask';
import { mainHelp } from '../src/cli/main.js';
import { demoHelp } from '../../emulator/src/cli/demo.js';
import { serveHelp } from '../../emulator/src/cli/serve.js';
import { stopHelp } from '../src/cli/stop.js';

const doc = (name: string) => readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

describe('docs say what the code does', () => {
  it('errors.md holds every code table exactly as the adapters define them (npm run docs:tables rewrites them)', () => {
    const errors = doc('errors.md');
    const between = (vendor: string) =>
      new RegExp(`<!-- ${vendor}-code-table -->\\n([\\s\\S]*?)\\n<!-- /${vendor}-code-table -->`).exec(errors)?.[1];
    expect(between('tencent')).toBe(renderCodeTable(tencentCodeRules));
    expect(between('aliyun')).toBe(renderCodeTable(aliyunCodeRules));
    expect(between('aws-ivs')).toBe(renderCodeTable(awsIvsCodeRules));
  });

  it('configuration.md names only options and env variables that exist', () => {
    const configuration = doc('configuration.md');
    const options = new Set([
      ...Object.keys((commonOptionsCodec as unknown as { type: { props: object } }).type.props),
      'provider',
      'credentials',
      'appId',
      'language',
      'region',
      'redisUrl',
      'rateLimitKey',
    ]);
    const rows = configuration.split('\n').filter((line) => /^\| `/.test(line));
    const documented = rows.map((line) => /^\| `([A-Za-z]+)`/.exec(line)?.[1]);
    expect(new Set(documented)).toEqual(options);

    const known = new Set(Object.values(envVariables).flatMap((group) => group.map((variable) => variable.name)));
    const named = configuration.match(/\b(MIXTASK|TENCENTCLOUD|ALIBABA_CLOUD|AWS)_[A-Z_]+\b/g) ?? [];
    for (const name of named) expect(known).toContain(name);
    for (const name of known) expect(named).toContain(name);
  });

  it('cli.md names only flags the commands accept', () => {
    const cli = doc('cli.md');
    const help = [mainHelp, stopHelp, serveHelp, demoHelp].join('\n');
    for (const flag of new Set(cli.match(/--[a-z][a-z-]+/g) ?? [])) expect(help).toContain(flag);
  });
});
