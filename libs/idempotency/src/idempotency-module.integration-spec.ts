import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createTestDatabase, type TestDatabase } from '@validahub/testing';
import { DataSource } from 'typeorm';
import { IDEMPOTENCY_STORE } from './nest/idempotency.constants';
import { IdempotencyModule } from './nest/idempotency.module';
import { PurgeScheduler } from './nest/purge-scheduler';
import type { IdempotencyStore } from './store/idempotency-store';
import { IDEMPOTENCY_ENTITIES, IDEMPOTENCY_MIGRATIONS } from './store/postgres/schema';
import { openTestDataSource, postJson, startTestApp } from './testing/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('IdempotencyModule wiring and schema', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('idem_module');
    dataSource = await openTestDataSource(db.url);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('the migration creates exactly what the entity describes, and its down() removes it', async () => {
    const fresh = await createTestDatabase('idem_migration');
    const own = new DataSource({ type: 'postgres', url: fresh.url, entities: IDEMPOTENCY_ENTITIES, migrations: IDEMPOTENCY_MIGRATIONS });
    await own.initialize();
    try {
      expect(await own.runMigrations()).toHaveLength(1);
      const pending = await own.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);

      await own.undoLastMigration();
      const gone = await own.query(`SELECT to_regclass('idempotency_keys') AS t, to_regclass('idx_idempotency_keys_expires_at') AS i`);
      expect(gone).toEqual([{ t: null, i: null }]);
      await own.runMigrations();
      const back = await own.query(`SELECT to_regclass('idx_idempotency_keys_expires_at')::text AS i`);
      expect(back).toEqual([{ i: 'idx_idempotency_keys_expires_at' }]);
    } finally {
      await own.destroy();
      await fresh.drop();
    }
  });

  it('the table refuses a completed key without a response and an in-flight key without a lock', async () => {
    await expect(
      dataSource.query(
        `INSERT INTO idempotency_keys (tenant_id, scope, idempotency_key, fingerprint, state, expires_at)
         VALUES ('t', 's', 'k', repeat('a', 64), 'completed', now())`,
      ),
    ).rejects.toThrow(/chk_idempotency_keys_state/);
    await expect(
      dataSource.query(
        `INSERT INTO idempotency_keys (tenant_id, scope, idempotency_key, fingerprint, state, expires_at)
         VALUES ('t', 's', 'k', repeat('a', 64), 'in_flight', now())`,
      ),
    ).rejects.toThrow(/chk_idempotency_keys_state/);
  });

  it("finds the DataSource of @nestjs/typeorm when none is passed, and purges periodically with an unref'd timer", async () => {
    await dataSource.query(
      `INSERT INTO idempotency_keys (tenant_id, scope, idempotency_key, fingerprint, state, response_status, completed_at, expires_at)
       VALUES ('t', 'POST /x', 'old', repeat('a', 64), 'completed', 201, now(), now() - interval '1 minute'),
              ('t', 'POST /x', 'fresh', repeat('a', 64), 'completed', 201, now(), now() + interval '1 hour')`,
    );

    @Module({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, entities: IDEMPOTENCY_ENTITIES }),
        IdempotencyModule.forRootAsync({ useFactory: () => ({ purgeIntervalSeconds: 0.2 }) }),
      ],
    })
    class WorkerLikeModule {}

    const context = await NestFactory.createApplicationContext(WorkerLikeModule, { logger: false });
    try {
      const store = context.get<IdempotencyStore>(IDEMPOTENCY_STORE);
      const claimed = await store.claim({
        tenantId: 't',
        scope: 'POST /x',
        key: 'via-nest-typeorm',
        fingerprint: 'b'.repeat(64),
        lockTimeoutMs: 1_000,
        retentionSeconds: 60,
      });
      expect(claimed.kind).toBe('claimed');
      await sleep(600);
      const left = (await dataSource.query(`SELECT idempotency_key FROM idempotency_keys WHERE scope = 'POST /x' ORDER BY 1`)) as {
        idempotency_key: string;
      }[];
      expect(left.map((r) => r.idempotency_key)).toEqual(['fresh', 'via-nest-typeorm']);
      expect(await context.get(PurgeScheduler).purgeOnce()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('fails at start-up with a clear message when there is no DataSource at all', async () => {
    @Module({ imports: [IdempotencyModule.forRoot()] })
    class NoDatabaseModule {}
    await expect(NestFactory.createApplicationContext(NoDatabaseModule, { logger: false, abortOnError: false })).rejects.toThrow(
      /found no DataSource/,
    );
  });

  it('rejects inconsistent options at start-up', async () => {
    @Module({ imports: [IdempotencyModule.forRoot({ dataSource, retentionSeconds: 30, lockTimeoutSeconds: 60 })] })
    class BadOptionsModule {}
    await expect(NestFactory.createApplicationContext(BadOptionsModule, { logger: false, abortOnError: false })).rejects.toThrow(
      /lockTimeoutSeconds \(60\) must be below retentionSeconds \(30\)/,
    );
  });

  it('answers 503 problem+json when the store is down, instead of running the route unprotected', async () => {
    const doomed = await createTestDatabase('idem_down');
    const doomedSource = await openTestDataSource(doomed.url);
    const app = await startTestApp(doomedSource);
    try {
      expect((await postJson(app.baseUrl, '/notes', { text: 'before' }, { 'Idempotency-Key': 'up' })).status).toBe(201);
      await doomed.drop(); // terminates the pool's connections; new ones find no database
      const down = await postJson(app.baseUrl, '/notes', { text: 'after' }, { 'Idempotency-Key': 'down' });
      expect(down.status).toBe(503);
      expect(down.headers.get('content-type')).toContain('application/problem+json');
      expect(down.headers.get('retry-after')).toBe('5');
      expect(down.body).toMatchObject({ type: 'https://validahub.dev/problems/idempotency-store-unavailable', status: 503 });
    } finally {
      await app.close();
      await doomedSource.destroy().catch(() => undefined);
    }
  });
});
