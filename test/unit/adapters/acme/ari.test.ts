import { describe, expect, it } from 'vitest';
import { ariCertId } from '../../../../src/adapters/acme/ari.js';
import { RFC9773_EXAMPLE } from '../../../support/acme-examples.js';


describe('ariCertId', () => {
  it('computes the CertID of RFC 9773 worked example from the certificate itself', () => {
    // Act
    const certId = ariCertId(RFC9773_EXAMPLE);

    // Assess
    expect(certId).toBe('aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE');
  });
});
