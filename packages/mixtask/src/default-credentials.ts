import * as E from 'fp-ts/lib/Either.js';
import { isInstalled } from './optional-peer.js';
import type { ConfigurationError } from '@mixtask/core';
import { mixError, type CredentialObject, type DefaultCredentialChain } from '@mixtask/core/adapter';

type Env = Readonly<Record<string, string | undefined>>;
type LibraryModule = Parameters<DefaultCredentialChain<unknown>['build']>[0];

/** A provider that may have a default chain: its descriptor, as far as this file needs it. */
export interface ChainOwner<C> {
  readonly name: string;
  readonly defaultCredentials: DefaultCredentialChain<C> | undefined;
}

/**
 * For a config without key variables: the vendor's own default credential chain (from the provider's
 * descriptor), when its library is installed, as a credentials function (called per attempt, through the adapter
 * that absorbs the chain's defects). Otherwise a ConfigurationError saying which variables to set or which package
 * to install. Only one of a key pair set is an error too: falling through to another source would hide the typo.
 * Undefined for a provider without a default chain.
 */
export function defaultCredentialChain<C>(
  provider: ChainOwner<C>,
  env: Env = process.env,
): E.Either<ConfigurationError, () => Promise<C>> | undefined {
  const chain = provider.defaultCredentials;
  if (chain === undefined) return undefined;
  const { id, secret, token } = chain.keyVariables;
  const has = (name: string) => (env[name] ?? '').trim() !== '';
  if (has(id) !== has(secret)) {
    const missing = has(id) ? secret : id;
    return E.left(configurationError(provider.name, `${missing} is not set (it goes with ${has(id) ? id : secret})`));
  }
  if (!isInstalled(chain.library)) {
    return E.left(
      configurationError(
        provider.name,
        `no credentials: set ${id} and ${secret}${token === undefined ? '' : ` (plus ${token} for temporary keys)`}, ` +
          `or install ${chain.library} to use its default chain (${chain.sources})`,
      ),
    );
  }
  return E.right(chain.adapt(lazySource(chain.library, chain.kind, chain.build)));
}

function configurationError(provider: string, reason: string): ConfigurationError {
  return mixError('ConfigurationError', { provider, id: '', reason });
}

/**
 * A credential object whose real source is built once the vendor package is loaded, and rebuilt by the adapter
 * (through `getCredential` failing) after a failure: a new chain each time, so no library state survives one.
 * The library is imported from here, the package that lists it as an optional peer.
 */
function lazySource(
  packageName: string,
  kind: string,
  build: (module: LibraryModule) => CredentialObject,
): () => CredentialObject {
  let loading: Promise<LibraryModule> | undefined;
  // Named after the vendor's chain, so an error says which source answered (the adapter shows class names).
  const Source = {
    [kind]: class {
      private built: Promise<CredentialObject> | undefined;
      getCredential = async (): Promise<unknown> => {
        this.built ??= (loading ??= import(packageName) as Promise<LibraryModule>).then(build, (error: unknown) => {
          loading = undefined;
          throw error;
        });
        return (await this.built).getCredential();
      };
    },
  }[kind]!;
  return () => new Source();
}
