// Writes the code tables into the docs from each provider's descriptor (run after `npm run build`): every
// `<!-- <name>-code-table -->` block in docs/errors.md and docs/providers/*.md gets the table of the provider of
// that name. A test (packages/mixtask/test/docs.test.ts) fails when the docs and the code disagree.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { renderCodeTable } from '@mixtask/core/adapter';
import { providerDescriptors } from 'mixtask';

const tables = Object.fromEntries(providerDescriptors.map((d) => [d.name, renderCodeTable(d.codeRules)]));
const files = ['docs/errors.md', ...readdirSync('docs/providers').map((page) => `docs/providers/${page}`)];

for (const file of files.filter((f) => f.endsWith('.md'))) {
  let text = readFileSync(file, 'utf8');
  for (const [name, table] of Object.entries(tables)) {
    const pattern = new RegExp(`<!-- ${name}-code-table -->[\\s\\S]*?<!-- /${name}-code-table -->`);
    text = text.replace(pattern, `<!-- ${name}-code-table -->\n${table}\n<!-- /${name}-code-table -->`);
  }
  writeFileSync(file, text);
}
