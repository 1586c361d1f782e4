import { describe, expect, it } from '@jest/globals';
import { AttemptSignal, markBuiltIn, takesAttemptSignal } from '../src/transport/attempt-signal.js';
import { createGotTransport } from '../src/transport/got/got-transport.js';
import { createNodeTransport } from '../src/transport/node/node-transport.js';
import type { Transport } from '../src/transport/transport.js';

describe('AttemptSignal', () => {
  it('stands where an AbortController does: signal is itself, aborted starts false', () => {
    const attempt = new AttemptSignal();
    expect(attempt.signal).toBe(attempt);
    expect(attempt.aborted).toBe(false);
  });

  it('calls every listener once, in order, on the first abort only', () => {
    const attempt = new AttemptSignal();
    const heard: string[] = [];
    attempt.addEventListener('abort', () => heard.push('a'));
    attempt.addEventListener('abort', () => heard.push('b'));
    attempt.addEventListener('abort', () => heard.push('c'));
    attempt.abort();
    attempt.abort();
    expect(heard).toEqual(['a', 'b', 'c']);
    expect(attempt.aborted).toBe(true);
  });

  it('does not call a removed listener, first or later', () => {
    const attempt = new AttemptSignal();
    const heard: string[] = [];
    const first = () => heard.push('first');
    const second = () => heard.push('second');
    const third = () => heard.push('third');
    attempt.addEventListener('abort', first);
    attempt.addEventListener('abort', second);
    attempt.addEventListener('abort', third);
    attempt.removeEventListener('abort', first);
    attempt.removeEventListener('abort', third);
    attempt.removeEventListener('abort', () => undefined); // never added: nothing happens
    attempt.abort();
    expect(heard).toEqual(['second']);
  });

  it('lets the other listeners hear the abort when one throws, and does not throw itself', () => {
    const attempt = new AttemptSignal();
    const heard: string[] = [];
    attempt.addEventListener('abort', () => {
      throw new Error('a bug in a transport');
    });
    attempt.addEventListener('abort', () => heard.push('after'));
    expect(() => attempt.abort()).not.toThrow();
    expect(heard).toEqual(['after']);
  });

  it('ignores a listener added after the abort, as a once-listener on an aborted AbortSignal never fires', () => {
    const attempt = new AttemptSignal();
    attempt.abort();
    const heard: string[] = [];
    attempt.addEventListener('abort', () => heard.push('late'));
    attempt.abort();
    expect(heard).toEqual([]);
  });
});

describe('which transports get an AttemptSignal', () => {
  it('only the built-in transports themselves, not a copy or wrapper of one', async () => {
    const node = createNodeTransport();
    const got = createGotTransport();
    const copy: Transport = { ...node };
    const wrapper: Transport = { send: (request, options) => node.send(request, options) };
    expect([node, got, copy, wrapper].map(takesAttemptSignal)).toEqual([true, true, false, false]);
    await Promise.all([node.close?.(), got.close?.()]);
  });

  it('a transport is marked as itself, unchanged', () => {
    const transport: Transport = { send: () => Promise.reject(new Error('unused')) };
    expect(markBuiltIn(transport)).toBe(transport);
    expect(takesAttemptSignal(transport)).toBe(true);
  });
});
