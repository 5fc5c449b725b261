import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PermanentJobError, TransientJobError } from '@validahub/jobs-domain';
import { LocalDiskStorage, ObjectStorage, resultLocation, StorageUnavailableError } from '@validahub/storage';
import { correctCsvHandler } from '../correct-csv/correct-csv.task';
import { validateCsvHandler } from '../validate-csv/validate-csv.task';
import { TaskContext } from '../task-handler';
import { CsvJobParams } from './csv-job-params';
import { CsvJobDeps } from './run-csv-job';

// Jest ignores testTimeout set on a project; retries, time limits and slow CI need more than 5 s.
jest.setTimeout(30_000);

const FEED = [
  'sku,title,price,available_quantity,condition',
  'SKU-1,Phone case,19.90,10,new',
  'SKU-2,Charger,"R$ 1.234,56",5,novo',
  'SKU-3,,10.00,1,used',
  ...Array.from({ length: 3_000 }, (_, i) => `BULK-${i},Item ${i},${(i % 90) + 1}.50,${i % 100},new`),
].join('\n');

describe('CSV task handlers on local-disk storage', () => {
  let root: string;
  let storage: ObjectStorage;
  let deps: CsvJobDeps;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vh-csv-tasks-'));
    storage = new LocalDiskStorage(root);
    deps = { storage, resultsUri: 'results', resultLocation };
    await writeFile(join(root, 'feed.csv'), FEED);
    await writeFile(join(root, 'binary.csv'), Buffer.from([0, 1, 2, 3, 0, 255, 0, 0, 7, 0, 0, 0, 1, 2, 0, 0]));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const context = (params: Partial<CsvJobParams>, signal = new AbortController().signal) => {
    const progress: Array<{ percent: number; message?: string }> = [];
    const ctx: TaskContext<CsvJobParams> = {
      jobId: randomUUID(),
      attempt: 1,
      runId: 'run-a',
      correlationId: 'corr',
      params: { input_uri: 'feed.csv', marketplace: 'mercado_livre', ruleset: 'default', auto_fix: false, ...params },
      signal,
      reportProgress: (percent, message) => progress.push({ percent, message }),
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    };
    return { ctx, progress };
  };

  it('validate_csv_job stores the report, returns its URI and the summary, and reports progress', async () => {
    const { ctx, progress } = context({});
    const result = await validateCsvHandler(deps)(ctx);
    const folder = `results/${ctx.jobId}/attempt-1/run-a`;
    expect(result.resultRef).toBe(`${folder}/report.json`);
    expect(result.summary).toMatchObject({
      rows_total: 3_003,
      report_ref: result.resultRef,
      corrected_ref: null,
      issues_csv_ref: `${folder}/issues.csv`,
      report_html_ref: `${folder}/report.html`,
    });
    expect(result.summary!.rows_invalid).toBeGreaterThanOrEqual(2);
    const report = JSON.parse(await readFile(join(root, result.resultRef!), 'utf8'));
    expect(report.summary).toEqual(Object.fromEntries(Object.keys(report.summary).map((k) => [k, result.summary![k]])));
    expect(report.issues.some((i: { row: number; column: string }) => i.row === 3 && i.column === 'title')).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({ percent: 100, message: 'Validated 3003 rows' });
    expect(progress.some((p) => /^Validating \d+ rows$/.test(p.message ?? ''))).toBe(true);
    expect(await storage.exists(`${folder}/corrected.csv`)).toBe(false);
    const issuesCsv = await readFile(join(root, folder, 'issues.csv'), 'utf8');
    expect(issuesCsv.startsWith('\ufeffrow,line,sku,column,rule,severity,message,value,fixed_value,fixable\r\n')).toBe(true);
    expect(issuesCsv.split('\r\n').length - 2).toBe(report.issues.length);
    const html = await readFile(join(root, folder, 'report.html'), 'utf8');
    expect(html).toContain('<title>feed.csv</title>');
    expect(html).toContain("default-src 'none'");
  });

  it('each attempt and each run writes under its own keys: a later one never overwrites an earlier one', async () => {
    const { ctx } = context({ auto_fix: true });
    const first = await correctCsvHandler(deps)(ctx);
    const second = await correctCsvHandler(deps)({ ...ctx, attempt: 2, runId: 'run-b' });
    const rerun = await correctCsvHandler(deps)({ ...ctx, runId: 'run-c' });
    expect(first.resultRef).toBe(`results/${ctx.jobId}/attempt-1/run-a/corrected.csv`);
    expect(second.resultRef).toBe(`results/${ctx.jobId}/attempt-2/run-b/corrected.csv`);
    expect(rerun.resultRef).toBe(`results/${ctx.jobId}/attempt-1/run-c/corrected.csv`);
    for (const result of [first, second, rerun]) expect(await storage.exists(result.summary!.report_ref as string)).toBe(true);
  });

  it('a corrected CSV past the output cap is a permanent resource_limit_exceeded, and no corrected CSV is kept', async () => {
    // 42 KB that pads out to ~40 MB: a header of 2,000 columns, then one-cell rows; the cap is input + 64 MiB.
    const header = Array.from({ length: 2_000 }, (_, i) => `c${i}`).join(',');
    await writeFile(join(root, 'padded.csv'), [header, ...Array.from({ length: 40_000 }, () => 'x')].join('\n'));
    const { ctx } = context({ input_uri: 'padded.csv', marketplace: 'generic', auto_fix: true });
    const error = await correctCsvHandler(deps)(ctx).catch((e) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect(error).toMatchObject({ code: 'resource_limit_exceeded', retryable: false });
    expect(error.message).toMatch(/corrected CSV would be larger than \d+ bytes/);
    expect(await storage.exists(`results/${ctx.jobId}/attempt-1/run-a/corrected.csv`)).toBe(false);
  });

  it('a header wider than maxColumns ends in a report with too_many_columns, not an error', async () => {
    await writeFile(join(root, 'wide.csv'), `${Array.from({ length: 50 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(49)}1\n`);
    const { ctx } = context({ input_uri: 'wide.csv', marketplace: 'generic' });
    const result = await validateCsvHandler({ ...deps, maxColumns: 10 })(ctx);
    expect(result.summary).toMatchObject({ rows_total: 0, errors: 1 });
    const report = JSON.parse(await readFile(join(root, result.resultRef!), 'utf8'));
    expect(report.issues[0]).toMatchObject({ row: 0, rule: 'too_many_columns', severity: 'error' });
  });

  it('correct_csv_job streams the corrected CSV to storage and points result_ref at it', async () => {
    const { ctx } = context({ auto_fix: true });
    const result = await correctCsvHandler(deps)(ctx);
    expect(result.resultRef).toBe(`results/${ctx.jobId}/attempt-1/run-a/corrected.csv`);
    expect(result.summary).toMatchObject({ report_ref: `results/${ctx.jobId}/attempt-1/run-a/report.json`, corrected_ref: result.resultRef });
    expect(result.summary!.fixes_applied).toBeGreaterThanOrEqual(2);
    const corrected = await readFile(join(root, result.resultRef!), 'utf8');
    const lines = corrected.trim().split(/\r?\n/);
    expect(lines).toHaveLength(3_004);
    expect(lines[2]).toBe('SKU-2,Charger,1234.56,5,new');
  });

  it('a missing input is a permanent input_not_found', async () => {
    const { ctx } = context({ input_uri: 'nope/missing.csv' });
    const error = await validateCsvHandler(deps)(ctx).catch((e) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect(error).toMatchObject({ code: 'input_not_found', retryable: false });
    expect(error.message).toContain('nope/missing.csv');
  });

  it('binary content is a permanent unreadable_csv', async () => {
    const { ctx } = context({ input_uri: 'binary.csv' });
    const error = await validateCsvHandler(deps)(ctx).catch((e) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect(error.code).toBe('unreadable_csv');
  });

  it('a path escaping the storage root is refused permanently', async () => {
    const { ctx } = context({ input_uri: '../../etc/passwd' });
    const error = await validateCsvHandler(deps)(ctx).catch((e) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect(error.retryable).toBe(false);
  });

  it('storage being down is a transient storage_unavailable', async () => {
    const down: ObjectStorage = {
      ...storage,
      openRead: async () => Promise.reject(new StorageUnavailableError('connect ECONNREFUSED')),
    } as ObjectStorage;
    const { ctx } = context({});
    const error = await validateCsvHandler({ ...deps, storage: down })(ctx).catch((e) => e);
    expect(error).toBeInstanceOf(TransientJobError);
    expect(error.code).toBe('storage_unavailable');
  });

  it('a corrected-CSV upload failing mid-way is reported as the storage error, not as an engine error', async () => {
    const failingWrites: ObjectStorage = {
      ...storage,
      openRead: (uri, options) => storage.openRead(uri, options),
      write: async (uri, body) => {
        if (!uri.endsWith('corrected.csv') || typeof body === 'string' || Buffer.isBuffer(body)) return storage.write(uri, body);
        const failure = new StorageUnavailableError('upload reset by peer');
        await new Promise((resolve) => setTimeout(resolve, 5));
        body.destroy();
        throw failure;
      },
    } as ObjectStorage;
    const { ctx } = context({ auto_fix: true });
    const error = await correctCsvHandler({ ...deps, storage: failingWrites })(ctx).catch((e) => e);
    expect(error).toBeInstanceOf(TransientJobError);
    expect(error.code).toBe('storage_unavailable');
  });

  it('an abort passes through untouched (the runtime reports why it aborted) and leaves no result', async () => {
    const controller = new AbortController();
    controller.abort('cancelled');
    const { ctx } = context({ auto_fix: true }, controller.signal);
    const error = await correctCsvHandler(deps)(ctx).catch((e) => e);
    expect(error).not.toBeInstanceOf(PermanentJobError);
    expect(error).not.toBeInstanceOf(TransientJobError);
    expect(await storage.exists(`results/${ctx.jobId}/attempt-1/run-a/report.json`)).toBe(false);
    expect(await storage.exists(`results/${ctx.jobId}/attempt-1/run-a/corrected.csv`)).toBe(false);
  });
});
