import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { CONFORMANCE_OWNERS } from '../testing/conformance-owners';
import { createGatewayHarness, GatewayHarness } from '../testing/gateway-harness';
import { OpenApiConformance } from '../testing/openapi-conformance';
import { TcpProxy } from '../testing/tcp-proxy';

type Injected = Awaited<ReturnType<NestFastifyApplication['inject']>>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

// 401, 403 (key scope) and 429 are checked for every route by a loop in the main conformance spec.
const CHECKED_FOR_ALL_ROUTES = ['401', '403', '429'];
const OWNED = CONFORMANCE_OWNERS['openapi-conformance-push.integration-spec.ts'];
const MISSING_ID = '550e8400-e29b-41d4-a716-446655440000';
const JOB = { task: 'validate_csv_job', params: { input_uri: 'feed.csv', marketplace: 'mercado_livre' } };
// AUTH_MODE=open: the anonymous tenant is on the free plan, whose schedules fire at most hourly.
const HOURLY = { name: 'hourly', cron: '0 * * * *', timezone: 'UTC', ...JOB };
const HOOK = { url: 'https://hooks.example.com/validahub', events: ['job.succeeded'] };
// No background sends or fires: the routes are under test, not the sender or the scheduler.
const QUIET = { eventApplier: false, webhooks: { sender: false }, schedules: { enabled: false } };
const BAD_CORRELATION = { 'x-correlation-id': 'x'.repeat(200) };

