import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Webhook } from 'standardwebhooks';
import { JobEvent } from '@validahub/jobs-domain';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { newTenant, TestTenant } from '../testing/tenant-kit';
import { ReceivedWebhook, signatureHeaders, startWebhookReceiver, WebhookReceiver } from '../webhooks/testing/webhook-receiver';
import { WorkflowAdvancer } from './workflow-advancer';

interface WorkflowJson {
  id: string;
  status: string;
  steps: { id: string; status: string; job_id: string | null }[];
}

/** workflow.succeeded / workflow.failed through the outbox to a real loopback receiver; step jobs moved by published worker events. */
describe('workflow webhook events', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let tenant: TestTenant;
  let receiver: WebhookReceiver;
  let endpoint: { id: string; secret: string };

  beforeAll(async () => {
    harness = await createGatewayHarness('workflow_webhooks', { ENABLE_TEST_TASKS: 'true', AUTH_MODE: 'required', WEBHOOK_ALLOW_PRIVATE: 'true' });
    app = await harness.start({ webhooks: { pollIntervalMs: 50 } });
    tenant = await newTenant(app, { plan: 'pro' });
    receiver = await startWebhookReceiver();
    const created = await api('POST', '/api/v1/webhooks', { url: receiver.url, events: ['workflow.succeeded', 'workflow.failed'] });
    expect(created.statusCode).toBe(201);
    endpoint = created.json();
  });
  afterAll(async () => {
    await receiver?.close();
    await harness?.close();
  });

  function api(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
    return app.inject({ method, url, payload: payload as object, headers: tenant.headers });
  }
  const getWorkflow = async (id: string) => (await api('GET', `/api/v1/workflows/${id}`)).json() as WorkflowJson;
  const createWorkflow = async (steps: unknown[]) => {
    const response = await api('POST', '/api/v1/workflows', { steps });
    expect(response.statusCode).toBe(202);
    return response.json() as WorkflowJson;
  };
  /** The step's job once the advancer created it. */
  const jobOf = async (workflowId: string, stepId: string) => {
    let jobId: string | null = null;
    await waitFor(
      async () => {
        jobId = (await getWorkflow(workflowId)).steps.find((s) => s.id === stepId)?.job_id ?? null;
        return jobId !== null;
      },
      15_000,
      `step ${stepId} to get its job`,
    );
    return jobId as unknown as string;
  };
  const now = () => new Date().toISOString();
  const publish = (event: JobEvent) => harness.publisher.publish(event);
  const succeed = async (jobId: string) => {
    await publish({ type: 'started', jobId, attempt: 1, at: now() });
    await publish({ type: 'succeeded', jobId, attempt: 1, at: now(), startedAt: now(), resultRef: `results/${jobId}.json`, summary: { rows: 1 } });
  };
  const fail = (jobId: string) =>
    publish({ type: 'failed', jobId, attempt: 1, at: now(), error: { code: 'handler_error', message: 'broken feed', retryable: false } });
  const bodyOf = (received: ReceivedWebhook) => JSON.parse(received.body) as { type: string; timestamp: string; data: WorkflowJson };
  const deliveredFor = (workflowId: string) => receiver.received.filter((r) => bodyOf(r).data.id === workflowId);

  it('a workflow that succeeds delivers one signed workflow.succeeded with the workflow as GET shows it', async () => {
    const workflow = await createWorkflow([
      { id: 'a', task: 'noop_job', params: {} },
      { id: 'b', task: 'noop_job', params: {}, depends_on: ['a'] },
    ]);
    await succeed(await jobOf(workflow.id, 'a'));
    await succeed(await jobOf(workflow.id, 'b'));
    await waitFor(() => deliveredFor(workflow.id).length > 0, 15_000, 'workflow.succeeded delivered');
    const [received] = deliveredFor(workflow.id);
    expect(() => new Webhook(endpoint.secret).verify(received.body, signatureHeaders(received))).not.toThrow();
    expect(received.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    const body = bodyOf(received);
    expect(body.type).toBe('workflow.succeeded');
    expect(body.data).toEqual(await getWorkflow(workflow.id));
    expect(body.data.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
    // Advancing an ended workflow again (a replayed event, the repair sweep) records nothing more.
    await app.get(WorkflowAdvancer).advance(workflow.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(deliveredFor(workflow.id)).toHaveLength(1);
  });

  it('a failed step delivers workflow.failed once the independent branch finished; a cancelled workflow delivers nothing', async () => {
    const workflow = await createWorkflow([
      { id: 'fetch', task: 'noop_job', params: {} },
      { id: 'check', task: 'noop_job', params: {}, depends_on: ['fetch'] },
      { id: 'side', task: 'noop_job', params: {} },
    ]);
    await fail(await jobOf(workflow.id, 'fetch'));
    await waitFor(async () => (await getWorkflow(workflow.id)).steps[1].status === 'skipped', 15_000, 'check skipped');
    // The independent branch is still running: the workflow has not ended, nothing is sent.
    expect(deliveredFor(workflow.id)).toHaveLength(0);
    await succeed(await jobOf(workflow.id, 'side'));
    await waitFor(() => deliveredFor(workflow.id).length > 0, 15_000, 'workflow.failed delivered');
    const [received] = deliveredFor(workflow.id);
    expect(() => new Webhook(endpoint.secret).verify(received.body, signatureHeaders(received))).not.toThrow();
    const body = bodyOf(received);
    expect(body.type).toBe('workflow.failed');
    expect(body.data).toMatchObject({ id: workflow.id, status: 'failed' });
    expect(Object.fromEntries(body.data.steps.map((s) => [s.id, s.status]))).toEqual({ fetch: 'failed', check: 'skipped', side: 'succeeded' });

    const cancelled = await createWorkflow([{ id: 'only', task: 'sleep_job', params: { ms: 60_000 } }]);
    expect((await api('DELETE', `/api/v1/workflows/${cancelled.id}`)).statusCode).toBe(200);
    const deliveries = async () =>
      (await api('GET', `/api/v1/webhooks/${endpoint.id}/deliveries?limit=100`)).json().items as { event_type: string }[];
    await waitFor(async () => (await getWorkflow(cancelled.id)).steps[0].status === 'cancelled', 15_000, 'the cancelled step');
    expect((await deliveries()).map((d) => d.event_type).sort()).toEqual(['workflow.failed', 'workflow.succeeded']);
  });
});
