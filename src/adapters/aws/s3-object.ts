import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import type { AwsClientFactory } from './client-factory.js';

/** Reads a small text object named `s3://bucket/key`, refusing one larger than `maxBytes`. */
export async function readS3Object(location: string, clients: AwsClientFactory, maxBytes: number): Promise<string> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  if (!match) throw new CertflowError(ErrorCodes.CONFIG_INVALID, `not an S3 location: '${location}'`, { context: { location } });
  const out = await clients.client(S3Client).send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }));
  if ((out.ContentLength ?? 0) > maxBytes) {
    throw new CertflowError(ErrorCodes.CONFIG_INVALID, `the configuration at ${location} is larger than ${maxBytes.toString()} bytes`, { context: { location } });
  }
  return (await out.Body?.transformToString('utf8')) ?? '';
}
