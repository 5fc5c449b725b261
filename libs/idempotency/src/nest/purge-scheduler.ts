import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { IdempotencyStore } from '../store/idempotency-store';
import { IDEMPOTENCY_OPTIONS, IDEMPOTENCY_STORE } from './idempotency.constants';
import type { ResolvedIdempotencyOptions } from './idempotency.options';

/** Deletes expired keys periodically; the timer is unref'd so it never keeps a process alive. */
@Injectable()
export class PurgeScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Idempotency');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: ResolvedIdempotencyOptions,
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.purgeIntervalMs <= 0) return;
    this.timer = setInterval(() => void this.purgeOnce(), this.options.purgeIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One purge pass; overlapping ticks are skipped. Resolves to the number of keys deleted. */
  async purgeOnce(): Promise<number> {
    if (this.running) return 0;
    let deleted = 0;
    this.running = this.store
      .purgeExpired()
      .then((count) => {
        deleted = count;
        if (count > 0) this.logger.log(`purged ${count} expired idempotency keys`);
      })
      .catch((error: unknown) => {
        this.logger.error(`purge of expired idempotency keys failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
    return deleted;
  }
}
