import type { RedisClient } from './redis-connection';
import { JobEvent, parseJobEvent } from '@validahub/jobs-domain';
import { JOB_EVENTS_GROUP, jobEventsStreamKey } from './keys';

export interface ConsumerLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface JobEventConsumerOptions {
  prefix: string;
  /** Unique per process (replicas share the group, each entry goes to one of them). */
  consumerName: string;
  batchSize?: number;
  blockMs?: number;
  /**
   * After a batch smaller than batchSize, wait this long before reading again: under load the
   * next batch then holds more events (fewer transactions for the same events), at the cost of
   * up to this much more lag. The first event after a quiet spell is still read at once. Default 0.
   */
  lingerMs?: number;
  /** Entries another consumer holds longer than this are taken over (it probably died). */
  claimIdleMs?: number;
  logger?: ConsumerLogger;
}

type Entry = [id: string, fields: string[]];

export interface StreamEvent {
  event: JobEvent;
  /** The stream entry id. */
  id: string;
}

export type BatchHandler = (batch: StreamEvent[]) => Promise<void>;

/**
 * Reads worker events from the stream through a consumer group. An entry is acknowledged
 * (and deleted) only after the handler succeeded; a failing handler (Postgres down) leaves it
 * pending to be retried, and entries of a consumer that died are reclaimed by XAUTOCLAIM (looked
 * for at start, after a failure and every few seconds, not before every read).
 * Give it a connection of its own: XREADGROUP BLOCK holds the connection while it waits.
 */
export class JobEventConsumer {
  private running = false;
  private groupReady = false;
  /** When to look for pending entries again (epoch ms): at start, after a failure, then every reclaimEveryMs. */
  private reclaimDueAt = 0;
  private loop?: Promise<void>;
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: JobEventConsumerOptions,
  ) {
    this.key = jobEventsStreamKey(options.prefix);
  }

  /** Handles events one at a time (each acknowledged after its batch was handled). */
  start(handle: (event: JobEvent, entryId: string) => Promise<void>): void {
    this.startBatches(async (batch) => {
      for (const { event, id } of batch) await handle(event, id);
    });
  }

  /**
   * Handles events in the batches XREADGROUP returns (up to batchSize): under load batches
   * grow, so the handler can apply many events in one database transaction. The whole batch
   * is acknowledged after the handler resolved; if it throws, the batch stays pending.
   */
  startBatches(handle: BatchHandler): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run(handle);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(handle: BatchHandler): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        await this.ensureGroup();
        const reclaimDue = Date.now() >= this.reclaimDueAt;
        const reclaimed = reclaimDue ? await this.reclaim() : [];
        // Nothing pending: look again later, not before every read (two round trips a batch saved).
        if (reclaimDue && !reclaimed.length) this.reclaimDueAt = Date.now() + this.reclaimEveryMs;
        const fresh = reclaimed.length ? [] : await this.readNew();
        const entries = [...reclaimed, ...fresh];
        const ok = await this.processAll(entries, handle);
        failures = ok ? 0 : failures + 1;
        if (!ok) {
          this.reclaimDueAt = 0; // the batch stayed pending: retry it first
          await sleep(Math.min(5_000, 200 * 2 ** Math.min(failures, 5)));
        } else if (this.options.lingerMs && entries.length > 0 && entries.length < this.batchSize) {
          await sleep(this.options.lingerMs);
        }
      } catch (error) {
        failures += 1;
        this.reclaimDueAt = 0; // a batch may be pending unacknowledged
        // After Redis lost its data (FLUSHALL, restart) the group is gone: recreate it.
        if (String(error).includes('NOGROUP')) this.groupReady = false;
        this.options.logger?.warn('job event consumer: redis error, retrying', { error: String(error) });
        await sleep(Math.min(5_000, 200 * 2 ** Math.min(failures, 5)));
      }
    }
  }

  /** Returns false when the batch could not be applied (left pending for a later retry). */
  private async processAll(entries: Entry[], handle: BatchHandler): Promise<boolean> {
    if (!entries.length) return true;
    const batch: StreamEvent[] = [];
    for (const [id, fields] of entries) {
      const event = decode(fields);
      if (event) batch.push({ event, id });
      else this.options.logger?.warn('job event consumer: dropping malformed event', { id });
    }
    try {
      if (batch.length) await handle(batch);
    } catch (error) {
      this.options.logger?.error('job event consumer: could not apply events, will retry', { count: batch.length, error: String(error) });
      return false;
    }
    await this.ack(entries.map(([id]) => id));
    return true;
  }

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      await this.redis.xgroup('CREATE', this.key, JOB_EVENTS_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
    this.groupReady = true;
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 100;
  }

  /**
   * How often the loop looks for pending entries when nothing failed: another consumer's are
   * taken over within this long after they became idle for claimIdleMs.
   */
  private get reclaimEveryMs(): number {
    return Math.min(5_000, this.claimIdleMs / 2);
  }

  private get claimIdleMs(): number {
    return this.options.claimIdleMs ?? 30_000;
  }

  /** Our own pending entries and those idle too long on any other consumer. */
  private async reclaim(): Promise<Entry[]> {
    const own = (await this.redis.xreadgroup(
      'GROUP',
      JOB_EVENTS_GROUP,
      this.options.consumerName,
      'COUNT',
      this.batchSize,
      'STREAMS',
      this.key,
      '0',
    )) as [string, Entry[]][] | null;
    const ownEntries = own?.[0]?.[1]?.filter(([, fields]) => fields !== null) ?? [];
    if (ownEntries.length) return ownEntries;
    const claimed = (await this.redis.xautoclaim(
      this.key,
      JOB_EVENTS_GROUP,
      this.options.consumerName,
      this.claimIdleMs,
      '0-0',
      'COUNT',
      this.batchSize,
    )) as [string, Entry[], string[]?];
    return (claimed?.[1] ?? []).filter(([, fields]) => fields !== null);
  }

  private async readNew(): Promise<Entry[]> {
    const result = (await this.redis.xreadgroup(
      'GROUP',
      JOB_EVENTS_GROUP,
      this.options.consumerName,
      'COUNT',
      this.batchSize,
      'BLOCK',
      this.options.blockMs ?? 1_000,
      'STREAMS',
      this.key,
      '>',
    )) as [string, Entry[]][] | null;
    return result?.[0]?.[1] ?? [];
  }

  private async ack(ids: string[]): Promise<void> {
    await this.redis
      .multi()
      .xack(this.key, JOB_EVENTS_GROUP, ...ids)
      .xdel(this.key, ...ids)
      .exec();
  }
}

function decode(fields: string[]): JobEvent | null {
  const index = fields.indexOf('event');
  if (index < 0 || index + 1 >= fields.length) return null;
  try {
    return parseJobEvent(JSON.parse(fields[index + 1]));
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
