import { describe, expect, it } from 'vitest';
import { deterministicId, discoveredCertificateId, isValidManagedId, normalizeNames, sameNames } from '../../../src/domain/certificate.js';
import { CertflowError, redact } from '../../../src/domain/errors/index.js';

describe('certificate identity', () => {
  it('gives the same id for the same inputs and another for other inputs', () => {
    // Assess
    expect(deterministicId('req', 'api', '1')).toBe(deterministicId('req', 'api', '1'));
    expect(deterministicId('req', 'api', '1')).not.toBe(deterministicId('req', 'api', '2'));
    expect(deterministicId('req', 'a', 'b1')).not.toBe(deterministicId('req', 'ab', '1'));
    expect(discoveredCertificateId('file', '/x.pem')).toMatch(/^crt_[A-Za-z0-9_-]{22}$/);
  });

  it('accepts only path-safe managed ids', () => {
    // Assess
    expect(isValidManagedId('api-v2')).toBe(true);
    expect(['API', '-api', 'a/b', '', 'a'.repeat(64)].some(isValidManagedId)).toBe(false);
  });

  it('compares name sets regardless of order, case and duplicates', () => {
    // Prepare
    const a = { dns: ['B.example.com', 'a.example.com'], ip: ['10.0.0.1'], uri: [] };
    const b = { dns: ['a.example.com', 'b.example.com', 'a.example.com'], ip: ['10.0.0.1'], uri: [] };
    // Assess
    expect(sameNames(a, b)).toBe(true);
    expect(normalizeNames(a).dns).toEqual(['a.example.com', 'b.example.com']);
    expect(sameNames(a, { ...b, ip: [] })).toBe(false);
  });
});

describe('CertflowError', () => {
  it('redacts PEM blocks and tokens from its message and details and drops the cause when serialised', () => {
    // Prepare
    const pem = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----';
    // Act
    const error = new CertflowError('INPUT.INVALID', `bad input ${pem} xoxb-123-456-abc`, { details: [pem], cause: new Error(pem) });
    const json = JSON.stringify(error);
    // Assess
    expect(error.message).toBe('bad input [REDACTED PEM] [REDACTED TOKEN]');
    expect(json).not.toContain('BEGIN');
    expect(json).not.toContain('MIGHAgEA');
    expect(JSON.parse(json)).toEqual({ code: 'INPUT.INVALID', message: 'bad input [REDACTED PEM] [REDACTED TOKEN]', retryable: false, context: {}, details: ['[REDACTED PEM]'] });
    expect(redact('v0=' + 'a'.repeat(64))).toBe('[REDACTED TOKEN]');
  });
});
