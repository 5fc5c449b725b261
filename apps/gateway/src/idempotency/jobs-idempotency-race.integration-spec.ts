import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { JobQueues } from '@validahub/jobs-queueing';
import { bullJobCount, connectSql, watchEnqueues } from '../testing/idempotency-test-kit';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';

const PROBLEMS = 'https://validahub.dev/problems/';
const CONCURRENT = 50;

interface Answer {
  status: number;
  replayed: boolean;
  retryAfter: string | null;
  body: { id?: string; type?: string; [member: string]: unknown };
}

describe('POST /api/v1/jobs under concurrency (real HTTP, Postgres and Redis)', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let base: string;
  let sql: Awaited<ReturnType<typeof connectSql>>;

  beforeAll(async () => {
    harness = await createGatewayHarness('jobsidemrace');
    app = await harness.start({ eventApplier: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    sql = await connectSql(harness);
  });
  afterAll(async () => {
    await sql?.end();
    await harness?.close();
  });
  afterEach(() => jest.restoreAllMocks());

  const send = async (payload: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(`${base}/api/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(payload),
    });
    return {
      status: response.status,
      replayed: response.headers.get('idempotent-replayed') === 'true',
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as Answer['body'],
    };
  };
  const jobsWithKey = async (key: string) =>
    sql.query<{ id: string; params: { input_uri: string } }>('SELECT id, params FROM jobs WHERE idempotency_key = $1', [key]);

  const expectInProgress = (answer: Answer) => {
    expect(answer.body.type).toBe(`${PROBLEMS}idempotency-request-in-progress`);
    expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
  };

  it(`creates exactly one job and one BullMQ job from ${CONCURRENT} concurrent identical requests`, async () => {
    const key = `race-identical-${Date.now()}`;
    const payload = { task: 'validate_csv_job', params: { input_uri: 'race.csv' }, idempotency_key: key };
    const enqueue = watchEnqueues(app.get(JobQueues));
    const bullBefore = await bullJobCount(harness);

    const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => send(payload)));

    const [job, ...others] = await jobsWithKey(key);
    expect(others).toEqual([]);
    expect(job).toBeDefined();
    expect(await bullJobCount(harness)).toBe(bullBefore + 1);
    expect(await harness.queues.queue('free').getJob(job.id)).toBeDefined();
    expect(enqueue.count()).toBe(1);

    const accepted = answers.filter((answer) => answer.status === 202);
    expect(accepted.filter((answer) => !answer.replayed)).toHaveLength(1);
    for (const answer of accepted) expect(answer.body.id).toBe(job.id);
    for (const answer of answers.filter((a) => a.status !== 202)) {
      expect(answer.status).toBe(409);
      expectInProgress(answer);
    }
    expect(accepted.length + answers.filter((a) => a.status === 409).length).toBe(CONCURRENT);
  });

  it(`creates exactly one job from ${CONCURRENT} concurrent requests sharing a key, half of them with another body`, async () => {
    const key = `race-mixed-${Date.now()}`;
    const payloadFor = (i: number) => ({ task: 'validate_csv_job', params: { input_uri: i % 2 === 0 ? 'even.csv' : 'odd.csv' } });
    const enqueue = watchEnqueues(app.get(JobQueues));
    const bullBefore = await bullJobCount(harness);

    const answers = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => send(payloadFor(i), { 'idempotency-key': key })));

    const [job, ...others] = await jobsWithKey(key);
    expect(others).toEqual([]);
    expect(await bullJobCount(harness)).toBe(bullBefore + 1);
    expect(enqueue.count()).toBe(1);

    const winnerUri = job.params.input_uri;
    const sameBody = answers.filter((_, i) => payloadFor(i).params.input_uri === winnerUri);
    const otherBody = answers.filter((_, i) => payloadFor(i).params.input_uri !== winnerUri);
    expect([sameBody.length, otherBody.length]).toEqual([25, 25]);

    // The winner's twins: the creation, replays of it, or 409 while it was being created.
    expect(sameBody.filter((answer) => answer.status === 202 && !answer.replayed)).toHaveLength(1);
    for (const answer of sameBody) {
      expect([202, 409]).toContain(answer.status);
      if (answer.status === 202) expect(answer.body.id).toBe(job.id);
      else expectInProgress(answer);
    }
    // The other body never gets a job: the key belongs to a different request, in flight or done.
    for (const answer of otherBody) {
      expect(answer.status).toBe(422);
      expect(answer.body.type).toBe(`${PROBLEMS}idempotency-key-reused`);
    }

    const later = await send(payloadFor(winnerUri === 'even.csv' ? 0 : 1), { 'idempotency-key': key });
    expect([later.status, later.replayed, later.body.id]).toEqual([202, true, job.id]);
  });

  it('hands a stalled claim to a retry and rolls back the stalled create, so still one job', async () => {
    const slowApp = await harness.start({ eventApplier: false, idempotency: { lockTimeoutSeconds: 0.3 } });
    const blocker = new Client({ connectionString: harness.db.url });
    await blocker.connect();
    try {
      const key = `takeover-${Date.now()}`;
      const payload = { task: 'validate_csv_job', params: { input_uri: 'slow.csv' }, idempotency_key: key };
      const post = () => slowApp.inject({ method: 'POST', url: '/api/v1/jobs', payload, headers: { 'content-type': 'application/json' } });
      const enqueue = watchEnqueues(slowApp.get(JobQueues));
      const waitingInserts = async () =>
        Number(
          (
            await sql.query<{ n: string }>(
              "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO jobs %'",
            )
          )[0].n,
        );

      // Hold inserts into jobs so the first create stalls after claiming its key.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE jobs IN SHARE ROW EXCLUSIVE MODE');
      const stalled = post();
      await waitFor(async () => (await waitingInserts()) === 1, 5_000, 'first create waiting on the lock');
      await new Promise((resolve) => setTimeout(resolve, 400)); // past the 0.3 s claim lock
      const retry = post();
      await waitFor(async () => (await waitingInserts()) === 2, 5_000, 'retry took the claim over and waits too');
      await blocker.query('COMMIT');

      const [stalledAnswer, retryAnswer] = await Promise.all([stalled, retry]);
      expect(stalledAnswer.statusCode).toBe(409);
      expect(stalledAnswer.json().type).toBe(`${PROBLEMS}idempotency-request-in-progress`);
      expect(stalledAnswer.headers['retry-after']).toBeDefined();
      expect(retryAnswer.statusCode).toBe(202);
      expect(await jobsWithKey(key)).toEqual([expect.objectContaining({ id: retryAnswer.json().id })]);
      expect(enqueue.count()).toBe(1);

      const replay = await post();
      expect([replay.statusCode, replay.headers['idempotent-replayed'], replay.json().id]).toEqual([202, 'true', retryAnswer.json().id]);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
      await harness.stop(slowApp);
    }
  });
});
