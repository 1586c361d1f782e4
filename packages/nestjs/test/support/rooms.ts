// A controller as an app writes it: it stops a mix through the injected provider and answers with what happened.
import { Controller, HttpCode, Param, Post, type INestApplication, type Type } from '@nestjs/common';
import type { MixTaskProvider } from 'mixtask';
import { InjectMixTask } from '@mixtask/nestjs';

export interface StopAnswer {
  readonly stopped: boolean;
  readonly requestId?: string;
  readonly error?: string;
  readonly message?: string;
}

/** `POST /<path>/:id/stop` on the instance `name`; `onStop` is told when a stop begins (to close the app mid-call). */
export function roomsController(path = 'rooms', name?: string, onStop?: (id: string) => void): Type<unknown> {
  @Controller(path)
  class RoomsController {
    constructor(@InjectMixTask(name) private readonly mix: MixTaskProvider) {}

    @Post(':id/stop')
    @HttpCode(200)
    async stop(@Param('id') id: string): Promise<StopAnswer> {
      const pending = this.mix.stopMix(id)();
      onStop?.(id);
      const result = await pending;
      return result._tag === 'Right'
        ? { stopped: true, requestId: result.right.requestId }
        : { stopped: false, error: result.left._tag, message: result.left.message };
    }
  }
  return RoomsController;
}

/** Listens on 127.0.0.1 (a free port) and returns its origin. */
export async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

export async function post(url: string): Promise<{ status: number; body: StopAnswer }> {
  const response = await fetch(url, { method: 'POST' });
  return { status: response.status, body: (await response.json()) as StopAnswer };
}
