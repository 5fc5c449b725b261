import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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

  it('creates the database, starts gateway and all tiers, creates a local tenant and key, and runs the sample job with it to succeeded', async () => {
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
        VALIDAHUB_DATA_DIR: storage,
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
    // Auth is on: the key was created, saved (owner-only) and printed with a ready curl line.
    const key = readFileSync(join(storage, 'api-key'), 'utf8').trim();
    expect(key).toMatch(/^vh_[0-9A-Za-z]{50}$/);
    expect(statSync(join(storage, 'api-key')).mode & 0o777).toBe(0o600);
    expect(output).toContain('Created an API key for the local tenant (plan pro)');
    expect(output).toContain(key);
    expect(output).toContain('curl -s -H "Authorization: Bearer $VALIDAHUB_API_KEY"');
  });
});
