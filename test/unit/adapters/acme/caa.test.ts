import { describe, expect, it } from 'vitest';
import { checkCaa, type CaaLookup, type CaaRecord } from '../../../../src/adapters/acme/caa.js';
import { isCertflowError } from '../../../../src/domain/errors/index.js';

/** A resolver over a fixed zone, recording what it was asked. */
function zone(records: Record<string, CaaRecord[]>): CaaLookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = (name: string) => {
    asked.push(name);
    return Promise.resolve(records[name] ?? []);
  };
  return Object.assign(lookup, { asked });
}

const refusal = (p: Promise<void>) => p.then(() => undefined, (e: unknown) => (isCertflowError(e) ? { code: e.code, message: e.message } : e));

describe('checkCaa', () => {
  it('climbs from the name to the first CAA set and allows an issue property naming the CA', async () => {
    // Prepare
    const lookup = zone({ 'example.com': [{ critical: 0, issue: 'letsencrypt.org; validationmethods=dns-01' }] });

    // Act
    const outcome = await refusal(checkCaa(['a.b.example.com'], ['letsencrypt.org'], lookup, {}));

    // Assess
    expect(outcome).toBeUndefined();
    expect(lookup.asked).toEqual(['a.b.example.com', 'b.example.com', 'example.com']);
  });

  it('refuses with ACME.CAA_FORBIDDEN when the set names only other CAs', async () => {
    // Prepare
    const lookup = zone({ 'example.com': [{ critical: 0, issue: 'pki.goog' }, { critical: 0, iodef: 'mailto:sec@example.com' }] });

    // Act
    const outcome = await refusal(checkCaa(['www.example.com'], ['letsencrypt.org'], lookup, {}));

    // Assess
    expect(outcome).toEqual({ code: 'ACME.CAA_FORBIDDEN', message: 'CAA at example.com forbids this CA for www.example.com: CAA allows only pki.goog' });
  });

  it('uses issuewild for a wildcard when present, and an empty issue value forbids everyone', async () => {
    // Prepare
    const lookup = zone({ 'example.com': [{ critical: 0, issue: 'letsencrypt.org' }, { critical: 0, issuewild: ';' }] });

    // Act
    const wildcard = await refusal(checkCaa(['*.example.com'], ['letsencrypt.org'], lookup, {}));
    const plain = await refusal(checkCaa(['example.com'], ['letsencrypt.org'], lookup, {}));

    // Assess
    expect(wildcard).toMatchObject({ code: 'ACME.CAA_FORBIDDEN' });
    expect(plain).toBeUndefined();
  });

  it('allows when no CAA set exists up the tree, or when a lookup fails (the CA checks again)', async () => {
    // Prepare
    const failing: CaaLookup = () => Promise.reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' }));

    // Act
    const none = await refusal(checkCaa(['a.example.com'], ['letsencrypt.org'], zone({}), {}));
    const failed = await refusal(checkCaa(['a.example.com'], ['letsencrypt.org'], failing, {}));

    // Assess
    expect([none, failed]).toEqual([undefined, undefined]);
  });
});
