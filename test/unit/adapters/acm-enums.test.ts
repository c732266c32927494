import { describe, expect, it } from 'vitest';
import { acmKeyType, acmTime, domainKeyAlgorithm } from '../../../src/adapters/aws/acm-source/acm-enums.js';

describe('ACM enums', () => {
  it.each([
    ['RSA_2048', 'RSA_2048'],
    ['RSA-2048', 'RSA_2048'],
    ['rsa_4096', 'RSA_4096'],
    ['EC_prime256v1', 'EC_prime256v1'],
    ['EC-prime256v1', 'EC_prime256v1'],
    ['EC_secp384r1', 'EC_secp384r1'],
    ['EC-secp521r1', 'EC_secp521r1'],
  ])('reads the key type %s as %s', (input, expected) => {
    // Act / Assess
    expect(acmKeyType(input)).toBe(expected);
  });

  it('maps ACM key types to certflow\'s, with OTHER for those certflow does not make', () => {
    // Act / Assess
    expect(['RSA-2048', 'EC-prime256v1', 'EC_secp384r1', 'RSA_1024', 'EC_secp521r1', 'DSA'].map(domainKeyAlgorithm)).toEqual(['RSA_2048', 'EC_P256', 'EC_P384', 'OTHER', 'OTHER', 'OTHER']);
  });

  it('reads timestamps as Dates, epoch seconds (fractional too) and ISO strings', () => {
    // Act / Assess
    expect(acmTime(1798761600)?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(acmTime(1798761600.5)?.toISOString()).toBe('2027-01-01T00:00:00.500Z');
    expect(acmTime('1798761600')?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(acmTime('2027-01-01T00:00:00Z')?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(acmTime(new Date('2027-01-01T00:00:00Z'))?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(acmTime(undefined)).toBeUndefined();
  });
});
