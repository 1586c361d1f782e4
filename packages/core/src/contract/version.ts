/**
 * The release number, written in at build time: scripts/bundle.mjs defines `__MIXTASK_VERSION__` as the package's
 * `version` (esbuild `define`); jest.config.js sets the same global for tests, which run the sources.
 */
declare const __MIXTASK_VERSION__: string;

/** This release of mixtask, as sent in every request's User-Agent and as the telemetry scope's version. */
export const mixtaskVersion: string = __MIXTASK_VERSION__;
