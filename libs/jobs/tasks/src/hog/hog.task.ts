import { fields, ParamsOf, paramsSchema } from '@validahub/jobs-domain';
import { defineTask } from '../task';
import { TaskHandler } from '../task-handler';

const hogParams = paramsSchema({
  /** Stop after holding this many MiB (0: never stop, until the sandbox's memory cap ends it). */
  stop_at_mb: fields.integer({ min: 0, max: 1_000_000 }).default(0),
});

const CHUNK_STRINGS = 1_024;

/**
 * Allocates JavaScript heap without bound (strings kept in an array, ~1 MiB per round) and
 * yields between rounds, as a leaking handler would. Only the sandbox's heap cap ends it.
 */
export const hogHandler: TaskHandler<ParamsOf<typeof hogParams>> = async (ctx) => {
  const held: string[][] = [];
  for (let mb = 1; ctx.params.stop_at_mb === 0 || mb <= ctx.params.stop_at_mb; mb++) {
    // 1,024 distinct strings of 512 two-byte characters: ~1 MiB that the heap must keep.
    held.push(Array.from({ length: CHUNK_STRINGS }, (_, i) => `${mb}:${i}:`.padEnd(512, '\u0101')));
    if (mb % 16 === 0) {
      ctx.reportProgress(0, `Holding ${mb} MiB`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (ctx.signal.aborted) throw new Error(`hog aborted: ${String(ctx.signal.reason)}`);
  }
  return { resultRef: null, summary: { held_mb: held.length } };
};

export const hogTask = defineTask({
  name: 'hog_job',
  description: 'Test-only: allocates memory until stopped (proves the sandbox heap cap).',
  testOnly: true,
  params: hogParams,
  handler: () => hogHandler,
});
