import type { S3Client } from '@aws-sdk/client-s3';
import { addAbortSignal, Readable } from 'node:stream';
import { StorageUnavailableError, StorageUriError } from '../errors';
import type { ObjectHead, ObjectStorage, OpenedObject, OpenReadOptions, WriteBody, WriteOptions, WrittenObject } from '../object-storage';
import { toReadable, withMappedErrors } from '../streams/body-stream';
import { DigestStream } from '../streams/digest-stream';
import { parseStorageUri } from '../uri/parse-storage-uri';
import { formatStorageLocation, type S3Location } from '../uri/storage-location';
import { classifyS3Error, classifyS3ErrorAsError } from './s3-errors';
import { s3Sdk } from './s3-sdk';

const MIB = 1024 * 1024;
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface S3ObjectStorageOptions {
  client: S3Client;
  /** Buckets URIs may name: absent means any, a list exactly those. */
  allowedBuckets?: readonly string[];
  /** Multipart part size (default 8 MiB, S3's minimum is 5 MiB). */
  partSizeBytes?: number;
  /** Parts uploaded in parallel; memory held is about partSize x queueSize (default 2). */
  uploadQueueSize?: number;
  /** Bucket that ping() checks with HeadBucket; without one, ping() lists buckets. */
  healthBucket?: string;
  pingTimeoutMs?: number;
}

/** Objects in S3 or an S3-compatible server (MinIO, R2, s3rver), addressed as s3://bucket/key. */
export class S3ObjectStorage implements ObjectStorage {
  readonly client: S3Client;
  private readonly allowedBuckets: readonly string[] | undefined;
  private readonly partSizeBytes: number;
  private readonly uploadQueueSize: number;
  private readonly healthBucket?: string;
  private readonly pingTimeoutMs: number;

  constructor(options: S3ObjectStorageOptions) {
    this.client = options.client;
    this.allowedBuckets = options.allowedBuckets;
    this.partSizeBytes = Math.max(options.partSizeBytes ?? 8 * MIB, 5 * MIB);
    this.uploadQueueSize = Math.max(options.uploadQueueSize ?? 2, 1);
    this.healthBucket = options.healthBucket;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 3_000;
  }

  /** Checks the URI again (defence in depth) and refuses anything that is not an allowed s3:// URI. */
  locate(uri: string): S3Location {
    const location = parseStorageUri(uri, { allowedBuckets: this.allowedBuckets });
    if (location.kind !== 's3') throw new StorageUriError('wrong_backend', `${JSON.stringify(uri)} is not an s3:// URI`, { uri });
    return location;
  }

  async openRead(uri: string, options: OpenReadOptions = {}): Promise<OpenedObject> {
    const { bucket, key } = this.locate(uri);
    try {
      const output = await this.client.send(new (s3Sdk().client.GetObjectCommand)({ Bucket: bucket, Key: key }), { abortSignal: options.signal });
      if (!(output.Body instanceof Readable)) throw new Error('S3 returned a body that is not a Node stream');
      const stream = withMappedErrors(output.Body, (error) => classifyS3ErrorAsError(error, 'read', uri));
      if (options.signal) addAbortSignal(options.signal, stream);
      return { stream, size: output.ContentLength, contentType: output.ContentType };
    } catch (error) {
      throw classifyS3Error(error, 'read', uri);
    }
  }

  /**
   * Streams the body through lib-storage's Upload: one PutObject when it fits in a part,
   * a multipart upload otherwise (aborted on failure, so no object appears).
   */
  async write(uri: string, body: WriteBody, options: WriteOptions = {}): Promise<WrittenObject> {
    const location = this.locate(uri);
    const digest = new DigestStream();
    // An error of the body (a broken source, a size limit, an abort) is the real cause and
    // is passed on as it is. Errors flow one way only, source -> digest: when Upload gives
    // up on the body after an S3 failure it destroys the digest, and that is not a cause.
    let bodyError: unknown;
    const failBody = (error: unknown) => {
      bodyError ??= error;
      digest.destroy(error as Error);
    };
    const source = toReadable(body);
    source.on('error', failBody);
    digest.on('error', () => undefined);
    digest.once('close', () => source.destroy());
    source.pipe(digest);
    const onAbort = () => failBody(options.signal?.reason ?? abortError());
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();

    const upload = new (s3Sdk().storage.Upload)({
      client: this.client,
      params: { Bucket: location.bucket, Key: location.key, Body: digest, ContentType: options.contentType ?? guessContentType(location.key) },
      partSize: this.partSizeBytes,
      queueSize: this.uploadQueueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      const failure = bodyError ?? classifyS3Error(error, 'write', uri);
      digest.destroy();
      throw failure;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    return { uri: formatStorageLocation(location), size: digest.byteCount, sha256: digest.sha256() };
  }

  async head(uri: string): Promise<ObjectHead | null> {
    const { bucket, key } = this.locate(uri);
    try {
      const output = await this.client.send(new (s3Sdk().client.HeadObjectCommand)({ Bucket: bucket, Key: key }));
      return { size: output.ContentLength ?? 0, contentType: output.ContentType, lastModified: output.LastModified, etag: output.ETag };
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) return null;
      throw classifyS3Error(error, 'head', uri);
    }
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.head(uri)) !== null;
  }

  async delete(uri: string): Promise<void> {
    const { bucket, key } = this.locate(uri);
    try {
      await this.client.send(new (s3Sdk().client.DeleteObjectCommand)({ Bucket: bucket, Key: key }));
    } catch (error) {
      throw classifyS3Error(error, 'delete', uri);
    }
  }

  async presignGet(uri: string, expiresSeconds: number): Promise<string | null> {
    if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > MAX_PRESIGN_SECONDS) {
      throw new RangeError(`presign expiry must be a whole number of seconds in 1..${MAX_PRESIGN_SECONDS}, got ${expiresSeconds}`);
    }
    const { bucket, key } = this.locate(uri);
    try {
      return await s3Sdk().presigner.getSignedUrl(this.client, new (s3Sdk().client.GetObjectCommand)({ Bucket: bucket, Key: key }), {
        expiresIn: expiresSeconds,
      });
    } catch (error) {
      throw classifyS3Error(error, 'presign', uri);
    }
  }

  async ping(): Promise<void> {
    const signal = AbortSignal.timeout(this.pingTimeoutMs);
    const target = this.healthBucket ? `s3://${this.healthBucket}` : 's3://';
    try {
      if (this.healthBucket) await this.client.send(new (s3Sdk().client.HeadBucketCommand)({ Bucket: this.healthBucket }), { abortSignal: signal });
      else await this.client.send(new (s3Sdk().client.ListBucketsCommand)({}), { abortSignal: signal });
    } catch (error) {
      if (signal.aborted) throw new StorageUnavailableError(`S3 did not answer within ${this.pingTimeoutMs} ms`, { cause: error, uri: target });
      throw classifyS3Error(error, 'ping', target);
    }
  }
}

function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

function guessContentType(key: string): string {
  if (/\.csv$/i.test(key)) return 'text/csv';
  if (/\.json$/i.test(key)) return 'application/json';
  return 'application/octet-stream';
}
