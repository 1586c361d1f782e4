import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import type { Queued, StopJobState, StopJobView, StopQueue, StopQueueError } from '@mixtask/queue';
import { exitCodes } from './exit-codes.js';
import { idsOf, openIdSource } from './id-lines.js';
import type { CliIo } from './io.js';
import { loadQueue } from './queue-peer.js';
import { isParseArgsError, usageError } from './usage-error.js';
import { configurationFailure } from './worker.js';

const states = ['leased', 'queued', 'running', 'stopped', 'failed'] as const;

export const queueHelp = `Usage: mixtask queue stop <id…> | --from <file|-> [--delay <ms>] [--queue <name>] [--json]
       mixtask queue ls [--state <${states.join('|')}>] [--limit <n>] [--queue <name>] [--json]
       mixtask queue retry --failed [--queue <name>] [--json]

The durable stop queue on Redis (MIXTASK_REDIS_URL); "mixtask worker" processes run what it holds.
  stop     queue a stop per id (one job per id: an id already queued or running is "already queued";
           a leased id is stopped now). Ids as "mixtask stop" takes them; a file holds one per line.
  ls       the ids in one state (default queued), oldest first
  retry    move every failed stop back to the queue, after fixing its cause
Needs @mixtask/queue (npm install @mixtask/queue). Exit codes: 0 done, 2 usage or configuration,
5 Redis unreachable or too slow, 1 anything else.`;

export async function queueCommand(args: readonly string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        from: { type: 'string' },
        delay: { type: 'string' },
        state: { type: 'string' },
        limit: { type: 'string' },
        failed: { type: 'boolean', default: false },
        queue: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    return refuse(io, json, error.message);
  }
  const { values, positionals } = parsed;
  const [action, ...ids] = positionals;
  if (values.help) {
    io.out(queueHelp);
    return exitCodes.ok;
  }
  const problem = usageProblem(action, ids, values);
  if (problem !== undefined) return refuse(io, json, problem);
  let source: Readable | undefined;
  if (values.from !== undefined) {
    const opened = await openIdSource(values.from, process.stdin);
    if (E.isLeft(opened)) return refuse(io, json, opened.left);
    source = opened.right;
  }
  const loaded = await loadQueue(io.env);
  if (E.isLeft(loaded)) return configurationFailure(io, json, loaded.left);
  const queue = loaded.right.queue.createStopQueue({
    redis: loaded.right.redisUrl,
    ...(values.queue === undefined ? {} : { name: values.queue }),
  });
  try {
    if (action === 'stop') {
      const delayMs = values.delay === undefined ? undefined : Number(values.delay);
      return await enqueue(queue, idsOf(ids, source), delayMs, json, io);
    }
    if (action === 'ls') {
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      const state = (values.state ?? 'queued') as StopJobState;
      const listed = await queue.list({ state, ...(limit === undefined ? {} : { limit }) })();
      if (E.isLeft(listed)) return queueFailure(io, json, listed.left);
      for (const view of listed.right) io.out(json ? JSON.stringify(view) : viewText(view));
      if (!json) io.err(`${listed.right.length} ${state}`);
      return exitCodes.ok;
    }
    const retried = await queue.retryFailed()();
    if (E.isLeft(retried)) return queueFailure(io, json, retried.left);
    io.out(json ? JSON.stringify({ ok: true, ...retried.right }) : `retried: ${retried.right.retried} failed stop(s)`);
    return exitCodes.ok;
  } finally {
    await queue.close()();
  }
}

/** Ids per stopMany call; and how long a partial batch waits for more ids from a source that paused (stdin). */
const batchSize = 500;
const batchWaitMs = 20;

