import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { CONFORMANCE_OWNERS } from '../testing/conformance-owners';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { OpenApiConformance } from '../testing/openapi-conformance';
import { TcpProxy } from '../testing/tcp-proxy';

type Injected = Awaited<ReturnType<NestFastifyApplication['inject']>>;
type Method = 'GET' | 'POST' | 'DELETE';

// 401, 403 (key scope and plan) and 429 are checked for every route by a loop in the main conformance spec.
const CHECKED_FOR_ALL_ROUTES = ['401', '403', '429'];
const OWNED = CONFORMANCE_OWNERS['openapi-conformance-composition.integration-spec.ts'];
const MISSING_ID = '550e8400-e29b-41d4-a716-446655440000';
const PARAMS = { input_uri: 'feed.csv', marketplace: 'mercado_livre' };
const JOB = { task: 'validate_csv_job', params: PARAMS, plan: 'pro' };
const TEMPLATE = { name: 'conformance', task: 'validate_csv_job', params: { marketplace: 'mercado_livre' } };
// No worker runs: the first step stays queued, so the workflow stays running until it is cancelled.
const WORKFLOW = {
  plan: 'pro',
  steps: [
    { id: 'validate', task: 'validate_csv_job', params: PARAMS },
    { id: 'again', template: 'conformance@1', params: { input_uri: 'feed.csv' }, depends_on: ['validate'] },
  ],
};
// No background sends or fires; the event applier stays on, since a failed job (to retry) is made by publishing its events.
const QUIET = { webhooks: { sender: false }, schedules: { enabled: false } };
const BAD_CORRELATION = { 'x-correlation-id': 'x'.repeat(200) };

