import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { renderCodeTable } from '@mixtask/core/adapter';
import { aliyunCodeRules } from '@mixtask/provider-aliyun';

describe('docs/providers/aliyun.md', () => {
  it('publishes exactly the code table the provider uses', () => {
    const doc = readFileSync(new URL('../../../docs/providers/aliyun.md', import.meta.url), 'utf8');
    const table = renderCodeTable(aliyunCodeRules);
    expect(doc).toContain(table);
    expect(doc.split(table)).toHaveLength(2);
  });
});
