import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiProblemError, createJobsClient, type Job } from './index';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const JOB_ID = '550e8400-e29b-41d4-a716-446655440000';
const job = (over: Partial<Job> = {}): Job =>
  ({ id: JOB_ID, task_name: 'validate_csv_job', status: 'queued', progress: 0, message: null, plan: 'pro', ...over }) as Job;
const problem = (res: ServerResponse, status: number, detail: string, errors?: object[]) => {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(
    JSON.stringify({
      type: `https://validahub.dev/problems/${status === 404 ? 'not-found' : 'validation-error'}`,
      title: 't',
      status,
      detail,
      errors,
      correlation_id: 'c-1',
    }),
  );
};
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** A stand-in gateway on a real socket: the client's HTTP (headers, multipart, SSE) is exercised for real. */
describe('JobsClient', () => {
  let server: Server;
  let handler: Handler;
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (seen.length = 0));

  it('creates a job with the API key and idempotency key, and reports a replay', async () => {
    handler = (_req, res) => json(res, 202, job(), { location: `/api/v1/jobs/${JOB_ID}`, 'idempotent-replayed': 'true' });
    const client = createJobsClient({ baseUrl, apiKey: 'vh_test_key' });
    const answer = await client.createJob(
      { task: 'validate_csv_job', params: { input_uri: 'test.csv', marketplace: 'mercado_livre' } },
      { idempotencyKey: 'k-1', correlationId: 'corr-1' },
    );
    expect(answer).toMatchObject({ status: 202, replayed: true, location: `/api/v1/jobs/${JOB_ID}`, job: { id: JOB_ID } });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/jobs' });
    expect(seen[0].headers).toMatchObject({ authorization: 'Bearer vh_test_key', 'idempotency-key': 'k-1', 'x-correlation-id': 'corr-1' });
    expect(JSON.parse(seen[0].body)).toEqual({ task: 'validate_csv_job', params: { input_uri: 'test.csv', marketplace: 'mercado_livre' } });
  });

  it('throws the problem+json of a refusal, with its fields', async () => {
    handler = (_req, res) => problem(res, 400, 'The request is not valid.', [{ field: 'params.input_uri', message: 'is required' }]);
    const error = await createJobsClient({ baseUrl })
      .getJob(JOB_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect(error).toMatchObject({ status: 400, slug: 'validation-error', problem: { correlation_id: 'c-1' } });
    expect((error as Error).message).toContain('params.input_uri: is required');
  });

  it('uploads the file as the multipart part "file"', async () => {
    handler = (_req, res) => json(res, 201, { uri: 'uploads/2026/01/x.csv', size: 9, sha256: 'ab' });
    const uploaded = await createJobsClient({ baseUrl }).upload(new Blob(['sku\nA-1\n']), 'feed.csv');
    expect(uploaded.uri).toBe('uploads/2026/01/x.csv');
    expect(seen[0].headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen[0].body).toMatch(/name="file"; filename="feed.csv"\r\nContent-Type: text\/csv\r\n\r\nsku\nA-1\n/);
  });

  it('follows a job on the event stream when the gateway offers one', async () => {
    handler = (req, res) => {
      if (!req.url?.endsWith('/stream')) return json(res, 500, {});
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`id: 1\nevent: status\ndata: ${JSON.stringify(job({ status: 'running' }))}\n\n`);
      res.write(': keep-alive\n\n');
      res.write(`id: 2\nevent: progress\ndata: ${JSON.stringify({ progress: 50, message: 'half' })}\n\n`);
      setTimeout(() => res.end(`id: 3\nevent: status\ndata: ${JSON.stringify(job({ status: 'succeeded', progress: 100 }))}\n\n`), 20);
    };
    const updates: string[] = [];
    const done = await createJobsClient({ baseUrl }).waitForJob(JOB_ID, { onUpdate: (j) => updates.push(`${j.status} ${j.progress}`) });
    expect(done).toMatchObject({ status: 'succeeded', followedBy: 'stream' });
    expect(updates).toEqual(['running 0', 'running 50', 'succeeded 100']);
    expect(seen.map((r) => r.url)).toEqual([`/api/v1/jobs/${JOB_ID}/stream`]);
    expect(seen[0].headers.accept).toBe('text/event-stream');
  });

  it('polls with a growing gap when the gateway has no event stream (404 route)', async () => {
    let polls = 0;
    handler = (req, res) => {
      if (req.url?.endsWith('/stream')) return problem(res, 404, `No route for GET ${req.url}`);
      polls += 1;
      json(res, 200, job({ status: polls < 5 ? 'running' : 'succeeded', progress: polls < 3 ? 10 : 60 }));
    };
    const updates: string[] = [];
    const started = Date.now();
    const done = await createJobsClient({ baseUrl }).waitForJob(JOB_ID, {
      pollIntervalMs: 40,
      onUpdate: (j) => updates.push(`${j.status} ${j.progress}`),
    });
    expect(done).toMatchObject({ status: 'succeeded', followedBy: 'poll' });
    expect(updates).toEqual(['running 10', 'running 60', 'succeeded 60']);
    // Gaps: 40 (change), 60 (same), 40 (change), 60 (same) -> at least 200 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(polls).toBe(5);
  });

  it('does not poll a job the gateway says does not exist', async () => {
    handler = (_req, res) => problem(res, 404, `Job ${JOB_ID} not found.`);
    await expect(createJobsClient({ baseUrl }).waitForJob(JOB_ID)).rejects.toMatchObject({ status: 404 });
    expect(seen).toHaveLength(1);
  });

  it('gives up after its timeout', async () => {
    handler = (req, res) => (req.url?.endsWith('/stream') ? problem(res, 404, 'No route') : json(res, 200, job({ status: 'running' })));
    await expect(createJobsClient({ baseUrl }).waitForJob(JOB_ID, { timeoutMs: 150, pollIntervalMs: 20 })).rejects.toThrow(
      /did not finish within 150 ms/,
    );
  });

  it('downloads a result part as a stream, and throws the 404 problem of a missing part', async () => {
    handler = (req, res) => {
      if (req.url?.includes('part=corrected')) return problem(res, 404, 'no corrected result');
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end('row,line,sku\n');
    };
    const client = createJobsClient({ baseUrl });
    expect(await (await client.downloadResult(JOB_ID, 'issues_csv')).text()).toBe('row,line,sku\n');
    expect(seen[0].url).toBe(`/api/v1/jobs/${JOB_ID}/result/content?part=issues_csv`);
    await expect(client.downloadResult(JOB_ID, 'corrected')).rejects.toMatchObject({ status: 404 });
  });
});
