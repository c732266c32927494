/** Child process for the first-use race test: opens the CA and prints its root fingerprint. */
import { X509Certificate } from 'node:crypto';
import { LocalCaIssuer } from '../../../src/adapters/local/local-ca/index.js';
import { anOrder } from './support.js';

const [dataDir = ''] = process.argv.slice(2);
// RSA keys take long enough to generate that the processes really overlap while creating the CA.
const issuer = new LocalCaIssuer({ dataDir, clock: { now: () => new Date() } }, 'race', { keyAlgorithm: 'RSA_2048' });
// Only a first issuance creates a CA; reading the trust anchor never does.
await issuer.submit(anOrder().order);
process.stdout.write(new X509Certificate(await issuer.trustAnchorsPem()).fingerprint256);
issuer.close();
