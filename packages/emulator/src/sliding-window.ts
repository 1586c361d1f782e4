/**
 * Counts events in the last `windowMs` and refuses past `limit`: the strictest reading of "N requests per
 * second", so a client that passes here passes a vendor counting per fixed second too.
 */
export class SlidingWindow {
  readonly #times: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs = 1000,
  ) {}

  /** Records an event at `now` and says whether it was within the limit (refused events are not counted). */
  admit(now: number): boolean {
    while (this.#times.length > 0 && (this.#times[0] ?? 0) <= now - this.windowMs) this.#times.shift();
    if (this.#times.length >= this.limit) return false;
    this.#times.push(now);
    return true;
  }
}
