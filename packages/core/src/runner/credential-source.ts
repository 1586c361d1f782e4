/**
 * Adapts a vendor SDK's credential object (anything with `getCredential()`) to mixtask's credentials function,
 * absorbing the defects measured in those libraries (shared/reference/production.md):
 * - Tencent's CvmRoleCredential / STSCredential / OIDCRoleArnCredential keep a rejected promise: one failure
 *   breaks the instance for good. After a failure we drop whatever promise the instance cached.
 * - Alibaba's default chain sticks to the last provider after a failure. Given a factory, we build a new source.
 * - Tencent's default chain answers empty strings instead of failing. Empty or missing fields reject, naming the
 *   source, so no request is ever signed with empty keys.
 * Nothing that failed is cached here; no retry happens here either (the runner is the only retry layer).
 */

/** What the vendors' credential objects have in common. */
export interface CredentialObject {
  getCredential(): unknown;
}

/** A credential object, or a factory that builds one (preferred: a broken instance can then be replaced). */
export type CredentialSourceInput = CredentialObject | (() => CredentialObject);

/** One field of the vendor's answer and the name mixtask gives it. */
export interface CredentialFieldMapping {
  readonly from: string;
  readonly to: string;
  /** Required fields must be non-empty strings; optional ones are dropped when empty. */
  readonly required: boolean;
}

export type CredentialSourceErrorCode =
  'ERR_MIXTASK_CREDENTIALS_EMPTY' | 'ERR_MIXTASK_CREDENTIALS_SOURCE_FAILED' | 'ERR_MIXTASK_CREDENTIALS_SOURCE_INVALID';

/** Marks errors whose message is built here from safe parts only, so the runner may show it. */
export const credentialSourceErrorMarker = Symbol.for('mixtask.credentialSourceError');

/**
 * Why a credential source gave nothing usable. Its message names the source (a class or provider name) and the
 * field, never a value; the vendor's own error is not kept, as its text may quote what it failed to fetch.
 */
export class CredentialSourceError extends Error {
  override readonly name = 'CredentialSourceError';
  readonly [credentialSourceErrorMarker] = true;
  constructor(
    readonly code: CredentialSourceErrorCode,
    /** The source's kind, e.g. `CvmRoleCredential` or `default/oidc_role_arn`. */
    readonly source: string,
    message: string,
  ) {
    super(message);
  }
}

export function isCredentialSourceError(u: unknown): u is CredentialSourceError {
  return typeof u === 'object' && u !== null && (u as Record<symbol, unknown>)[credentialSourceErrorMarker] === true;
}

export interface CredentialSourceAdapter {
  /** The vendor's library, for messages, e.g. 'tencentcloud-sdk-nodejs-common'. */
  readonly library: string;
  readonly fields: readonly CredentialFieldMapping[];
  /** A field of the answer that names the provider that produced it (Alibaba's `providerName`). */
  readonly providerNameField?: string;
}

/**
 * Builds the credentials function: called by the runner before every attempt. A working source is kept (the
 * vendor library refreshes its own sessions); a source that failed once is rebuilt from the factory, or, for a
 * plain instance, stripped of the promises it cached.
 */
