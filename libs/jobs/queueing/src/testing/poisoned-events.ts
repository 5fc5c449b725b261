import { JobEvent } from '@validahub/jobs-domain';

/**
 * Worker events around one Postgres refuses: well-formed for the worker protocol, but its error
 * message holds a NUL character, which neither a text column nor jsonb accepts (a handler can
 * quote a binary file). Jobs `a` and `c` start and succeed around it; `poisoned` starts behind
 * it, so the applier must get past the poison to apply what follows for the same job.
 */
export function poisonedEventBatch(ids: { a: string; poisoned: string; c: string }, now = Date.now()): { poison: JobEvent; events: JobEvent[] } {
  const at = (offsetMs = 0) => new Date(now + offsetMs).toISOString();
  const poison: JobEvent = {
    type: 'failed',
    jobId: ids.poisoned,
    attempt: 1,
    at: at(),
    startedAt: at(-10),
    error: { code: 'unreadable_csv', message: 'bad byte \u0000 at offset 3', retryable: false },
  };
  const events: JobEvent[] = [
    { type: 'started', jobId: ids.a, attempt: 1, at: at(-20) },
    poison,
    { type: 'started', jobId: ids.c, attempt: 1, at: at(-20) },
    { type: 'succeeded', jobId: ids.a, attempt: 1, at: at(), startedAt: at(-20), resultRef: null, summary: { ok: true } },
    { type: 'started', jobId: ids.poisoned, attempt: 1, at: at(-10) },
    { type: 'succeeded', jobId: ids.c, attempt: 1, at: at(), startedAt: at(-20), resultRef: null, summary: { ok: true } },
  ];
  return { poison, events };
}
