import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

/** Where the gateway serves the dashboard. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

export interface QueueDashboardOptions {
  /** URL path the dashboard is served under, e.g. `/admin/queues`. */
  basePath: string;
  /** Read-only hides retry/clean/remove buttons: Postgres is the record, not the dashboard. */
  readOnly?: boolean;
}

/**
 * The queue dashboard (our Flower): bull-board's UI over the plan queues, mounted on the
 * gateway's Fastify instance. Call before the app starts listening.
 */
export async function mountQueueDashboard(fastify: FastifyInstance, queues: Queue[], options: QueueDashboardOptions): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(options.basePath);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: options.readOnly ?? true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'ValidaHub Jobs' } },
  });
  await fastify.register(serverAdapter.registerPlugin(), { prefix: options.basePath });
}
