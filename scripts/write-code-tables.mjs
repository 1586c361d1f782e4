// Writes the code tables into the docs from the adapters' own tables (run after `npm run build`).
// A test (packages/mixtask/test/docs.test.ts) fails when the docs and the code disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderCodeTable } from '@mixtask/core/adapter';
import { aliyunCodeRules } from '@mixtask/provider-aliyun';
import { awsIvsCodeRules } from '@mixtask/provider-aws-ivs';
import { tencentCodeRules } from '@mixtask/provider-tencent';

const tables = {
  tencent: renderCodeTable(tencentCodeRules),
  aliyun: renderCodeTable(aliyunCodeRules),
  'aws-ivs': renderCodeTable(awsIvsCodeRules),
};
const files = ['docs/errors.md', 'docs/providers/tencent.md', 'docs/providers/aliyun.md', 'docs/providers/aws-ivs.md'];

for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue;
  }
  for (const [vendor, table] of Object.entries(tables)) {
    const pattern = new RegExp(`<!-- ${vendor}-code-table -->[\\s\\S]*?<!-- /${vendor}-code-table -->`);
    text = text.replace(pattern, `<!-- ${vendor}-code-table -->\n${table}\n<!-- /${vendor}-code-table -->`);
  }
  writeFileSync(file, text);
}
