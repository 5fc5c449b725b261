import { Client } from 'pg';
import { createTestDatabase } from './test-database';

describe('createTestDatabase', () => {
  it('creates an isolated database and drops it', async () => {
    const db = await createTestDatabase('selfcheck');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query('select current_database() as name');
    expect(rows[0].name).toBe(db.name);
    await client.end();
    await db.drop();
    const admin = new Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    const left = await admin.query('select 1 from pg_database where datname = $1', [db.name]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });
});
