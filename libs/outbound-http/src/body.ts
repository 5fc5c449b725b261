import type { Readable } from 'node:stream';

/**
 * Reads at most `maxBytes` of a response body and drops the rest (the connection is closed
 * rather than drained), so a receiver cannot make the caller read or hold more than that.
 */
export async function readBodyPrefix(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let kept = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      chunks.push(buffer.subarray(0, maxBytes - kept));
      kept += Math.min(buffer.length, maxBytes - kept);
      if (kept >= maxBytes) break;
    }
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks, kept);
}

/** Throws away a body we do not need, without reading it (undici reports that as an abort: ignored). */
export function discardBody(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}
