import * as E from 'fp-ts/lib/Either.js';
import { matchMixErrorOrElse, type MixError, type MixTaskProvider } from 'mixtask';

/** What the app reports when a room closes: the stop's outcome in the app's own terms. */
export type CloseOutcome =
  | { readonly closed: true; readonly requestId: string }
  | { readonly closed: false; readonly retryLater: boolean; readonly why: string };

/**
 * An app service that depends on the MixTaskProvider interface only. Whatever wires it (NestJS, tsyringe, a plain
 * constructor call, a test with the fake provider) decides which provider that is.
 */
export class RoomService {
  constructor(private readonly mix: MixTaskProvider) {}

  async closeRoom(mixId: string): Promise<CloseOutcome> {
    const result = await this.mix.stopMix(mixId)();
    if (E.isRight(result)) return { closed: true, requestId: result.right.requestId };
    return describeFailure(result.left);
  }
}

const retryLater = (e: MixError): CloseOutcome => ({ closed: false, retryLater: true, why: e.message });
const giveUp = (e: MixError): CloseOutcome => ({ closed: false, retryLater: false, why: e.message });

/**
 * The tags this app treats specially; every other one (including tags a later mixtask adds) gives up with the
 * message. `matchMixError` is the exhaustive form, for code that wants a compile error on a new tag.
 */
const describeFailure = matchMixErrorOrElse<CloseOutcome>(
  {
    SessionNotFound: (e) => ({ closed: true, requestId: e.requestId ?? '' }), // already gone: nothing is billing
    RateLimited: retryLater,
    ProviderUnavailable: retryLater,
    NetworkError: (e) => (e.retryable ? retryLater(e) : giveUp(e)),
    Timeout: retryLater,
  },
  giveUp,
);
