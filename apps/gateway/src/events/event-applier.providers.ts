import { Logger, Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@validahub/config';
import { applyJobEvents } from '@validahub/jobs-persistence';
import { JobEventConsumer } from '@validahub/jobs-queueing';
import type { ResolvedGatewayOptions } from '../gateway-options';
import { EVENT_DEAD_LETTERS, GATEWAY_CONFIG, JOB_EVENT_WRITER } from '../gateway.tokens';
import { EventApplier, JobEventWriter } from './event-applier';
import { RedisEventDeadLetters } from './event-dead-letters';
import { EventStreamConnection } from './event-stream-connection';
import { JobLiveBus } from '../stream/job-live-bus';

/** How long the applier lets a small batch's successors gather before reading again. */
const EVENT_BATCH_LINGER_MS = 20;

/** The event applier with what it consumes and writes through; none of it when the options turn it off. */
export function eventApplierProviders(options: ResolvedGatewayOptions): Provider[] {
  if (!options.eventApplier) return [];
  return [
    EventStreamConnection,
    {
      provide: JobEventConsumer,
      inject: [GATEWAY_CONFIG, EventStreamConnection],
      useFactory: (config: AppConfig, connection: EventStreamConnection) => {
        const logger = new Logger('JobEventConsumer');
        return new JobEventConsumer(connection.redis, {
          prefix: config.connections.queuePrefix,
          consumerName: connection.consumerName,
          // Under load, more events per transaction: a batch costs the same five statements
          // whatever its size. Adds at most this much lag; the first event after a quiet spell is applied at once.
          lingerMs: EVENT_BATCH_LINGER_MS,
          logger: {
            warn: (message, meta) => logger.warn({ ...meta }, message),
            error: (message, meta) => logger.error({ ...meta }, message),
          },
        });
      },
    },
    {
      provide: JOB_EVENT_WRITER,
      inject: [DataSource, JobLiveBus],
      // After the commit, every replica's event streams hear about the change (see JobLiveBus).
      useFactory:
        (dataSource: DataSource, bus: JobLiveBus): JobEventWriter =>
        async (events) => {
          const outcomes = await applyJobEvents(dataSource, events);
          void bus.publishApplied(events, outcomes);
          return outcomes;
        },
    },
    {
      // The consumer's own connection: it is free while a batch is being handled.
      provide: EVENT_DEAD_LETTERS,
      inject: [GATEWAY_CONFIG, EventStreamConnection],
      useFactory: (config: AppConfig, connection: EventStreamConnection) =>
        new RedisEventDeadLetters(connection.redis, config.connections.queuePrefix),
    },
    EventApplier,
  ];
}
