import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@validahub/config';
import { closeRedis, openRedis, type RedisClient } from '@validahub/jobs-queueing';
import { GATEWAY_CONFIG } from '../gateway.tokens';

/**
 * The event consumer's own Redis connection (XREADGROUP BLOCK holds it while waiting) and its
 * name in the consumer group, unique per gateway instance. It connects on the consumer's first
 * command and closes after the consumer stopped (shutdown runs after every module was destroyed).
 */
@Injectable()
export class EventStreamConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('EventStreamConnection');
  readonly consumerName = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly redis: RedisClient;

  constructor(@Inject(GATEWAY_CONFIG) config: AppConfig) {
    this.redis = openRedis(config.connections, 'worker', { name: `gateway-events-${this.consumerName}`, lazyConnect: true });
    this.redis.on('error', (error) => this.logger.debug(`event stream redis: ${String(error)}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }
}
