import * as t from 'io-ts';

/**
 * Names a user may write for a field, mapped to what the hint says. A vendor SDK's own spelling (a `token`
 * for a `sessionToken`, say) is never accepted silently: a config that passes must mean what it says,
 * and a dropped STS token only shows up later as an authentication failure.
 */
export type FieldAliases = Readonly<Record<string, string>>;

/** Which fields an exact object takes, for the docs and for tests that compare them. */
export interface StrictFields {
  readonly required: readonly string[];
  readonly optional: readonly string[];
  readonly props: Readonly<Record<string, t.Mixed>>;
}

/**
 * An object codec that refuses what it does not know. io-ts's `exact` strips unknown keys silently, which turns
 * `timeoutMS` or `credentials.token` into a default nobody chose; here each unknown key is an error of its own,
 * with the field it probably meant. Values are read once, each in its own try, so a getter that throws is
 * reported as that field, not as a crash; the decoded value is a plain copy holding only the known fields.
 */
export class StrictObjectType<A> extends t.Type<A, unknown, unknown> {
  readonly _tag = 'StrictObjectType' as const;

  constructor(
    name: string,
    readonly fields: StrictFields,
    readonly aliases: FieldAliases,
    /**
     * 'refuse': every unknown key is an error (a config someone wrote). 'refuse-near': only a key that is a known
     * alias or a near spelling of a field is (an object another API produced, e.g. STS credentials with their
     * expiry: `token` must not be lost, `expiresAt` may ride along).
     */
    readonly unknownKeys: 'refuse' | 'refuse-near' = 'refuse',
  ) {
    const known = new Set([...fields.required, ...fields.optional]);
    super(
      name,
      (u): u is A => isRecord(u) && Object.keys(u).every((key) => known.has(key)),
      (u, c) => {
        if (!isRecord(u)) return t.failure(u, c);
        let keys: string[];
        try {
          keys = Object.keys(u);
        } catch {
          return t.failure(u, c, 'could not be read (a Proxy or getter threw)');
        }
        const errors: t.ValidationError[] = [];
        const out: Record<string, unknown> = {};
        for (const key of keys) {
          if (known.has(key)) continue;
          const message = unknownFieldMessage(key, known, aliases);
          if (unknownKeys === 'refuse-near' && message === 'unknown field') continue;
          errors.push(...failure(undefined, t.appendContext(c, key, unknownField, undefined), message));
        }
        for (const key of known) {
          let value: unknown;
          try {
            value = u[key];
          } catch {
            errors.push(
              ...failure(
                undefined,
                t.appendContext(c, key, unknownField, undefined),
                'could not be read (its getter threw)',
              ),
            );
            continue;
          }
          const required = fields.required.includes(key);
          if (value === undefined && !required) continue;
          const codec = fields.props[key] as t.Mixed;
          const result = codec.validate(value, t.appendContext(c, key, codec, value));
          if (result._tag === 'Left') errors.push(...result.left);
          else if (result.right !== undefined) out[key] = result.right;
        }
        return errors.length > 0 ? t.failures(errors) : t.success(out as A);
      },
      t.identity as (a: A) => unknown,
    );
  }

  /** The same fields, checked the lenient way: for answers of app code, such as a credentials function's. */
  tolerant(): StrictObjectType<A> {
    return new StrictObjectType<A>(this.name, this.fields, this.aliases, 'refuse-near');
  }
}

/** A codec for objects another API produced: a strict object turns tolerant of unknown keys that resemble none. */
export function tolerantOf<A>(codec: t.Type<A, unknown, unknown>): t.Type<A, unknown, unknown> {
  return (codec as { _tag?: unknown })._tag === 'StrictObjectType' ? (codec as StrictObjectType<A>).tolerant() : codec;
}

const unknownField = new t.Type<never, never, unknown>(
  'a known field',
  (_u): _u is never => false,
  (u, c) => t.failure(u, c),
  t.identity,
);

function failure(value: unknown, context: t.Context, message: string): t.ValidationError[] {
  return [{ value, context, message }];
}

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** An exact object: `required` and `optional` fields, each with its codec. */
export function strictObject<A>(
  name: string,
  fields: { readonly required?: t.Props; readonly optional?: t.Props },
  aliases: FieldAliases = {},
): StrictObjectType<A> {
  const required = fields.required ?? {};
  const optional = fields.optional ?? {};
  return new StrictObjectType<A>(
    name,
    { required: Object.keys(required), optional: Object.keys(optional), props: { ...optional, ...required } },
    Object.fromEntries(Object.entries(aliases).map(([alias, hint]) => [alias.toLowerCase(), hint])),
  );
}

