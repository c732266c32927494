/**
 * Writes the event catalogue (a table of detail-types and one field table per type) between
 * `<!-- events:begin -->` and `<!-- events:end -->` in README.md. `--check` writes nothing and
 * exits 1 when that section is stale or the markers are missing.
 *
 *   node --import tsx scripts/generate-event-docs.ts [--check]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BEGIN, DOC_TARGET, END, docsAreStale, linkBaseFor, renderEventCatalogue, withCatalogue } from './lib/event-docs.js';

if (process.argv.includes('--check')) {
  const stale = docsAreStale();
  if (stale) console.error(`stale: ${DOC_TARGET} (run: node --import tsx scripts/generate-event-docs.ts)`);
  process.exit(stale ? 1 : 0);
}

const text = existsSync(DOC_TARGET) ? readFileSync(DOC_TARGET, 'utf8') : '';
const updated = withCatalogue(text, renderEventCatalogue(linkBaseFor(DOC_TARGET)));
if (updated === undefined) {
  // Never guess where the catalogue belongs in a hand-written README: ask for the markers.
  console.error(`${DOC_TARGET} has no ${BEGIN} … ${END} section; add one where the catalogue belongs`);
  process.exit(1);
}
writeFileSync(DOC_TARGET, updated);
console.log(`event catalogue written to ${DOC_TARGET}`);
