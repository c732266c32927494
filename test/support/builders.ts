import type { CertificateSpec } from '../../src/domain/certificate.js';
import type { CertificateRequest } from '../../src/domain/request.js';
import type { ApprovalPolicy } from '../../src/domain/approval-policy.js';

export const T0 = new Date('2026-11-01T00:00:00.000Z');

export function aSpec(overrides: Partial<CertificateSpec> = {}): CertificateSpec {
  return {
    id: 'api',
    commonName: 'api.internal.example.com',
    names: { dns: ['api.internal.example.com'], ip: [], uri: [] },
    keyAlgorithm: 'EC_P256',
    issuer: { kind: 'local-ca', name: 'local' },
    owner: 'team-api',
    validityDays: 90,
    ...overrides,
  };
}

export function aRequest(overrides: Partial<CertificateRequest> = {}): CertificateRequest {
  return {
    id: 'req_test',
    certificateId: 'api',
    revision: 1,
    reason: 'new',
    requester: 'carol',
    spec: aSpec(),
    contentHash: 'hash',
    state: 'pending_approval',
    requiredApprovals: 1,
    votes: [],
    progress: { attempt: 0 },
    approvalDeadline: new Date(T0.getTime() + 72 * 3_600_000),
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

export function aPolicy(overrides: Partial<ApprovalPolicy> = {}): ApprovalPolicy {
  return {
    forbiddenNames: ['*.bank.example.com'],
    autoApprove: [{ name: 'internal', names: ['**.internal.example.com'], issuers: ['local'] }],
    approvers: ['alice', 'bob', 'dave'],
    requiredApprovals: 1,
    approvalTtlHours: 72,
    ...overrides,
  };
}
