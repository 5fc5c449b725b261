import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@validahub/config';
import { openRedis, type RedisClient } from '@validahub/jobs-queueing';
import { parseTenancyInvalidation, tenancyInvalidationChannel } from '@validahub/tenancy';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { VerifiedKeyCache } from './verified-key-cache';

const HEARTBEAT_MS = 1_000;
/** The subscription counts as live while a heartbeat succeeded this recently. */
const LIVE_WINDOW_MS = 2_500;
/**
 * How long a cached key may be served while invalidations cannot arrive: under the contract's
 * 5 s, with room for the up to LIVE_WINDOW_MS it takes to notice a silent outage.
 */
export const UNSUBSCRIBED_MAX_AGE_MS = 4_000;

/**
 * Listens for tenancy invalidations (revoked keys, suspended tenants, changed plans) on a
 * dedicated Redis connection and drops the matching cache entries. A heartbeat (PING, which a
 * subscribed connection may send) tells whether messages can arrive: while they cannot,
 * cached keys are served for at most 4 s, and once the subscription is back the whole cache
 * is dropped, since anything may have changed in between. On a Redis Cluster the PING goes to
 * a node of the cluster rather than the subscriber's own connection: it tells that the cluster
 * answers, a weaker sign that messages arrive.
 */
@Injectable()
export class InvalidationListener implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('InvalidationListener');
  private readonly channel: string;
  private subscriber?: RedisClient;
  private heartbeat?: NodeJS.Timeout;
  private subscribed = false;
  private lastConfirmedAt = 0;
  private wasLive = false;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly cache: VerifiedKeyCache,
  ) {
    this.channel = tenancyInvalidationChannel(config.connections.queuePrefix);
  }

  /** How old a cached key may be right now. */
  maxAgeMs(now = Date.now()): number {
    return this.isLive(now)
      ? this.config.security.authCacheTtlSeconds * 1_000
      : Math.min(UNSUBSCRIBED_MAX_AGE_MS, this.config.security.authCacheTtlSeconds * 1_000);
  }

  isLive(now = Date.now()): boolean {
    return this.subscribed && now - this.lastConfirmedAt < LIVE_WINDOW_MS;
  }

  onModuleInit(): void {
    const subscriber = openRedis(this.config.connections, 'producer', { autoResubscribe: false, name: 'gateway-tenancy-invalidations' });
    this.subscriber = subscriber;
    subscriber.on('error', (error) => this.logger.debug(`invalidation subscriber: ${String(error)}`));
    subscriber.on('close', () => (this.subscribed = false));
    subscriber.on('ready', () => void this.subscribe());
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      const message = parseTenancyInvalidation(text);
      if (message?.kind === 'key') this.cache.invalidateKey(message.id);
      else if (message?.kind === 'tenant') this.cache.invalidateTenant(message.id);
    });
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    this.subscriber?.disconnect();
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber?.subscribe(this.channel);
      this.subscribed = true;
      this.confirmed();
    } catch (error) {
      this.logger.warn(`could not subscribe to tenancy invalidations: ${String(error)}`);
    }
  }

  private async beat(): Promise<void> {
    if (!this.subscribed || !this.subscriber) return this.observe();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no PONG')), LIVE_WINDOW_MS - HEARTBEAT_MS);
    });
    try {
      await Promise.race([this.subscriber.ping(), timeout]);
      this.confirmed();
    } catch {
      this.observe();
    } finally {
      clearTimeout(timer);
    }
  }

  private confirmed(): void {
    this.lastConfirmedAt = Date.now();
    this.observe();
  }

  /** Back from an outage: invalidations may have been missed, so nothing cached before is trusted. */
  private observe(): void {
    const live = this.isLive();
    if (live && !this.wasLive) this.cache.clear();
    if (!live && this.wasLive) this.logger.warn('tenancy invalidations unreachable: cached API keys are served for at most 4 s');
    this.wasLive = live;
  }
}
