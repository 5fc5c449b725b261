import { connect, Socket } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createGatewayHarness, GatewayHarness } from '../testing/gateway-harness';

const GIB = 1024 ** 3;

/** What a raw socket received before the server closed it, and whether it was closed while the client still had bytes to send. */
interface RawExchange {
  response: string;
  closedEarly: boolean;
}

/** Sends `head`, then `body` one piece every `everyMs`; resolves when the server closes the connection. */
function trickle(port: number, head: string, pieces: string[], everyMs: number): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let response = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (chunk) => (response += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ response, closedEarly: sent < pieces.length });
    });
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent >= pieces.length || socket.destroyed) return clearInterval(timer);
        socket.write(pieces[sent++]);
      }, everyMs);
    });
    setTimeout(() => reject(new Error('the server never closed the connection')), 30_000).unref();
  });
}

/** A multipart upload of `total` bytes streamed (never held in memory), with its Content-Length. */
function streamedUpload(total: number): { body: ReadableStream<Uint8Array>; headers: Record<string, string>; sent: () => number } {
  const boundary = 'vh-hardening-boundary';
  const head = Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.csv"\r\ncontent-type: text/csv\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(head),
    pull: (controller) => {
      if (sent >= total) {
        controller.enqueue(tail);
        return controller.close();
      }
      const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
      sent += piece.length;
      controller.enqueue(piece);
    },
  });
  const headers = { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + total + tail.length) };
  return { body, headers, sent: () => sent };
}

describe('HTTP hardening (real sockets)', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let url: string;
  let port: number;

  beforeAll(async () => {
    harness = await createGatewayHarness('hardening', {
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '1500',
      HTTP_UPLOAD_IDLE_TIMEOUT_MS: '1000',
    });
    app = await harness.start({ eventApplier: false });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    port = Number(new URL(url).port);
  });
  afterAll(() => harness?.close());

  it('Node fetch posting 5 MB of JSON gets the 413 problem, 20 times in a row', async () => {
    const body = JSON.stringify({ task: 'validate_csv_job', params: { input_uri: 'a.csv', pad: 'x'.repeat(5 * 1024 * 1024) } });
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${url}/api/v1/jobs`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await response.json()) as { type: string }).type).toBe('https://validahub.dev/problems/payload-too-large');
    }
  });

  it('Node fetch streaming a 1.2 GB multipart upload gets the 413 problem, 20 times in a row, without sending it all', async () => {
    for (let i = 0; i < 20; i++) {
      const upload = streamedUpload(1.2 * GIB);
      const response = await fetch(`${url}/api/v1/files`, {
        method: 'POST',
        body: upload.body,
        headers: upload.headers,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ type: 'https://validahub.dev/problems/payload-too-large', limit_bytes: GIB });
      expect(upload.sent()).toBeLessThan(0.1 * GIB);
    }
  });

  it('cuts a client that trickles a JSON body with a 408 problem, long before it would have finished', async () => {
    const pieces = Array.from({ length: 100 }, () => ' ');
    const head = `POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${pieces.length}\r\n\r\n`;
    const exchange = await trickle(port, head, pieces, 100);
    expect(exchange.closedEarly).toBe(true);
    expect(exchange.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(exchange.response).toContain('https://validahub.dev/problems/request-timeout');
    expect(exchange.response).toMatch(/\r\nconnection: close\r\n/i);
  });

  it('cuts a client that never finishes its headers', async () => {
    const pieces = Array.from({ length: 100 }, (_, i) => `X-Slow-${i}: y\r\n`);
    const exchange = await trickle(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\n', pieces, 100);
    expect(exchange.closedEarly).toBe(true);
  });

  it('lets an upload run longer than the request timeout while it keeps sending, and cuts one that goes quiet', async () => {
    const boundary = 'b';
    const rows = Array.from({ length: 12 }, (_, i) => `A-${i},row ${i}\n`);
    const head = (length: number) =>
      `POST /api/v1/files HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${length}\r\n\r\n`;
    const partHead = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="slow.csv"\r\ncontent-type: text/csv\r\n\r\nsku,title\n`;
    const pieces = [partHead, ...rows, `\r\n--${boundary}--\r\n`];
    const length = Buffer.byteLength(pieces.join(''));
    // 14 pieces 250 ms apart: ~3.5 s in all, over the 1.5 s request timeout, never 1 s idle.
    const steady = trickle(port, head(length), pieces, 250);
    const quiet = trickle(port, head(length), [partHead], 50);
    const [kept, cut] = await Promise.all([steady.then(async (exchange) => exchange), quiet]);
    expect(kept.response).toMatch(/^HTTP\/1\.1 201 /);
    expect(cut.response).toBe('');
  });

  it('sends the security headers on answers and problems alike, and no CORS headers unless origins are configured', async () => {
    for (const path of ['/api/v1/jobs', '/api/v1/jobs/not-a-uuid', '/health/live']) {
      const response = await fetch(`${url}${path}`, { headers: { origin: 'https://evil.example' } });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      // Plain HTTP: no HSTS.
      expect(response.headers.get('strict-transport-security')).toBeNull();
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
    const keepAlive = await fetch(`${url}/health/live`);
    expect(keepAlive.headers.get('keep-alive')).toBe('timeout=5');

    const withCors = await harness.start({ eventApplier: false }, { CORS_ORIGINS: 'https://app.example' });
    try {
      const allowed = await withCors.inject({
        method: 'OPTIONS',
        url: '/api/v1/jobs',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
      const other = await withCors.inject({ method: 'GET', url: '/health/live', headers: { origin: 'https://evil.example' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await harness.stop(withCors);
    }
  });

  it('marks HSTS on requests that came over TLS through a trusted proxy, and only those', async () => {
    const proxied = await harness.start({ eventApplier: false }, { TRUST_PROXY: 'true' });
    try {
      const overTls = await proxied.inject({ method: 'GET', url: '/health/live', headers: { 'x-forwarded-proto': 'https' } });
      expect(overTls.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      const plain = await proxied.inject({ method: 'GET', url: '/health/live' });
      expect(plain.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await harness.stop(proxied);
    }
    // Without a trusted proxy the header is the client's word, not a fact.
    const direct = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-forwarded-proto': 'https' } });
    expect(direct.headers['strict-transport-security']).toBeUndefined();
  });
});
