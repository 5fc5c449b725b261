import { EnvReader } from '../env-reader';

const PLANS = ['free', 'pro', 'business', 'enterprise'] as const;
type PlanName = (typeof PLANS)[number];

/** What one plan may use (contract "Rate limits and quotas"); a tenant's overrides win over these. */
export interface PlanLimits {
  createsPerMinute: number;
  requestsPerMinute: number;
  unfinishedJobs: number;
  /** A tenant's attempts running at once in its tier, across every worker replica. */
  runningAtOnce: number;
  uploadBytes: number;
}

const GIB = 1024 ** 3;

export const DEFAULT_PLAN_LIMITS: Readonly<Record<PlanName, PlanLimits>> = {
  free: { createsPerMinute: 30, requestsPerMinute: 300, unfinishedJobs: 20, runningAtOnce: 1, uploadBytes: GIB },
  pro: { createsPerMinute: 300, requestsPerMinute: 3_000, unfinishedJobs: 500, runningAtOnce: 2, uploadBytes: 20 * GIB },
  business: { createsPerMinute: 1_200, requestsPerMinute: 12_000, unfinishedJobs: 5_000, runningAtOnce: 3, uploadBytes: 100 * GIB },
  enterprise: { createsPerMinute: 6_000, requestsPerMinute: 60_000, unfinishedJobs: 50_000, runningAtOnce: 5, uploadBytes: 1024 * GIB },
};

export interface LimitsConfig {
  /** LIMITS_ENABLED=false turns rate limits and quotas off (benchmarks compare both). */
  enabled: boolean;
  byPlan: Record<PlanName, PlanLimits>;
  /** Requests per minute from one client address that present no valid key. */
  unauthenticatedPerMinute: number;
  uploadRetentionDays: number;
  resultRetentionDays: number;
  /** Milliseconds between retention purges (0: no purge loop). */
  retentionPurgeIntervalMs: number;
}

const VARIABLES: Record<keyof PlanLimits, string> = {
  createsPerMinute: 'RATE_LIMIT_CREATES_PER_MINUTE',
  requestsPerMinute: 'RATE_LIMIT_REQUESTS_PER_MINUTE',
  unfinishedJobs: 'QUOTA_UNFINISHED_JOBS',
  runningAtOnce: 'RUNNING_AT_ONCE',
  uploadBytes: 'QUOTA_UPLOAD_BYTES',
};

export function readLimits(env: EnvReader): LimitsConfig {
  const byPlan = {} as Record<PlanName, PlanLimits>;
  for (const plan of PLANS) {
    const limits = { ...DEFAULT_PLAN_LIMITS[plan] };
    for (const [field, variable] of Object.entries(VARIABLES) as [keyof PlanLimits, string][]) {
      limits[field] = env.int(`${variable}_${plan.toUpperCase()}`, limits[field], { min: 1 });
    }
    byPlan[plan] = limits;
  }
  return {
    enabled: env.bool('LIMITS_ENABLED', true),
    byPlan,
    unauthenticatedPerMinute: env.int('RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE', 60, { min: 1 }),
    uploadRetentionDays: env.int('UPLOAD_RETENTION_DAYS', 7, { min: 1 }),
    resultRetentionDays: env.int('RESULT_RETENTION_DAYS', 30, { min: 1 }),
    retentionPurgeIntervalMs: env.int('RETENTION_PURGE_INTERVAL_MS', 3_600_000, { min: 0 }),
  };
}