export function credentialsFromSource<C>(
  input: CredentialSourceInput,
  adapter: CredentialSourceAdapter,
): () => Promise<C> {
  const factory = typeof input === 'function' ? input : undefined;
  let current: CredentialObject | undefined;
  if (factory === undefined) {
    if (!hasGetCredential(input)) {
      throw new TypeError(
        `expected an object with getCredential() (from ${adapter.library}) or a function returning one`,
      );
    }
    current = input;
  }

  const forget = (failed: CredentialObject) => {
    if (factory !== undefined) {
      // A concurrent call may already have replaced it: only drop the one that failed.
      if (current === failed) current = undefined;
    } else {
      dropCachedPromises(failed);
    }
  };

  return async () => {
    let source = current;
    if (source === undefined) {
      let built: unknown;
      try {
        built = factory!();
      } catch (error) {
        throw new CredentialSourceError(
          'ERR_MIXTASK_CREDENTIALS_SOURCE_FAILED',
          'factory',
          `building the ${adapter.library} credential source failed (${describeError(error)})`,
        );
      }
      if (!hasGetCredential(built)) {
        throw new CredentialSourceError(
          'ERR_MIXTASK_CREDENTIALS_SOURCE_INVALID',
          'factory',
          `the credential source factory returned ${built === null ? 'null' : typeof built}, not an object with getCredential() (from ${adapter.library})`,
        );
      }
      source = current = built;
    }
    const kind = sourceKind(source);
    let answer: unknown;
    try {
      answer = await source.getCredential();
    } catch (error) {
      forget(source);
      throw new CredentialSourceError(
        'ERR_MIXTASK_CREDENTIALS_SOURCE_FAILED',
        kind,
        `${kind}.getCredential() failed (${describeError(error)})`,
      );
    }
    const named = providerName(answer, adapter.providerNameField);
    const shown = named === undefined ? kind : `${kind} (${named})`;
    const mapped = mapFields(answer, adapter.fields);
    if (typeof mapped === 'string') {
      forget(source);
      throw new CredentialSourceError(
        'ERR_MIXTASK_CREDENTIALS_EMPTY',
        named ?? kind,
        `${shown} returned empty credentials (${mapped})`,
      );
    }
    return mapped as C;
  };
}

function hasGetCredential(u: unknown): u is CredentialObject {
  return typeof u === 'object' && u !== null && typeof (u as CredentialObject).getCredential === 'function';
}

/** The mapped credentials, or which field is missing. */
function mapFields(answer: unknown, fields: readonly CredentialFieldMapping[]): Record<string, string> | string {
  if (typeof answer !== 'object' || answer === null)
    return `getCredential() answered ${answer === null ? 'null' : typeof answer}`;
  const out: Record<string, string> = {};
  for (const { from, to, required } of fields) {
    const value = (answer as Record<string, unknown>)[from];
    if (typeof value === 'string' && value !== '') out[to] = value;
    else if (required) return `${from} is ${value === '' ? 'empty' : 'missing'}`;
  }
  return out;
}

/**
 * The libraries cache their fetch as a promise on the instance and reuse it even once it rejected. Dropping
 * every promise-valued own property makes the next call fetch again; at worst it refetches a role name.
 */
function dropCachedPromises(source: CredentialObject): void {
  for (const key of Object.keys(source)) {
    const value = (source as unknown as Record<string, unknown>)[key];
    if (
      value instanceof Promise ||
      (typeof value === 'object' && value !== null && typeof (value as Promise<unknown>).then === 'function')
    ) {
      try {
        (source as unknown as Record<string, unknown>)[key] = null;
      } catch {
        // A frozen or read-only source keeps its cache; a factory is the way to recover then.
      }
    }
  }
}

const safeLabel = /^[A-Za-z0-9_$./:-]{1,80}$/;

function sourceKind(source: CredentialObject): string {
  const name = (source as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && safeLabel.test(name) && name !== 'Object' ? name : 'credential source';
}

function providerName(answer: unknown, field: string | undefined): string | undefined {
  if (field === undefined || typeof answer !== 'object' || answer === null) return undefined;
  const name = (answer as Record<string, unknown>)[field];
  return typeof name === 'string' && safeLabel.test(name) ? name : undefined;
}

/** An error's name and code, never its message: vendor messages may quote URLs, role names or tokens. */
function describeError(error: unknown): string {
  const { name, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
  };
  const parts = [typeof name === 'string' && safeLabel.test(name) ? name : 'Error'];
  if (typeof code === 'string' && safeLabel.test(code)) parts.push(code);
  return parts.join(' ');
}
