import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '@validahub/jobs-persistence';
import { pageWithTotal } from '../infra/page-with-total';
import { newWebhookSecret } from './webhook-sender';
import { DELIVERY_COLUMNS, DeliveryRecord, ENDPOINT_COLUMNS, EndpointRecord, toDelivery, toEndpoint } from './webhook-records';
import { TEST_EVENT_TYPE } from './webhook-events';

/** After a rotation the old secret still signs (as a second signature) for this long, as Svix does. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3_600_000;

export interface EndpointChanges {
  url?: string;
  events?: string[];
  description?: string | null;
  enabled?: boolean;
}

/** Tenant-scoped reads and writes of endpoints and their delivery log; another tenant's ids are not found. */
@Injectable()
export class WebhookEndpoints {
  constructor(private readonly dataSource: DataSource) {}

  async create(tenantId: string, input: { url: string; events: string[]; description: string | null }): Promise<EndpointRecord> {
    const rows = await this.dataSource.query(
      `INSERT INTO webhook_endpoints (id, tenant_id, url, events, description, secret) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${ENDPOINT_COLUMNS}`,
      [randomUUID(), tenantId, input.url, input.events, input.description, newWebhookSecret()],
    );
    return toEndpoint(rows[0]);
  }

  async list(tenantId: string): Promise<EndpointRecord[]> {
    const rows = await this.dataSource.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at DESC, id`, [
      tenantId,
    ]);
    return rows.map(toEndpoint);
  }

  async get(tenantId: string, id: string): Promise<EndpointRecord | null> {
    const rows = await this.dataSource.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows.length ? toEndpoint(rows[0]) : null;
  }

  /** Re-enabling clears the reason it was disabled and its failure streak. */
  async update(tenantId: string, id: string, changes: EndpointChanges): Promise<EndpointRecord | null> {
    const sets: string[] = [];
    const params: unknown[] = [tenantId, id];
    const set = (column: string, value: unknown) => sets.push(`${column} = $${params.push(value)}`);
    if (changes.url !== undefined) set('url', changes.url);
    if (changes.events !== undefined) set('events', changes.events);
    if (changes.description !== undefined) set('description', changes.description);
    if (changes.enabled !== undefined) {
      set('enabled', changes.enabled);
      if (changes.enabled) sets.push('disabled_reason = NULL', 'failing_since = NULL');
      else sets.push(`disabled_reason = 'disabled by the tenant'`);
    }
    sets.push('updated_at = now()');
    const rows = await returnedRows<Record<string, unknown>>(
      this.dataSource.query(`UPDATE webhook_endpoints SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING ${ENDPOINT_COLUMNS}`, params),
    );
    return rows.length ? toEndpoint(rows[0]) : null;
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    const rows = await returnedRows(
      this.dataSource.query(`DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2 RETURNING id`, [tenantId, id]),
    );
    return rows.length > 0;
  }

  /** A new secret; the old one keeps signing alongside for PREVIOUS_SECRET_GRACE_MS. */
  async rotateSecret(tenantId: string, id: string): Promise<EndpointRecord | null> {
    const rows = await returnedRows<Record<string, unknown>>(
      this.dataSource.query(
        `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = now() + $3 * interval '1 millisecond',
                secret = $4, updated_at = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING ${ENDPOINT_COLUMNS}`,
        [tenantId, id, PREVIOUS_SECRET_GRACE_MS, newWebhookSecret()],
      ),
    );
    return rows.length ? toEndpoint(rows[0]) : null;
  }

  /** Queues a `webhook.test` message for the endpoint (sent like any other delivery). */
  async queueTest(endpoint: EndpointRecord): Promise<DeliveryRecord> {
    const data = { endpoint_id: endpoint.id, message: 'A test event from ValidaHub.' };
    return this.insertDelivery(endpoint.id, `msg_${randomUUID().replace(/-/g, '')}`, TEST_EVENT_TYPE, new Date(), data);
  }

  /** Newest first; `limit`/`offset` paging. */
  async deliveries(endpointId: string, limit: number, offset: number): Promise<{ items: DeliveryRecord[]; total: number }> {
    const { rows, total } = await pageWithTotal(this.dataSource, {
      fromWhere: 'webhook_deliveries WHERE endpoint_id = $1',
      columns: DELIVERY_COLUMNS,
      orderBy: 'created_at DESC, id DESC',
      params: [endpointId],
      limit,
      offset,
    });
    return { items: rows.map(toDelivery), total };
  }

  async delivery(endpointId: string, id: string): Promise<DeliveryRecord | null> {
    const rows = await this.dataSource.query(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = $1 AND id = $2`, [
      endpointId,
      id,
    ]);
    return rows.length ? toDelivery(rows[0]) : null;
  }

  /** Sends the same message (same `webhook-id` and body) again, as a new delivery with its own attempts. */
  redeliver(original: DeliveryRecord): Promise<DeliveryRecord> {
    return this.insertDelivery(original.endpointId, original.messageId, original.eventType, original.occurredAt, original.data);
  }

  private async insertDelivery(endpointId: string, messageId: string, eventType: string, at: Date, data: unknown): Promise<DeliveryRecord> {
    const rows = await this.dataSource.query(
      `INSERT INTO webhook_deliveries (id, endpoint_id, message_id, event_type, occurred_at, data, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, now()) RETURNING ${DELIVERY_COLUMNS}`,
      [randomUUID(), endpointId, messageId, eventType, at, JSON.stringify(data)],
    );
    return toDelivery(rows[0]);
  }
}
