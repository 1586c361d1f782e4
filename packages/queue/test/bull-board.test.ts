// The Bull Board recipe of docs/durability.md, run as written: the block is taken from the doc, stripped of its
// types, mounted in an express app on 127.0.0.1, and asked for a queued stop through the board's API.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import ts from 'typescript';
import { createStopQueue } from '@mixtask/queue';
import { queueName, redisServerAvailable, right, startRedisServer, type RedisServer } from './support/helpers.js';

const describeRedis = redisServerAvailable() ? describe : describe.skip;
const root = new URL('../../../', import.meta.url);

/** The recipe's ```ts block, the one under "## Bull Board". */
function recipe(): string {
  const doc = readFileSync(new URL('docs/durability.md', root), 'utf8');
  const section = doc.slice(doc.indexOf('## Bull Board'));
  const block = /```ts\n([\s\S]*?)^```/m.exec(section)?.[1];
  if (block === undefined) throw new Error('docs/durability.md has no Bull Board block');
  return block;
}

describeRedis('the Bull Board recipe of docs/durability.md', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(() => server.stop());

  it('shows the stops queued through @mixtask/queue', async () => {
    // The recipe uses the default queue name; this Redis is the test's own.
    const stops = createStopQueue({ redis: server.url });
    right(await stops.stop('tencent:room_board')());
    right(await stops.lease('aliyun:task-board', { ttlMs: 600_000 })());

    const js = ts.transpileModule(recipe(), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const dir = new URL('node_modules/.cache/mixtask-bull-board/', root);
    mkdirSync(dir, { recursive: true });
    const file = new URL(`recipe-${queueName('board')}.mjs`, dir);
    writeFileSync(file, js);
    const { stopQueueBoard } = (await import(file.href)) as {
      stopQueueBoard: (url: string) => { router: unknown; close: () => Promise<void> };
    };
    const board = stopQueueBoard(server.url);

    const express = createRequire(import.meta.url)('express') as () => {
      use(path: string, handler: unknown): void;
      listen(port: number, host: string, ready: () => void): Server;
    };
    const app = express();
    app.use('/admin/stops', board.router);
    const http = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const { port } = http.address() as AddressInfo;
      const answer = await fetch(
        `http://127.0.0.1:${port}/admin/stops/api/queues?activeQueue=mixtask-stops&status=latest`,
      );
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as {
        queues: { name: string; jobs: { id: string; name: string }[]; counts: Record<string, number> }[];
      };
      const queue = body.queues.find((q) => q.name === 'mixtask-stops');
      expect(queue?.counts).toMatchObject({ waiting: 1, delayed: 1 });
      expect(queue?.jobs.map((j) => [j.name, j.id]).sort()).toEqual([
        ['lease', 'stop.aliyun%3Atask-board'],
        ['stop', 'stop.tencent%3Aroom_board'],
      ]);
    } finally {
      await new Promise((resolve) => http.close(resolve));
      await board.close();
      await stops.close()();
    }
  });
});
