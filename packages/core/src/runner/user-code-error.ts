/**
 * What is kept of an error thrown by app code (a credentials function, a getter, a listener, a Proxy): its name
 * and code, each only when it looks like one, and a message of ours saying what threw. Never its message or
 * stack: app code that fails to fetch credentials may well quote them. The result is the non-enumerable `cause`
 * of a MixError, so it must survive `util.inspect(e, { showHidden: true })` without telling a secret.
 */
export function userCodeCause(error: unknown, what: string): Error {
  const cause = new Error(what);
  const name = readString(error, 'name');
  cause.name = name !== undefined && /^[A-Za-z]{0,40}Error$/.test(name) ? name : 'Error';
  const code = readString(error, 'code');
  // Codes are short upper-case words (ERR_…, ENOENT); anything else is not a code and may be a secret.
  if (code !== undefined && /^[A-Z][A-Z0-9_.]{1,47}$/.test(code)) Object.assign(cause, { code });
  // Our own frames would only point at this function; the app's frames are not ours to keep.
  cause.stack = `${cause.name}: ${what}`;
  return cause;
}

function readString(error: unknown, key: 'name' | 'code'): string | undefined {
  if ((typeof error !== 'object' && typeof error !== 'function') || error === null) return undefined;
  try {
    const value: unknown = (error as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
