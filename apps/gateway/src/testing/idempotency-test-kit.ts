// Test-only helpers for the idempotency integration specs (not exported from the library).
import { Client } from 'pg';
import type { JobQueues } from '@validahub/jobs-queueing';
import type { GatewayHarness } from './gateway-harness';

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
