import { JobQueues, redisOptions } from '@validahub/jobs-queueing';
import type { Plan } from '@validahub/jobs-domain';

/** Reads a system's BullMQ queues from the test (to prove a job left its queue). */
export async function bullJobState(redisUrl: string, prefix: string, plan: Plan, jobId: string): Promise<string | null> {
  const queues = new JobQueues(redisOptions(redisUrl, 'producer'), prefix);
  try {
    const job = await queues.queue(plan).getJob(jobId);
    return job ? await job.getState() : null;
  } finally {
    await queues.close();
  }
}
