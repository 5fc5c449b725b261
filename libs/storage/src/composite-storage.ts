import type { LocalDiskStorage } from './local/local-disk-storage';
import type { ObjectHead, ObjectStorage, OpenedObject, OpenReadOptions, WriteBody, WriteOptions, WrittenObject } from './object-storage';
import type { S3ObjectStorage } from './s3/s3-object-storage';
import { parseStorageUri } from './uri/parse-storage-uri';
import type { StorageLocation, StorageUriPolicy } from './uri/storage-location';

/**
 * The storage the apps use: `s3://` URIs go to S3 (when configured), `file://` URIs and
 * paths go to the local root. Each backend re-checks the URI it is handed.
 */
export class CompositeStorage implements ObjectStorage {
  readonly policy: Readonly<StorageUriPolicy>;

  constructor(
    readonly local: LocalDiskStorage,
    readonly s3: S3ObjectStorage | undefined,
    allowedBuckets: readonly string[] = [],
  ) {
    this.policy = Object.freeze({ localRoot: local.root, allowedBuckets, allowS3: s3 !== undefined });
  }

  /** What the gateway calls at job-create time: the location, or a StorageUriError to turn into a 400. */
  locate(uri: string): StorageLocation {
    return parseStorageUri(uri, this.policy);
  }

  async openRead(uri: string, options?: OpenReadOptions): Promise<OpenedObject> {
    return this.backendFor(uri).openRead(uri, options);
  }

  async write(uri: string, body: WriteBody, options?: WriteOptions): Promise<WrittenObject> {
    return this.backendFor(uri).write(uri, body, options);
  }

  async head(uri: string): Promise<ObjectHead | null> {
    return this.backendFor(uri).head(uri);
  }

  async exists(uri: string): Promise<boolean> {
    return this.backendFor(uri).exists(uri);
  }

  async delete(uri: string): Promise<void> {
    return this.backendFor(uri).delete(uri);
  }

  async presignGet(uri: string, expiresSeconds: number): Promise<string | null> {
    return this.backendFor(uri).presignGet(uri, expiresSeconds);
  }

  /** Ready when the local root is writable and, if configured, S3 answers. */
  async ping(): Promise<void> {
    await Promise.all([this.local.ping(), this.s3?.ping()]);
  }

  private backendFor(uri: string): ObjectStorage {
    const location = this.locate(uri);
    return location.kind === 's3' ? (this.s3 as S3ObjectStorage) : this.local;
  }
}
