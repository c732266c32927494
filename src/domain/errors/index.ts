export { ErrorCodes, type ErrorCode } from './codes.js';
export { CertflowError, isCertflowError, redact, type ErrorContext } from './certflow-error.js';
