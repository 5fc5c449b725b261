import type { Writable } from 'node:stream';
import { ValidationAbortedError } from '../errors';

/** Resolves on 'drain'; rejects if the stream fails or closes first, or the signal aborts. */
export function waitForDrain(stream: Writable, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('the corrected-output stream closed before all rows were written'));
    };
    const onAbort = (): void => {
      cleanup();
      reject(new ValidationAbortedError(signal?.reason));
    };
    if (signal?.aborted) return onAbort();
    // Destroyed before we started waiting: 'close' may already have fired, and would never again.
    if (stream.destroyed) return stream.errored ? onError(stream.errored) : onClose();
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
