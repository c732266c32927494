import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

/** One configured ajv (draft 2020-12, every error reported, formats on) for certflow's schemas. */
export function createAjv(options: { strict?: boolean; useDefaults?: boolean; verbose?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: options.strict ?? true, useDefaults: options.useDefaults ?? false, verbose: options.verbose ?? false });
  addFormats(ajv);
  return ajv;
}

/**
 * A validator compiled on first use. Compiling every schema at import cost ~190 ms of a Lambda
 * cold start; a function compiles only the one or two schemas it actually meets.
 */
export function lazyValidator<T = unknown>(ajv: Ajv2020, schema: TSchema): ValidateFunction<T> {
  let compiled: ValidateFunction<T> | undefined;
  const validate = ((data: unknown) => {
    compiled ??= ajv.compile<T>(schema);
    const ok = compiled(data);
    validate.errors = compiled.errors;
    return ok;
  }) as ValidateFunction<T>;
  return validate;
}
