/** The event types an endpoint may subscribe to (the contract's list). */
export const WEBHOOK_EVENT_TYPES = [
  'job.started',
  'job.retrying',
  'job.succeeded',
  'job.failed',
  'job.cancelled',
  'job.expired',
  'workflow.succeeded',
  'workflow.failed',
  'schedule.fired',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent by `POST /webhooks/{id}/test` whatever the endpoint subscribed to. */
export const TEST_EVENT_TYPE = 'webhook.test';

export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return typeof value === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}
