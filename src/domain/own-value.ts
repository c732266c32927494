/**
 * The value a plain lookup table holds under `key`, own properties only. Keys that come from
 * outside (a configured kind, an ACME problem type, an SDK error name) such as `valueOf`,
 * `constructor` or `__proto__` must read as absent, not as something inherited from
 * Object.prototype.
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