/** Templates, workflows and job retry: every documented status answered for real and checked against /docs-json. */
describe('OpenAPI conformance (composition): templates, workflows and retry', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let conformance: OpenApiConformance;

  const check = (operationId: string, response: Injected, status: number) => conformance.expectAnswer(operationId, response, status);
  const inject = (target: NestFastifyApplication, method: Method, url: string, payload?: object, headers: Record<string, string> = {}) =>
    target.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const api = (method: Method, url: string, payload?: object, headers?: Record<string, string>) => inject(app, method, url, payload, headers);
  const now = (offset = 0) => new Date(Date.now() + offset).toISOString();

  beforeAll(async () => {
    harness = await createGatewayHarness('openapi-composition');
    app = await harness.start(QUIET);
    const served = await api('GET', '/docs-json');
    expect(served.statusCode).toBe(200);
    conformance = new OpenApiConformance(served.json() as OpenAPIObject);
  });
  afterAll(() => harness?.close());

  it('manages templates and their versions (2xx) and refuses bad names, bad bodies and unknown ones (4xx)', async () => {
    const templates = '/api/v1/templates';
    check('createTemplate', await api('POST', templates, TEMPLATE), 201);
    check('createTemplate', await api('POST', templates, { ...TEMPLATE, description: 'second' }), 201);
    check('createTemplate', await api('POST', templates, { ...TEMPLATE, task: 'no_such_job' }), 400);
    check('createTemplate', await api('POST', templates, { ...TEMPLATE, name: '-bad' }), 400);
    expect(check('listTemplates', await api('GET', templates), 200).json().items).toHaveLength(1);
    check('listTemplates', await api('GET', templates, undefined, BAD_CORRELATION), 400);

    const one = `${templates}/${TEMPLATE.name}`;
    expect(check('getTemplate', await api('GET', one), 200).json().version).toBe(2);
    check('getTemplate', await api('GET', `${templates}/-bad`), 400);
    check('getTemplate', await api('GET', `${templates}/missing`), 404);
    expect(check('getTemplateVersion', await api('GET', `${one}/versions/1`), 200).json().description).toBeNull();
    check('getTemplateVersion', await api('GET', `${one}/versions/abc`), 400);
    check('getTemplateVersion', await api('GET', `${one}/versions/0`), 400);
    check('getTemplateVersion', await api('GET', `${one}/versions/9`), 404);
    check('getTemplateVersion', await api('GET', `${templates}/missing/versions/1`), 404);

    check('createTemplate', await api('POST', templates, { ...TEMPLATE, name: 'short-lived' }), 201);
    check('deleteTemplate', await api('DELETE', `${templates}/short-lived`), 204);
    check('deleteTemplate', await api('DELETE', `${templates}/-bad`), 400);
    check('deleteTemplate', await api('DELETE', `${templates}/short-lived`), 404);
  });

  it('runs, reads, lists and cancels workflows (2xx) and refuses bad graphs, unknown ids and ended workflows (4xx)', async () => {
    const workflows = '/api/v1/workflows';
    // The second step names the template of the test above; make it here too so this test stands alone.
    await api('POST', '/api/v1/templates', TEMPLATE);
    const created = check('createWorkflow', await api('POST', workflows, WORKFLOW), 202).json();
    expect(created.status).toBe('running');
    const cycle = [
      { id: 'a', task: 'noop_job', params: {}, depends_on: ['b'] },
      { id: 'b', task: 'noop_job', params: {}, depends_on: ['a'] },
    ];
    check('createWorkflow', await api('POST', workflows, { ...WORKFLOW, steps: cycle }), 400);
    check('createWorkflow', await api('POST', workflows, { ...WORKFLOW, steps: [] }), 400);
    check('listWorkflows', await api('GET', `${workflows}?limit=5`), 200);
    check('listWorkflows', await api('GET', `${workflows}?limit=0`), 400);
    check('listWorkflows', await api('GET', `${workflows}?cursor=garbage`), 400);

    const one = `${workflows}/${created.id}`;
    check('getWorkflow', await api('GET', one), 200);
    check('getWorkflow', await api('GET', `${workflows}/not-a-uuid`), 400);
    check('getWorkflow', await api('GET', `${workflows}/${MISSING_ID}`), 404);
    expect(check('cancelWorkflow', await api('DELETE', one), 200).json().status).toBe('cancelled');
    expect(check('cancelWorkflow', await api('DELETE', one), 409).json()).toMatchObject({ workflow_status: 'cancelled' });
    check('cancelWorkflow', await api('DELETE', `${workflows}/not-a-uuid`), 400);
    check('cancelWorkflow', await api('DELETE', `${workflows}/${MISSING_ID}`), 404);
  });

  it('retries a failed job (202) and refuses bad or unknown ids and jobs still under way (4xx)', async () => {
    const id = (await api('POST', '/api/v1/jobs', JOB)).json().id as string;
    expect(check('retryJob', await api('POST', `/api/v1/jobs/${id}/retry`), 409).json()).toMatchObject({ job_status: 'queued' });
    await harness.publisher.publish({ type: 'started', jobId: id, attempt: 1, at: now() });
    const error = { code: 'input_not_found', message: 'no such key', retryable: false };
    await harness.publisher.publish({ type: 'failed', jobId: id, attempt: 1, at: now(5), startedAt: now(), error });
    await waitFor(async () => (await api('GET', `/api/v1/jobs/${id}`)).json().status === 'failed', 10_000, 'job failed');
    const retried = check('retryJob', await api('POST', `/api/v1/jobs/${id}/retry`), 202);
    expect(retried.json()).toMatchObject({ retry_of: id, status: 'queued' });
    expect(retried.headers.location).toBe(`/api/v1/jobs/${retried.json().id}`);
    check('retryJob', await api('POST', '/api/v1/jobs/not-a-uuid/retry'), 400);
    check('retryJob', await api('POST', `/api/v1/jobs/${MISSING_ID}/retry`), 404);
  });

  it('answers 503 on every composition route while Postgres is down', async () => {
    const proxy = await new TcpProxy(5432).start();
    const url = new URL(harness.db.url);
    url.port = String(proxy.port);
    const cut = await harness.start({ ...QUIET, eventApplier: false }, { DATABASE_URL: url.toString() });
    try {
      expect((await inject(cut, 'POST', '/api/v1/templates', TEMPLATE)).statusCode).toBe(201);
      const workflow = (await inject(cut, 'POST', '/api/v1/workflows', WORKFLOW)).json().id as string;
      const job = (await inject(cut, 'POST', '/api/v1/jobs', JOB)).json().id as string;
      expect((await inject(cut, 'DELETE', `/api/v1/jobs/${job}`)).statusCode).toBe(200);
      await proxy.cut();
      const template = `/api/v1/templates/${TEMPLATE.name}`;
      const down: [string, Method, string, object?][] = [
        ['createTemplate', 'POST', '/api/v1/templates', TEMPLATE],
        ['listTemplates', 'GET', '/api/v1/templates'],
        ['getTemplate', 'GET', template],
        ['getTemplateVersion', 'GET', `${template}/versions/1`],
        ['deleteTemplate', 'DELETE', template],
        ['createWorkflow', 'POST', '/api/v1/workflows', WORKFLOW],
        ['listWorkflows', 'GET', '/api/v1/workflows'],
        ['getWorkflow', 'GET', `/api/v1/workflows/${workflow}`],
        ['cancelWorkflow', 'DELETE', `/api/v1/workflows/${workflow}`],
        ['retryJob', 'POST', `/api/v1/jobs/${job}/retry`],
      ];
      for (const [operationId, method, path, payload] of down) check(operationId, await inject(cut, method, path, payload), 503);
    } finally {
      await harness.stop(cut);
      await proxy.close();
    }
  });

  afterAll(() => {
    // Runs before the harness closes (registered later); every documented status of OWNED must have been seen.
    expect(conformance.unseen(OWNED, CHECKED_FOR_ALL_ROUTES)).toEqual([]);
  });
});
