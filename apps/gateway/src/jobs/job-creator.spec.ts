import { ANONYMOUS_TENANT_ID } from '@validahub/jobs-domain';
import { checkPayloadSignature } from '@validahub/jobs-queueing';
import { context as traceContext, contextFromTraceparent, startTracing, stopTracing } from '@validahub/observability';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { DEFAULT_KEY_SCOPES } from '@validahub/tenancy';
import { ANONYMOUS_AUTH, RequestAuth } from '../auth/request-auth';
import type { CreateJobDto } from './create-job.dto';
import { ProblemException } from '../http/problem';
import { metricCount, newTestServices } from '../testing/new-test-services';

// Create's validation and micro-batching with the repository and the queues faked; the same
// paths over HTTP against real servers are in jobs-api.integration-spec.ts.
describe('JobCreator', () => {
  // Open mode (the body's plan is honoured), as before API keys; a tenant's rules are below.
  const context = { tenantId: ANONYMOUS_TENANT_ID, correlationId: 'corr-7', auth: ANONYMOUS_AUTH };
  const dto = (changes: Partial<CreateJobDto> = {}): CreateJobDto => ({ task: 'noop_job', params: {}, ...changes }) as CreateJobDto;

  function setup(env: Record<string, string> = {}) {
    const services = newTestServices({ ENABLE_TEST_TASKS: 'true', ...env });
    return { ...services, ...services.fakes };
  }

  /** The 400 problem a create threw, with nothing stored or enqueued. */
  async function refused(create: Promise<unknown>, fakes: ReturnType<typeof setup>) {
    const error = await create.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProblemException);
    expect(fakes.jobs.inserts).toEqual([]);
    expect(fakes.queues.bulks).toEqual([]);
    return (error as ProblemException).spec;
  }

  describe('validation', () => {
    it('refuses an unknown task, listing the known ones', async () => {
      const s = setup();
      const spec = await refused(s.creator.create(dto({ task: 'nope_job' }), context), s);
      expect(spec.status).toBe(400);
      expect(spec.errors).toEqual([{ field: 'task', message: expect.stringMatching(/^Unknown task "nope_job"\. Known tasks: [a-z_, ]+\.$/) }]);
      for (const name of ['validate_csv_job', 'correct_csv_job', 'sync_connector_job', 'generate_report_job']) expect(spec.detail).toContain(name);
      expect(spec.detail).toContain('noop_job');
    });

    it('accepts generate_report_job, preparing its data before the row is stored, and refuses a bad period', async () => {
      const s = setup();
      const job = await s.creator.create(dto({ task: 'generate_report_job', params: { from: '2026-11-01', to: '2026-11-30' } }), context);
      expect(job.params).toEqual({ from: '2026-11-01', to: '2026-11-30', formats: ['html', 'csv', 'json'] });
      expect(s.jobInputs.prepared).toEqual([job.id]);
      const fresh = setup();
      const reversed = await refused(
        fresh.creator.create(dto({ task: 'generate_report_job', params: { from: '2026-11-30', to: '2026-11-01' } }), context),
        fresh,
      );
      expect(fresh.jobInputs.prepared).toEqual([]);
      expect(reversed.errors).toEqual([{ field: 'params.to', message: 'must not be before from' }]);
    });

    it('refuses test tasks unless test tasks are enabled', async () => {
      const s = setup({ ENABLE_TEST_TASKS: 'false' });
      const spec = await refused(s.creator.create(dto({ task: 'noop_job' }), context), s);
      expect(spec.errors?.[0].message).toContain('Unknown task "noop_job"');
    });

    it('refuses bad params, one entry per field', async () => {
      const s = setup();
      const spec = await refused(s.creator.create(dto({ task: 'sleep_job', params: { ms: 'soon', extra: 1 } }), context), s);
      expect(spec.detail).toBe('Invalid params for sleep_job.');
      expect(spec.errors?.map((e) => e.field).sort()).toEqual(['params.extra', 'params.ms']);
    });

    it.each([
      ['../outside.csv', 'a path out of the storage root'],
      ['/etc/passwd', 'an absolute path outside the root'],
      ['s3://bucket/feed.csv', 's3:// without S3 configured'],
      ['ftp://host/feed.csv', 'an unknown scheme'],
    ])('refuses input_uri %p (%s) on params.input_uri', async (uri) => {
      const s = setup();
      const spec = await refused(s.creator.create(dto({ task: 'validate_csv_job', params: { input_uri: uri } }), context), s);
      expect(spec.detail).toMatch(/^Invalid params\.input_uri \(\w+\)\.$/);
      expect(spec.errors).toEqual([{ field: 'params.input_uri', message: expect.any(String) }]);
    });

    it('accepts sync_connector_job with an https source, filling nothing the worker derives', async () => {
      const s = setup();
      const params = { source: { type: 'http', url: 'https://shop.example.com/feed.csv', headers: { Authorization: 'Bearer t' } } };
      const job = await s.creator.create(dto({ task: 'sync_connector_job', params }), context);
      expect(job.params).toEqual(params);
      expect(s.queues.payloads.get(job.id)).toMatchObject({ task: 'sync_connector_job', timeLimitSeconds: 1800 });
    });

    it.each([
      [{ type: 'http', url: 'http://shop.example.com/feed.csv' }, {}, 'params.source.url', /must use https:/],
      [{ type: 'http', url: 'https://127.0.0.1/feed.csv' }, {}, 'params.source.url', /127\.0\.0\.1 is a loopback address/],
      [{ type: 'http', url: 'https://[::ffff:169.254.169.254]/' }, {}, 'params.source.url', /IPv4-mapped form of a link-local address/],
      [{ type: 's3', uri: 's3://feeds/in.csv' }, {}, 'params.source.uri', /is an s3:\/\/ URI but no S3 storage is configured/],
      [
        { type: 'http', url: 'https://shop.example.com/f.csv' },
        { max_bytes: 2 * 1024 ** 3 },
        'params.max_bytes',
        /^must be at most 1073741824 \(MAX_UPLOAD_BYTES\)$/,
      ],
    ])('refuses a sync source the deployment does not allow: %j %j', async (source, extra, field, message) => {
      const s = setup();
      const spec = await refused(s.creator.create(dto({ task: 'sync_connector_job', params: { source, ...extra } }), context), s);
      expect(spec.detail).toBe('Invalid params for sync_connector_job.');
      expect(spec.errors).toEqual([{ field, message: expect.stringMatching(message) }]);
    });

    it('with WEBHOOK_ALLOW_PRIVATE, accepts http and loopback sources (development and tests)', async () => {
      const s = setup({ WEBHOOK_ALLOW_PRIVATE: 'true' });
      const job = await s.creator.create(
        dto({ task: 'sync_connector_job', params: { source: { type: 'http', url: 'http://127.0.0.1:8080/f.csv' } } }),
        context,
      );
      expect(job.taskName).toBe('sync_connector_job');
    });

    it('accepts a confined input that does not exist yet (the worker reports input_not_found)', async () => {
      const s = setup();
      const job = await s.creator.create(dto({ task: 'validate_csv_job', params: { input_uri: 'feeds/later.csv' } }), context);
      expect(job.params).toMatchObject({ input_uri: 'feeds/later.csv', marketplace: 'generic' });
    });
  });

  describe('the stored job', () => {
    it('takes plan, priority, retries and expiry from the plan and the config', async () => {
      const s = setup({ MAX_RETRIES_PRO: '5', JOB_TTL_SECONDS_PRO: '600' });
      const before = Date.now();
      const job = await s.creator.create(dto({ plan: 'pro', idempotency_key: 'k-1' }), context);
      expect(job).toMatchObject({
        plan: 'pro',
        queue: 'queue-pro',
        maxAttempts: 6,
        tenantId: ANONYMOUS_TENANT_ID,
        correlationId: 'corr-7',
        idempotencyKey: 'k-1',
      });
      expect(job.priority).toBeGreaterThan(1);
      expect(job.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 600_000);
      expect(job.expiresAt!.getTime()).toBeLessThan(before + 610_000);
      const free = await s.creator.create(dto(), context, { idempotencyKey: 'from-header' });
      expect(free).toMatchObject({ plan: 'free', queue: 'queue-free', maxAttempts: 4, idempotencyKey: 'from-header' });
    });

    it('enqueues the payload the worker needs, signed, with the configured time limit', async () => {
      const s = setup({ TASK_TIME_LIMIT: '42' });
      const job = await s.creator.create(dto({ plan: 'business' }), context);
      const payload = s.queues.payloads.get(job.id)!;
      expect(checkPayloadSignature(s.config.security.payloadSigningSecret, payload)).toBe('valid');
      expect(payload).toEqual({
        jobId: job.id,
        tenantId: ANONYMOUS_TENANT_ID,
        signature: expect.stringMatching(/^[0-9a-f]{64}$/),
        task: 'noop_job',
        params: {},
        plan: 'business',
        correlationId: 'corr-7',
        maxAttempts: job.maxAttempts,
        timeLimitSeconds: 42,
        expiresAt: job.expiresAt!.toISOString(),
      });
      expect(s.queues.bulks[0][0].options).toEqual({ priority: job.priority, fairRank: 1 });
    });
  });

  describe("a tenant's plan, priority and storage", () => {
    const TENANT = '6b0f4a43-64a5-4b43-9a43-0b4f7e2f1c11';
    const auth: RequestAuth = {
      tenant: { id: TENANT, name: 'acme', plan: 'pro', status: 'active', allowedBuckets: ['partner-feeds', 'not-served'] },
      plan: 'pro',
      scopes: DEFAULT_KEY_SCOPES,
      limitOverrides: {},
      keyId: '1f3bd2f6-8c0e-4f38-8b47-5d0a3a6a9e01',
    };
    const tenant = { tenantId: TENANT, correlationId: 'corr-8', auth };

    it("runs on the tenant's plan and priority when the body names none, or the same plan", async () => {
      const s = setup();
      expect(await s.creator.create(dto(), tenant)).toMatchObject({ tenantId: TENANT, plan: 'pro', queue: 'queue-pro', priority: 5 });
      expect(await s.creator.create(dto({ plan: 'pro', priority: 5 }), tenant)).toMatchObject({ plan: 'pro', priority: 5 });
      expect(await s.creator.create(dto({ priority: 1 }), tenant)).toMatchObject({ priority: 1 });
    });

    it.each([
      [{ plan: 'enterprise' as const }, 'plan-not-allowed'],
      [{ plan: 'free' as const }, 'plan-not-allowed'],
      [{ priority: 6 }, 'priority-not-allowed'],
      [{ plan: 'pro' as const, priority: 10 }, 'priority-not-allowed'],
    ])('refuses %j with 403 %s, storing nothing', async (changes, type) => {
      const s = setup();
      const spec = await refused(s.creator.create(dto(changes), tenant), s);
      expect(spec).toMatchObject({ status: 403, type });
    });

    it('lets open mode pick any plan and priority, as the seed does', async () => {
      const s = setup();
      expect(await s.creator.create(dto({ plan: 'free', priority: 10 }), context)).toMatchObject({ plan: 'free', priority: 10 });
    });

    it.each([
      ['tenants/1f3bd2f6-8c0e-4f38-8b47-5d0a3a6a9e01/uploads/x.csv', 'outside_tenant'],
      ['../1f3bd2f6-8c0e-4f38-8b47-5d0a3a6a9e01/uploads/x.csv', 'path_traversal'],
      ['/etc/passwd', 'absolute_path'],
      ['s3://not-served/x.csv', 'bucket_not_allowed'],
    ])("refuses the input %p outside the tenant's storage (%s)", async (input_uri, reason) => {
      const s = setup({ S3_ALLOWED_BUCKETS: 'partner-feeds' });
      const spec = await refused(s.creator.create(dto({ task: 'validate_csv_job', params: { input_uri } }), tenant), s);
      expect(spec.detail).toBe(`Invalid params.input_uri (${reason}).`);
    });

    it('accepts its own relative paths, the shared samples and a bucket both it and the operator allow', async () => {
      const s = setup({ S3_ALLOWED_BUCKETS: 'partner-feeds' });
      for (const input_uri of ['uploads/2026/01/x.csv', 'samples/sample.csv', 's3://partner-feeds/in.csv']) {
        const job = await s.creator.create(dto({ task: 'validate_csv_job', params: { input_uri } }), tenant);
        expect(job.params).toMatchObject({ input_uri });
      }
    });
  });

  describe('micro-batching', () => {
    it('lets concurrent creates share one insert statement and one addBulk, each answered with its own job', async () => {
      const s = setup();
      const jobs = await Promise.all(
        Array.from({ length: 5 }, (_, i) => s.creator.create(dto({ priority: i + 1 }), { ...context, correlationId: `c-${i}` })),
      );
      expect(new Set(jobs.map((job) => job.id)).size).toBe(5);
      expect(jobs.map((job) => job.correlationId)).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-4']);
      expect(s.jobs.inserts.map((batch) => batch.length)).toEqual([5]);
      expect(s.queues.bulks.map((bulk) => bulk.map((item) => item.payload.jobId))).toEqual([jobs.map((job) => job.id)]);
      expect(await metricCount(s.metrics.jobsCreated, { task: 'noop_job', plan: 'free' })).toBe(5);
    });

    it("enqueues each job of a shared insert in its own request's trace", async () => {
      const s = setup();
      startTracing({
        enabled: true,
        serviceName: 'job-creator-test',
        spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })],
      });
      try {
        const traces = ['4bf92f3577b34da6a3ce929d0e0e4736', '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331b7ad6b7169203331'];
        const jobs = await Promise.all(
          traces.map((trace) => traceContext.with(contextFromTraceparent(`00-${trace}-00f067aa0ba902b7-01`), () => s.creator.create(dto(), context))),
        );
        expect(s.jobs.inserts.map((batch) => batch.length)).toEqual([3]);
        const carried = new Map(s.queues.bulks.flat().map((item) => [item.payload.jobId, item.payload.traceparent]));
        expect(jobs.map((job) => carried.get(job.id)?.split('-')[1])).toEqual(traces);
      } finally {
        await stopTracing();
      }
    });

    it("leaves a job without a trace untraced when it shares an insert with a traced request's job", async () => {
      const s = setup();
      startTracing({
        enabled: true,
        serviceName: 'job-creator-test',
        spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })],
      });
      try {
        const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
        // The traced create comes first, so the shared insert runs in its context.
        const [traced, untraced] = await Promise.all([
          traceContext.with(contextFromTraceparent(`00-${trace}-00f067aa0ba902b7-01`), () => s.creator.create(dto(), context)),
          s.creator.create(dto(), context),
        ]);
        expect(s.jobs.inserts.map((batch) => batch.length)).toEqual([2]);
        const carried = new Map(s.queues.bulks.flat().map((item) => [item.payload.jobId, item.payload.traceparent]));
        expect(carried.get(traced.id)?.split('-')[1]).toBe(trace);
        expect(carried.has(untraced.id)).toBe(true);
        expect(carried.get(untraced.id)).toBeUndefined();
      } finally {
        await stopTracing();
      }
    });

    it('gives a create with its own transaction (an idempotency key) a statement of its own', async () => {
      const s = setup();
      const within = jest.fn(async () => undefined);
      await Promise.all([s.creator.create(dto(), context, { within }), s.creator.create(dto(), context), s.creator.create(dto(), context)]);
      expect(s.jobs.inserts.map((batch) => batch.length).sort()).toEqual([1, 2]);
    });

    it('still answers with the stored job when Redis refuses the enqueue, and counts the failure', async () => {
      const s = setup();
      s.queues.failWith = new Error('Connection is closed.');
      const jobs = await Promise.all([s.creator.create(dto(), context), s.creator.create(dto({ plan: 'pro' }), context)]);
      expect(jobs.map((job) => job.status)).toEqual(['queued', 'queued']);
      expect(s.jobs.rows.size).toBe(2);
      expect(await metricCount(s.metrics.enqueueFailures, { plan: 'free' })).toBe(1);
      expect(await metricCount(s.metrics.enqueueFailures, { plan: 'pro' })).toBe(1);
      expect(await metricCount(s.metrics.transitions, { to_status: 'queued', actor: 'api' })).toBe(2);
    });

    it('fails every create of a batch whose insert failed, and enqueues none of them', async () => {
      const s = setup();
      jest.spyOn(s.jobs, 'createMany').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
      const results = await Promise.allSettled([s.creator.create(dto(), context), s.creator.create(dto(), context)]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(s.queues.bulks).toEqual([]);
      expect(await metricCount(s.metrics.jobsCreated)).toBe(0);
    });
  });
});
