import type { RedisClient } from '@validahub/jobs-queueing';
import type { JobEvent } from '@validahub/jobs-domain';
import { jobEventsDeadLetterKey } from '@validahub/jobs-queueing';

/** Where refused events go; the applier only needs this one call. */
export interface EventDeadLetters {
  keep(entry: { event: JobEvent; entryId: string; error: unknown }): Promise<void>;
}

/** Newest entries kept in the dead-letter stream; older ones are trimmed (roughly, as XADD MAXLEN ~ does). */
export const DEAD_LETTER_MAX_ENTRIES = 10_000;

/**
 * The dead-letter stream `<prefix>:job-events:dead-letter`: one entry per refused event with
 * the event as read, its original stream entry id, the error and when. Read it with
 * `XRANGE <prefix>:job-events:dead-letter - +`; an entry can be re-published to the event stream
 * once the cause is fixed (events are idempotent: a replay that no longer applies is ignored).
 */
export class RedisEventDeadLetters implements EventDeadLetters {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async keep({ event, entryId, error }: { event: JobEvent; entryId: string; error: unknown }): Promise<void> {
    await this.redis.xadd(
      jobEventsDeadLetterKey(this.prefix),
      'MAXLEN',
      '~',
      DEAD_LETTER_MAX_ENTRIES,
      '*',
      'event',
      JSON.stringify(event),
      'entry_id',
      entryId,
      'error',
      describeError(error),
      'at',
      new Date().toISOString(),
    );
  }
}

/** The error as a person reading the stream needs it: Postgres's SQLSTATE and message. */
export function describeError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; driverError?: { code?: unknown } } | null;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.driverError?.code === 'string' ? e.driverError.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return code ? `${code}: ${message}` : message;
}
