import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';

const LINE = 'SKU-000000,Generated product title for streaming tests,19.99,12,new\n';
const CHUNK = Buffer.from(LINE.repeat(Math.ceil(65_536 / LINE.length)));

/**
 * Writes `bytes` bytes of CSV-looking data to `out` (an HTTP response), generated on the fly
 * and honouring back-pressure, so a test can serve gigabytes without holding them. Resolves
 * with the SHA-256 of what was sent, or rejects when the peer goes away first.
 */
export async function streamedBody(out: Writable, bytes: number, options: { end?: boolean } = {}): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let sent = 0;
  while (sent < bytes) {
    const piece = bytes - sent >= CHUNK.length ? CHUNK : CHUNK.subarray(0, bytes - sent);
    hash.update(piece);
    sent += piece.length;
    if (!out.write(piece)) await drained(out);
  }
  if (options.end !== false) out.end();
  return { sha256: hash.digest('hex'), bytes: sent };
}

function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      out.off('drain', onDrain);
      reject(new Error('the peer closed the connection before the body was sent'));
    };
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}
