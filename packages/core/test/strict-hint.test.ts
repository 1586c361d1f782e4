import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { unknownKeyProblems, validate } from '@mixtask/core/adapter';
import { strictObject } from '../src/config/strict-object.js';

// Item 8 of issue 23: the "did you mean" hint reads only what the caller wrote, never the prototype.
const codec = strictObject<{ timeoutMs?: number }>(
  '{ timeoutMs? }',
  { optional: { timeoutMs: t.number } },
  {
    token: 'use sessionToken',
  },
);

const prototypeKeys = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];

describe('the unknown-field hint', () => {
  it.each(prototypeKeys)('a config key %s is an unknown field, with no function text as its hint', (key) => {
    const result = validate(codec, JSON.parse(`{"${key}": 1}`));
    expect(E.isLeft(result)).toBe(true);
    const lines = (result as E.Left<string[]>).left;
    expect(lines).toEqual([`${key}: unknown field`]);
  });

  it('a real alias still gives its hint', () => {
    expect(validate(codec, { token: 'x' })).toEqual(E.left(['token: unknown field; use sessionToken']));
  });

  it.each(prototypeKeys)('unknownKeyProblems: %s is an unknown key, never a prototype lookup', (key) => {
    expect(unknownKeyProblems(JSON.parse(`{"${key}": 1}`), ['timeoutMs', 'signal'], 'options')).toEqual([
      `options.${key}: unknown field`,
    ]);
  });

  it('a string or an array is one problem, never one per character or element', () => {
    expect(unknownKeyProblems('timeoutMs', ['timeoutMs'], 'options')).toEqual([
      'options: expected an object of { timeoutMs }, got a string',
    ]);
    expect(unknownKeyProblems(['a', 'b', 'c'], ['timeoutMs'])).toEqual([
      '(root): expected an object of { timeoutMs }, got an array',
    ]);
    expect(unknownKeyProblems({ timeoutMS: 1 }, ['timeoutMs'], 'options')).toEqual([
      'options.timeoutMS: unknown field; did you mean timeoutMs?',
    ]);
  });

  it('a key with control characters cannot fake a second line', () => {
    const [line] = unknownKeyProblems({ 'a\nb: fine': 1 }, ['timeoutMs']);
    expect(line).not.toContain('\n');
  });
});
