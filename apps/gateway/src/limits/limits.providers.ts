import { Provider } from '@nestjs/common';
import { RateLimits } from './rate-limits';
import { RequestLimits } from './request-limits';
import { UnfinishedJobsQuota } from './unfinished-jobs-quota';

/** Rate limits (Redis) and quotas (Postgres) per tenant and plan. */
export const limitsProviders: Provider[] = [RateLimits, RequestLimits, UnfinishedJobsQuota];
