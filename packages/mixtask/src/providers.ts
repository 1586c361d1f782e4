import type { CommonProviderOptions, ProviderDescriptor } from '@mixtask/core/adapter';
import { aliyunProvider } from '@mixtask/provider-aliyun';
import { awsIvsProvider } from '@mixtask/provider-aws-ivs';
import { tencentProvider } from '@mixtask/provider-tencent';

/**
 * The providers this package offers. The config switch, the registry, the environment loader and the CLI all loop
 * over this list: adding a provider is its package plus one line here.
 */
export const providerDescriptors = [tencentProvider, aliyunProvider, awsIvsProvider] as const;

/** Any provider's descriptor, as the loops over the list see it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each descriptor has its own options type
export type AnyProviderDescriptor = ProviderDescriptor<any, any, string>;

/** One descriptor's config: `provider` names it, its options sit beside. */
export type ConfigOf<D> =
  D extends ProviderDescriptor<infer O, infer C, infer N>
    ? O extends CommonProviderOptions<C>
      ? { readonly provider: N } & O
      : never
    : never;

/** The options a descriptor's provider takes. */
export type OptionsOf<D> = D extends ProviderDescriptor<infer O, infer _C, infer _N> ? O : never;
