import cliProgress from 'cli-progress';

/** What the bulk stop tells the progress display after each id settles. */
export interface Progress {
  update(done: number, failed: number): void;
  /** Draws the final state and ends the line, before the summary is printed. */
  stop(): void;
}

const silent: Progress = { update: () => undefined, stop: () => undefined };

/**
 * A progress bar on stderr, only when stderr is a terminal: a pipe or a file gets nothing (a CI log or `2> file`
 * stays clean, and stdout is never touched, so `--json` output stays machine-readable). With an unknown total
 * (ids from stdin) it shows the count, the rate and the failures, without a bar or an ETA.
 */
export function createProgress(stream: NodeJS.WriteStream, total: number | undefined): Progress {
  if (stream.isTTY !== true) return silent;
  const known = total !== undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: known
        ? 'stopping [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted} | failed {failed}'
        : 'stopping {value} done | {rate}/s | failed {failed}',
      barsize: 30,
      hideCursor: true,
      etaBuffer: 50,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  const payload = (done: number, failed: number) => {
    const seconds = (Date.now() - started) / 1000;
    return { failed, rate: seconds > 0 ? (done / seconds).toFixed(0) : '0' };
  };
  bar.start(total ?? 0, 0, payload(0, 0));
  return {
    update: (done, failed) => bar.update(done, payload(done, failed)),
    stop: () => bar.stop(),
  };
}
