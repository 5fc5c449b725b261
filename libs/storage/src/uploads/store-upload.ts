import type { Readable } from 'node:stream';
import { StorageAccessError, UploadTooLargeError } from '../errors';
import type { ObjectStorage } from '../object-storage';
import { UploadMeter } from './upload-meter';

export interface StoreUploadOptions {
  targetUri: string;
  maxBytes: number;
  contentType?: string;
  signal?: AbortSignal;
  /** Length the client announced (Content-Length): above maxBytes fails before reading anything. */
  declaredBytes?: number;
}

export interface StoredUpload {
  uri: string;
  size: number;
  sha256: string;
}

/**
 * Streams a client's upload into storage, counting and hashing it on the way. Past
 * maxBytes it stops at once with UploadTooLargeError and nothing is kept. Refuses to
 * overwrite an existing object. The source stream is never destroyed here: on failure it
 * is unpiped and paused, and the caller (the HTTP layer) decides how to end the request.
 */
export async function storeUpload(storage: ObjectStorage, source: Readable, options: StoreUploadOptions): Promise<StoredUpload> {
  const { targetUri, maxBytes } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive whole number, got ${maxBytes}`);
  if (options.declaredBytes !== undefined && options.declaredBytes > maxBytes) {
    throw new UploadTooLargeError(maxBytes, { uri: targetUri });
  }
  const meter = new UploadMeter(maxBytes, targetUri);
  // Listen before the first await: a source that fails meanwhile (a cut multipart body) must
  // still reach the meter, or the write would wait forever for a stream that never ends.
  const forwardSourceError = (error: Error) => meter.destroy(error);
  const forwardEarlyClose = () => {
    if (!source.readableEnded) meter.destroy(source.errored ?? new Error('the upload stream closed before it ended'));
  };
  // The meter may fail before write() listens to it; its error is rethrown below, never lost.
  meter.on('error', () => undefined);
  source.on('error', forwardSourceError);
  source.on('close', forwardEarlyClose);
  try {
    if (await storage.exists(targetUri)) {
      throw new StorageAccessError(`upload target ${JSON.stringify(targetUri)} already exists`, { uri: targetUri });
    }
    if (source.destroyed && !source.readableEnded) forwardEarlyClose();
    source.pipe(meter);
    try {
      if (meter.destroyed) throw meter.errored ?? new Error('the upload stream closed before it ended');
      const written = await storage.write(targetUri, meter, { contentType: options.contentType ?? 'text/csv', signal: options.signal });
      return { uri: written.uri, size: meter.byteCount, sha256: meter.sha256() };
    } catch (error) {
      source.unpipe(meter);
      source.pause();
      // Both backends publish an object only once it is complete; this makes sure anyway.
      await storage.delete(targetUri).catch(() => undefined);
      throw meter.limitError ?? error;
    }
  } finally {
    source.off('error', forwardSourceError);
    source.off('close', forwardEarlyClose);
  }
}
