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
  /** Composition columns; absent means null. */
  template?: string | null;
  templateVersion?: number | null;
  workflowId?: string | null;
  stepId?: string | null;
  retryOf?: string | null;
  scheduleId?: string | null;
}

export interface JobListFilter {
  tenantId: string;
  status?: JobStatus;
  taskName?: string;
  plan?: Plan;
  createdAfter?: Date;
  createdBefore?: Date;
  correlationId?: string;
  idempotencyKey?: string;
  workflowId?: string;
  scheduleId?: string;
  template?: string;
  /** Keyset paging: only jobs after this one in list order (created_at DESC, id DESC). */
  after?: JobListCursor;
  limit: number;
  offset: number;
}

/** Where a page ended: the last job's created_at and id. */
export interface JobListCursor {
  createdAt: Date;
  id: string;
}

export interface JobPage<T> {
  items: T[];
  /** Matching jobs over all pages, exact up to LIST_TOTAL_CAP. */
  total: number;
  /** More than LIST_TOTAL_CAP jobs match: `total` is the cap, not the count. */
  totalIsLowerBound: boolean;
}
