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