/** "unknown field", plus the field it was probably meant to be: a known alias first, then a near spelling. */
export function unknownFieldMessage(key: string, known: ReadonlySet<string>, aliases: FieldAliases): string {
  // Own keys only: `constructor` or `toString` as a key must not find Object.prototype's function as its "hint".
  const lower = key.toLowerCase();
  const alias = Object.hasOwn(aliases, lower) ? aliases[lower] : undefined;
  if (typeof alias === 'string') return `unknown field; ${alias}`;
  const near = nearestField(key, known);
  return near === undefined ? 'unknown field' : `unknown field; did you mean ${near}?`;
}

/**
 * The unknown keys of an options object that is not a codec's (a call's options, stopMixes' options, a limiter's),
 * one "key: unknown field; did you mean …?" line each. Only own enumerable string keys are read, never the
 * prototype; something that is not a plain object (a string, an array, a function) is one line, never one per
 * character or element. Object.keys may throw (a Proxy): the caller's try decides what that means.
 */
export function unknownKeyProblems(value: unknown, known: readonly string[], at = ''): string[] {
  const name = (key: string) => (at === '' ? key : `${at}.${key}`);
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${at === '' ? '(root)' : at}: expected an object of { ${known.join(', ')} }, got ${kindOf(value)}`];
  }
  const knownSet = new Set(known);
  return Object.keys(value)
    .filter((key) => !knownSet.has(key))
    .map((key) => `${name(describeKey(key))}: ${unknownFieldMessage(key, knownSet, {})}`);
}

/** A key as a message shows it: short, and without control characters that could fake another line. */
function describeKey(key: string): string {
  const printable = key.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 64 ? `${printable.slice(0, 64)}…` : printable;
}

/** What a value is, in words, never what it holds (it may be a secret). */
export function kindOf(u: unknown): string {
  if (u === null) return 'null';
  if (Array.isArray(u)) return 'an array';
  if (typeof u === 'string') return u === '' ? 'an empty string' : 'a string';
  if (typeof u === 'object') return 'an object';
  return typeof u === 'undefined' ? 'nothing' : `a ${typeof u}`;
}

/** The known field within two edits of `key` (case ignored), the closest one; undefined when none is. */
export function nearestField(key: string, known: Iterable<string>): string | undefined {
  let best: { field: string; distance: number } | undefined;
  // Field names are short; a long key is not a typo of one, and comparing it would only cost time.
  if (key.length > 64) return undefined;
  for (const field of known) {
    const distance = editDistance(key.toLowerCase(), field.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { field, distance };
  }
  return best?.field;
}

/** Levenshtein distance (insert, delete, substitute), on two short strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitute);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * Every field path a codec takes, nested exact objects included (`credentials.secretId`, `retry.maxAttempts`),
 * with whether it is required: what docs/configuration.md lists per provider.
 */
export function strictFieldPaths(codec: t.Mixed, prefix = ''): { path: string; required: boolean }[] {
  const found: { path: string; required: boolean }[] = [];
  const visit = (type: t.Mixed, at: string): void => {
    if ((type as { _tag?: unknown })._tag === 'StrictObjectType') {
      const fields = (type as StrictObjectType<unknown>).fields;
      for (const key of [...fields.required, ...fields.optional]) {
        const path = at === '' ? key : `${at}.${key}`;
        found.push({ path, required: fields.required.includes(key) });
        visit(fields.props[key] as t.Mixed, path);
      }
    } else if (type instanceof t.UnionType || type instanceof t.IntersectionType) {
      for (const member of (type as t.UnionType<t.Mixed[]>).types) visit(member, at);
    }
  };
  visit(codec, prefix);
  return found;
}

/**
 * A constructor's options (a limiter's, a transport's): each known field read once into a plain object, because
 * options are app code and a getter or Proxy may throw, or answer differently the second time; what runs is then
 * what was checked. `undefined` is `{}`. An unknown field, something that is no object, or options that cannot be
 * read throw a TypeError `<maker>: …` at construction, naming the field (`at.key`) and what it probably meant.
 */
export function readOptionsOnce<K extends string>(
  maker: string,
  given: unknown,
  known: readonly K[],
  at = '',
): { readonly [P in K]?: unknown } {
  let problems: string[];
  try {
    problems = unknownKeyProblems(given, known, at);
    if (problems.length === 0) {
      const read: { [P in K]?: unknown } = {};
      if (given !== undefined) for (const key of known) read[key] = (given as Record<K, unknown>)[key];
      return read;
    }
  } catch {
    problems = [`${at === '' ? 'options' : at} could not be read (a Proxy or getter threw)`];
  }
  throw new TypeError(`${maker}: ${problems.join('; ')}`);
}
