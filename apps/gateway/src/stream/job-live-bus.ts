import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@validahub/config';
import { JobEvent } from '@validahub/jobs-domain';
import { ApplyOutcome } from '@validahub/jobs-persistence';
import { closeRedis, openRedis, type RedisClient } from '@validahub/jobs-queueing';
import { GATEWAY_CONFIG, PRODUCER_REDIS } from '../gateway.tokens';

/** What a gateway tells every other one after a worker event changed a job. */
export type LiveNotice = { jobId: string; kind: 'transition' } | { jobId: string; kind: 'progress'; progress: number; message: string | null };

export type LiveListener = (notice: LiveNotice) => void;

/**
 * Fans worker-driven changes out to every gateway replica, so an event stream served by one
 * replica hears about a job whose events another replica applied. Redis pub/sub, one channel per
 * queue prefix, published after the transaction committed. A lost notice costs nothing but
 * latency: streams read transitions from Postgres (the record) and also look there on a timer.
 */
@Injectable()
export class JobLiveBus implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('JobLiveBus');
  private readonly channel: string;
  private readonly subscriber: RedisClient;
  private readonly listeners = new Map<string, Set<LiveListener>>();

  constructor(
    @Inject(GATEWAY_CONFIG) config: AppConfig,
    @Inject(PRODUCER_REDIS) private readonly redis: RedisClient,
  ) {
    this.channel = `${config.connections.queuePrefix}:job-live`;
    this.subscriber = openRedis(config.connections, 'worker', { name: 'gateway-job-live', lazyConnect: true });
    this.subscriber.on('error', (error) => this.logger.debug(`job-live redis: ${String(error)}`));
    this.subscriber.on('message', (_channel: string, text: string) => this.dispatch(text));
  }

  async onApplicationBootstrap(): Promise<void> {
    // Redis down at start-up: ioredis resubscribes once it connects.
    await this.subscriber.subscribe(this.channel).catch((error: unknown) => this.logger.warn(`job-live subscribe failed: ${String(error)}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.subscriber);
  }

  /** Listens to one job's notices; returns the unsubscribe. */
  listen(jobId: string, listener: LiveListener): () => void {
    let set = this.listeners.get(jobId);
    if (!set) this.listeners.set(jobId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(jobId);
    };
  }

  /** After a batch of worker events committed: one message for the batch; never throws. */
  async publishApplied(events: readonly JobEvent[], outcomes: readonly ApplyOutcome[]): Promise<void> {
    const notices: LiveNotice[] = [];
    events.forEach((event, i) => {
      const outcome = outcomes[i];
      if (outcome?.kind === 'transition') notices.push({ jobId: event.jobId, kind: 'transition' });
      else if (outcome?.kind === 'progress' && event.type === 'progress') {
        notices.push({ jobId: event.jobId, kind: 'progress', progress: event.progress, message: event.message ?? null });
      }
    });
    if (!notices.length) return;
    try {
      await this.redis.publish(this.channel, JSON.stringify(notices));
    } catch (error) {
      this.logger.debug(`job-live publish failed (streams fall back to polling): ${String(error)}`);
    }
  }

  private dispatch(text: string): void {
    let notices: LiveNotice[];
    try {
      notices = JSON.parse(text) as LiveNotice[];
    } catch {
      return;
    }
    if (!Array.isArray(notices)) return;
    for (const notice of notices) {
      for (const listener of this.listeners.get(notice?.jobId) ?? []) listener(notice);
    }
  }
}
