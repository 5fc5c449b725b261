import { JobListFilter } from './job-records';

/**
 * `total` counts matching jobs up to this many (contract: exact up to 10,000); past it the
 * answer is this number flagged as a lower bound. Counting stops at CAP + 1 rows, so a page
 * never pays for a count over a million rows.
 */
export const LIST_TOTAL_CAP = 10_000;

/** Equality filters and their columns; each has an index (tenant_id, column, created_at DESC, id DESC). */
const EQUAL_FILTERS = [
  ['status', 'status'],
  ['taskName', 'task_name'],
  ['plan', 'plan'],
  ['correlationId', 'correlation_id'],
  ['idempotencyKey', 'idempotency_key'],
  ['workflowId', 'workflow_id'],
  ['scheduleId', 'schedule_id'],
  ['template', 'template'],
] as const satisfies readonly (readonly [keyof JobListFilter, string])[];

export interface JobListStatement {
  sql: string;
  params: unknown[];
}

/**
 * One statement for a page and its capped count, so both read one snapshot. The page is a
 * keyset read in the list order (created_at DESC, id DESC): with a cursor it seeks past the
 * previous page's last job instead of skipping rows, so a deep page costs what the first does.
 * Every predicate starts with the tenant (isolation) and is an equality or range on the leading
 * columns of one index, so Postgres walks that index in order and stops after `limit` rows.
 * The count ignores the cursor (total is of all pages). Rows come back with `list_total`; when no
 * job is on the page there is one row whose job columns are null.
 */
export function jobListStatement(filter: JobListFilter): JobListStatement {
  const params: unknown[] = [filter.tenantId];
  const param = (value: unknown, cast = ''): string => {
    params.push(value);
    return `$${params.length}${cast}`;
  };
  const where = ['tenant_id = $1'];
  for (const [field, column] of EQUAL_FILTERS) {
    const value = filter[field];
    if (value !== undefined) where.push(`${column} = ${param(value)}`);
  }
  if (filter.createdAfter) where.push(`created_at > ${param(filter.createdAfter.toISOString(), '::timestamptz')}`);
  if (filter.createdBefore) where.push(`created_at < ${param(filter.createdBefore.toISOString(), '::timestamptz')}`);
  const matching = where.join(' AND ');
  const paged = filter.after
    ? `${matching} AND (created_at, id) < (${param(filter.after.createdAt.toISOString(), '::timestamptz')}, ${param(filter.after.id, '::uuid')})`
    : matching;
  const sql = `SELECT counted.list_total, page.* FROM
      (SELECT count(*)::int AS list_total FROM (SELECT 1 FROM jobs WHERE ${matching} LIMIT ${param(LIST_TOTAL_CAP + 1)}) AS capped) AS counted
      LEFT JOIN LATERAL (SELECT * FROM jobs WHERE ${paged}
                         ORDER BY created_at DESC, id DESC LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}) AS page ON true
      ORDER BY page.created_at DESC, page.id DESC`;
  return { sql, params };
}

/** `total` as the contract words it: exact up to the cap, else the cap and a flag. */
export function cappedTotal(counted: number): { total: number; totalIsLowerBound: boolean } {
  return counted > LIST_TOTAL_CAP ? { total: LIST_TOTAL_CAP, totalIsLowerBound: true } : { total: counted, totalIsLowerBound: false };
}
