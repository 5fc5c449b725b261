import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where the gateway serves the dashboard. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

export interface QueueDashboardOptions {
  /** URL path the dashboard is served under, e.g. `/admin/queues`. */
  basePath: string;
  /** Read-only hides retry/clean/remove buttons: Postgres is the record, not the dashboard. */
  readOnly?: boolean;
  /**
   * Runs before every dashboard request, its JSON API and static files included (the UI lists
   * every job's params and results, so it is for operators only). Answering ends the request.
   */
  authorize?: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
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
  // An encapsulated context: its onRequest hook covers exactly the dashboard's routes.
  await fastify.register(async (dashboard) => {
    if (options.authorize) dashboard.addHook('onRequest', options.authorize);
    await dashboard.register(serverAdapter.registerPlugin(), { prefix: options.basePath });
  });
}
