/**
 * The id rule of each real provider, as data, so `createFakeProvider({ name })` refuses exactly what that provider
 * refuses. Core cannot import the providers (they depend on core), so the rules are copied here; each provider's test
 * suite checks its copy against the pattern its protocol uses:
 *  - tencent: `mixStreamSessionIdPattern` in packages/provider-tencent/src/protocol.ts
 *  - aliyun: `mpuTaskIdPattern` in packages/provider-aliyun/src/protocol.ts
 *  - aws-ivs: `compositionArnPattern` and its 128-character limit in packages/provider-aws-ivs/src/protocol.ts (the
 *    provider also refuses an ARN of another region than its own; the fake has no region)
 */
export const providerIdRules: Readonly<Record<string, RegExp>> = {
  tencent: /^[A-Za-z0-9_]{1,80}$/,
  aliyun: /^[A-Za-z0-9_-]{1,55}$/,
  'aws-ivs': /^(?=[\s\S]{1,128}$)arn:aws:ivs:[a-z0-9-]+:[0-9]+:composition\/[a-zA-Z0-9-]+$/,
};

/** Any other name (the default 'fake' included): 1–64 letters, digits, `_` or `-`. */
export const genericIdRule = /^[A-Za-z0-9_-]{1,64}$/;

/** The id rule the fake uses for a provider called `name`. */
export function idRuleFor(name: string): RegExp {
  return Object.hasOwn(providerIdRules, name) ? (providerIdRules[name] as RegExp) : genericIdRule;
}
