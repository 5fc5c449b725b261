/** A webhook endpoint row as the API and the sender see it. */
export interface EndpointRecord {
  id: string;
  tenantId: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: Date | null;
  failingSince: Date | null;
  createdAt: Date;
}

export interface DeliveryRecord {
  id: string;
  endpointId: string;
  messageId: string;
  eventType: string;
  occurredAt: Date;
  /** The job (or test payload) as it was when the event happened, in table form. */
  data: Record<string, unknown>;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
}

export const ENDPOINT_COLUMNS =
  'id, tenant_id, url, events, description, enabled, disabled_reason, secret, previous_secret, previous_secret_until, failing_since, created_at';
export const DELIVERY_COLUMNS =
  'id, endpoint_id, message_id, event_type, occurred_at, data, status, attempts, last_status_code, last_error, next_attempt_at, created_at';

export function toEndpoint(row: Record<string, unknown>): EndpointRecord {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    url: row.url as string,
    events: row.events as string[],
    description: (row.description as string | null) ?? null,
    enabled: row.enabled as boolean,
    disabledReason: (row.disabled_reason as string | null) ?? null,
    secret: row.secret as string,
    previousSecret: (row.previous_secret as string | null) ?? null,
    previousSecretUntil: (row.previous_secret_until as Date | null) ?? null,
    failingSince: (row.failing_since as Date | null) ?? null,
    createdAt: row.created_at as Date,
  };
}

export function toDelivery(row: Record<string, unknown>): DeliveryRecord {
  return {
    id: row.id as string,
    endpointId: row.endpoint_id as string,
    messageId: row.message_id as string,
    eventType: row.event_type as string,
    occurredAt: row.occurred_at as Date,
    data: row.data as Record<string, unknown>,
    status: row.status as DeliveryRecord['status'],
    attempts: row.attempts as number,
    lastStatusCode: (row.last_status_code as number | null) ?? null,
    lastError: (row.last_error as string | null) ?? null,
    nextAttemptAt: (row.next_attempt_at as Date | null) ?? null,
    createdAt: row.created_at as Date,
  };
}
