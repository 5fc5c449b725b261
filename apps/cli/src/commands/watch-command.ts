import type { Job } from '@validahub/jobs-client';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import { JobProgress } from '../output/job-progress';
import type { RemoteContext } from '../remote/remote-context';
import { printJob } from './jobs-commands';

export interface WatchOptions {
  timeout: number;
  json?: boolean;
  quiet?: boolean;
}

/**
 * Follows a job to its end: over the gateway's event stream (`/jobs/{id}/stream`, resumed after a
 * dropped connection), polling when the gateway has none. Progress on stderr (a bar on a terminal),
 * the finished job on stdout; exit 0 when it succeeded, 3 when it did not.
 */
export async function runWatch(id: string, options: WatchOptions, context: RemoteContext): Promise<ExitCode> {
  const progress = new JobProgress(context.streams.stderr, context.err);
  let done: Job & { followedBy?: 'stream' | 'poll' };
  try {
    done = await context.client.waitForJob(id, {
      timeoutMs: options.timeout * 1_000,
      onUpdate: (update) => !options.quiet && progress.update(update),
    });
  } finally {
    progress.stop();
  }
  const { followedBy, ...job } = done;
  printJob(context, job, !!options.json);
  if (!options.json && followedBy)
    context.streams.stderr.write(`${context.err.dim(`(followed by ${followedBy === 'stream' ? 'event stream' : 'polling'})`)}\n`);
  return job.status === 'succeeded' ? EXIT_CODES.valid : EXIT_CODES.jobNotSucceeded;
}
