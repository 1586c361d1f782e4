import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import type { MixEvent, MixTaskProvider } from '@mixtask/core';
import { createAliyunProvider } from '@mixtask/provider-aliyun';
import { createAwsIvsProvider } from '@mixtask/provider-aws-ivs';
import { createTencentProvider } from '@mixtask/provider-tencent';
import { startEmulator } from '../server.js';
import type { CliIo } from './io.js';

export const demoHelp = `Usage: mixtask-emulator demo

Starts the embedded emulator on 127.0.0.1, then through the three providers (Tencent, Aliyun, Amazon
IVS): stops a session on each, stops one again to show SessionNotFound, and rides out a throttling
error with a retry. Needs no credentials and no network.`;

interface Row {
  readonly step: string;
  readonly provider: string;
  readonly id: string;
  readonly result: string;
  readonly attempts: string;
  readonly detail: string;
}

export async function demoCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    options: { help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.out(demoHelp);
    return 0;
  }
  const emulator = await startEmulator();
  try {
    const retries: string[] = [];
    const onEvent = (event: MixEvent) => {
      if (event.type === 'retry') {
        retries.push(
          `${event.provider} ${event.id}: ${event.reason} (${event.providerCode ?? '-'}), retry in ${event.delayMs} ms`,
        );
      }
    };
    const tencent = createTencentProvider({
      credentials: emulator.tencent.credentials,
      endpoint: emulator.url,
      onEvent,
    });
    const aliyun = createAliyunProvider({
      credentials: emulator.aliyun.credentials,
      appId: emulator.aliyun.appId,
      endpoint: emulator.url,
      onEvent,
    });
    const ivs = createAwsIvsProvider({
      region: emulator.awsIvs.region,
      credentials: emulator.awsIvs.credentials,
      endpoint: emulator.url,
      onEvent,
    });
    io.out(`emulator on ${emulator.url}`);

    const rows: Row[] = [];
    const run = async (step: string, provider: MixTaskProvider, id: string) => {
      const result = await provider.stopMix(id)();
      rows.push(
        E.isRight(result)
          ? {
              step,
              provider: provider.name,
              id,
              result: result.right.outcome,
              attempts: String(result.right.attempts),
              detail: `RequestId ${result.right.requestId}`,
            }
          : {
              step,
              provider: provider.name,
              id,
              result: result.left._tag,
              attempts: String(result.left.attempts),
              detail: `${result.left.providerCode ?? '-'} RequestId ${result.left.requestId ?? '-'}`,
            },
      );
    };

    await emulator.tencent.createSession('room_demo_1');
    await emulator.aliyun.startTask('task-demo-1');
    await run('stop', tencent, 'room_demo_1');
    await run('stop', aliyun, 'task-demo-1');
    await run('stop again', tencent, 'room_demo_1');
    await run('stop again', aliyun, 'task-demo-1');
    const composition = await emulator.awsIvs.createComposition({ id: 'demo-1' });
    await run('stop', ivs, composition);
    await run('stop again', ivs, composition);

    await emulator.tencent.createSession('room_demo_2');
    await emulator.aliyun.startTask('task-demo-2');
    emulator.inject({ vendor: 'tencent', action: { type: 'code', code: 'RequestLimitExceeded' } });
    emulator.inject({ vendor: 'aliyun', action: { type: 'code', code: 'Throttling.User' } });
    await run('throttled once', tencent, 'room_demo_2');
    await run('throttled once', aliyun, 'task-demo-2');
    const throttled = await emulator.awsIvs.createComposition({ id: 'demo-2' });
    emulator.inject({ vendor: 'aws-ivs', action: { type: 'code', code: 'ThrottlingException' } });
    await run('throttled once', ivs, throttled);

    io.out('');
    io.out(table(rows));
    io.out('');
    io.out('retries:');
    for (const line of retries) io.out(`  ${line}`);
    await Promise.all([tencent.close(), aliyun.close(), ivs.close()]);
    return 0;
  } finally {
    await emulator.close();
  }
}

function table(rows: readonly Row[]): string {
  const header: Row = {
    step: 'step',
    provider: 'provider',
    id: 'id',
    result: 'result',
    attempts: 'attempts',
    detail: 'detail',
  };
  const keys = Object.keys(header) as (keyof Row)[];
  const widths = keys.map((k) => Math.max(...[header, ...rows].map((r) => r[k].length)));
  const line = (r: Row) =>
    keys
      .map((k, i) => r[k].padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
