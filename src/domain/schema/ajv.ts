import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

/**
 * One configured ajv (draft 2020-12, every error reported, formats on) for certflow's schemas.
 * `more` adds ajv options as they are, e.g. `code` for the standalone validators the generator
 * writes (scripts/generate-validators.ts): code that runs uses those, not this.
 */
export function createAjv(options: { strict?: boolean; useDefaults?: boolean; verbose?: boolean } = {}, more: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: options.strict ?? true,
    useDefaults: options.useDefaults ?? false,
    verbose: options.verbose ?? false,
    ...more,
  });
  addFormats(ajv);
  return ajv;
}
