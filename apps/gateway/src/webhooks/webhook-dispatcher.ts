import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboundClient } from '@validahub/outbound-http';
import { returnedRows } from '@validahub/jobs-persistence';
import { jobViewFromRow } from './job-snapshot';
import { DISABLE_AFTER_FAILING_MS, nextRetryDelay } from './retry-schedule';
import { DELIVERY_COLUMNS, DeliveryRecord, ENDPOINT_COLUMNS, EndpointRecord, toDelivery, toEndpoint } from './webhook-records';
import { attemptDelivery, AttemptOutcome } from './webhook-sender';
import { WebhookSettings } from './webhook-settings';
import { WEBHOOK_CLIENT, WEBHOOK_SETTINGS } from './webhook.tokens';

interface Attempted {
  delivery: DeliveryRecord;
  /** Undefined when the endpoint was disabled or deleted (nothing was sent). */
  endpoint: EndpointRecord | undefined;
  outcome: AttemptOutcome;
}

/**
 * The delivery worker: sends what the outbox holds. It polls Postgres rather than a queue of its
 * own because the outbox rows are already the record (written with the transition), so Redis
 * being lost cannot lose or invent a delivery, and `FOR UPDATE SKIP LOCKED` shares the work
 * between replicas with no coordination. A claim pushes `next_attempt_at` one lease ahead and
 * counts the attempt before sending: a replica killed mid-send leaves the delivery to be sent
 * again after the lease (at least once).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookDispatcher');
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CLIENT) private readonly client: OutboundClient,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.sender) return;
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  /** Claims and sends due deliveries until there are none; returns how many were attempted. */
  async sendDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.claim();
      if (!claimed.length) return total;
      total += claimed.length;
      const endpoints = await this.endpointsOf(claimed);
      const attempts = await Promise.all(claimed.map((delivery) => this.send(delivery, endpoints.get(delivery.endpointId))));
      await this.record(attempts);
      if (!this.running && this.loop) return total;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.sendDue();
      } catch (error) {
        this.logger.warn(`webhook delivery pass failed: ${String(error)}`);
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.settings.pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async claim(): Promise<DeliveryRecord[]> {
    const rows = await returnedRows<Record<string, unknown>>(
      this.dataSource.query(
        `WITH due AS (
           SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
            ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
           FROM due WHERE d.id = due.id
         RETURNING ${DELIVERY_COLUMNS.split(', ')
           .map((c) => `d.${c}`)
           .join(', ')}`,
        [this.settings.batchSize, this.settings.claimLeaseMs],
      ),
    );
    return rows.map(toDelivery);
  }

  private async endpointsOf(deliveries: DeliveryRecord[]): Promise<Map<string, EndpointRecord>> {
    const ids = [...new Set(deliveries.map((d) => d.endpointId))];
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id as string, toEndpoint(row)]));
  }

  private async send(delivery: DeliveryRecord, endpoint: EndpointRecord | undefined): Promise<Attempted> {
    if (!endpoint || !endpoint.enabled) {
      const reason = endpoint?.disabledReason ?? 'deleted';
      return { delivery, endpoint: undefined, outcome: { kind: 'failed', statusCode: null, error: `endpoint disabled (${reason})` } };
    }
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil.getTime() > Date.now()) {
      secrets.push(endpoint.previousSecret);
    }
    const body = JSON.stringify({ type: delivery.eventType, timestamp: delivery.occurredAt.toISOString(), data: this.dataOf(delivery) });
    const message = { url: endpoint.url, messageId: delivery.messageId, body, secrets };
    return { delivery, endpoint, outcome: await attemptDelivery(this.client, message, this.settings.attemptTimeoutMs) };
  }

  /** Job events carry the job as GET shows it; other events (the test message) their data as stored. */
  private dataOf(delivery: DeliveryRecord): unknown {
    return delivery.eventType.startsWith('job.') ? jobViewFromRow(this.dataSource, delivery.data) : delivery.data;
  }

  /** One statement for the batch's deliveries; endpoint writes only where a streak starts, ends or disables. */
  private async record(attempts: Attempted[]): Promise<void> {
    const rows = attempts.map(({ delivery, outcome }) => {
      const delay = outcome.kind === 'retry' ? nextRetryDelay(delivery.attempts, this.settings.retryDelaysMs) : null;
      const status = outcome.kind === 'delivered' ? 'succeeded' : delay === null ? 'failed' : 'pending';
      return { id: delivery.id, status, code: outcome.statusCode, error: 'error' in outcome ? outcome.error.slice(0, 1_000) : null, delay };
    });
    await this.dataSource.query(
      `UPDATE webhook_deliveries d SET status = u.status, last_status_code = u.code, last_error = u.error,
              next_attempt_at = CASE WHEN u.delay IS NULL THEN NULL ELSE now() + u.delay * interval '1 millisecond' END
         FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::bigint[]) AS u(id, status, code, error, delay)
        WHERE d.id = u.id`,
      [rows.map((r) => r.id), rows.map((r) => r.status), rows.map((r) => r.code), rows.map((r) => r.error), rows.map((r) => r.delay)],
    );
    for (const { endpoint, outcome } of attempts) if (endpoint) await this.updateEndpoint(endpoint, outcome);
  }

  private async updateEndpoint(endpoint: EndpointRecord, outcome: AttemptOutcome): Promise<void> {
    if (outcome.kind === 'delivered') {
      // Only an endpoint that was failing needs a write (its streak ends).
      if (endpoint.failingSince) await this.dataSource.query(`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1`, [endpoint.id]);
      return;
    }
    if (outcome.kind === 'gone') return this.disable(endpoint.id, 'the endpoint answered 410 Gone');
    // Failing for DISABLE_AFTER_FAILING_MS without one success in between disables the endpoint.
    const rows = await returnedRows<{ failing_since: Date }>(
      this.dataSource.query(`UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now()) WHERE id = $1 RETURNING failing_since`, [
        endpoint.id,
      ]),
    );
    const since = rows[0]?.failing_since;
    if (since && Date.now() - since.getTime() >= DISABLE_AFTER_FAILING_MS) {
      await this.disable(endpoint.id, `every delivery failed since ${since.toISOString()} (5 days)`);
    }
  }

  private async disable(endpointId: string, reason: string): Promise<void> {
    await this.dataSource.query(`UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1 AND enabled`, [
      endpointId,
      reason,
    ]);
    this.logger.warn({ endpoint_id: endpointId, reason }, 'webhook endpoint disabled');
  }
}
