import { createHash } from 'node:crypto';

/**
 * A short, stable name for a JSON Schema: the SHA-256 of its JSON text (TypeBox's symbol keys
 * drop out, as in the generated validators). The same schema always has the same fingerprint, so
 * a precompiled validator is found for exactly the schema it was compiled from.
 */
export function schemaFingerprint(schema: unknown): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 20);
}
