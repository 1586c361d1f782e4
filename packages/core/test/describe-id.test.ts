import { describe, expect, it } from '@jest/globals';
import { describeId, mixError } from '@mixtask/core/adapter';

/** Issue 11 item 6: what a log viewer shows of an id is what was asked for, invisible characters included. */
describe('describeId', () => {
  it.each([
    ['a bidi override', 'room\u202e1_moor', 'room\\u202e1_moor'],
    ['every bidi embedding and override', '\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
    ['bidi isolates', 'a\u2066b\u2067c\u2068d\u2069', 'a\\u2066b\\u2067c\\u2068d\\u2069'],
    ['zero-width characters', 'a\u200bb\u200cc\u200dd\u200ee\u200ff', 'a\\u200bb\\u200cc\\u200dd\\u200ee\\u200ff'],
    ['a word joiner and a BOM', '\u2060room\ufeff', '\\u2060room\\ufeff'],
    ['other format characters (Cf)', 'a\u00adb\u061cc\u{e0001}', 'a\\u00adb\\u061cc\\u{e0001}'],
    ['control characters', 'a\u0000b\nc\u007fd\u009b', 'a\\u0000b\\u000ac\\u007fd\\u009b'],
    ['line separators', 'a\u2028b\u2029', 'a\\u2028b\\u2029'],
    ['a backslash, so no escape can be faked', 'a\\u202eb', 'a\\\\u202eb'],
    ['visible text unchanged', 'room_1-é😀 ', 'room_1-é😀 '],
  ])('escapes %s', (_name, id, shown) => {
    expect(describeId(id)).toBe(shown);
  });

  it('shortens after escaping, so an id of invisible characters stays short', () => {
    const shown = describeId('\u200b'.repeat(10_000));
    expect(shown.length).toBeLessThanOrEqual(230);
    expect(shown).toMatch(/^(\\u200b)+…\(10000 chars\)$/);
  });

  it('an error message shows the escaped id, never the raw character', () => {
    const raw = 'abc\u202edef\u200b';
    const error = mixError('InvalidArgument', { provider: 'tencent', id: describeId(raw), reason: 'bad id' });
    expect(error.message).toContain('stopMix("abc\\u202edef\\u200b")');
    expect(error.message).not.toMatch(/[\u202e\u200b]/);
    expect(JSON.stringify(error)).not.toMatch(/[\u202e\u200b]/);
    // An id given raw is escaped in the message too.
    expect(mixError('InvalidArgument', { provider: 'tencent', id: raw }).message).toContain('abc\\u202edef\\u200b');
  });
});
