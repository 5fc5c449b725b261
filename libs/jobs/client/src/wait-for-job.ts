import { createParser } from 'eventsource-parser';
import { isTerminalStatus, type Job } from './api-types';
import { problemFrom } from './problem-error';
import type { JobsClient } from './jobs-client';

export interface WaitForJobOptions {
  /** Called with the job every time something about it changes (status, progress, message). */
  onUpdate?: (job: Job) => void;
  signal?: AbortSignal;
  /** Give up after this long (default 10 minutes). */
  timeoutMs?: number;
  /** Polling (when the gateway has no event stream): first and longest gap; the gap grows 1.5x while nothing changes. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** Use the event stream when offered (default true). */
  stream?: boolean;
}

/** How a job was followed: useful to callers that show it, and to tests. */
export type FollowMode = 'stream' | 'poll';

export class WaitTimeoutError extends Error {
  constructor(
    readonly jobId: string,
    readonly timeoutMs: number,
  ) {
    super(`job ${jobId} did not finish within ${timeoutMs} ms`);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Follows a job to a terminal status. Tries `GET /api/v1/jobs/{id}/stream` (server-sent events:
 * `status` events carry the job, `progress` events its progress); a gateway that has no such
 * route answers 404, and the job is polled instead, with a gap that grows while nothing changes
 * and shrinks back when it does. A stream that ends before the job does also falls back to polling.
 */
export async function waitForJob(client: JobsClient, id: string, options: WaitForJobOptions = {}): Promise<Job & { followedBy?: FollowMode }> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    if (options.stream ?? true) {
      const streamed = await followStream(client, id, signal, options.onUpdate);
      if (streamed && isTerminalStatus(streamed.status)) return { ...streamed, followedBy: 'stream' };
    }
    return { ...(await poll(client, id, signal, options)), followedBy: 'poll' };
  } catch (error) {
    if (deadline.aborted && !options.signal?.aborted) throw new WaitTimeoutError(id, timeoutMs);
    throw error;
  }
}

/** The job as last seen on the stream, or null when the gateway offers no stream. */
async function followStream(client: JobsClient, id: string, signal: AbortSignal, onUpdate?: (job: Job) => void): Promise<Job | null> {
  const response = await client.raw('GET', `/api/v1/jobs/${encodeURIComponent(id)}/stream`, { signal, headers: { Accept: 'text/event-stream' } });
  if (response.status === 404 && !(await isJobNotFound(response))) return null;
  if (!response.ok) throw await problemFrom(response);
  if (!response.body || !/text\/event-stream/.test(response.headers.get('content-type') ?? '')) return null;
  let job: Job | null = null;
  const parser = createParser({
    onEvent: (event) => {
      if (event.event !== 'status' && event.event !== 'progress') return;
      const data = JSON.parse(event.data) as Partial<Job>;
      job = { ...(job ?? {}), ...data } as Job;
      onUpdate?.(job);
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(value);
      if (job && isTerminalStatus((job as Job).status)) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return job;
}

/** A 404 for the job itself (its problem says so) rather than for a route the gateway lacks. */
async function isJobNotFound(response: Response): Promise<boolean> {
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { detail?: string } | null;
  return typeof body?.detail === 'string' && /^Job .* not found/.test(body.detail);
}

async function poll(client: JobsClient, id: string, signal: AbortSignal, options: WaitForJobOptions): Promise<Job> {
  const first = options.pollIntervalMs ?? 250;
  const longest = Math.max(first, options.maxPollIntervalMs ?? 3_000);
  let gap = first;
  let seen = '';
  for (;;) {
    const job = await client.getJob(id, { signal });
    const fingerprint = `${job.status}|${job.progress}|${job.message ?? ''}`;
    if (fingerprint !== seen) {
      seen = fingerprint;
      gap = first;
      options.onUpdate?.(job);
    } else {
      gap = Math.min(longest, Math.round(gap * 1.5));
    }
    if (isTerminalStatus(job.status)) return job;
    await sleep(gap, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
