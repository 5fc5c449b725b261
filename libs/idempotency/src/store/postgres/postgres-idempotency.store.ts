import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ClaimOutcome, ClaimRequest, IdempotencyClaim, IdempotencyClaimLostError, IdempotencyStore, StoredResponse } from '../idempotency-store';
import { queryWithin, TransactionExecutor } from '../transaction-executor';
import { CLAIM_SQL, COMPLETE_SQL, PURGE_BATCH_SQL, READ_SQL, RELEASE_SQL } from './idempotency-sql';

type Row = Record<string, unknown>;

// A key can change state between the failed claim and the read (released, expired, lock ran
// out); re-trying the claim a few times settles it without ever waiting on a lock.
const CLAIM_ATTEMPTS = 4;
const DEFAULT_PURGE_BATCH = 1000;

export class PostgresIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly purgeBatchSize = DEFAULT_PURGE_BATCH,
  ) {}

  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    const id = [request.tenantId, request.scope, request.key];
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt += 1) {
      const token = randomUUID();
      const claimed = await this.run(CLAIM_SQL, [...id, request.fingerprint, token, request.lockTimeoutMs, request.retentionSeconds]);
      if (claimed.length === 1) {
        const { lockTimeoutMs: _lock, ...claim } = request;
        return { kind: 'claimed', claim: { ...claim, token } };
      }
      const [row] = await this.run(READ_SQL, id);
      const outcome = row && classify(row, request.fingerprint);
      if (outcome) return outcome;
    }
    // Still churning after several tries: tell the client to come back rather than block.
    return { kind: 'in_flight', lockRemainingSeconds: 1 };
  }

  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<boolean> {
    const rows = await this.run(COMPLETE_SQL, completeParams(claim, response));
    return rows.length === 1;
  }

  async completeWithin(executor: TransactionExecutor, claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    const rows = await queryWithin(executor, COMPLETE_SQL, completeParams(claim, response));
    if (rows.length !== 1) throw new IdempotencyClaimLostError(claim);
  }

  async release(claim: IdempotencyClaim): Promise<boolean> {
    const rows = await this.run(RELEASE_SQL, [claim.tenantId, claim.scope, claim.key, claim.token]);
    return rows.length === 1;
  }

  async purgeExpired(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.run(PURGE_BATCH_SQL, [this.purgeBatchSize]);
      total += rows.length;
      if (rows.length < this.purgeBatchSize) return total;
    }
  }

  private async run(sql: string, params: unknown[]): Promise<Row[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, params, true);
      return (result.records ?? []) as Row[];
    } finally {
      await runner.release();
    }
  }
}

/** What an existing row means for this request; undefined when the claim should be tried again. */
function classify(row: Row, fingerprint: string): ClaimOutcome | undefined {
  if (row['expired'] === true) return undefined;
  if (row['fingerprint'] !== fingerprint) return { kind: 'mismatch' };
  if (row['state'] === 'completed') {
    const response: StoredResponse = {
      status: Number(row['response_status']),
      headers: (row['response_headers'] as Record<string, string> | null) ?? {},
    };
    if (row['no_body'] !== true) response.body = row['response_body'];
    return { kind: 'replay', response };
  }
  if (row['lock_expired'] === true) return undefined;
  return { kind: 'in_flight', lockRemainingSeconds: Number(row['lock_remaining_seconds']) };
}

function completeParams(claim: IdempotencyClaim, response: StoredResponse): unknown[] {
  return [
    claim.tenantId,
    claim.scope,
    claim.key,
    claim.token,
    response.status,
    JSON.stringify(response.headers),
    response.body === undefined ? null : JSON.stringify(response.body),
    claim.retentionSeconds,
  ];
}
