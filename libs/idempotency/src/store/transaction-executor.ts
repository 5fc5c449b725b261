// Lets route code hand over whatever it holds its transaction with: a TypeORM EntityManager
// (from dataSource.transaction), a TypeORM QueryRunner, or a pg client inside BEGIN.
import { EntityManager, type QueryRunner } from 'typeorm';

export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

export type TransactionExecutor = EntityManager | QueryRunner | PgClientLike;

type Row = Record<string, unknown>;

/** Runs one statement on the caller's connection and returns its rows. */
export async function queryWithin(executor: TransactionExecutor, sql: string, params: unknown[]): Promise<Row[]> {
  if (executor instanceof EntityManager) {
    const runner = executor.queryRunner;
    if (!runner?.isTransactionActive) {
      throw new TypeError('completeWithin needs an EntityManager bound to a transaction (the one dataSource.transaction() gives you)');
    }
    return structured(runner, sql, params);
  }
  if (isQueryRunner(executor)) {
    if (!executor.isTransactionActive) {
      throw new TypeError('completeWithin needs a QueryRunner with an active transaction (call startTransaction() first)');
    }
    return structured(executor, sql, params);
  }
  if (typeof executor?.query === 'function') {
    const result = await executor.query(sql, params);
    return result.rows as Row[];
  }
  throw new TypeError('completeWithin needs an EntityManager, a QueryRunner or a pg client');
}

async function structured(runner: QueryRunner, sql: string, params: unknown[]): Promise<Row[]> {
  const result = await runner.query(sql, params, true);
  return (result.records ?? []) as Row[];
}

function isQueryRunner(value: unknown): value is QueryRunner {
  return typeof value === 'object' && value !== null && 'isTransactionActive' in value && 'manager' in value;
}
