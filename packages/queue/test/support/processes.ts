// Real OS processes for the durability tests: app and worker scripts that import the built packages
// (`npx tsc -b` first; npm test builds).
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface Message {
  readonly type: string;
  readonly [field: string]: unknown;
}

export interface Child {
  readonly process: ChildProcess;
  /** Every message received so far, in order. */
  readonly messages: Message[];
  /** The next message of `type` (counting ones already received after `after`), within `withinMs`. */
  next(type: string, withinMs?: number): Promise<Message>;
  /** Resolves with how it ended: { code, signal }. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

const children: Child[] = [];

export function start(script: 'app.mjs' | 'worker.mjs', config: object): Child {
  const child = fork(join(here, script), [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: Message[] = [];
  const taken = new Map<string, number>();
  const waiters: (() => void)[] = [];
  child.on('message', (message: Message) => {
    messages.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const wake of waiters.splice(0)) wake();
      resolve({ code, signal });
    }),
  );
  const handle: Child = {
    process: child,
    messages,
    exited,
    async next(type, withinMs = 15_000) {
      const deadline = Date.now() + withinMs;
      for (;;) {
        const from = taken.get(type) ?? 0;
        const index = messages.findIndex((m, i) => i >= from && m.type === type);
        if (index >= 0) {
          taken.set(type, index + 1);
          return messages[index] as Message;
        }
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${script} exited before ${type}`);
        if (Date.now() > deadline) throw new Error(`${script}: no ${type} within ${withinMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
  children.push(handle);
  return handle;
}

/** SIGKILLs every child still running (afterAll: a failed test must not leave processes behind). */
export async function killAll(): Promise<void> {
  for (const child of children.splice(0)) {
    child.kill('SIGKILL');
    await child.exited;
  }
}
