/** Plans, their queues and defaults (contract "Queues"). */
export const PLANS = ['free', 'pro', 'business', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export interface PlanSettings {
  /** BullMQ queue name: the contract's `queue:free` spelled without ':' (BullMQ forbids it). */
  queue: string;
  defaultPriority: number;
  defaultConcurrency: number;
}

export const PLAN_SETTINGS: Readonly<Record<Plan, PlanSettings>> = {
  free: { queue: 'queue-free', defaultPriority: 1, defaultConcurrency: 1 },
  pro: { queue: 'queue-pro', defaultPriority: 5, defaultConcurrency: 2 },
  business: { queue: 'queue-business', defaultPriority: 7, defaultConcurrency: 3 },
  enterprise: { queue: 'queue-enterprise', defaultPriority: 10, defaultConcurrency: 5 },
};

export const MIN_PRIORITY = 1;
export const MAX_PRIORITY = 10;

export function isPlan(value: unknown): value is Plan {
  return typeof value === 'string' && (PLANS as readonly string[]).includes(value);
}

export function queueForPlan(plan: Plan): string {
  return PLAN_SETTINGS[plan].queue;
}

export function planForQueue(queue: string): Plan | undefined {
  return PLANS.find((plan) => PLAN_SETTINGS[plan].queue === queue);
}

/**
 * Our priority is 1..10 with higher first; BullMQ's is 1..2^21 with 1 first (0 = none).
 * 11 - p keeps the order and never yields 0.
 */
export function toQueuePriority(priority: number): number {
  if (!Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
    throw new RangeError(`priority must be an integer ${MIN_PRIORITY}..${MAX_PRIORITY}, got ${priority}`);
  }
  return MAX_PRIORITY + 1 - priority;
}

/** Ranks past this share the last place (BullMQ priorities stop at 2^21). */
export const MAX_FAIR_RANK = 200_000;

/**
 * Queue order within a tier shared by tenants: a job's place in its own tenant's backlog
 * (`fairRank`, 1 = next of that tenant) first, then its priority. Every tenant's first job
 * comes before any tenant's second, so a tenant with an empty backlog overtakes a busy one's.
 */
export function toFairQueuePriority(priority: number, fairRank: number): number {
  const rank = Math.min(Math.max(1, Math.trunc(fairRank)), MAX_FAIR_RANK);
  return (rank - 1) * MAX_PRIORITY + toQueuePriority(priority);
}
