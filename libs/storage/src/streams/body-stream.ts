import { finished, PassThrough, Readable } from 'node:stream';
import type { WriteBody } from '../object-storage';

export function toReadable(body: WriteBody): Readable {
  if (typeof body === 'string') return Readable.from([Buffer.from(body, 'utf8')]);
  if (Buffer.isBuffer(body)) return Readable.from([body]);
  if (body instanceof Readable) return body;
  throw new TypeError('storage write body must be a Readable, a Buffer or a string');
}

/**
 * Re-emits a source stream with its errors translated, so a reset in the middle of a
 * download reaches the reader as a classified StorageError (a source that just stops
 * counts as an error too, instead of a reader waiting forever). Destroying the returned
 * stream (a reader giving up, an abort signal) releases the source.
 */
export function withMappedErrors(source: Readable, mapError: (error: unknown) => Error): Readable {
  const out = new PassThrough();
  finished(source, (error) => {
    if (error && !out.destroyed) out.destroy(mapError(error));
  });
  out.once('close', () => source.destroy());
  source.pipe(out);
  return out;
}
