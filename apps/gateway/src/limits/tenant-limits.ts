import type { LimitsConfig, PlanLimits } from '@validahub/config';
import type { LimitOverrideKey } from '@validahub/tenancy';
import type { RequestAuth } from '../auth/request-auth';

/** Each limit's `limit_overrides` key (snake_case, as stored and as the admin API sets them). */
export const OVERRIDE_KEYS: Readonly<Record<keyof PlanLimits, LimitOverrideKey>> = {
  createsPerMinute: 'creates_per_minute',
  requestsPerMinute: 'requests_per_minute',
  unfinishedJobs: 'unfinished_jobs',
  runningAtOnce: 'running_at_once',
  uploadBytes: 'upload_bytes',
};

/** The tenant's override of one limit, when it is a positive whole number. */
export function overriddenLimit(overrides: Record<string, unknown>, field: keyof PlanLimits): number | undefined {
  const value = overrides[OVERRIDE_KEYS[field]];
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/**
 * The limits that apply to a caller: its plan's (from the configuration), each replaced by the
 * tenant's own override when that is a positive whole number. Undefined when nothing is limited:
 * limits off, or AUTH_MODE=open (one anonymous caller on the body's plan: there is no tenant to
 * hold to a plan's share).
 */
export function limitsFor(auth: RequestAuth, config: LimitsConfig): PlanLimits | undefined {
  if (!config.enabled || auth.plan === undefined) return undefined;
  const limits = { ...config.byPlan[auth.plan] };
  for (const field of Object.keys(OVERRIDE_KEYS) as (keyof PlanLimits)[])
    limits[field] = overriddenLimit(auth.limitOverrides, field) ?? limits[field];
  return limits;
}
