import type { Readable } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import { stopMixes, type MixError, type MixTaskProvider, type StopMixesReport } from '@mixtask/core';
import { exitCodeFor, exitCodes } from './exit-codes.js';
import { countIds, idsOf } from './id-lines.js';
import { interruptionOf, signalName, type Interruption } from './interruption.js';
import type { CliIo } from './io.js';
import { createProgress } from './progress.js';
import type { RemainingFile } from './remaining.js';

export interface BulkStopRequest {
  /** Ids from the command line, stopped first. */
  readonly positionals: readonly string[];
  /** `--from`: a file of ids, one per line, or `-` for stdin. */
  readonly from?: string;
  /** `--remaining`: where the ids not attempted are written, one per line (ready for `--from`); opened already. */
  readonly remaining?: RemainingFile;
  readonly json: boolean;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
}

export interface BulkStopSurroundings {
  readonly stdin: Readable;
  /** The progress bar's stream: drawn only when it is a TTY. */
  readonly stderr: NodeJS.WriteStream;
  /** The ids of `--from`, already opened (stdin for `-`); read after the positionals. */
  readonly source?: Readable;
}

/**
 * Exit codes from worst to best: the bulk stop exits with the worst code any id earned. Work left undone comes
 * first, then failures that hit every id alike (credentials, then configuration or a bad id list), then per-id
 * failures, then "try again later", then "not found" (often already gone), then success.
 */
export const bulkExitOrder: readonly number[] = [
  exitCodes.terminated,
  exitCodes.interrupted,
  exitCodes.denied,
  exitCodes.invalid,
  exitCodes.failed,
  exitCodes.unavailable,
  exitCodes.notFound,
  exitCodes.ok,
];

export function worseExitCode(a: number, b: number): number {
  const rank = (code: number) => {
    const i = bulkExitOrder.indexOf(code);
    return i === -1 ? 0 : i; // an unexpected code counts as the worst
  };
  return rank(a) <= rank(b) ? a : b;
}

/** How many failures of one tag and vendor code the text summary lists by id; `--json` has them all. */
const shownPerGroup = 10;

/**
 * `mixtask stop <id…>` / `--from`: every id through stopMixes, each reported exactly once — as a result, or as not
 * attempted after Ctrl-C / SIGTERM (which stops dispatching and lets the stops in flight settle).
 */
