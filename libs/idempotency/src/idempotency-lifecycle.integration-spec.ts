import { createTestDatabase, type TestDatabase } from '@validahub/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { fingerprintRequest } from './request/fingerprint';
import { IdempotencyClaim, IdempotencyClaimLostError } from './store/idempotency-store';
import { PostgresIdempotencyStore } from './store/postgres/postgres-idempotency.store';
import { openTestDataSource, postJson, startTestApp, type TestApp } from './testing/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Retention 2 s and lock 1 s so expiry and stale locks happen in real time within a test.
describe('idempotency keys over time: expiry, purge, stale and lost claims', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let app: TestApp;
  let store: PostgresIdempotencyStore;

  const widgetCount = async (name: string) =>
    Number(((await dataSource.query('SELECT count(*)::int AS n FROM widgets WHERE name = $1', [name])) as { n: number }[])[0].n);
  const keyRows = async (key: string) =>
    (await dataSource.query('SELECT state, lock_token FROM idempotency_keys WHERE idempotency_key = $1', [key])) as {
      state: string;
      lock_token: string | null;
    }[];
  const postWidget = (body: unknown, key: string) => postJson(app.baseUrl, '/widgets', body, { 'Idempotency-Key': key });
  const widgetClaim = (key: string, body: unknown, lockTimeoutMs: number) =>
    store.claim({
      tenantId: 'anonymous',
      scope: 'POST /widgets',
      key,
      fingerprint: fingerprintRequest({ method: 'POST', route: '/widgets', body, bodyField: 'idempotency_key' }),
      lockTimeoutMs,
      retentionSeconds: 2,
    });

  beforeAll(async () => {
    db = await createTestDatabase('idem_lifecycle');
    dataSource = await openTestDataSource(db.url);
    app = await startTestApp(dataSource, { retentionSeconds: 2, lockTimeoutSeconds: 1 });
    store = new PostgresIdempotencyStore(dataSource, 2);
  });

  afterAll(async () => {
    await app?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('stops replaying a key past its retention and purges expired keys, keeping live ones', async () => {
    const first = await postWidget({ name: 'expiring' }, 'expiring-key');
    const purgeOnly = await postWidget({ name: 'purge-only' }, 'purge-only-key');
    expect(first.status).toBe(201);
    expect(purgeOnly.status).toBe(201);
    expect((await postWidget({ name: 'expiring' }, 'expiring-key')).headers.get('idempotent-replayed')).toBe('true');

    await sleep(2_300);
    const afterRetention = await postWidget({ name: 'expiring' }, 'expiring-key');
    expect(afterRetention.status).toBe(201);
    expect(afterRetention.headers.get('idempotent-replayed')).toBeNull();
    expect((afterRetention.body as { id: string }).id).not.toBe((first.body as { id: string }).id);
    expect(await widgetCount('expiring')).toBe(2);

    // purge-only-key expired on its own; two more are expired by hand. The store purges in
    // batches of 2, so the three take two batches.
    const extra = await postWidget({ name: 'purge-only-2' }, 'purge-only-2');
    const extra3 = await postWidget({ name: 'purge-only-3' }, 'purge-only-3');
    expect([extra.status, extra3.status]).toEqual([201, 201]);
    await dataSource.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE idempotency_key LIKE 'purge-only-_'`);
    expect(await store.purgeExpired()).toBe(3);
    expect(await keyRows('purge-only-key')).toEqual([]);
    expect(await keyRows('purge-only-2')).toEqual([]);
    expect(await keyRows('expiring-key')).toEqual([{ state: 'completed', lock_token: null }]);
    expect(await store.purgeExpired()).toBe(0);
  });

  it('never purges an in-flight claim whose lock is still live, even past its retention', async () => {
    const outcome = await widgetClaim('live-lock', { name: 'live' }, 60_000);
    expect(outcome.kind).toBe('claimed');
    await dataSource.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE idempotency_key = 'live-lock'`);
    expect(await store.purgeExpired()).toBe(0);
    expect(await keyRows('live-lock')).toHaveLength(1);
    await store.release((outcome as { claim: IdempotencyClaim }).claim);
  });

  it('answers 409 while a crashed request still holds the key, then lets a retry take the stale claim over', async () => {
    const body = { name: 'after-crash' };
    const crashed = await widgetClaim('crash-key', body, 800); // a process that claimed and died
    expect(crashed.kind).toBe('claimed');

    const blocked = await postWidget(body, 'crash-key');
    expect(blocked.status).toBe(409);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(blocked.body).toMatchObject({ type: 'https://validahub.dev/problems/idempotency-request-in-progress', status: 409 });
    expect(await widgetCount('after-crash')).toBe(0);

    await sleep(900);
    const takenOver = await postWidget(body, 'crash-key');
    expect(takenOver.status).toBe(201);
    expect(takenOver.headers.get('idempotent-replayed')).toBeNull();
    expect(await widgetCount('after-crash')).toBe(1);

    // The dead process's claim is worthless now: it can neither complete nor release the key.
    const deadClaim = (crashed as { claim: IdempotencyClaim }).claim;
    expect(await store.complete(deadClaim, { status: 201, headers: {}, body: { fake: true } })).toBe(false);
    expect(await store.release(deadClaim)).toBe(false);
    const replay = await postWidget(body, 'crash-key');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(takenOver.body);
  });

  it('a stale claim is not taken over by a different request: that is still 422', async () => {
    const crashed = await widgetClaim('crash-other', { name: 'original' }, 50);
    expect(crashed.kind).toBe('claimed');
    await sleep(100);
    const other = await postWidget({ name: 'different' }, 'crash-other');
    expect(other.status).toBe(422);
    expect(await widgetCount('different')).toBe(0);
  });

  it('rolls back a handler that outlived its lock once another request took the key over', async () => {
    const body = { name: 'slow-widget', delay_ms: 2_500 };
    const slow = postWidget(body, 'slow-key'); // claims at ~0 s, lock until ~1 s, commits at ~2.5 s
    await sleep(1_400);
    const successor = postWidget(body, 'slow-key'); // takes the stale claim over
    const [slowResult, successorResult] = await Promise.all([slow, successor]);

    expect(slowResult.status).toBe(409);
    expect(slowResult.body).toMatchObject({ type: 'https://validahub.dev/problems/idempotency-request-in-progress' });
    expect(successorResult.status).toBe(201);
    expect(await widgetCount('slow-widget')).toBe(1);
    const [row] = (await dataSource.query('SELECT id FROM widgets WHERE name = $1', ['slow-widget'])) as { id: string }[];
    expect((successorResult.body as { id: string }).id).toBe(row.id);
  });

  describe('completeWithin with each kind of executor', () => {
    const insertWidget = 'INSERT INTO widgets (tenant_id, name) VALUES ($1, $2)';

    it('commits key and row together through a QueryRunner, and refuses one outside a transaction', async () => {
      const outcome = await widgetClaim('qr-key', { name: 'qr' }, 5_000);
      const claim = (outcome as { claim: IdempotencyClaim }).claim;
      const runner = dataSource.createQueryRunner();
      try {
        await expect(store.completeWithin(runner, claim, { status: 201, headers: {} })).rejects.toThrow(/active transaction/);
        await runner.startTransaction();
        await runner.query(insertWidget, ['anonymous', 'qr']);
        await store.completeWithin(runner, claim, { status: 201, headers: {}, body: { via: 'query-runner' } });
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
      expect(await widgetCount('qr')).toBe(1);
      expect(await widgetClaim('qr-key', { name: 'qr' }, 5_000)).toEqual({
        kind: 'replay',
        response: { status: 201, headers: {}, body: { via: 'query-runner' } },
      });
    });

    it('refuses an EntityManager that is not inside a transaction', async () => {
      const outcome = await widgetClaim('em-key', { name: 'em' }, 5_000);
      const claim = (outcome as { claim: IdempotencyClaim }).claim;
      await expect(store.completeWithin(dataSource.manager, claim, { status: 201, headers: {} })).rejects.toThrow(/transaction/);
      await store.release(claim);
    });

    it('works with a pg client in BEGIN, and a lost claim rolls the caller back', async () => {
      const first = await widgetClaim('pg-key', { name: 'pg' }, 50);
      await sleep(100);
      const second = await widgetClaim('pg-key', { name: 'pg' }, 5_000); // takes the stale claim over
      expect(second.kind).toBe('claimed');

      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query(insertWidget, ['anonymous', 'pg']);
        const lost = store.completeWithin(client, (first as { claim: IdempotencyClaim }).claim, { status: 201, headers: {} });
        await expect(lost).rejects.toBeInstanceOf(IdempotencyClaimLostError);
        await client.query('ROLLBACK');

        await client.query('BEGIN');
        await client.query(insertWidget, ['anonymous', 'pg']);
        await store.completeWithin(client, (second as { claim: IdempotencyClaim }).claim, { status: 201, headers: {}, body: 'pg' });
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
      expect(await widgetCount('pg')).toBe(1);
      expect(await keyRows('pg-key')).toEqual([{ state: 'completed', lock_token: null }]);
    });
  });
});
