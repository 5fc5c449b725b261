import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort, TEST_PG_ADMIN_URL, uniqueQueuePrefix, WORKSPACE_ROOT } from '@validahub/testing';

/** The README's quick start (`npm start`), run as a newcomer would, on a database it creates itself. */
describe('quick start', () => {
  const database = `vh_quickstart_${randomBytes(4).toString('hex')}`;
  const storage = mkdtempSync(join(tmpdir(), 'vh-quickstart-'));

  afterAll(async () => {
    const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
    rmSync(storage, { recursive: true, force: true });
  });

  it('creates the database, starts gateway and all tiers, and runs the sample job to succeeded', async () => {
    const url = new URL(TEST_PG_ADMIN_URL);
    url.pathname = `/${database}`;
    const port = await freePort();
    const child = spawn(process.execPath, ['tools/scripts/start.mjs', '--once'], {
      cwd: WORKSPACE_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: url.toString(),
        QUEUE_PREFIX: uniqueQueuePrefix('quickstart'),
        STORAGE_ROOT: storage,
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toContain(`created database ${database}`);
    expect(output).toContain('audit trail: queued -> running -> succeeded');
    expect(output).toMatch(/summary: \{.*"rows_total":5/);
  });
});
