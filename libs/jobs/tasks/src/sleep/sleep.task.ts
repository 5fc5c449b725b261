import { fields, ParamsOf, paramsSchema } from '@validahub/jobs-domain';
import { defineTask } from '../task';
import { TaskHandler } from '../task-handler';

const sleepParams = paramsSchema({
  ms: fields.integer({ min: 0, max: 3_600_000 }).required(),
  /** Keep running after the abort signal fires (to prove the hard time limit). */
  ignore_signal: fields.boolean().default(false),
});

const PROGRESS_EVERY_MS = 100;

/**
 * Sleeps `ms`, reporting progress as it goes. It honours the abort signal unless
 * `ignore_signal` is set, which lets tests prove the runtime frees the slot of a handler
 * that never stops.
 */
export const sleepHandler: TaskHandler<ParamsOf<typeof sleepParams>> = async (ctx) => {
  const { ms, ignore_signal: ignoreSignal } = ctx.params;
  const startedAt = Date.now();
  await new Promise<void>((resolve, reject) => {
    const ticker = setInterval(() => {
      const elapsed = Date.now() - startedAt;
      ctx.reportProgress((elapsed / ms) * 100, `Slept ${elapsed} of ${ms} ms`);
    }, PROGRESS_EVERY_MS).unref();
    const stop = () => {
      clearTimeout(timer);
      clearInterval(ticker);
      ctx.signal.removeEventListener('abort', onAbort);
    };
    const timer = setTimeout(() => {
      stop();
      resolve();
    }, ms).unref();
    const onAbort = () => {
      stop();
      reject(abortError(ctx.signal.reason));
    };
    if (ignoreSignal) return;
    if (ctx.signal.aborted) return onAbort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  return { resultRef: null, summary: { slept_ms: Date.now() - startedAt } };
};

function abortError(reason: unknown): Error {
  const error = new Error(`sleep aborted: ${String(reason)}`);
  error.name = 'AbortError';
  return error;
}

export const sleepTask = defineTask({
  name: 'sleep_job',
  description: 'Test-only: sleeps, honouring or ignoring the abort signal.',
  testOnly: true,
  params: sleepParams,
  handler: () => sleepHandler,
});
