// The client with the development allowance on (loopback reachable over http): what gets
// through, redirect limits, body caps and timeouts, against real loopback servers.
import { readBodyPrefix } from './body';
import { OutboundNetworkError, OutboundTimeoutError, TooManyRedirectsError } from './errors';
import { OutboundClient } from './outbound-client';
import { startTestServer, streamedBody, TestServer } from './testing';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OutboundClient with the allowance on', () => {
  let server: TestServer;
  let v6: TestServer;
  let client: OutboundClient;

  beforeAll(async () => {
    const handler = async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const hops = Number(url.searchParams.get('hops') ?? 0);
      if (url.pathname === '/chain') {
        if (hops > 0) return void res.writeHead(302, { location: `/chain?hops=${hops - 1}` }).end();
        return void res.end('end of chain');
      }
      if (url.pathname === '/see-other') return void res.writeHead(303, { location: '/echo' }).end();
      if (url.pathname === '/elsewhere') return void res.writeHead(307, { location: url.searchParams.get('to') ?? '/' }).end();
      if (url.pathname === '/echo') return void res.end(JSON.stringify({ method: req.method, authorization: req.headers.authorization ?? null }));
      if (url.pathname === '/big') return void (await streamedBody(res, 1024 * 1024).catch(() => undefined));
      if (url.pathname === '/stall-headers') return; // never answers
      if (url.pathname === '/stall-body') {
        res.writeHead(200);
        res.write('first bytes');
        return; // then nothing
      }
      if (url.pathname === '/trickle') {
        res.writeHead(200);
        for (let i = 0; i < 100 && !res.destroyed; i++) {
          res.write('.');
          await sleep(40);
        }
        return void res.end();
      }
      res.end('hello');
    };
    server = await startTestServer(handler);
    v6 = await startTestServer(handler, { host: '::1' });
    client = new OutboundClient({
      allowPrivate: true,
      resolveHost: async (host) => (host === 'feeds.test' ? [{ address: '127.0.0.1', family: 4 }] : []),
    });
  });
  afterAll(async () => {
    await client.close();
    await Promise.all([server.close(), v6.close()]);
  });

  const text = async (url: string) => (await readBodyPrefix((await client.request(url)).body, 1024)).toString();

  it('reaches 127.0.0.1, [::1], [::ffff:127.0.0.1] and a name resolving to loopback, over http', async () => {
    await expect(text(`${server.origin}/`)).resolves.toBe('hello');
    await expect(text(`http://[::1]:${v6.port}/`)).resolves.toBe('hello');
    await expect(text(`http://[::ffff:127.0.0.1]:${server.port}/`)).resolves.toBe('hello');
    await expect(text(`http://feeds.test:${server.port}/`)).resolves.toBe('hello');
  });

  it('follows at most maxRedirects, then fails with TooManyRedirectsError', async () => {
    const five = await client.request(`${server.origin}/chain?hops=5`, { maxRedirects: 5 });
    expect(five).toMatchObject({ status: 200, redirects: 5, url: `${server.origin}/chain?hops=0` });
    await expect(readBodyPrefix(five.body, 100)).resolves.toEqual(Buffer.from('end of chain'));
    const error = await client.request(`${server.origin}/chain?hops=6`, { maxRedirects: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyRedirectsError);
    expect(error).toMatchObject({ limit: 5, retryable: false, message: 'more than 5 redirect(s)' });
  });

  it('returns a redirect as it is when none may be followed (the webhook mode)', async () => {
    const response = await client.request(`${server.origin}/chain?hops=1`);
    expect(response).toMatchObject({ status: 302, redirects: 0, headers: expect.objectContaining({ location: '/chain?hops=0' }) });
    response.body.destroy();
  });

  it('turns a POST into a GET on 303, and drops Authorization when a redirect changes origin', async () => {
    const posted = await client.request(`${server.origin}/see-other`, {
      method: 'POST',
      body: '{}',
      maxRedirects: 1,
      headers: { authorization: 'Bearer t' },
    });
    expect(JSON.parse((await readBodyPrefix(posted.body, 1000)).toString())).toEqual({ method: 'GET', authorization: 'Bearer t' });
    const crossOrigin = `http://feeds.test:${server.port}/echo`;
    const moved = await client.request(`${server.origin}/elsewhere?to=${encodeURIComponent(crossOrigin)}`, {
      maxRedirects: 1,
      headers: { authorization: 'Bearer t' },
    });
    expect(moved.url).toBe(crossOrigin);
    expect(JSON.parse((await readBodyPrefix(moved.body, 1000)).toString())).toEqual({ method: 'GET', authorization: null });
  });

  it('readBodyPrefix keeps at most the cap of a large body and closes the rest', async () => {
    const response = await client.request(`${server.origin}/big`);
    const kept = await readBodyPrefix(response.body, 4096);
    expect(kept).toHaveLength(4096);
    expect(kept.toString('latin1', 0, 10)).toBe('SKU-000000');
    expect(response.body.destroyed).toBe(true);
  });

  it('an idle server: no headers, or a body that stops, fails with an idle timeout', async () => {
    const noHeaders = await client.request(`${server.origin}/stall-headers`, { idleTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(noHeaders).toBeInstanceOf(OutboundTimeoutError);
    expect(noHeaders).toMatchObject({ phase: 'idle', limitMs: 300, retryable: true, message: 'no data from the server for 300 ms' });

    const response = await client.request(`${server.origin}/stall-body`, { idleTimeoutMs: 300 });
    const started = Date.now();
    const stopped = await readBodyPrefix(response.body, 1_000_000).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(OutboundTimeoutError);
    expect(stopped).toMatchObject({ phase: 'idle' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a server that never goes idle but never finishes runs into the total timeout', async () => {
    const started = Date.now();
    const response = await client.request(`${server.origin}/trickle`, { timeoutMs: 500, idleTimeoutMs: 300 });
    const error = await readBodyPrefix(response.body, 1_000_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundTimeoutError);
    expect(error).toMatchObject({ phase: 'total', limitMs: 500, message: 'the exchange took longer than 500 ms' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('the total timeout also covers waiting for headers', async () => {
    const error = await client.request(`${server.origin}/stall-headers`, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ phase: 'total' });
  });

  it('a closed port is a retryable network error; the caller’s own abort passes through as it is', async () => {
    const closed = await startTestServer(() => undefined);
    await closed.close();
    const refused = await client.request(`http://127.0.0.1:${closed.port}/`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OutboundNetworkError);
    expect(refused).toMatchObject({ retryable: true, code: 'network_error' });

    const controller = new AbortController();
    const pending = client.request(`${server.origin}/stall-headers`, { signal: controller.signal });
    const reason = new Error('cancelled by the caller');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});