export async function bulkStop(
  request: BulkStopRequest,
  provider: MixTaskProvider,
  io: CliIo,
  surroundings: BulkStopSurroundings,
): Promise<number> {
  const { json } = request;
  const startedAt = Date.now();
  // The total is known for the command line and a file (one extra streamed pass, only when the bar is drawn);
  // stdin is read once, so its total stays unknown.
  const drawBar = surroundings.stderr.isTTY === true;
  const fileTotal =
    drawBar && request.from !== undefined && request.from !== '-' ? await countIds(request.from) : undefined;
  const total =
    request.from === undefined
      ? request.positionals.length
      : fileTotal === undefined
        ? undefined
        : request.positionals.length + fileTotal;
  const progress = createProgress(surroundings.stderr, total);

  let done = 0;
  let failed = 0;
  // How many command-line ids were pulled: after an abort with stdin, the rest of them are listed without stdin.
  let positionalsPulled = 0;
  const ids = idsOf(request.positionals, surroundings.source, () => (positionalsPulled += 1));
  // Said at once, on stderr: the run does not end at the signal but once the stops in flight settle.
  const onInterrupt = () => {
    const interruption = interruptionOf(io.interrupted);
    if (interruption === undefined) return;
    io.err(
      `${drawBar ? '\n' : ''}mixtask stop: ${signalName(interruption)}: no new stop starts; waiting for the stops in flight ` +
        `to settle (another ${interruption.signal} quits at once: a stop in flight may then land unreported)`,
    );
  };
  io.interrupted.addEventListener('abort', onInterrupt, { once: true });
  const report = await stopMixes(provider, ids, {
    signal: io.interrupted,
    ...(request.concurrency === undefined ? {} : { concurrency: request.concurrency }),
    ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
    onResult: ({ id, result }) => {
      done += 1;
      if (E.isLeft(result)) failed += 1;
      progress.update(done, failed);
      if (json) io.out(JSON.stringify(resultLine(id, result)));
    },
  })();
  progress.stop();
  io.interrupted.removeEventListener('abort', onInterrupt);

  // Every id not attempted: those stopMixes read but did not start, then the rest of the list, read now.
  const remaining = request.remaining;
  let notAttempted = 0;
  let listedUnder = false;
  const listOnStdout = (id: string) => {
    if (!listedUnder) io.out('not attempted:');
    listedUnder = true;
    io.out(`  ${id}`);
  };
  const listNotAttempted = async (id: string) => {
    notAttempted += 1;
    if (json) io.out(JSON.stringify({ type: 'not-attempted', id }));
    if (remaining !== undefined) await remaining.add(id);
    else if (!json) listOnStdout(id);
  };
  let unread: string | undefined;
  // A --remaining file that fails at the end: its ids go to stdout (with --json they are there already).
  if (remaining !== undefined) remaining.unwritable = (unwritten) => void (json || unwritten.forEach(listOnStdout));
  try {
    for (const id of report.notAttempted) await listNotAttempted(id);
    if (!report.exhausted) {
      if (request.from === '-') {
        // stdin is the user's terminal or a pipe that may never end: its rest is not waited for. A read the abort
        // overtook is waited for one turn only (a command-line id answers at once; a stdin line may never come).
        const pending = await Promise.race([
          report.pendingRead,
          new Promise<'waiting'>((r) => setImmediate(r, 'waiting')),
        ]);
        if (typeof pending === 'string') await listNotAttempted(pending);
        for (const id of request.positionals.slice(positionalsPulled)) await listNotAttempted(id);
        unread = 'the rest of stdin was not read';
      } else {
        const pending = await report.pendingRead;
        if (pending !== undefined) await listNotAttempted(pending);
        for await (const id of ids) await listNotAttempted(id);
      }
    }
  } catch (error) {
    io.err(`mixtask stop: reading the rest of the ids failed: ${(error as Error).message}`);
  }
  if (remaining !== undefined) await remaining.close();
  if (remaining?.failure !== undefined)
    io.err(`mixtask stop: ${remaining.failure}; the ids not attempted are on stdout`);
  if (unread !== undefined) io.err(`mixtask stop: ${unread}`);

  const interruption = report.ended === 'aborted' ? (interruptionOf(io.interrupted) ?? sigint) : undefined;
  const exitCode = exitCodeOf(report, notAttempted, interruption);
  const elapsedMs = Date.now() - startedAt;
  if (report.problem !== undefined) io.err(`mixtask stop: ${report.problem.message}`);
  const warning = interruption === undefined ? undefined : interruptionWarning(interruption);
  if (warning !== undefined) io.err(`mixtask stop: ${warning}`);
  if (json) {
    io.out(
      JSON.stringify({
        type: 'summary',
        ended: report.ended,
        totals: { ...report.totals, notAttempted },
        byTag: report.byTag,
        exitCode,
        elapsedMs,
        ...(remaining === undefined ? {} : { remainingFile: remaining.path }),
        ...(remaining?.failure === undefined ? {} : { remainingFileError: remaining.failure }),
        ...(unread === undefined ? {} : { unread }),
        ...(interruption === undefined || warning === undefined
          ? {}
          : { interrupted: { ...interruption, mayHaveLanded: true, message: warning } }),
      }),
    );
  } else {
    const written = remaining?.failure === undefined ? remaining?.path : undefined;
    for (const line of summaryLines(report, notAttempted, elapsedMs, written, interruption)) io.out(line);
  }
  return exitCode;
}

function resultLine(id: string, result: E.Either<MixError, unknown>) {
  return E.isRight(result)
    ? { type: 'result', ok: true, ...(result.right as object), id }
    : { type: 'result', ok: false, id, error: result.left };
}

