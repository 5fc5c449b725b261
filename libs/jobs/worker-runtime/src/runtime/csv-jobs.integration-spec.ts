import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { JobEvent } from '@validahub/jobs-domain';
import { RuntimeHarness } from '../testing/runtime-harness';

// Jest ignores testTimeout set on a project; retries, time limits and slow CI need more than 5 s.
jest.setTimeout(30_000);

const rows = 20_000;
const FEED = [
  'sku,title,price,available_quantity,condition',
  ...Array.from({ length: rows }, (_, i) => `SKU-${i},Product ${i},${(i % 500) + 1}.99,${i % 50},${i % 7 ? 'new' : 'usado'}`),
].join('\n');

describe('worker runtime: CSV jobs end to end on local-disk storage', () => {
  let root: string;
  let h: RuntimeHarness;
  // What the worker logged, parsed: lines from inside the sandbox thread arrive here too.
  const logged: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vh-runtime-csv-'));
    await writeFile(join(root, 'feed.csv'), FEED);
    h = new RuntimeHarness('csvjobs', { STORAGE_ROOT: root, RESULTS_URI: 'results', PROGRESS_THROTTLE_MS: '0' });
    // The full registry and the production handlers, run in the sandbox threads as a worker app does
    // (these payloads carry no tenant: they run as the anonymous tenant, in the open-mode layout).
    await h.startRuntime(['pro'], { registry: undefined, logger });
  });
  afterAll(async () => {
    await h.close();
    await rm(root, { recursive: true, force: true });
  });

  it('validate_csv_job: started -> progress... -> succeeded with the report and its summary', async () => {
    const job = await h.enqueue('validate_csv_job', { input_uri: 'feed.csv', marketplace: 'mercado_livre' }, { plan: 'pro' });
    const done = (await h.waitForEvent(job.jobId, 'succeeded', 20_000)) as Extract<JobEvent, { type: 'succeeded' }>;
    const events = await h.events(job.jobId);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('started');
    expect(types.at(-1)).toBe('succeeded');
    const progress = events.filter((e): e is Extract<JobEvent, { type: 'progress' }> => e.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toMatchObject({ progress: 100, message: `Validated ${rows} rows` });
    expect(progress.some((p) => p.progress > 0 && p.progress < 100 && /^Validating \d+ rows$/.test(p.message ?? ''))).toBe(true);
    expect(done.resultRef).toMatch(new RegExp(`^results/${job.jobId}/attempt-1/[0-9a-f]{12}/report\\.json$`));
    expect(done.summary).toMatchObject({ rows_total: rows });
    const report = JSON.parse(await readFile(join(root, done.resultRef!), 'utf8'));
    expect(report.summary.rows_total).toBe(rows);
    expect(report.marketplace).toBe('mercado_livre');
    // The handler logged from its sandbox thread; the line carries the job's bindings.
    const opened = logged.find((line) => line.msg === 'csv job: input opened' && line.jobId === job.jobId);
    expect(opened).toMatchObject({ task: 'validate_csv_job', attempt: 1, correlationId: job.correlationId, inputUri: 'feed.csv', autoFix: false });
    expect(opened?.runId).toMatch(/^[0-9a-f]{12}$/);
  });

  it('correct_csv_job: result_ref is the corrected CSV', async () => {
    const job = await h.enqueue('correct_csv_job', { input_uri: 'feed.csv', marketplace: 'mercado_livre' }, { plan: 'pro' });
    const done = (await h.waitForEvent(job.jobId, 'succeeded', 20_000)) as Extract<JobEvent, { type: 'succeeded' }>;
    expect(done.resultRef).toMatch(new RegExp(`^results/${job.jobId}/attempt-1/[0-9a-f]{12}/corrected\\.csv$`));
    const corrected = await readFile(join(root, done.resultRef!), 'utf8');
    expect(corrected).not.toContain(',usado');
    expect(done.summary).toMatchObject({ report_ref: done.resultRef!.replace(/corrected\.csv$/, 'report.json') });
  });

  it('a missing input fails with input_not_found and is not retried', async () => {
    const job = await h.enqueue('validate_csv_job', { input_uri: 'missing.csv' }, { plan: 'pro', maxAttempts: 4 });
    const failed = (await h.waitForEvent(job.jobId, 'failed')) as Extract<JobEvent, { type: 'failed' }>;
    expect(failed.error).toMatchObject({ code: 'input_not_found', retryable: false });
    expect((await h.events(job.jobId)).map((e) => e.type)).toEqual(['started', 'failed']);
  });
});
