export {
  redisOptions,
  createRedis,
  connectRedis,
  openRedis,
  bullConnectionFor,
  closeRedis,
  type BullConnection,
  type RedisClient,
  type RedisClientOptions,
  type RedisRole,
  type RedisTarget,
} from './redis-connection';
export { jobEventsStreamKey, jobEventsDeadLetterKey, cancelChannel, arrivalsChannel, JOB_EVENTS_GROUP } from './keys';
export { JobQueues, bullConnection, RETENTION, RETRY_BACKOFF_TYPE, type EnqueueOptions } from './job-queues';
export { JobEventPublisher } from './job-event-publisher';
export { JobEventConsumer, type JobEventConsumerOptions, type ConsumerLogger, type StreamEvent, type BatchHandler } from './job-event-consumer';
export { publishCancel, subscribeCancels, type CancelRequest } from './cancel-channel';
export { publishArrivals, subscribeArrivals } from './arrivals-channel';
export { signPayload, checkPayloadSignature } from './payload-signature';
export { TenantSlots, tenantSlotsKey, type SlotLease } from './tenant-slots';
export { issueInOneWrite } from './one-write';
