import { performance } from 'node:perf_hooks';
import type { TimedCall } from './sandbox-protocol';

/** The storage methods worth a span, and the span each becomes. */
const TIMED_METHODS: Readonly<Record<string, string>> = {
  openRead: 'storage.read',
  write: 'storage.write',
  head: 'storage.head',
  exists: 'storage.exists',
  delete: 'storage.delete',
  presignGet: 'storage.presign',
};

/** Wall-clock milliseconds with sub-millisecond precision (this thread's clock origin plus its monotonic time). */
const nowMs = () => performance.timeOrigin + performance.now();

/**
 * `storage` with each of its calls timed and reported (the sandbox thread has no tracer of its
 * own: the worker's main thread turns the reports into spans). `storage.read` times opening the
 * object, not the reading of its stream; `storage.write` the whole upload.
 */
export function timedStorage<T extends object>(storage: T, report: (call: TimedCall) => void): T {
  return new Proxy(storage, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      const name = typeof property === 'string' ? TIMED_METHODS[property] : undefined;
      if (!name || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const startMs = nowMs();
        const attributes: Record<string, string | number> = { 'storage.operation': property as string };
        if (typeof args[0] === 'string') attributes['storage.uri'] = args[0];
        const done = (error?: unknown) =>
          report({ name, startMs, endMs: nowMs(), attributes, ...(error === undefined ? {} : { error: errorText(error) }) });
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args).then(
          (result) => {
            done();
            return result;
          },
          (error: unknown) => {
            done(error);
            throw error;
          },
        );
      };
    },
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
