import { Provider } from '@nestjs/common';
import { RateLimits } from './rate-limits';
import { RequestLimits } from './request-limits';
import { RetentionPurge } from './retention-purge';
import { RunningLimits } from './running-limits';
import { UnfinishedJobsQuota } from './unfinished-jobs-quota';
import { UploadQuota } from './upload-quota';

/** Rate limits (Redis) and quotas (Postgres) per tenant and plan, running-at-once limits for the payloads, and the retention purge. */
export const limitsProviders: Provider[] = [RateLimits, RequestLimits, UnfinishedJobsQuota, UploadQuota, RetentionPurge, RunningLimits];
