import { type Readable, pipeline } from 'node:stream';
import { type ObjectStorage, UploadMeter } from '@validahub/storage';

export interface StoredFeed {
  uri: string;
  size: number;
  sha256: string;
}

const PROGRESS_EVERY_BYTES = 8 * 1024 * 1024;

/**
 * Streams the source into storage through a meter that counts, hashes and stops at maxBytes:
 * at most one chunk of the body is in this process at a time, whatever its size. The target
 * is replaced only once the whole body is stored (the storage contract), so a failed sync
 * leaves the previous feed in place.
 */
export async function storeFeed(
  storage: ObjectStorage,
  body: Readable,
  uri: string,
  options: { maxBytes: number; signal: AbortSignal; contentType?: string; onBytes?: (bytes: number) => void },
): Promise<StoredFeed> {
  const meter = new UploadMeter(options.maxBytes, uri);
  let reported = 0;
  if (options.onBytes) {
    const onBytes = options.onBytes;
    body.on('data', () => {
      if (meter.byteCount - reported < PROGRESS_EVERY_BYTES) return;
      reported = meter.byteCount;
      onBytes(reported);
    });
  }
  // A failure on either side destroys both; write() then rejects with that failure.
  pipeline(body, meter, () => undefined);
  try {
    const written = await storage.write(uri, meter, { contentType: options.contentType, signal: options.signal });
    return { uri: written.uri, size: meter.byteCount, sha256: meter.sha256() };
  } catch (error) {
    body.destroy();
    throw meter.limitError ?? error;
  }
}
