// The baseline of bench/acme-issue.bench.ts: a bare acme-client script issuing certificates
// (DNS-01 through pebble-challtestsrv), as people write it from acme-client's README.
//   node bench/acme-bare.mjs <directoryUrl> <challtestsrvUrl> <name>...   one issuance, then exit
//   node bench/acme-bare.mjs <directoryUrl> <challtestsrvUrl> --serve     one issuance per stdin line
//                                                                          of names; prints its ms
// (NODE_EXTRA_CA_CERTS=<Pebble's TLS CA>)
/* global fetch, performance */
import { createInterface } from 'node:readline';
import acme from 'acme-client';

const [directoryUrl, challtestsrv, ...rest] = process.argv.slice(2);
const post = (path, body) => fetch(`${challtestsrv}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.arrayBuffer());
const client = new acme.Client({ directoryUrl, accountKey: await acme.crypto.createPrivateEcdsaKey() });

async function issue(names) {
  const [, csr] = await acme.crypto.createCsr({ commonName: names[0], altNames: names }, await acme.crypto.createPrivateEcdsaKey());
  const certificate = await client.auto({
    csr,
    termsOfServiceAgreed: true,
    challengePriority: ['dns-01'],
    skipChallengeVerification: true,
    challengeCreateFn: (authz, _challenge, keyAuthorization) => post('/set-txt', { host: `_acme-challenge.${authz.identifier.value}.`, value: keyAuthorization }),
    challengeRemoveFn: (authz) => post('/clear-txt', { host: `_acme-challenge.${authz.identifier.value}.` }),
  });
  if (!certificate.includes('BEGIN CERTIFICATE')) throw new Error('no certificate');
}

if (rest[0] === '--serve') {
  for await (const line of createInterface({ input: process.stdin })) {
    const started = performance.now();
    await issue(line.trim().split(/\s+/));
    process.stdout.write(`${(performance.now() - started).toFixed(1)}\n`);
  }
} else {
  await issue(rest);
}
