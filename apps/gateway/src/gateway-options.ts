import type { DataSourceSettings } from '@validahub/jobs-persistence';
import type { GatewayIdempotencyOverrides } from './idempotency/gateway-idempotency';
import type { SchedulerSettings } from './schedules/scheduler-settings';
import type { StreamSettings } from './stream/stream-settings';
import type { WebhookSettings } from './webhooks/webhook-settings';

/** Knobs for tests and embedding; production uses the defaults. */
export interface GatewayOptions {
  /** Consume worker events from Redis (default true). */
  eventApplier?: boolean;
  /** Milliseconds between reconciler passes (default 10 000; 0 turns the loop off, start-up pass included). */
  reconcileIntervalMs?: number;
  /** A queued job younger than this is left alone by the reconciler (its create may still be enqueueing). */
  reconcileMinAgeMs?: number;
  /** Other libraries' tables in the gateway database (e.g. idempotency keys). */
  extraEntities?: DataSourceSettings['extraEntities'];
  extraMigrations?: DataSourceSettings['extraMigrations'];
  /** Process metrics (CPU, memory) on /metrics (default true). */
  processMetrics?: boolean;
  /** Serve the Swagger UI at /docs (default true); the document itself is always at /docs-json. */
  docs?: boolean;
  /** Serve the read-only queue dashboard at /admin/queues (default true). */
  dashboard?: boolean;
  /** Idempotency retention/lock/purge for tests and benchmarks (default: from the config). */
  idempotency?: GatewayIdempotencyOverrides;
  /** Event stream timings (heartbeat, fallback poll, progress coalescing). */
  stream?: Partial<StreamSettings>;
  /** Webhook delivery worker knobs (off, poll interval, retry gaps, lease). */
  webhooks?: Partial<WebhookSettings>;
  /** Scheduler knobs (off, tick, misfire grace). */
  schedules?: Partial<SchedulerSettings>;
}

export interface ResolvedGatewayOptions extends Required<Omit<GatewayOptions, 'extraEntities' | 'extraMigrations'>> {
  extraEntities: NonNullable<GatewayOptions['extraEntities']>;
  extraMigrations: NonNullable<GatewayOptions['extraMigrations']>;
}

export function resolveGatewayOptions(options: GatewayOptions = {}): ResolvedGatewayOptions {
  return {
    eventApplier: options.eventApplier ?? true,
    reconcileIntervalMs: options.reconcileIntervalMs ?? 10_000,
    reconcileMinAgeMs: options.reconcileMinAgeMs ?? 5_000,
    extraEntities: options.extraEntities ?? [],
    extraMigrations: options.extraMigrations ?? [],
    processMetrics: options.processMetrics ?? true,
    docs: options.docs ?? true,
    dashboard: options.dashboard ?? true,
    idempotency: options.idempotency ?? {},
    stream: options.stream ?? {},
    webhooks: options.webhooks ?? {},
    schedules: options.schedules ?? {},
  };
}
