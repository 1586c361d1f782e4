import { describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createFakeProvider } from '@mixtask/core/testing';
import { tencentProvider } from 'mixtask';
import { main as nestjs } from './nestjs.js';
import { main as plainConstructor } from './plain-constructor.js';
import { RoomService } from './room-service.js';
import { main as tsyringe } from './tsyringe.js';

describe('the dependency-injection recipes', () => {
  it.each([
    ['plain constructor', plainConstructor],
    ['NestJS', nestjs],
    ['tsyringe', tsyringe],
  ])('%s: closes a room through the injected provider', async (_name, main) => {
    expect(await main()).toMatchObject({ closed: true, requestId: expect.stringMatching(/.+/) });
  });

  it("an app's own test injects the fake provider", async () => {
    const fake = createFakeProvider({ like: tencentProvider, sessions: ['room_1'] });
    const rooms = new RoomService(fake);
    expect(await rooms.closeRoom('room_1')).toMatchObject({ closed: true });
    fake.failNext('room_2', 'RateLimited');
    expect(await rooms.closeRoom('room_2')).toMatchObject({ closed: false, retryLater: true });
    expect(fake.calls().map((c) => c.id)).toEqual(['room_1', 'room_2']);
  });
});

describe('the README quickstart', () => {
  it('is examples/quickstart.ts, word for word', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /## Quickstart[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(new URL('./quickstart.ts', import.meta.url), 'utf8'));
  });

  it('runs as written', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    await import('./quickstart.js');
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^stopped room_1, RequestId [0-9a-f-]{36}$/));
    log.mockRestore();
  });
});
