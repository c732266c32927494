import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats: FormatsPlugin = (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

/** The CLI's output schemas (schemas/cli/*.schema.json), compiled once; `validate(kind, doc)` returns the problems. */
export function cliSchemas(root = process.cwd()) {
  const dir = join(root, 'schemas', 'cli');
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const byFile = new Map<string, ReturnType<Ajv2020['compile']>>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.schema.json'))) {
    byFile.set(file.replace(/\.schema\.json$/, ''), ajv.compile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as object));
  }
  return {
    files: [...byFile.keys()],
    validate(name: string, document: unknown): string[] {
      const validate = byFile.get(name);
      if (!validate) throw new Error(`no schema schemas/cli/${name}.schema.json`);
      return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    },
  };
}
