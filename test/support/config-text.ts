/**
 * A configuration file with a local CA (`local`) and an ACME issuer (`le`, DNS-01 on Route 53),
 * its `certificates:` list and, optionally, a `policy:` section: for tests of what loading accepts
 * and refuses per certificate and per issuer.
 */
export const configWithLocalAndAcme = (certificates: string, policy = '') => `
dataDir: data
issuers:
  - { name: local, kind: local-ca }
  - name: le
    kind: acme
    options: { directoryUrl: 'https://acme.example.org/directory', dnsProvider: r53 }
dnsProviders:
  - { name: r53, kind: route53 }
certificates:
${certificates}
${policy}`;
