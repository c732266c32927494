import { isClientUsage, type CertificateSpec, type CertificateUsage } from '../domain/certificate.js';
import { DNS_NAME_PATTERN } from './config.schema.js';
import { commonNameProblem, dnsNameProblem } from './name-checks.js';

/*
 * Rules of one configured certificate that depend on its usage: a server's CN is a host name, a
 * client's names its workload; validity in days or hours (client certificates default to 24 hours).
 * They run on the file whatever its shape, like the loader's other cross-checks.
 */

/** Reads a property of a value that may not be an object (the file may be any shape when this runs). */
const field = (value: unknown, key: string): unknown => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined);

const DNS_NAME = new RegExp(DNS_NAME_PATTERN);

/** A server certificate's CN is one of the names it serves: a DNS name, under the same rules. */
export function serverCommonNameProblem(commonName: string): string | undefined {
  if (!DNS_NAME.test(commonName)) return `'${commonName.slice(0, 80)}' is not a DNS name (a server certificate's common name is a host name)`;
  return commonNameProblem(commonName) ?? dnsNameProblem(commonName);
}

export const usageField = (c: unknown): CertificateUsage => ((typeof field(c, 'usage') === 'string' ? field(c, 'usage') : undefined) as CertificateUsage | undefined) ?? 'server';

/** Validity in days or hours, not both; renew-before in either, shorter than the validity. */
export function validityProblems(c: unknown, at: string, defaultValidityDays: unknown): string[] {
  const problems: string[] = [];
  const days = field(c, 'validityDays');
  const hours = field(c, 'validityHours');
  if (days !== undefined && hours !== undefined) problems.push(`${at}/validityHours: give validityDays or validityHours, not both`);
  if (field(c, 'renewBeforeDays') !== undefined && field(c, 'renewBeforeHours') !== undefined) problems.push(`${at}/renewBeforeHours: give renewBeforeDays or renewBeforeHours, not both`);
  const lifetime = validityOf(c, defaultValidityDays);
  const renewDays = field(c, 'renewBeforeDays');
  const renewHours = field(c, 'renewBeforeHours');
  const renew = typeof renewHours === 'number' ? { hours: renewHours, key: 'renewBeforeHours' } : typeof renewDays === 'number' ? { hours: renewDays * 24, key: 'renewBeforeDays' } : undefined;
  if (renew && lifetime && renew.hours >= lifetime.hours) problems.push(`${at}/${renew.key}: must be less than the validity (${lifetime.text})`);
  return problems;
}

/** The lifetime a certificate entry asks for: its own, else 24 hours for client usage, else the default days. */
function validityOf(c: unknown, defaultValidityDays: unknown): { hours: number; text: string } | undefined {
  const hours = field(c, 'validityHours');
  if (typeof hours === 'number') return { hours, text: `${hours.toString()} hours` };
  const days = field(c, 'validityDays') ?? (isClientUsage(usageField(c)) ? undefined : defaultValidityDays);
  if (typeof days === 'number') return { hours: days * 24, text: `${days.toString()} days` };
  return isClientUsage(usageField(c)) ? { hours: DEFAULT_CLIENT_VALIDITY_HOURS, text: `${DEFAULT_CLIENT_VALIDITY_HOURS.toString()} hours` } : undefined;
}

/** Client certificates live a day unless configured otherwise: a stolen one is useful for hours, and renewal is automatic. */
export const DEFAULT_CLIENT_VALIDITY_HOURS = 24;

/** The spec's validity fields: exactly one of days or hours, and the renew-before as configured. */
export function specValidity(
  c: { usage?: CertificateUsage; validityDays?: number; validityHours?: number; renewBeforeDays?: number; renewBeforeHours?: number },
  defaultValidityDays: number,
): Pick<CertificateSpec, 'validityDays' | 'validityHours' | 'renewBeforeDays' | 'renewBeforeHours'> {
  const client = isClientUsage(c.usage ?? 'server');
  const validity =
    c.validityHours !== undefined ? { validityHours: c.validityHours }
    : c.validityDays !== undefined ? { validityDays: c.validityDays }
    : client ? { validityHours: DEFAULT_CLIENT_VALIDITY_HOURS }
    : { validityDays: defaultValidityDays };
  return {
    ...validity,
    ...(c.renewBeforeDays === undefined ? {} : { renewBeforeDays: c.renewBeforeDays }),
    ...(c.renewBeforeHours === undefined ? {} : { renewBeforeHours: c.renewBeforeHours }),
  };
}

