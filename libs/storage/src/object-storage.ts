import type { Readable } from 'node:stream';

export interface OpenReadOptions {
  signal?: AbortSignal;
}

export interface OpenedObject {
  /** The object's bytes; a failure while streaming surfaces as a classified StorageError. */
  stream: Readable;
  size?: number;
  contentType?: string;
}

export type WriteBody = Readable | Buffer | string;

export interface WriteOptions {
  contentType?: string;
  signal?: AbortSignal;
}

export interface WrittenObject {
  /** Canonical URI of the stored object (`s3://bucket/key`, or a path relative to the local root). */
  uri: string;
  size: number;
  sha256?: string;
}

export interface ObjectHead {
  size: number;
  contentType?: string;
  lastModified?: Date;
  /** The backend's version tag of the content (S3's ETag, quotes included); local disk has none. */
  etag?: string;
}

/**
 * Where job inputs, uploads and results live. Every method takes a URI (see README "URIs")
 * and re-checks it, so a URI that escapes the storage root or an allowed bucket is refused
 * with StorageUriError even if the caller forgot to validate it.
 */
export interface ObjectStorage {
  /** Opens an object for streaming; ObjectNotFoundError when there is none. */
  openRead(uri: string, options?: OpenReadOptions): Promise<OpenedObject>;
  /**
   * Stores the body, streaming it end to end. The object appears only once complete (no
   * reader ever sees half of it) and replaces any previous one. A failed or aborted write
   * leaves nothing behind and destroys a stream body.
   */
  write(uri: string, body: WriteBody, options?: WriteOptions): Promise<WrittenObject>;
  /** Size and metadata, or null when there is no object. */
  head(uri: string): Promise<ObjectHead | null>;
  exists(uri: string): Promise<boolean>;
  /** Removes the object; removing a missing one is not an error. */
  delete(uri: string): Promise<void>;
  /** A time-limited GET URL, or null where the backend cannot presign (local disk). */
  presignGet(uri: string, expiresSeconds: number): Promise<string | null>;
  /** Readiness probe: resolves when the backend is usable, throws a StorageError otherwise. */
  ping(): Promise<void>;
}
