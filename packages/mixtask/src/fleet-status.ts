/**
 * What `fleetLimiterOf` shows of a provider's Redis fleet limiter. Declared here, without `@mixtask/redis`'s types,
 * so that the umbrella's public declarations never name the optional peer (an app without it still type-checks).
 */
export type FleetLimiterStatus =
  | { readonly mode: 'redis' }
  | {
      readonly mode: 'fallback';
      /** Why the limiter went local: Redis down, too slow, or refusing. */
      readonly reason: string;
      readonly code?: string;
      /** The local limiter's rate until Redis is back. */
      readonly requestsPerSecond: number;
      /** When the fallback began (ms since the epoch). */
      readonly since: number;
    }
  | { readonly mode: 'closed' };

export interface FleetLimiterHandle {
  /** Resolves (never rejects) once `@mixtask/redis` is loaded: undefined, or why it could not be. */
  loaded(): Promise<string | undefined>;
  /**
   * Where the limiter stands, asked of Redis with a probe that takes no slot; `closed` when the package could not
   * be loaded. Never rejects.
   */
  status(): Promise<FleetLimiterStatus>;
}
