import { defaultRetryable, type MixErrorTag } from '../contract/errors.js';

/**
 * One row of an adapter's code → tag table. The adapters hold only this data; the lookup (and the Markdown the
 * docs publish) is shared, so both vendors' tables are read the same way.
 */
export interface CodeRule {
  readonly tag: MixErrorTag;
  /** Codes matched exactly, e.g. `AuthFailure.SignatureFailure`. */
  readonly codes?: readonly string[];
  /** Code prefixes, e.g. `RequestLimitExceeded.` or `Missing`; an exact code always wins over a prefix. */
  readonly prefixes?: readonly string[];
  /** Overrides the tag's default retryability for these codes. */
  readonly retryable?: boolean;
  /** Why this row is what it is, shown in the docs. */
  readonly note?: string;
}

export interface CodeMatch {
  readonly tag: MixErrorTag;
  readonly retryable?: boolean;
}

/** Builds the lookup once: exact codes first, then the longest matching prefix, else `Unknown`. */
export function codeClassifier(rules: readonly CodeRule[]): (code: string) => CodeMatch {
  const exact = new Map<string, CodeMatch>();
  const prefixes: { prefix: string; match: CodeMatch }[] = [];
  for (const rule of rules) {
    const match: CodeMatch =
      rule.retryable === undefined ? { tag: rule.tag } : { tag: rule.tag, retryable: rule.retryable };
    for (const code of rule.codes ?? []) {
      if (exact.has(code)) throw new Error(`code ${code} is in the table twice`);
      exact.set(code, match);
    }
    for (const prefix of rule.prefixes ?? []) prefixes.push({ prefix, match });
  }
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  return (code) => exact.get(code) ?? prefixes.find((p) => code.startsWith(p.prefix))?.match ?? { tag: 'Unknown' };
}

/** The table as Markdown, for docs/providers/*.md (a test keeps the docs equal to this). */
export function renderCodeTable(rules: readonly CodeRule[]): string {
  const lines = ['| Code(s) | `_tag` | retryable |', '|---|---|---|'];
  for (const rule of rules) {
    const codes = [...(rule.codes ?? []).map((c) => `\`${c}\``), ...(rule.prefixes ?? []).map((p) => `\`${p}*\``)];
    const retryable = (rule.retryable ?? defaultRetryable[rule.tag]) ? 'yes' : 'no';
    lines.push(
      `| ${codes.join(', ')} | ${rule.tag} | ${retryable}${rule.note === undefined ? '' : ` (${rule.note})`} |`,
    );
  }
  lines.push('| anything else | Unknown | no |');
  return lines.join('\n');
}