async function enqueue(
  queue: StopQueue,
  ids: AsyncIterable<string>,
  delayMs: number | undefined,
  json: boolean,
  io: CliIo,
): Promise<number> {
  const options = delayMs === undefined ? {} : { delayMs };
  let code: number = exitCodes.ok;
  const print = (answer: Queued) => {
    const { id, outcome, dueAt } = answer;
    if (json) io.out(JSON.stringify({ ok: true, ...answer }));
    else
      io.out(
        `${outcome.replace(/-/g, ' ')}: ${id}${dueAt === undefined ? '' : ` (due ${new Date(dueAt).toISOString()})`}`,
      );
  };
  /** One id at a time: its own answer or Left. False when Redis itself is away (the next ids would fail too). */
  const one = async (id: string): Promise<boolean> => {
    const answer = await queue.stop(id, options)();
    if (E.isRight(answer)) {
      print(answer.right);
      return true;
    }
    code = Math.max(code, queueFailure(io, json, answer.left));
    return answer.left.reason === 'invalid-argument';
  };
  /** Many at once: two round trips per batch. */
  const batch = async (batchIds: string[]): Promise<boolean> => {
    const answers = await queue.stopMany(batchIds, options)();
    if (E.isRight(answers)) {
      answers.right.forEach(print);
      return true;
    }
    // A bad id (which?) or Redis trouble: one by one, so each answer or the first failure names its id. (A batch
    // that failed after Redis had taken it answers already-queued now: one job per id.)
    for (const id of batchIds) if (!(await one(id))) return false;
    return true;
  };

  const iterator = ids[Symbol.asyncIterator]();
  let buffered: string[] = [];
  let pending = iterator.next();
  const paused = Symbol('paused');
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const waited =
      buffered.length === 0
        ? await pending
        : await Promise.race([
            pending,
            new Promise<typeof paused>((resolve) => (timer = setTimeout(() => resolve(paused), batchWaitMs))),
          ]);
    clearTimeout(timer);
    if (waited !== paused && !waited.done) {
      buffered.push(waited.value);
      pending = iterator.next();
    }
    const ended = waited !== paused && waited.done === true;
    if (buffered.length >= batchSize || waited === paused || (ended && buffered.length > 0)) {
      const sending = buffered;
      buffered = [];
      if (!(await batch(sending))) {
        await iterator.return?.();
        return code;
      }
    }
    if (ended) return code;
  }
}

function usageProblem(
  action: string | undefined,
  ids: readonly string[],
  values: { from?: string; delay?: string; state?: string; limit?: string; failed?: boolean },
): string | undefined {
  if (action === 'stop') {
    if (ids.length === 0 && values.from === undefined) return 'queue stop: expected ids or --from <file|->';
    if (values.delay !== undefined && !/^\d{1,10}$/.test(values.delay)) return '--delay must be a whole number of ms';
    return undefined;
  }
  if (action === 'ls') {
    if (ids.length > 0) return 'queue ls takes no ids';
    if (values.state !== undefined && !(states as readonly string[]).includes(values.state)) {
      return `--state must be one of ${states.join(', ')}`;
    }
    // The queue's own bound (list({ limit }): 1 to 100000).
    if (values.limit !== undefined && !(/^[1-9]\d{0,5}$/.test(values.limit) && Number(values.limit) <= 100_000)) {
      return '--limit must be a whole number from 1 to 100000';
    }
    return undefined;
  }
  if (action === 'retry') return values.failed && ids.length === 0 ? undefined : 'queue retry expects --failed';
  return action === undefined ? 'expected stop, ls or retry' : `unknown queue command "${action}"`;
}

function queueFailure(io: CliIo, json: boolean, error: StopQueueError): number {
  if (json) io.out(JSON.stringify({ ok: false, ...(error.id === undefined ? {} : { id: error.id }), error }));
  else io.err(error.message);
  if (error.reason === 'invalid-argument') return exitCodes.invalid;
  return error.reason === 'unreachable' || error.reason === 'timeout' ? exitCodes.unavailable : exitCodes.failed;
}

function refuse(io: CliIo, json: boolean, message: string): number {
  if (json) io.out(JSON.stringify({ ok: false, error: usageError(message) }));
  else io.err(`mixtask queue: ${message}\n\n${queueHelp}`);
  return exitCodes.invalid;
}

function viewText(view: StopJobView): string {
  const due = view.dueAt === undefined ? '' : ` due ${new Date(view.dueAt).toISOString()}`;
  const result = view.result === undefined ? '' : ` ${view.result.outcome} (RequestId ${view.result.requestId})`;
  const error = view.error === undefined ? '' : ` ${view.error._tag}: ${view.error.message}`;
  return `${view.state}\t${view.id}\t${view.kind}${due}${result}${error}`;
}
