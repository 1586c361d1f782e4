/**
 * BullMQ job ids must not contain ':' (it separates the parts of its Redis keys) and must not look like integers
 * (BullMQ would take them for its own counter ids). Provider ids do both: registry ids are `tencent:<id>`, IVS ids
 * are ARNs (`arn:aws:ivs:…`), Tencent session ids may be all digits. So a job id is the mix id with '%' and ':'
 * percent-encoded behind a fixed non-numeric prefix: readable in Bull Board, and every string round-trips.
 */
const prefix = 'stop.';

export function jobIdOf(id: string): string {
  return prefix + id.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
}

/** The mix id of a job id, or undefined for a job this package did not name (not ours to report). */
export function idOfJobId(jobId: string | undefined): string | undefined {
  if (jobId === undefined || !jobId.startsWith(prefix)) return undefined;
  return jobId.slice(prefix.length).replace(/%(25|3A)/g, (_, code: string) => (code === '25' ? '%' : ':'));
}

/** What the queue accepts as an id before any provider sees it: 1–512 characters, none of them control or space. */
export function idProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'the id must be a string';
  if (id.length === 0 || id.length > 512) return 'the id must have 1 to 512 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/u.test(id)) return 'the id must not contain spaces or control characters';
  return undefined;
}
