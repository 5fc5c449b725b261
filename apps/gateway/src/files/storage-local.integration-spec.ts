import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WorkerRuntime } from '@validahub/worker-runtime';
import { createGatewayHarness, GatewayHarness } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';
import { createJob, multipartBody, resultKey, SAMPLE_FEED, startWorker, upload, waitForTerminal } from '../testing/storage-test-kit';

jest.setTimeout(60_000);

const MAX_UPLOAD_BYTES = 64 * 1024;

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('uploads and results on local disk, with a real worker', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let worker: WorkerRuntime;
  let outside: string;

  beforeAll(async () => {
    harness = await createGatewayHarness('files_local', { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES), RESULTS_URI: 'results/' });
    outside = await mkdtemp(join(tmpdir(), 'vh-outside-'));
    await writeFile(join(outside, 'secret.csv'), 'sku\nsecret\n');
    await mkdir(join(harness.storageRoot, 'feeds'), { recursive: true });
    await symlink(outside, join(harness.storageRoot, 'feeds', 'link-out'));
    await symlink(join(outside, 'secret.csv'), join(harness.storageRoot, 'feeds', 'file-link.csv'));
    app = await harness.start();
    worker = await startWorker(harness.config);
  });

  afterAll(async () => {
    await worker?.stop();
    await harness?.close();
    await rm(outside, { recursive: true, force: true });
  });

  it('uploads, validates with auto_fix and serves every artefact, all under the storage root', async () => {
    const uploaded = await upload(app, SAMPLE_FEED, { contentType: 'application/octet-stream', fileName: 'feed.CSV' });
    expect(uploaded.statusCode).toBe(201);
    const { uri, size, sha256 } = uploaded.json() as { uri: string; size: number; sha256: string };
    expect(uri).toMatch(/^uploads\/\d{4}\/\d{2}\/[0-9a-f-]{36}\.csv$/);
    expect(size).toBe(Buffer.byteLength(SAMPLE_FEED));
    expect(sha256).toBe(createHash('sha256').update(SAMPLE_FEED).digest('hex'));
    expect(await readFile(join(harness.storageRoot, uri), 'utf8')).toBe(SAMPLE_FEED);

    const { id } = (await createJob(app, 'validate_csv_job', { input_uri: uri, marketplace: 'mercado_livre', auto_fix: true })).json() as {
      id: string;
    };
    const job = await waitForTerminal(app, id);
    const summary = job.summary as Record<string, string>;
    expect(job).toMatchObject({ status: 'succeeded', result_ref: summary.report_ref, summary: { rows_total: 4 } });
    expect(summary.report_ref).toMatch(resultKey('results', id, 'report.json'));
    const folder = summary.report_ref.replace(/report\.json$/, '');
    expect(summary).toMatchObject({
      corrected_ref: `${folder}corrected.csv`,
      issues_csv_ref: `${folder}issues.csv`,
      report_html_ref: `${folder}report.html`,
    });

    const report = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=report` });
    expect(report.headers['content-type']).toMatch(/^application\/json/);
    expect(report.headers['content-disposition']).toBe(`attachment; filename="${id}-report.json"`);
    expect(report.body).toBe(await readFile(join(harness.storageRoot, summary.report_ref), 'utf8'));
    const corrected = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=corrected` });
    expect(corrected.headers['content-type']).toMatch(/^text\/csv/);
    expect(corrected.body).toBe(await readFile(join(harness.storageRoot, summary.corrected_ref), 'utf8'));
    expect(corrected.body).not.toContain('Novo');

    const issues = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=issues_csv` });
    expect(issues.statusCode).toBe(200);
    expect(issues.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(issues.headers['content-disposition']).toBe(`attachment; filename="${id}-issues.csv"`);
    expect(issues.headers['x-content-type-options']).toBe('nosniff');
    expect(issues.body).toBe(await readFile(join(harness.storageRoot, summary.issues_csv_ref), 'utf8'));
    expect(issues.body.startsWith('\ufeffrow,line,sku,column,rule,severity,message,value,fixed_value,fixable\r\n')).toBe(true);
    const page = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=report_html` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-disposition']).toBe(`inline; filename="${id}-report.html"`);
    expect(page.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    expect(page.body).toContain('<title>');
    expect(page.body).toBe(await readFile(join(harness.storageRoot, summary.report_html_ref), 'utf8'));
  });

  it('answers 404 for a part the job does not have and 400 for a part that does not exist', async () => {
    await writeFile(join(harness.storageRoot, 'feeds', 'x.csv'), SAMPLE_FEED);
    const { id } = (await createJob(app, 'validate_csv_job', { input_uri: 'feeds/x.csv' })).json() as { id: string };
    expect(await waitForTerminal(app, id)).toMatchObject({ status: 'succeeded' });
    const missing = expectProblem(await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=corrected` }), 404);
    expect(missing.detail).toMatch(/has no corrected result/);
    // `html` is a report job's part: a validate job has none (404), but it is a known name.
    expect(expectProblem(await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=html` }), 404).status).toBe(404);
    for (const bad of ['pdf', 'issues', 'REPORT', '', 'report&part=corrected']) {
      const problem = expectProblem(await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=${bad}` }), 400);
      expect(problem.errors).toEqual([{ field: 'part', message: 'must be one of: report, corrected, issues_csv, report_html, html, csv, json' }]);
    }
  });

  it('accepts the same input as a file:// URI inside the root', async () => {
    await writeFile(join(harness.storageRoot, 'feeds', 'in put.csv'), SAMPLE_FEED);
    const fileUri = `file://${join(harness.storageRoot, 'feeds', 'in%20put.csv')}`;
    const { id } = (await createJob(app, 'correct_csv_job', { input_uri: fileUri, marketplace: 'mercado_livre' })).json() as { id: string };
    const job = await waitForTerminal(app, id);
    expect(job).toMatchObject({ status: 'succeeded' });
    expect(job.result_ref).toMatch(resultKey('results', id, 'corrected.csv'));
  });

  it('fails a missing local input with input_not_found after one attempt and no retries', async () => {
    const { id } = (await createJob(app, 'validate_csv_job', { input_uri: 'feeds/not-there.csv' })).json() as { id: string };
    expect(await waitForTerminal(app, id)).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'input_not_found', retryable: false } });
    const events = (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/events` })).json() as { items: { to_status: string }[] };
    expect(events.items.map((e) => e.to_status)).toEqual(['queued', 'running', 'failed']);
  });

  // Every way out of the root, refused at create time with 400 on params.input_uri; no job is created.
  const escapes: [string, (root: string) => string, string][] = [
    ['parent segment', () => '../secret.csv', 'path_traversal'],
    ['parent inside a path', () => 'feeds/../../secret.csv', 'path_traversal'],
    ['parent that lands back inside', () => 'feeds/../feeds/x.csv', 'path_traversal'],
    ['absolute path elsewhere', () => '/etc/passwd', 'outside_root'],
    ['file:// elsewhere', () => 'file:///etc/passwd', 'outside_root'],
    ['file:// with .. out of the root', (root) => `file://${root}/../secret.csv`, 'path_traversal'],
    ['sibling folder sharing the prefix', (root) => `${root}-evil/x.csv`, 'outside_root'],
    ['symlinked folder pointing out', () => 'feeds/link-out/secret.csv', 'symlink_escape'],
    ['symlinked file pointing out', () => 'feeds/file-link.csv', 'symlink_escape'],
    ['percent-encoded dots', () => '%2e%2e/secret.csv', 'encoded_path_character'],
    ['percent-encoded slash', () => '..%2fsecret.csv', 'encoded_path_character'],
    ['double percent-encoding', () => '%252e%252e/secret.csv', 'encoded_path_character'],
    ['percent-encoded dots in file://', (root) => `file://${root}/%2e%2e/secret.csv`, 'encoded_path_character'],
    ['overlong UTF-8 dot', () => '%c0%ae%c0%ae/secret.csv', 'encoded_path_character'],
    // Refused before any storage check: no request text may hold a NUL (see http/unstorable-text.ts).
    ['raw NUL byte', () => 'feeds/x.csv\u0000.png', ''],
    ['encoded NUL byte', () => 'feeds/x.csv%00', 'nul_byte'],
    ['backslash traversal', () => '..\\secret.csv', 'backslash'],
    ['fullwidth dots and slash', () => '．．／secret.csv', 'confusable_character'],
    ['control character', () => 'feeds/\u0007x.csv', 'control_character'],
    ['surrounding whitespace', () => ' feeds/x.csv', 'surrounding_whitespace'],
    ['remote file:// host', () => 'file://evil.example/etc/passwd', 'invalid_file_uri'],
    ['http scheme', () => 'http://evil.example/x.csv', 'unsupported_scheme'],
    ['windows drive', () => 'C:\\secret.csv', ''],
    ['s3 without S3 configured', () => 's3://validahub/feeds/x.csv', 's3_not_configured'],
    ['the root itself', () => '.', ''],
  ];

  it.each(escapes)('refuses %s with 400 on params.input_uri', async (_name, inputFor, reason) => {
    const input = inputFor(harness.storageRoot);
    const before = (await app.inject({ method: 'GET', url: '/api/v1/jobs?limit=1' })).json() as { total: number };
    const problem = expectProblem(await createJob(app, 'validate_csv_job', { input_uri: input }), 400);
    expect(problem.errors?.[0]?.field).toBe('params.input_uri');
    if (reason) expect(problem.detail).toContain(`(${reason})`);
    // The storage root is never disclosed, unless the client wrote it into the input itself.
    if (!input.includes(harness.storageRoot)) expect(JSON.stringify(problem)).not.toContain(harness.storageRoot);
    const after = (await app.inject({ method: 'GET', url: '/api/v1/jobs?limit=1' })).json() as { total: number };
    expect(after.total).toBe(before.total);
  });

  describe('bad uploads', () => {
    it('413 over MAX_UPLOAD_BYTES, and no file is left under uploads/', async () => {
      const before = await filesUnder(join(harness.storageRoot, 'uploads'));
      const response = await upload(app, Buffer.alloc(MAX_UPLOAD_BYTES + 1, 'a'));
      expect(expectProblem(response, 413)).toMatchObject({ limit_bytes: MAX_UPLOAD_BYTES });
      expect(await filesUnder(join(harness.storageRoot, 'uploads'))).toEqual(before);
      const all = await readdir(harness.storageRoot, { recursive: true });
      expect(all.filter((name) => name.endsWith('.partial'))).toEqual([]);
    });

    it('accepts a file of exactly MAX_UPLOAD_BYTES', async () => {
      const response = await upload(app, Buffer.alloc(MAX_UPLOAD_BYTES, 'a'));
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ size: MAX_UPLOAD_BYTES });
    });

    it('413 at once when Content-Length announces far more than the limit', async () => {
      const body = multipartBody({ content: Buffer.alloc(MAX_UPLOAD_BYTES * 3, 'a') });
      expectProblem(await app.inject({ method: 'POST', url: '/api/v1/files', payload: body.payload, headers: body.headers }), 413);
    });

    it('415 for a body that is not multipart', async () => {
      const json = await app.inject({ method: 'POST', url: '/api/v1/files', payload: { file: 'sku\n1\n' } });
      expect(expectProblem(json, 415).detail).toMatch(/multipart\/form-data/);
      const raw = await app.inject({ method: 'POST', url: '/api/v1/files', payload: 'sku\n1\n', headers: { 'content-type': 'text/csv' } });
      expectProblem(raw, 415);
    });

    it('415 for a file part that is not a CSV', async () => {
      for (const [contentType, fileName] of [
        ['image/png', 'feed.csv'],
        ['application/octet-stream', 'feed.xlsx'],
        ['application/json', 'x.json'],
      ]) {
        const problem = expectProblem(await upload(app, SAMPLE_FEED, { contentType, fileName }), 415);
        expect(problem.detail).toContain(contentType);
      }
    });

    it('400 when the file part is missing or named otherwise', async () => {
      const none = multipartBody(null, { note: 'no file here' });
      const missing = expectProblem(await app.inject({ method: 'POST', url: '/api/v1/files', payload: none.payload, headers: none.headers }), 400);
      expect(missing.errors?.[0]?.field).toBe('file');
      const wrongName = expectProblem(await upload(app, SAMPLE_FEED, { field: 'upload' }), 400);
      expect(wrongName.detail).toMatch(/named "upload"/);
    });

    it('400 for an empty file, and nothing is kept', async () => {
      const before = await filesUnder(join(harness.storageRoot, 'uploads'));
      const problem = expectProblem(await upload(app, ''), 400);
      expect(problem.detail).toMatch(/empty/);
      expect(await filesUnder(join(harness.storageRoot, 'uploads'))).toEqual(before);
    });

    // Over real HTTP: light-my-request never ends busboy's input for a cut body, a socket does.
    it('400 for a truncated multipart body, and nothing is kept', async () => {
      const before = await filesUnder(join(harness.storageRoot, 'uploads'));
      const server = await harness.start({ eventApplier: false });
      await server.listen(0, '127.0.0.1');
      const body = multipartBody({ content: SAMPLE_FEED });
      const cut = body.payload.subarray(0, body.payload.length - 30);
      const response = await fetch(`${await server.getUrl()}/api/v1/files`.replace('[::1]', '127.0.0.1'), {
        method: 'POST',
        body: cut,
        headers: body.headers,
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await response.json()) as { detail: string }).detail).toMatch(/malformed/);
      expect(await filesUnder(join(harness.storageRoot, 'uploads'))).toEqual(before);
      await harness.stop(server);
    });

    it('keeps other routes JSON-only: multipart to POST /api/v1/jobs is 415', async () => {
      const body = multipartBody({ content: SAMPLE_FEED });
      expectProblem(await app.inject({ method: 'POST', url: '/api/v1/jobs', payload: body.payload, headers: body.headers }), 415);
    });
  });
});
