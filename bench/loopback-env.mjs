// Loopback only: no proxy from the environment may route a benchmark's request anywhere but 127.0.0.1.
const proxyVariables = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy'];

/** Deletes the proxy variables from `env` (in place) and returns it. */
export function dropProxyVariables(env) {
  for (const name of proxyVariables) delete env[name];
  return env;
}

/** A copy of this process's environment without the proxy variables, for the processes a benchmark forks. */
export const loopbackEnv = () => dropProxyVariables({ ...process.env });
