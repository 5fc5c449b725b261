import type { DataSource } from 'typeorm';

export interface PagedQuery {
  /** `FROM` and `WHERE` (without the keywords' `SELECT`): the rows counted and paged. */
  fromWhere: string;
  /** The page's select list. */
  columns: string;
  orderBy: string;
  /** Parameters of `fromWhere`; limit and offset are appended after them. */
  params: unknown[];
  limit: number;
  offset: number;
}

/**
 * A page and the count of everything it pages over, read by one statement so both come from one
 * snapshot: two statements could straddle a write, and `total` would then disagree with the page.
 */
export async function pageWithTotal(dataSource: DataSource, query: PagedQuery): Promise<{ rows: Record<string, unknown>[]; total: number }> {
  const limitAt = query.params.length + 1;
  const result: Record<string, unknown>[] = await dataSource.query(
    `SELECT counted.total, page.* FROM (SELECT count(*)::int AS total FROM ${query.fromWhere}) AS counted
       LEFT JOIN LATERAL (SELECT true AS in_page, ${query.columns} FROM ${query.fromWhere}
                           ORDER BY ${query.orderBy} LIMIT $${limitAt} OFFSET $${limitAt + 1}) AS page ON true`,
    [...query.params, query.limit, query.offset],
  );
  // An offset past the end still returns the count's row, with the page's columns null.
  return { rows: result.filter((row) => row.in_page === true), total: (result[0]?.total as number) ?? 0 };
}
