import { S3ServiceException } from '@aws-sdk/client-s3';
import {
  clientStorageMessage,
  isTransientStorageError,
  ObjectNotFoundError,
  StorageAccessError,
  StorageUnavailableError,
  StorageUriError,
  UploadTooLargeError,
} from './errors';
import { classifyFsError } from './local/fs-errors';
import { classifyS3Error } from './s3/s3-errors';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something`), { code });
}

function s3Error(name: string, status: number, fault: 'client' | 'server' = status >= 500 ? 'server' : 'client'): S3ServiceException {
  return new S3ServiceException({ name, $fault: fault, $metadata: { httpStatusCode: status }, message: name });
}

describe('storage error classes', () => {
  it('carry the codes and retry flags the workers rely on', () => {
    expect(new ObjectNotFoundError('x')).toMatchObject({ code: 'input_not_found', retryable: false, name: 'ObjectNotFoundError' });
    expect(new StorageUnavailableError('x')).toMatchObject({ code: 'storage_unavailable', retryable: true });
    expect(new StorageAccessError('x')).toMatchObject({ code: 'storage_access_denied', retryable: false });
    expect(new StorageUriError('path_traversal', 'x')).toMatchObject({ code: 'invalid_storage_uri', retryable: false, reason: 'path_traversal' });
    expect(new UploadTooLargeError(10)).toMatchObject({ code: 'upload_too_large', retryable: false, limitBytes: 10 });
  });

  it('isTransientStorageError is true only for StorageUnavailableError', () => {
    expect(isTransientStorageError(new StorageUnavailableError('x'))).toBe(true);
    for (const other of [new ObjectNotFoundError('x'), new StorageAccessError('x'), new Error('ECONNRESET'), errno('ECONNRESET'), null, 'x']) {
      expect(isTransientStorageError(other)).toBe(false);
    }
  });

  it('tells a client what failed without the backend text (bucket policies, account ids, ARNs)', () => {
    const arn = 'User: arn:aws:iam::123456789012:user/validahub is not authorized to perform s3:GetObject';
    const denied = classifyS3Error(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: arn }),
      'read',
      's3://b/k.csv',
    ) as StorageAccessError;
    expect(denied.message).toContain('123456789012');
    const shown = clientStorageMessage(denied, 'uploads/in.csv');
    expect(shown).toBe('storage refused access while working on "uploads/in.csv"');
    expect(clientStorageMessage(new StorageUnavailableError(arn), 'in.csv')).not.toContain('arn:');
    expect(clientStorageMessage(new ObjectNotFoundError(arn), 'in.csv')).toBe('no object at "in.csv"');
    expect(clientStorageMessage(new StorageUriError('path_traversal', 'storage URI "../x" contains a ".." segment'), '../x')).toContain('".."');
  });

  it('keeps the original error as cause', () => {
    const original = errno('EIO');
    expect((classifyFsError(original, 'read', 'a.csv') as Error).cause).toBe(original);
  });
});

describe('classifyFsError', () => {
  it.each([
    ['ENOENT', 'read', ObjectNotFoundError],
    ['ENOTDIR', 'read', ObjectNotFoundError],
    ['EISDIR', 'read', ObjectNotFoundError],
    ['ENOENT', 'write', StorageAccessError],
    ['EACCES', 'read', StorageAccessError],
    ['EROFS', 'write', StorageAccessError],
    ['ELOOP', 'read', StorageAccessError],
    ['ENOSPC', 'write', StorageUnavailableError],
    ['EMFILE', 'read', StorageUnavailableError],
    ['EIO', 'read', StorageUnavailableError],
  ] as const)('%s during %s -> %p', (code, operation, type) => {
    expect(classifyFsError(errno(code), operation, 'a.csv')).toBeInstanceOf(type);
  });

  it('passes through errors it cannot place', () => {
    const bug = new TypeError('undefined is not a function');
    const aborted = Object.assign(new Error('aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
    const known = new UploadTooLargeError(1);
    expect(classifyFsError(bug, 'read', 'a.csv')).toBe(bug);
    expect(classifyFsError(aborted, 'write', 'a.csv')).toBe(aborted);
    expect(classifyFsError(known, 'write', 'a.csv')).toBe(known);
  });
});

describe('classifyS3Error', () => {
  it.each([
    [s3Error('NoSuchKey', 404), 'read', ObjectNotFoundError],
    [s3Error('NotFound', 404), 'head', ObjectNotFoundError],
    [s3Error('NoSuchBucket', 404), 'read', ObjectNotFoundError],
    [s3Error('NoSuchBucket', 404), 'write', StorageAccessError],
    [s3Error('NotFound', 404), 'ping', StorageAccessError],
    [s3Error('AccessDenied', 403), 'read', StorageAccessError],
    [s3Error('SignatureDoesNotMatch', 403), 'write', StorageAccessError],
    [s3Error('SlowDown', 503), 'write', StorageUnavailableError],
    [s3Error('InternalError', 500), 'read', StorageUnavailableError],
    [s3Error('ThrottlingException', 400), 'read', StorageUnavailableError],
    [s3Error('RequestTimeout', 400), 'write', StorageUnavailableError],
    [s3Error('EntityTooLarge', 400), 'write', StorageAccessError],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'read', StorageUnavailableError],
    [Object.assign(new Error('getaddrinfo EAI_AGAIN minio'), { code: 'EAI_AGAIN' }), 'read', StorageUnavailableError],
    [Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'head', StorageUnavailableError],
    [new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9'), 'read', StorageUnavailableError],
    [Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }), 'read', StorageAccessError],
  ] as const)('%s during %s -> %p', (error, operation, type) => {
    const classified = classifyS3Error(error, operation, 's3://bucket/key.csv');
    expect(classified).toBeInstanceOf(type);
    expect((classified as Error).message).toContain('s3://bucket/key.csv');
  });

  it('passes through errors it cannot place', () => {
    const bug = new RangeError('bad');
    const aborted = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    expect(classifyS3Error(bug, 'read', 's3://b/k')).toBe(bug);
    expect(classifyS3Error(aborted, 'read', 's3://b/k')).toBe(aborted);
    expect(classifyS3Error('text', 'read', 's3://b/k')).toBe('text');
  });
});
