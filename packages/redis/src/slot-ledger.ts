import { createRateLimiter, type RateLimiter, type RateLimitWait } from '@mixtask/core';

/** One slot this process granted, from Redis or from its local fallback. */
export interface Slot {
  /** When it comes free (its answer + 1 s); undefined while its attempt is in flight. */
  end: number | undefined;
  readonly grantedAt: number;
  /** Its member in Redis's set: granted by Redis, or a local grant's once it is sent to be recorded there. */
  member: string | undefined;
  /** Known to be in Redis's set: granted by Redis, or a local grant whose record Redis confirmed. */
  recorded: boolean;
  /** Holds one of the fallback's slots (see `seededFallback`) until it is answered. */
  holdsFallbackSlot: boolean;
}

/**
 * The slots this process knows it granted and that still count in some vendor's sliding second: in flight, or
 * answered less than a second ago. What crosses a switch: the fallback starts with them taken, and the way back to
 * Redis writes the local ones in. Pruned as it grows, so it holds about one second of grants.
 */
export class SlotLedger {
  readonly #slots = new Set<Slot>();
  #sincePrune = 0;
  /** Called when a slot that holds a fallback slot is answered. */
  onAnswered: ((slot: Slot) => void) | undefined;

  constructor(private readonly leaseMs: number) {}

  grant(member: string | undefined): Slot {
    const slot: Slot = {
      end: undefined,
      grantedAt: Date.now(),
      member,
      recorded: member !== undefined,
      holdsFallbackSlot: false,
    };
    this.#slots.add(slot);
    if (++this.#sincePrune >= 256) this.busy();
    return slot;
  }

  /** The attempt has its answer: the vendor has counted it, and the slot is free one second from now. */
  answered(slot: Slot): void {
    if (slot.end !== undefined) return;
    slot.end = Date.now() + 1000;
    if (slot.holdsFallbackSlot) {
      slot.holdsFallbackSlot = false;
      this.onAnswered?.(slot);
    }
  }

  /** Never used (its caller had left): it counts nowhere. */
  forget(slot: Slot): void {
    this.#slots.delete(slot);
  }

  /** The slots that still count now; the rest are dropped. One in flight past its lease is dropped too (as Redis does). */
  busy(now = Date.now()): Slot[] {
    this.#sincePrune = 0;
    const busy: Slot[] = [];
    for (const slot of this.#slots) {
      const over = slot.end === undefined ? slot.grantedAt + this.leaseMs <= now : slot.end <= now;
      if (over) this.#slots.delete(slot);
      else busy.push(slot);
    }
    return busy;
  }
}

/**
 * The local limiter Redis trouble falls back to, at `requestsPerSecond`, started quota-safe:
 * - **no burst**: every slot starts taken, as if granted at the switch, so none is granted for the first second;
 *   slots granted fleet-wide just before the switch (which this process cannot see) are then out of every sliding
 *   second that a local grant is in;
 * - **what it knows counts**: a slot is held for each attempt of this process still in flight (from Redis, or from
 *   an earlier fallback), and freed one second after that attempt's answer — as many as there are, up to the rate.
 * Answered slots need nothing more: a slot taken at the switch comes free a second later, which is at or after
 * theirs.
 */
export function seededFallback(requestsPerSecond: number, ledger: SlotLedger): RateLimiter {
  const limiter = createRateLimiter({ requestsPerSecond });
  const inFlight = ledger.busy().filter((slot) => slot.end === undefined);
  for (const slot of inFlight) slot.holdsFallbackSlot = true;
  let waiting = inFlight.length;
  const held: (() => void)[] = [];
  const settle = () => {
    // Held slots beyond the attempts still in flight come free (one second after now, the limiter's rule).
    while (held.length > waiting) held.pop()?.();
  };
  ledger.onAnswered = () => {
    waiting = Math.max(0, waiting - 1);
    settle();
  };
  // Queued before any caller (the limiter serves in order) and free at once: every slot is taken now.
  for (let i = 0; i < requestsPerSecond; i++) {
    void limiter.acquire({ timeoutMs: 60_000 }).then((wait: RateLimitWait) => {
      if (!wait.ok) return;
      held.push(wait.release);
      settle();
    });
  }
  return limiter;
}
