import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ReportData } from '@validahub/jobs-tasks';
import { startTestServer, type TestServer } from '@validahub/outbound-http/testing';
import { WorkerRuntime } from '@validahub/worker-runtime';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { SAMPLE_FEED, startWorker } from '../testing/storage-test-kit';

jest.setTimeout(120_000);

/**
 * A seller's real chain as one workflow: pull the feed from the store (a loopback HTTP server),
 * correct it, validate the corrected file, report on the period. Each step reads the one before
 * through an output reference. Real gateway, Postgres, Redis, worker and local storage.
 */
describe('workflow: the seller pipeline', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let worker: WorkerRuntime;
  let store: TestServer;

  beforeAll(async () => {
    store = await startTestServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/csv', etag: '"v1"' }).end(SAMPLE_FEED));
    harness = await createGatewayHarness('seller_pipeline', { RESULTS_URI: 'results/', WEBHOOK_ALLOW_PRIVATE: 'true' });
    app = await harness.start();
    worker = await startWorker(harness.config, ['free']);
  });

  afterAll(async () => {
    await worker?.stop();
    await harness?.close();
    await store?.close();
  });

  it('sync -> correct -> validate -> report succeeds end to end, each step fed by the one before', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/workflows',
      payload: {
        name: 'monthly feed',
        plan: 'free',
        steps: [
          { id: 'sync', task: 'sync_connector_job', params: { source: { type: 'http', url: `${store.origin}/export/feed.csv` }, name: 'shop.csv' } },
          {
            id: 'correct',
            task: 'correct_csv_job',
            params: { input_uri: '${steps.sync.output.uri}', marketplace: 'mercado_livre' },
            depends_on: ['sync'],
          },
          {
            id: 'validate',
            task: 'validate_csv_job',
            params: { input_uri: '${steps.correct.output.corrected_uri}', marketplace: 'mercado_livre' },
            depends_on: ['correct'],
          },
          { id: 'report', task: 'generate_report_job', params: { from: today, to: today, formats: ['json', 'html'] }, depends_on: ['validate'] },
        ],
      },
    });
    expect(created.statusCode).toBe(202);
    const id = created.json().id as string;
    const done = await waitFor(
      async () => {
        const workflow = (await app.inject({ method: 'GET', url: `/api/v1/workflows/${id}` })).json();
        return workflow.status !== 'running' ? workflow : undefined;
      },
      90_000,
      'the pipeline to finish',
    );
    expect(done.status).toBe('succeeded');
    const jobs = Object.fromEntries(
      await Promise.all(
        done.steps.map(async (step: { id: string; job_id: string }) => [
          step.id,
          (await app.inject({ method: 'GET', url: `/api/v1/jobs/${step.job_id}` })).json(),
        ]),
      ),
    );
    expect(jobs.sync.summary).toMatchObject({ uri: 'feeds/shop.csv', unchanged: false });
    expect(jobs.correct.params.input_uri).toBe('feeds/shop.csv');
    expect(jobs.validate.params.input_uri).toBe(jobs.correct.summary.corrected_uri);
    expect(jobs.validate.summary.fixes_applied).toBe(0);
    // The corrected file still has the error auto-fix cannot repair, and nothing left to fix.
    expect(jobs.validate.summary).toMatchObject({ rows_total: 4, fixable: 0 });
    const report = (await app.inject({ method: 'GET', url: `/api/v1/jobs/${jobs.report.id}/result/content?part=json` })).json() as ReportData;
    // The two CSV steps finished today, before the report step was created.
    expect(report.totals).toMatchObject({ jobs: 2, validate_jobs: 1, correct_jobs: 1, rows_checked: 8 });
    expect(report.totals.fixes_applied).toBe(jobs.correct.summary.fixes_applied);
  });
});
