import type { EntityManager } from 'typeorm';
import type { WebhookEventType } from './webhook-events';

/** An event that is not a job transition (those the `job_events` trigger records): a fire, a workflow's end. */
export interface OutboxEvent {
  tenantId: string;
  type: Exclude<WebhookEventType, `job.${string}`>;
  occurredAt: Date;
  /** The body's `data`, as the resource's GET shows it. */
  data: unknown;
}

/**
 * Records one pending delivery per enabled endpoint of the tenant subscribed to the event, in
 * the caller's transaction: the delivery commits or rolls back with the change it announces,
 * like the job transitions' trigger does for theirs.
 */
export async function recordInOutbox(manager: EntityManager, event: OutboxEvent): Promise<void> {
  await manager.query(
    `INSERT INTO webhook_deliveries (id, endpoint_id, message_id, event_type, occurred_at, data, next_attempt_at)
     SELECT gen_random_uuid(), e.id, 'msg_' || replace(gen_random_uuid()::text, '-', ''), $2::text, $3, $4::jsonb, now()
       FROM webhook_endpoints e WHERE e.tenant_id = $1 AND e.enabled AND $2::text = ANY (e.events)`,
    [event.tenantId, event.type, event.occurredAt, JSON.stringify(event.data)],
  );
}
