import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { renderCodeTable } from '@mixtask/core/adapter';
import { awsIvsCodeRules } from '@mixtask/provider-aws-ivs';

const docsPath = new URL('../../../docs/providers/aws-ivs.md', import.meta.url);

describe('docs/providers/aws-ivs.md', () => {
  it('publishes the code table generated from awsIvsCodeRules, unchanged', () => {
    const docs = readFileSync(docsPath, 'utf8');
    const table = renderCodeTable(awsIvsCodeRules);
    // Exactly once, and as a whole block: a hand edit or a change to the rules makes this fail.
    expect(docs.split(table)).toHaveLength(2);
    expect(docs).toContain(`<!-- aws-ivs-code-table -->\n${table}\n<!-- /aws-ivs-code-table -->`);
  });
});
