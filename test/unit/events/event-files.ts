import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/lib/schema-files.js';

/** One JSON file of `events/`, by its path relative to `events/examples/` (or `events/patterns/`). */
export interface EventFile {
  readonly name: string;
  readonly json: unknown;
}

const read = (dir: string, prefix = ''): EventFile[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? read(join(dir, entry.name), `${prefix}${entry.name}/`)
      : entry.name.endsWith('.json')
        ? [{ name: `${prefix}${entry.name}`, json: JSON.parse(readFileSync(join(dir, entry.name), 'utf8')) as unknown }]
        : [],
  );

/** Every example event, certflow's and ACM's (`acm/…`). */
export const exampleEvents = (): EventFile[] => read(join(REPO_ROOT, 'events', 'examples'));

/** Every rule pattern. */
export const rulePatterns = (): EventFile[] => read(join(REPO_ROOT, 'events', 'patterns'));
