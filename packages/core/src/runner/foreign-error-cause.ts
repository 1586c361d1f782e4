/**
 * The one policy for errors that did not come from mixtask: app code (a credentials function, an id iterator, a
 * listener, a custom transport, a getter or Proxy in the options), the HTTP libraries and the network. What is kept
 * is the error's name and code, each only when it has the shape of one, and a message of ours saying what failed.
 * Never its message, stack or other fields: app code may quote a secret in its message, and an HTTP library's error
 * carries the request (signed headers included). The result becomes the non-enumerable `cause` of a MixError, so it
 * must also survive `util.inspect(e, { showHidden: true })` without telling a secret.
 *
 * It never throws, whatever `error` is: a Proxy whose every trap throws, a revoked Proxy, a getter that throws, a
 * symbol, null. Each field is read once, inside its own guard.
 */
export function foreignErrorCause(error: unknown, what: string): Error {
  const cause = new Error(what);
  const name = readString(error, 'name');
  cause.name = name !== undefined && /^[A-Za-z]{0,40}Error$/.test(name) ? name : 'Error';
  const code = foreignErrorCode(error);
  if (code !== undefined) Object.assign(cause, { code });
  // Our own frames would only point at this function; the foreign frames are not ours to keep.
  cause.stack = `${cause.name}: ${what}`;
  return cause;
}

/**
 * The error's `code`, when it is one: a short upper-case word (ERR_…, ENOENT, ECONNREFUSED). Anything else is not a
 * code and may be a secret. Never throws.
 */
export function foreignErrorCode(error: unknown): string | undefined {
  const code = readString(error, 'code');
  return code !== undefined && /^[A-Z][A-Z0-9_.]{1,47}$/.test(code) ? code : undefined;
}

function readString(error: unknown, key: 'name' | 'code'): string | undefined {
  try {
    if ((typeof error !== 'object' && typeof error !== 'function') || error === null) return undefined;
    const value: unknown = (error as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
