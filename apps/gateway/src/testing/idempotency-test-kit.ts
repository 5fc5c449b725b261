// Test-only helpers for the idempotency integration specs (not exported from the library).
import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Client } from 'pg';
import type { JobQueues } from '@validahub/jobs-queueing';
import type { GatewayHarness } from './gateway-harness';

export const TEST_TENANT_HEADER = 'x-test-tenant';

/**
 * Test-only stand-in for an auth guard: sets `request.tenantId` from a header, which is all
 * API-key auth will do. The gateway runs in open mode, so tenants only exist through this.
 */
@Injectable()
class TestTenantHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', async (request) => {
      const tenant = request.headers[TEST_TENANT_HEADER];
      if (typeof tenant === 'string') (request as { tenantId?: string }).tenantId = tenant;
    });
  }
}

@Module({ providers: [TestTenantHook] })
export class TestTenantModule {}

/** A Postgres client on the harness database, for counting rows the API does not expose. */
export async function connectSql(
  harness: GatewayHarness,
): Promise<{ query<T>(text: string, values?: unknown[]): Promise<T[]>; end(): Promise<void> }> {
  const client = new Client({ connectionString: harness.db.url });
  await client.connect();
  return {
    query: async <T>(text: string, values: unknown[] = []) => (await client.query(text, values)).rows as T[],
    end: () => client.end(),
  };
}

/** BullMQ jobs under the harness prefix, every state counted (no workers run in these tests). */
export async function bullJobCount(harness: GatewayHarness): Promise<number> {
  const counts = await Promise.all(
    harness.queues.all().map((queue) => queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed')),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/** Watches how many jobs the gateway hands to BullMQ (its creates are batched through enqueueMany). */
export function watchEnqueues(queues: JobQueues): { count(): number } {
  const spy = jest.spyOn(queues, 'enqueueMany');
  return { count: () => spy.mock.calls.reduce((total, [items]) => total + items.length, 0) };
}
