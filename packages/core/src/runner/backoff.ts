export interface BackoffPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Full-jitter exponential backoff (AWS's "Exponential Backoff and Jitter"): a uniform delay in
 * [0, min(cap, base·2^(n-1))] after failed attempt n. When the provider said how long to wait, that wins,
 * capped by `maxDelayMs` so a hostile or broken header cannot park the call.
 */
export function backoffDelay(
  policy: BackoffPolicy,
  failedAttempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempt - 1));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined) return jittered;
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs));
}