/** Webhooks, schedules and the job stream: every documented status answered for real and checked against /docs-json. */
describe('OpenAPI conformance (push): webhooks, schedules and the job stream', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let conformance: OpenApiConformance;

  const check = (operationId: string, response: Injected, status: number) => conformance.expectAnswer(operationId, response, status);
  const inject = (target: NestFastifyApplication, method: Method, url: string, payload?: object, headers: Record<string, string> = {}) =>
    target.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const api = (method: Method, url: string, payload?: object, headers?: Record<string, string>) => inject(app, method, url, payload, headers);

  beforeAll(async () => {
    harness = await createGatewayHarness('openapi-push');
    app = await harness.start(QUIET);
    const served = await api('GET', '/docs-json');
    expect(served.statusCode).toBe(200);
    conformance = new OpenApiConformance(served.json() as OpenAPIObject);
  });
  afterAll(() => harness?.close());

  it('manages webhook endpoints (2xx) and refuses bad input, unknown ids and disabled endpoints (4xx)', async () => {
    const hooks = '/api/v1/webhooks';
    const created = check('createWebhook', await api('POST', hooks, HOOK), 201).json();
    check('createWebhook', await api('POST', hooks, { ...HOOK, url: 'http://hooks.example.com/plain' }), 400);
    check('listWebhooks', await api('GET', hooks), 200);
    check('listWebhooks', await api('GET', hooks, undefined, BAD_CORRELATION), 400);

    const one = `${hooks}/${created.id}`;
    check('getWebhook', await api('GET', one), 200);
    check('getWebhook', await api('GET', `${hooks}/not-a-uuid`), 400);
    check('getWebhook', await api('GET', `${hooks}/${MISSING_ID}`), 404);
    check('updateWebhook', await api('PATCH', one, { description: 'conformance' }), 200);
    check('updateWebhook', await api('PATCH', one, { events: ['job.nothing'] }), 400);
    check('updateWebhook', await api('PATCH', `${hooks}/${MISSING_ID}`, { description: 'x' }), 404);
    check('rotateWebhookSecret', await api('POST', `${one}/rotate-secret`), 200);
    check('rotateWebhookSecret', await api('POST', `${hooks}/x/rotate-secret`), 400);
    check('rotateWebhookSecret', await api('POST', `${hooks}/${MISSING_ID}/rotate-secret`), 404);

    const delivery = check('testWebhook', await api('POST', `${one}/test`), 202).json();
    check('testWebhook', await api('POST', `${hooks}/x/test`), 400);
    check('testWebhook', await api('POST', `${hooks}/${MISSING_ID}/test`), 404);
    check('listWebhookDeliveries', await api('GET', `${one}/deliveries?limit=5`), 200);
    check('listWebhookDeliveries', await api('GET', `${one}/deliveries?limit=0`), 400);
    check('listWebhookDeliveries', await api('GET', `${hooks}/${MISSING_ID}/deliveries`), 404);
    const redeliver = (endpoint: string, deliveryId: string) => api('POST', `${hooks}/${endpoint}/deliveries/${deliveryId}/redeliver`);
    check('redeliverWebhook', await redeliver(created.id, delivery.id), 202);
    check('redeliverWebhook', await redeliver(created.id, 'not-a-uuid'), 400);
    check('redeliverWebhook', await redeliver(created.id, MISSING_ID), 404);
    check('redeliverWebhook', await redeliver(MISSING_ID, delivery.id), 404);

    check('updateWebhook', await api('PATCH', one, { enabled: false }), 200);
    check('testWebhook', await api('POST', `${one}/test`), 409);
    check('redeliverWebhook', await redeliver(created.id, delivery.id), 409);

    check('deleteWebhook', await api('DELETE', one), 204);
    check('deleteWebhook', await api('DELETE', `${hooks}/x`), 400);
    check('deleteWebhook', await api('DELETE', one), 404);
  });

  it('manages schedules (2xx) and refuses bad input, intervals the plan does not allow and unknown ids (4xx)', async () => {
    const schedules = '/api/v1/schedules';
    const created = check('createSchedule', await api('POST', schedules, HOURLY), 201).json();
    check('createSchedule', await api('POST', schedules, { ...HOURLY, cron: '61 * * * *' }), 400);
    check('createSchedule', await api('POST', schedules, { ...HOURLY, cron: '*/30 * * * *' }), 403);
    check('listSchedules', await api('GET', `${schedules}?limit=5`), 200);
    check('listSchedules', await api('GET', `${schedules}?limit=0`), 400);

    const one = `${schedules}/${created.id}`;
    check('getSchedule', await api('GET', one), 200);
    check('getSchedule', await api('GET', `${schedules}/not-a-uuid`), 400);
    check('getSchedule', await api('GET', `${schedules}/${MISSING_ID}`), 404);
    check('updateSchedule', await api('PATCH', one, { enabled: false }), 200);
    check('updateSchedule', await api('PATCH', one, { misfire: 'sometimes' }), 400);
    check('updateSchedule', await api('PATCH', one, { cron: '*/30 * * * *' }), 403);
    check('updateSchedule', await api('PATCH', `${schedules}/${MISSING_ID}`, { enabled: false }), 404);
    check('listScheduleRuns', await api('GET', `${one}/runs`), 200);
    check('listScheduleRuns', await api('GET', `${one}/runs?offset=-1`), 400);
    check('listScheduleRuns', await api('GET', `${schedules}/${MISSING_ID}/runs`), 404);

    check('deleteSchedule', await api('DELETE', one), 204);
    check('deleteSchedule', await api('DELETE', `${schedules}/x`), 400);
    check('deleteSchedule', await api('DELETE', one), 404);
  });

  it('streams a job (200 text/event-stream, 204 when resumed at its end) and refuses bad or unknown ids (4xx)', async () => {
    const id = (await api('POST', '/api/v1/jobs', { ...JOB, plan: 'pro' })).json().id as string;
    // A finished job: its stream sends the terminal status and ends, so the injected request completes.
    expect((await api('DELETE', `/api/v1/jobs/${id}`)).statusCode).toBe(200);
    const streamed = check('streamJob', await api('GET', `/api/v1/jobs/${id}/stream`), 200);
    const last = /id: (\d+)\nevent: status\ndata: (.*)\n/.exec(streamed.body);
    expect(JSON.parse(last?.[2] ?? '{}')).toMatchObject({ id, status: 'cancelled' });
    check('streamJob', await api('GET', `/api/v1/jobs/${id}/stream`, undefined, { 'last-event-id': last?.[1] ?? '' }), 204);
    check('streamJob', await api('GET', `/api/v1/jobs/${id}/stream`, undefined, { 'last-event-id': 'abc' }), 400);
    check('streamJob', await api('GET', '/api/v1/jobs/not-a-uuid/stream'), 400);
    check('streamJob', await api('GET', `/api/v1/jobs/${MISSING_ID}/stream`), 404);
  });

  it('answers 503 on every push route while Postgres is down', async () => {
    const proxy = await new TcpProxy(5432).start();
    const url = new URL(harness.db.url);
    url.port = String(proxy.port);
    const cut = await harness.start(QUIET, { DATABASE_URL: url.toString() });
    try {
      const hook = (await inject(cut, 'POST', '/api/v1/webhooks', HOOK)).json().id as string;
      const delivery = (await inject(cut, 'POST', `/api/v1/webhooks/${hook}/test`)).json().id as string;
      const schedule = (await inject(cut, 'POST', '/api/v1/schedules', HOURLY)).json().id as string;
      const job = (await inject(cut, 'POST', '/api/v1/jobs', { ...JOB, plan: 'pro' })).json().id as string;
      await proxy.cut();
      const down: [string, Method, string, object?][] = [
        ['createWebhook', 'POST', '/api/v1/webhooks', HOOK],
        ['listWebhooks', 'GET', '/api/v1/webhooks'],
        ['getWebhook', 'GET', `/api/v1/webhooks/${hook}`],
        ['updateWebhook', 'PATCH', `/api/v1/webhooks/${hook}`, { description: 'down' }],
        ['deleteWebhook', 'DELETE', `/api/v1/webhooks/${hook}`],
        ['rotateWebhookSecret', 'POST', `/api/v1/webhooks/${hook}/rotate-secret`],
        ['testWebhook', 'POST', `/api/v1/webhooks/${hook}/test`],
        ['listWebhookDeliveries', 'GET', `/api/v1/webhooks/${hook}/deliveries`],
        ['redeliverWebhook', 'POST', `/api/v1/webhooks/${hook}/deliveries/${delivery}/redeliver`],
        ['createSchedule', 'POST', '/api/v1/schedules', HOURLY],
        ['listSchedules', 'GET', '/api/v1/schedules'],
        ['getSchedule', 'GET', `/api/v1/schedules/${schedule}`],
        ['updateSchedule', 'PATCH', `/api/v1/schedules/${schedule}`, { enabled: false }],
        ['deleteSchedule', 'DELETE', `/api/v1/schedules/${schedule}`],
        ['listScheduleRuns', 'GET', `/api/v1/schedules/${schedule}/runs`],
        ['streamJob', 'GET', `/api/v1/jobs/${job}/stream`],
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
