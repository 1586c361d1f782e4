import { existsSync, readFileSync } from 'node:fs';

const docsDir = new URL('../../../../docs/', import.meta.url);

/** A page under docs/, by its path there. */
export function doc(name: string): string {
  return readFileSync(new URL(name, docsDir), 'utf8');
}

/** A provider's own page, docs/providers/<name>.md: where what is only that provider's is documented. */
export function providerPage(name: string): string | undefined {
  const url = new URL(`providers/${name}.md`, docsDir);
  return existsSync(url) ? readFileSync(url, 'utf8') : undefined;
}

/** The text between `<!-- <marker> -->` and `<!-- /<marker> -->`, if the page has them. */
export function between(page: string, marker: string): string | undefined {
  return new RegExp(`<!-- ${marker} -->\\n([\\s\\S]*?)\\n<!-- /${marker} -->`).exec(page)?.[1];
}
