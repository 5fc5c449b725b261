// Helpers for this lib's integration tests (not exported from the package).
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Random bytes streamed in chunks, so the consumer cannot know the length up front. */
export function chunkedStream(data: Buffer, chunkBytes = 64 * 1024): Readable {
  function* chunks() {
    for (let offset = 0; offset < data.length; offset += chunkBytes) yield data.subarray(offset, offset + chunkBytes);
  }
  return Readable.from(chunks(), { objectMode: false });
}

export function randomData(bytes: number): Buffer {
  return randomBytes(bytes);
}

/** An endless-enough stream that records how many bytes were pulled from it. */
export function countingStream(totalBytes: number, chunkBytes = 64 * 1024): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const chunk = randomBytes(chunkBytes);
  const stream = new Readable({
    read() {
      if (pulled >= totalBytes) {
        this.push(null);
        return;
      }
      pulled += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

/** A stream that sends some bytes and then fails, like a client that disconnects mid-upload. */
export function failingStream(bytesBeforeFailure: number, error: Error): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytesBeforeFailure) {
        this.destroy(error);
        return;
      }
      const size = Math.min(64 * 1024, bytesBeforeFailure - sent);
      sent += size;
      this.push(randomBytes(size));
    },
  });
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}
