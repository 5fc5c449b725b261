import { JobStatus, Plan } from '@validahub/jobs-domain';

export interface NewJob {
  id: string;
  tenantId: string;
  taskName: string;
  params: Record<string, unknown>;
  priority: number;
  plan: Plan;
  queue: string;
  maxAttempts: number;
  correlationId: string;
  idempotencyKey: string | null;
  expiresAt: Date | null;
}

export interface JobListFilter {
  tenantId: string;
  status?: JobStatus;
  taskName?: string;
  plan?: Plan;
  createdAfter?: Date;
  createdBefore?: Date;
  limit: number;
  offset: number;
}

export interface JobPage<T> {
  items: T[];
  total: number;
}
