/** The most requests the emulator received within any sliding second (what the vendors' quotas count). */
export function busiestSecond(emulator: { requests(): readonly { readonly receivedAt: number }[] }): number {
  const times = emulator
    .requests()
    .map((r) => r.receivedAt)
    .sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] ?? 0) - (times[j] ?? 0) >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
