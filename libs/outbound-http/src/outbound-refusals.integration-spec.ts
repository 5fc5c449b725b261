// The public-address rule with the allowance off, against real loopback servers: nothing that
// resolves (or redirects) to a non-public address is ever connected to.
import { OutboundClient } from './outbound-client';
import { OutboundError, TargetRefusedError } from './errors';
import type { ResolveHost } from './guarded-connector';
import { selfSignedCertificate, startTestServer, TestCertificate, TestServer } from './testing';

const names: Record<string, string[]> = {
  'internal.test': ['10.0.0.1'],
  'metadata.test': ['169.254.169.254'],
  'mixed.test': ['8.8.8.8', '192.168.1.10'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'loopback6.test': ['::1'],
};
const resolveFrom =
  (table: Record<string, string[]>): ResolveHost =>
  async (hostname) => {
    const found = table[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

async function refusal(promise: Promise<unknown>): Promise<TargetRefusedError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TargetRefusedError)) throw new Error(`expected TargetRefusedError, got ${String(error)}`);
  return error;
}

describe('OutboundClient with the allowance off', () => {
  let cert: TestCertificate;
  let v4: TestServer;
  let v6: TestServer;
  let client: OutboundClient;

  beforeAll(async () => {
    cert = await selfSignedCertificate({ dns: ['feeds.test', 'rebind.test'], ip: ['127.0.0.1', '127.0.0.2', '::1'] });
    v4 = await startTestServer((_req, res) => res.end('secret'), { tls: cert });
    v6 = await startTestServer((_req, res) => res.end('secret'), { tls: cert, host: '::1' });
    client = new OutboundClient({ resolveHost: resolveFrom(names), ca: cert.cert });
  });
  afterAll(async () => {
    await client.close();
    await Promise.all([v4.close(), v6.close()]);
  });

  it.each([
    ['127.0.0.1', () => `https://127.0.0.1:${v4.port}/`, '127.0.0.1', /127\.0\.0\.1 is a loopback address/],
    ['[::1]', () => `https://[::1]:${v6.port}/`, '::1', /::1 is a loopback address/],
    ['[::ffff:127.0.0.1]', () => `https://[::ffff:127.0.0.1]:${v4.port}/`, '::ffff:7f00:1', /an IPv4-mapped form of a loopback address/],
  ])('refuses the literal %s before connecting', async (_name, url, address, message) => {
    const error = await refusal(client.request(url()));
    expect(error).toMatchObject({ reason: 'non_public_address', address, retryable: false });
    expect(error.message).toMatch(message);
    expect(v4.requests).toHaveLength(0);
    expect(v6.requests).toHaveLength(0);
  });

  it.each([
    ['internal.test', '10.0.0.1', 'a private address'],
    ['metadata.test', '169.254.169.254', 'a link-local address'],
    ['mixed.test', '192.168.1.10', 'a private address'],
    ['loopback6.test', '::1', 'a loopback address'],
    ['mapped.test', '::ffff:127.0.0.1', 'an IPv4-mapped form of a loopback address'],
  ])('refuses %s, a name that resolves to %s, at connect time', async (host, address, what) => {
    const error = await refusal(client.request(`https://${host}:${v4.port}/feed.csv`));
    expect(error).toMatchObject({ reason: 'non_public_address', address });
    expect(error.message).toBe(`${host} resolves to ${address} is ${what}; only public addresses may be reached`);
  });

  it('refuses http:// and credentials in the URL before any lookup', async () => {
    await expect(client.request(`http://feeds.test:${v4.port}/`)).rejects.toMatchObject({ reason: 'scheme_not_allowed' });
    await expect(client.request(`https://user:pw@feeds.test:${v4.port}/`)).rejects.toMatchObject({ reason: 'credentials_in_url' });
    await expect(client.request('not a url')).rejects.toMatchObject({ reason: 'invalid_url' });
  });

  describe('a public name (a trusted test address) that redirects', () => {
    let redirector: TestServer;
    let trusted: OutboundClient;
    const lookups: string[] = [];

    beforeAll(async () => {
      redirector = await startTestServer(
        (req, res) => {
          const target = decodeURIComponent((req.url ?? '/').slice('/to/'.length));
          res.writeHead(302, { location: target, connection: 'close' }).end();
        },
        { tls: cert, host: '127.0.0.2' },
      );
      let rebindCalls = 0;
      const table = { ...names, 'feeds.test': ['127.0.0.2'] };
      trusted = new OutboundClient({
        ca: cert.cert,
        trustedAddresses: ['127.0.0.2'],
        resolveHost: async (hostname) => {
          lookups.push(hostname);
          // DNS rebinding: public on the first lookup, loopback from then on.
          if (hostname === 'rebind.test') return [{ address: rebindCalls++ === 0 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
          return resolveFrom(table)(hostname);
        },
      });
    });
    afterAll(async () => {
      await trusted.close();
      await redirector.close();
    });

    const via = (target: string) => `https://feeds.test:${redirector.port}/to/${encodeURIComponent(target)}`;

    it.each([
      ['a loopback literal', () => `https://127.0.0.1:${v4.port}/`, '127.0.0.1'],
      ['an IPv4-mapped loopback literal', () => `https://[::ffff:127.0.0.1]:${v4.port}/`, '::ffff:7f00:1'],
      ['a name resolving to 10.0.0.1', () => `https://internal.test:${v4.port}/`, '10.0.0.1'],
      ['a name resolving to 169.254.169.254', () => `https://metadata.test/latest/meta-data/`, '169.254.169.254'],
    ])('refuses a redirect to %s', async (_what, target, address) => {
      const error = await refusal(trusted.request(via(target()), { maxRedirects: 5 }));
      expect(error).toMatchObject({ reason: 'non_public_address', address });
      expect(v4.requests).toHaveLength(0);
    });

    it('refuses a redirect that downgrades to http', async () => {
      const error = await refusal(trusted.request(via(`http://feeds.test:${redirector.port}/`), { maxRedirects: 5 }));
      expect(error.reason).toBe('scheme_not_allowed');
    });

    it('without redirects allowed, returns the 302 itself and connects nowhere else', async () => {
      const response = await trusted.request(via(`https://127.0.0.1:${v4.port}/`));
      response.body.destroy();
      expect(response).toMatchObject({ status: 302, redirects: 0 });
      expect(v4.requests).toHaveLength(0);
    });

    it('checks every new connection again: a name that rebinds to loopback is refused the second time', async () => {
      const first = await trusted.request(`https://rebind.test:${redirector.port}/to/x`);
      first.body.destroy();
      expect(first.status).toBe(302);
      const error = await refusal(trusted.request(`https://rebind.test:${redirector.port}/to/x`));
      expect(error).toMatchObject({ reason: 'non_public_address', address: '127.0.0.1' });
      expect(lookups.filter((name) => name === 'rebind.test')).toHaveLength(2);
    });

    it('every refusal is an OutboundError that says not to retry', async () => {
      const error = await refusal(trusted.request(via('https://internal.test/'), { maxRedirects: 1 }));
      expect(error).toBeInstanceOf(OutboundError);
      expect(error.retryable).toBe(false);
      expect(error.code).toBe('target_refused');
    });
  });
});
