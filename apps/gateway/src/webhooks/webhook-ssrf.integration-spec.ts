import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { selfSignedCertificate, startTestServer, TestServer } from '@validahub/outbound-http/testing';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';

/** Where the test's names point; `public.test` is a trusted stand-in for a public address (127.0.0.2). */
const NAMES: Record<string, string[]> = {
  'loopback.test': ['127.0.0.1'],
  'internal.test': ['10.0.0.1'],
  'metadata.test': ['169.254.169.254'],
  'v6loop.test': ['::1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'public.test': ['127.0.0.2'],
};

describe('webhook deliveries with WEBHOOK_ALLOW_PRIVATE off: only public addresses, no redirects', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let privateV4: TestServer;
  let privateV6: TestServer;
  let publicServer: TestServer;

  beforeAll(async () => {
    const cert = await selfSignedCertificate({ dns: Object.keys(NAMES), ip: ['127.0.0.1', '127.0.0.2', '::1'] });
    privateV4 = await startTestServer((_req, res) => res.end('internal'), { tls: cert });
    privateV6 = await startTestServer((_req, res) => res.end('internal'), { tls: cert, host: '::1' });
    publicServer = await startTestServer(
      (req, res) => {
        if (req.url === '/ok') return res.writeHead(200).end('thanks');
        res.writeHead(302, { location: `https://loopback.test:${privateV4.port}/` }).end();
      },
      { tls: cert, host: '127.0.0.2' },
    );
    harness = await createGatewayHarness('webhook-ssrf', { WEBHOOK_ALLOW_PRIVATE: 'false' });
    app = await harness.start({
      webhooks: {
        pollIntervalMs: 50,
        retryDelaysMs: [60_000],
        client: {
          ca: cert.cert,
          trustedAddresses: ['127.0.0.2'],
          resolveHost: async (hostname) => (NAMES[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
        },
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await Promise.all([privateV4?.close(), privateV6?.close(), publicServer?.close()]);
  });

  const deliverTest = async (url: string) => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/webhooks', payload: { url, events: ['job.failed'] } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await app.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/test` })).statusCode).toBe(202);
    return waitFor(
      async () => {
        const [delivery] = (await app.inject({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries` })).json().items;
        return delivery?.status !== 'pending' && delivery;
      },
      15_000,
      `the delivery to ${url}`,
    );
  };

  it('delivers to a public address (the control)', async () => {
    expect(await deliverTest(`https://public.test:${publicServer.port}/ok`)).toMatchObject({ status: 'succeeded', last_status_code: 200 });
  });

  it.each([
    ['127.0.0.1', 'loopback.test', '127.0.0.1'],
    ['10.0.0.1', 'internal.test', '10.0.0.1'],
    ['169.254.169.254', 'metadata.test', '169.254.169.254'],
    ['[::1]', 'v6loop.test', '::1'],
    ['::ffff:127.0.0.1', 'mapped.test', '::ffff:127.0.0.1'],
  ])('refuses a name resolving to %s at connect time, without retrying', async (_what, name, address) => {
    const port = name === 'v6loop.test' ? privateV6.port : privateV4.port;
    const delivery = await deliverTest(`https://${name}:${port}/hook`);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, last_status_code: null });
    expect(delivery.last_error).toMatch(/^target_refused: /);
    expect(delivery.last_error).toContain(address);
    expect(privateV4.requests).toHaveLength(0);
    expect(privateV6.requests).toHaveLength(0);
  });

  it('does not follow a public name’s redirect to a private address', async () => {
    const delivery = await deliverTest(`https://public.test:${publicServer.port}/redirect`);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 302 });
    expect(privateV4.requests).toHaveLength(0);
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://10.0.0.1/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'http://public.test/hook',
  ])('refuses %s when the endpoint is saved', async (url) => {
    const refused = await app.inject({ method: 'POST', url: '/api/v1/webhooks', payload: { url, events: ['job.failed'] } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0].field).toBe('url');
  });
});
