import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobEvent, JobPayload } from '@validahub/jobs-domain';
import { signPayload } from '@validahub/jobs-queueing';
import { RuntimeHarness } from '../testing/runtime-harness';

jest.setTimeout(30_000);

const FEED = 'sku,title,price,available_quantity,condition\nA-1,Secret product of A,10.00,1,new\n';
const A = randomUUID();
const B = randomUUID();

type Failed = Extract<JobEvent, { type: 'failed' }>;
type Succeeded = Extract<JobEvent, { type: 'succeeded' }>;

/**
 * The worker re-confines every path of a payload to its tenant's prefix before reading or
 * writing, whatever the payload says: a payload written to Redis by anyone but the gateway
 * reaches no other tenant's bytes.
 */
describe('worker runtime: every storage path confined to the payload tenant', () => {
  let root: string;
  let h: RuntimeHarness;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vh-runtime-tenants-'));
    await mkdir(join(root, 'tenants', A, 'uploads'), { recursive: true });
    await mkdir(join(root, 'tenants', B, 'uploads'), { recursive: true });
    await writeFile(join(root, 'tenants', A, 'uploads', 'feed.csv'), FEED);
    // Planted in B's prefix: a link to A's file.
    await symlink(join(root, 'tenants', A, 'uploads', 'feed.csv'), join(root, 'tenants', B, 'uploads', 'link.csv'));
    // S3 points at a closed port: a read that passes the tenant check fails fast as storage_unavailable.
    h = new RuntimeHarness('tenants', {
      STORAGE_ROOT: root,
      RESULTS_URI: 'results/',
      S3_ALLOWED_BUCKETS: 'partner-feeds',
      S3_ENDPOINT: 'http://127.0.0.1:9',
      S3_ACCESS_KEY_ID: 'test',
      S3_SECRET_ACCESS_KEY: 'test',
      S3_MAX_ATTEMPTS: '1',
    });
    await h.startRuntime(['pro'], { tasks: undefined, registry: undefined });
  });
  afterAll(async () => {
    await h.close();
    await rm(root, { recursive: true, force: true });
  });

  const run = async (tenantId: string, input_uri: string, extra: Partial<JobPayload> = {}, sign = true) => {
    const params = { input_uri, marketplace: 'generic', ruleset: 'default', auto_fix: true };
    const jobId = randomUUID();
    const signature = sign ? signPayload(h.config.security.payloadSigningSecret, { jobId, tenantId, task: 'correct_csv_job', params }) : undefined;
    const job = await h.enqueue('correct_csv_job', params, { jobId, plan: 'pro', tenantId, signature, ...extra });
    return h.waitForTerminal(job.jobId);
  };

  it("reads and writes inside the tenant's own prefix, and reports URIs relative to it", async () => {
    const done = (await run(A, 'uploads/feed.csv')) as Succeeded;
    expect(done.type).toBe('succeeded');
    const resultRef = done.resultRef ?? '';
    expect(resultRef).toMatch(new RegExp(`^results/${done.jobId}/attempt-1/[0-9a-f]+/corrected\\.csv$`));
    expect(done.summary).toMatchObject({ report_ref: resultRef.replace(/corrected\.csv$/, 'report.json') });
    expect(await readFile(join(root, 'tenants', A, resultRef), 'utf8')).toContain('A-1');
  });

  it.each([
    ['another tenant by name', `tenants/${A}/uploads/feed.csv`],
    ['another tenant by ..', `../${A}/uploads/feed.csv`],
    ['an absolute path', `ROOT/tenants/${A}/uploads/feed.csv`],
    ['a file:// URI', `file://ROOT/tenants/${A}/uploads/feed.csv`],
    ['a symlink planted in its prefix', 'uploads/link.csv'],
  ])('fails a payload of tenant B naming %s, and writes nothing', async (_what, input) => {
    const failed = (await run(B, input.replace('ROOT', root))) as Failed;
    expect(failed.type).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'invalid_storage_uri', retryable: false });
    expect(failed.error.message).not.toContain('A-1');
    expect(await readdir(join(root, 'tenants', B))).toEqual(['uploads']);
  });

  it('accepts another bucket only from a signed payload, and refuses a forged signature', async () => {
    const unsigned = (await run(A, 's3://partner-feeds/feed.csv', {}, false)) as Failed;
    expect(unsigned.error).toMatchObject({ code: 'invalid_storage_uri' });
    expect(unsigned.error.message).toContain('not an allowed bucket');
    const forged = (await run(A, 'uploads/feed.csv', { signature: 'f'.repeat(64) })) as Failed;
    expect(forged.error).toMatchObject({ code: 'invalid_payload', retryable: false });
    expect(forged.error.message).toMatch(/signature does not match/);
    // Signed, the bucket passes the tenant check and the read is attempted (S3 is a closed port here).
    const signed = (await run(A, 's3://partner-feeds/feed.csv')) as Failed;
    expect(signed.error).toMatchObject({ code: 'storage_unavailable' });
  });

  it('runs a payload from before tenancy (no tenant) in the open-mode layout, never inside tenants/', async () => {
    const failed = (await run(A, `tenants/${A}/uploads/feed.csv`, { tenantId: undefined }, false)) as Failed;
    expect(failed.error).toMatchObject({ code: 'invalid_storage_uri' });
    expect(failed.error.message).toContain('outside your storage');
  });
});
