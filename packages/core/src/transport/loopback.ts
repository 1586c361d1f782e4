/** Hosts that are this machine: plain http and the emulator are allowed only there. */
const loopbackHosts = new Set(['localhost', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return loopbackHosts.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}
