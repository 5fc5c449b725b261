// The statements of the Postgres adapter. Times come from the database clock (now()) so that
// several gateway replicas with skewed clocks agree on locks and expiry.

export const TABLE = 'idempotency_keys';

const KEY_MATCH = 'tenant_id = $1 AND scope = $2 AND idempotency_key = $3';

/**
 * Takes the key when it is new, past its retention, or held by a stale claim for the same
 * request. Returns a row only when this call got the key. ON CONFLICT locks the conflicting
 * row, so a claim racing a transaction that is completing the key waits for it and then sees
 * the completed state.
 */
export const CLAIM_SQL = `
INSERT INTO ${TABLE} AS k
  (tenant_id, scope, idempotency_key, fingerprint, state, lock_token, locked_until, created_at, expires_at)
VALUES ($1, $2, $3, $4, 'in_flight', $5, now() + $6 * interval '1 millisecond', now(), now() + $7 * interval '1 second')
ON CONFLICT (tenant_id, scope, idempotency_key) DO UPDATE SET
  fingerprint = EXCLUDED.fingerprint,
  state = 'in_flight',
  lock_token = EXCLUDED.lock_token,
  locked_until = EXCLUDED.locked_until,
  created_at = EXCLUDED.created_at,
  expires_at = EXCLUDED.expires_at,
  completed_at = NULL,
  response_status = NULL,
  response_headers = NULL,
  response_body = NULL
WHERE k.expires_at <= now()
   OR (k.state = 'in_flight' AND k.locked_until <= now() AND k.fingerprint = EXCLUDED.fingerprint)
RETURNING lock_token`;

export const READ_SQL = `
SELECT fingerprint, state, response_status, response_headers, response_body,
       response_body IS NULL AS no_body,
       expires_at <= now() AS expired,
       locked_until IS NOT NULL AND locked_until <= now() AS lock_expired,
       CEIL(GREATEST(EXTRACT(EPOCH FROM (locked_until - now())), 0))::int AS lock_remaining_seconds
FROM ${TABLE}
WHERE ${KEY_MATCH}`;

/** Guarded by the claim token: a claim that was taken over cannot complete. */
export const COMPLETE_SQL = `
UPDATE ${TABLE} SET
  state = 'completed',
  response_status = $5,
  response_headers = $6::jsonb,
  response_body = $7::jsonb,
  completed_at = now(),
  expires_at = now() + $8 * interval '1 second',
  lock_token = NULL,
  locked_until = NULL
WHERE ${KEY_MATCH} AND lock_token = $4 AND state = 'in_flight'
RETURNING 1 AS completed`;

export const RELEASE_SQL = `
DELETE FROM ${TABLE}
WHERE ${KEY_MATCH} AND lock_token = $4 AND state = 'in_flight'
RETURNING 1 AS released`;

/** One batch; rows locked by a transaction that is completing them are skipped, not waited for. */
export const PURGE_BATCH_SQL = `
DELETE FROM ${TABLE}
WHERE (tenant_id, scope, idempotency_key) IN (
  SELECT tenant_id, scope, idempotency_key FROM ${TABLE}
  WHERE expires_at <= now() AND (state = 'completed' OR locked_until <= now())
  LIMIT $1
  FOR UPDATE SKIP LOCKED)
RETURNING 1 AS purged`;