const sigint: Interruption = { signal: 'SIGINT', exitCode: exitCodes.interrupted };

/**
 * What an interrupted run must not hide. The stops in flight were let settle, so their outcomes are reported; but
 * one that ended as Timeout or Aborted may still have reached the vendor, and stopped its mix anyway.
 */
function interruptionWarning(interruption: Interruption): string {
  return (
    `interrupted by ${signalName(interruption)}: the stops in flight settled and are reported; one reported as ` +
    'Timeout or Aborted may have landed anyway (its request may have reached the vendor): run it again to find out'
  );
}

function exitCodeOf(report: StopMixesReport, notAttempted: number, interruption: Interruption | undefined): number {
  // Work left undone earns the signal's code: 143 for SIGTERM, 130 for Ctrl-C (the only ways a run is aborted).
  const undone = (interruption ?? sigint).exitCode;
  let code: number = exitCodes.ok;
  if (report.ended === 'aborted' || notAttempted > 0) code = worseExitCode(code, undone);
  if (report.ended === 'ids-failed' || report.ended === 'invalid-options')
    code = worseExitCode(code, exitCodes.invalid);
  for (const tag of Object.keys(report.byTag) as MixError['_tag'][]) {
    code = worseExitCode(code, tag === 'Aborted' ? undone : exitCodeFor(tag));
  }
  return code;
}

/** The text summary: counts, then failures grouped by tag and vendor code, each group listing ids and request ids. */
export function summaryLines(
  report: StopMixesReport,
  notAttempted: number,
  elapsedMs: number,
  remainingFile: string | undefined,
  interruption?: Interruption,
): string[] {
  const t = report.totals;
  const lines = [
    '',
    `${t.attempted + notAttempted} ids in ${(elapsedMs / 1000).toFixed(1)} s: stopped ${t.stopped} · already stopped ${t.alreadyStopped} · failed ${t.failed} · not attempted ${notAttempted}`,
  ];
  if (report.ended === 'aborted') {
    const by = interruption === undefined ? 'interrupted' : `interrupted by ${signalName(interruption)}`;
    lines.push(
      remainingFile === undefined
        ? `${by}: the stops in flight settled; the ids not attempted are listed above`
        : `${by}: the stops in flight settled; the ${notAttempted} ids not attempted are in ${remainingFile}`,
      'a stop reported as Timeout or Aborted may have landed anyway: run it again to find out',
    );
  }
  if (report.ended === 'aborted' && remainingFile !== undefined) {
    lines.push(`finish the job with: mixtask stop --from ${remainingFile}`);
  }
  if (report.failures.length === 0) return lines;

  const groups = new Map<string, { tag: string; code: string; failures: { id: string; requestId: string }[] }>();
  for (const { id, error } of report.failures) {
    const code = error.providerCode ?? '-';
    const key = `${error._tag}\u0000${code}`;
    const group = groups.get(key) ?? { tag: error._tag, code, failures: [] };
    group.failures.push({ id, requestId: error.requestId ?? '-' });
    groups.set(key, group);
  }
  const sorted = [...groups.values()].sort((x, y) => y.failures.length - x.failures.length);
  const tagWidth = Math.max(3, ...sorted.map((g) => g.tag.length));
  const codeWidth = Math.max(11, ...sorted.map((g) => g.code.length));
  lines.push('', `${'failures'.padEnd(tagWidth)}  ${'vendor code'.padEnd(codeWidth)}  count`);
  for (const group of sorted) {
    lines.push(`${group.tag.padEnd(tagWidth)}  ${group.code.padEnd(codeWidth)}  ${group.failures.length}`);
    for (const f of group.failures.slice(0, shownPerGroup)) lines.push(`  ${f.id}  RequestId ${f.requestId}`);
    const more = group.failures.length - shownPerGroup;
    if (more > 0) lines.push(`  … and ${more} more (--json lists every id)`);
  }
  return lines;
}
