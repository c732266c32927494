import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { fromRolesAnywhere } from '../../../src/roles-anywhere/index.js';
import { aCa, aLeaf } from '../../support/certs.js';
import { startCreateSessionStub, type CreateSessionStub } from '../../support/roles-anywhere-stub.js';

const root = aCa('SDK Test Root');
const arns = {
  trustAnchorArn: 'arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/ta-sdk',
  profileArn: 'arn:aws:rolesanywhere:eu-west-1:111122223333:profile/p-sdk',
  roleArn: 'arn:aws:iam::111122223333:role/workload-a',
};

describe('fromRolesAnywhere as an AWS SDK v3 client credential provider', () => {
  let stub: CreateSessionStub;
  let service: Server;
  let seen: IncomingHttpHeaders[];
  beforeEach(async () => {
    stub = await startCreateSessionStub({ anchors: [root.pem], trustAnchorArn: arns.trustAnchorArn, region: 'eu-west-1', credentialTtlMs: 15 * 60_000 });
    seen = [];
    // A DynamoDB stand-in that only records how the SDK signed the call.
    service = createServer((req, res) => {
      seen.push(req.headers);
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"TableNames":[]}'));
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    await stub.close();
    await new Promise<void>((resolve) => service.close(() => resolve()));
  });

  it('signs the SDK call with the session credentials from CreateSession', async () => {
    // Prepare
    const leaf = aLeaf({ dns: ['workload-a'], issuer: root });
    const credentials = fromRolesAnywhere({ certificate: leaf.pem, privateKey: leaf.privateKeyPem, ...arns, endpoint: stub.endpoint });
    const client = new DynamoDBClient({ region: 'eu-west-1', endpoint: `http://127.0.0.1:${(service.address() as AddressInfo).port}`, credentials, maxAttempts: 1 });

    // Act
    await client.send(new ListTablesCommand({}));
    await client.send(new ListTablesCommand({}));
    const issued = await credentials();

    // Assess: one CreateSession for both calls, its key in SigV4's Credential, its token sent along.
    expect(stub.acceptedSerials).toHaveLength(1);
    expect(seen).toHaveLength(2);
    for (const headers of seen) {
      expect(headers.authorization).toContain(`Credential=${issued.accessKeyId}/`);
      expect(headers['x-amz-security-token']).toBe(issued.sessionToken);
    }
    client.destroy();
  });
});
