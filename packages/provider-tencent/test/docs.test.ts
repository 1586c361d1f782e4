import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { renderCodeTable } from '@mixtask/core/adapter';
import { tencentCodeRules } from '@mixtask/provider-tencent';

const docsPath = new URL('../../../docs/providers/tencent.md', import.meta.url);

describe('docs/providers/tencent.md', () => {
  it('publishes the code table generated from tencentCodeRules, unchanged', () => {
    const docs = readFileSync(docsPath, 'utf8');
    const table = renderCodeTable(tencentCodeRules);
    // Exactly once, and as a whole block: a hand edit or a change to the rules makes this fail.
    expect(docs.split(table)).toHaveLength(2);
    expect(docs).toContain(`<!-- tencent-code-table -->\n${table}\n<!-- /tencent-code-table -->`);
  });
});
