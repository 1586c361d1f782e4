// `mixtask worker` / `mixtask queue` without @mixtask/queue installed: a ConfigurationError that names the package
// (the resolution is replaced here, the one thing an installed workspace cannot show).
import { describe, expect, it, jest } from '@jest/globals';

jest.unstable_mockModule('../src/optional-peer.js', () => ({
  isInstalled: (name: string) => name !== '@mixtask/queue',
}));
const { loadQueue } = await import('../src/cli/queue-peer.js');
const { main } = await import('../src/cli/main.js');

describe('@mixtask/queue is an optional peer', () => {
  it('missing, it is a ConfigurationError naming the package and how to install it', async () => {
    const loaded = await loadQueue({ MIXTASK_REDIS_URL: 'redis://:secret-pw@127.0.0.1:6379' });
    expect(loaded).toMatchObject({ _tag: 'Left', left: { _tag: 'ConfigurationError', retryable: false } });
    const message = loaded._tag === 'Left' ? loaded.left.message : '';
    expect(message).toContain('npm install @mixtask/queue');
    expect(JSON.stringify(loaded)).not.toContain('secret-pw');

    const out: string[] = [];
    const io = { env: { MIXTASK_REDIS_URL: 'redis://127.0.0.1:6379' }, out: (l: string) => out.push(l), err: () => {} };
    const code = await main(['queue', 'ls', '--json'], { ...io, interrupted: new AbortController().signal });
    expect(code).toBe(2);
    expect(JSON.parse(out[0] ?? '{}')).toMatchObject({ ok: false, error: { _tag: 'ConfigurationError' } });
    expect(out[0]).toContain('@mixtask/queue');
  });

  it('without MIXTASK_REDIS_URL, the error names the variable and never quotes a URL', async () => {
    const loaded = await loadQueue({});
    expect(loaded._tag === 'Left' && loaded.left.message).toContain('MIXTASK_REDIS_URL');
    const bad = await loadQueue({ MIXTASK_REDIS_URL: 'http://user:pw-123@host' });
    expect(bad._tag).toBe('Left');
    expect(JSON.stringify(bad)).not.toContain('pw-123');
  });
});
