import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import type { AwsClientFactory } from '../aws/client-factory.js';

/** The local runtime's AWS client factory when no AWS is configured: asking for a client is a clear error. */
export const unavailableAwsClients: AwsClientFactory = {
  client(ctor) {
    throw new CertflowError(ErrorCodes.CONFIG_INVALID, `this runtime has no AWS access configured (asked for ${ctor.name})`, { context: { client: ctor.name } });
  },
};
