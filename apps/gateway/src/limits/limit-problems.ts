import { HttpStatus } from '@nestjs/common';
import { ProblemException } from '../http/problem';

export type QuotaName = 'unfinished_jobs' | 'upload_bytes';

export const limitProblems = {
  /** Over a rate: `Retry-After` says when the window frees a unit; the RateLimit headers ride along. */
  rateLimited: (policy: string, retryAfterSeconds: number, headers: Record<string, string>) =>
    new ProblemException({
      status: HttpStatus.TOO_MANY_REQUESTS,
      type: 'rate-limited',
      title: 'Rate limited',
      detail: `Too many requests for the "${policy}" limit; retry in ${retryAfterSeconds} s.`,
      extensions: { policy },
      headers: { ...headers, 'Retry-After': String(retryAfterSeconds) },
    }),
  /** Over a quota: nothing was created or stored; room frees up as jobs finish or files are purged. */
  quotaExceeded: (quota: QuotaName, limit: number, headers?: Record<string, string>) =>
    new ProblemException({
      status: HttpStatus.TOO_MANY_REQUESTS,
      type: 'quota-exceeded',
      title: 'Quota exceeded',
      detail:
        quota === 'unfinished_jobs'
          ? `This tenant already has its quota of ${limit} unfinished jobs; new jobs are accepted as these finish.`
          : `This upload would take the tenant's stored uploads over its quota of ${limit} bytes; delete or wait for old uploads to expire.`,
      extensions: { quota, limit },
      headers,
    }),
  resultExpired: (jobId: string, expiredAt: Date) =>
    new ProblemException({
      status: HttpStatus.GONE,
      type: 'result-expired',
      title: 'Result expired',
      detail: `The result of job ${jobId} was removed on ${expiredAt.toISOString()} under the result retention policy.`,
      extensions: { expired_at: expiredAt.toISOString() },
    }),
};
