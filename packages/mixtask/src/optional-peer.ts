import { createRequire } from 'node:module';

/**
 * Whether an optional peer (the vendors' credential libraries, @mixtask/redis) can be resolved from here, without
 * loading it: loading costs start-up time an app that never uses the feature should not pay.
 */
export function isInstalled(packageName: string): boolean {
  try {
    createRequire(import.meta.url).resolve(packageName);
    return true;
  } catch {
    return false;
  }
}
