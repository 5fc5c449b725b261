// sync_connector_job's handler against real loopback HTTP servers and local-disk storage.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermanentJobError, TransientJobError } from '@validahub/jobs-domain';
import { startTestServer, streamedBody, type TestServer } from '@validahub/outbound-http/testing';
import { LocalDiskStorage } from '@validahub/storage';
import type { TaskDeps } from '../task';
import { runTask } from '../testing/run-task';
import { syncConnectorTask } from './sync-connector.task';

jest.setTimeout(30_000);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sync_connector_job over http (allowance on, loopback servers)', () => {
  let root: string;
  let server: TestServer;
  let deps: TaskDeps;
  // What each path serves; tests change it between syncs.
  const feeds = new Map<string, { body: string; etag?: string; lastModified?: string }>();
  let failures = 0;

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/missing') return void res.writeHead(404).end('no such feed');
    if (path === '/flaky') return void (failures-- > 0 ? res.writeHead(503).end('busy') : res.end('sku\nA\n'));
    if (path.startsWith('/hop/')) {
      const left = Number(path.slice(5));
      return void res.writeHead(302, { location: left > 0 ? `/hop/${left - 1}` : '/feeds/a.csv' }).end();
    }
    if (path === '/huge-announced') return void res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000));
    if (path === '/huge-chunked') return void (await streamedBody(res, 5000).catch(() => undefined));
    if (path === '/stalls') {
      res.writeHead(200);
      return void res.write('sku,title\n');
    }
    const feed = feeds.get(path);
    if (!feed) return void res.writeHead(404).end();
    if (feed.etag && req.headers['if-none-match'] === feed.etag) return void res.writeHead(304).end();
    if (feed.lastModified && req.headers['if-modified-since'] === feed.lastModified) return void res.writeHead(304).end();
    const headers: Record<string, string> = { 'content-type': 'text/csv' };
    if (feed.etag) headers.etag = feed.etag;
    if (feed.lastModified) headers['last-modified'] = feed.lastModified;
    res.writeHead(200, headers).end(feed.body);
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vh-sync-http-'));
    server = await startTestServer(handler);
    deps = {
      storage: new LocalDiskStorage(root),
      resultsUri: 'results',
      maxUploadBytes: 1_000_000,
      outbound: { allowPrivate: true },
      syncIdleTimeoutMs: 400,
    };
  });
  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  const sync = (source: Record<string, unknown>, extra: Record<string, unknown> = {}, overrides: Partial<TaskDeps> = {}) =>
    runTask(syncConnectorTask, { source: { type: 'http', ...source }, ...extra }, { deps: { ...deps, ...overrides } });
  const requestsTo = (path: string) => server.requests.filter((r) => r.url === path);
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (e: unknown) => e,
    );

  it('stores the feed under feeds/<name from the URL> with its size and sha256', async () => {
    feeds.set('/feeds/catalog.csv', { body: 'sku,price\nA,1\n', etag: '"v1"' });
    const result = await sync({ url: `${server.origin}/feeds/catalog.csv` });
    expect(result).toEqual({
      resultRef: 'feeds/catalog.csv',
      summary: { uri: 'feeds/catalog.csv', size: 14, sha256: sha256('sku,price\nA,1\n'), unchanged: false },
    });
    expect(await readFile(join(root, 'feeds/catalog.csv'), 'utf8')).toBe('sku,price\nA,1\n');
    const state = JSON.parse(await readFile(join(root, 'feeds/.sync/catalog.csv.json'), 'utf8'));
    expect(state).toMatchObject({ source: `${server.origin}/feeds/catalog.csv`, etag: '"v1"', size: 14, sha256: sha256('sku,price\nA,1\n') });
  });

  it('sends If-None-Match from the last sync; a 304 ends unchanged with the stored feed', async () => {
    const result = await sync({ url: `${server.origin}/feeds/catalog.csv` });
    expect(requestsTo('/feeds/catalog.csv').at(-1)?.headers['if-none-match']).toBe('"v1"');
    expect(result.summary).toEqual({ uri: 'feeds/catalog.csv', size: 14, sha256: sha256('sku,price\nA,1\n'), unchanged: true });
  });

  it('a new version replaces the feed; If-Modified-Since is sent when the source gave Last-Modified', async () => {
    feeds.set('/feeds/catalog.csv', { body: 'sku,price\nA,2\n', lastModified: 'Wed, 01 May 2024 10:00:00 GMT' });
    const changed = await sync({ url: `${server.origin}/feeds/catalog.csv` });
    expect(changed.summary).toMatchObject({ sha256: sha256('sku,price\nA,2\n'), unchanged: false });
    await sync({ url: `${server.origin}/feeds/catalog.csv` });
    expect(requestsTo('/feeds/catalog.csv').at(-1)?.headers['if-modified-since']).toBe('Wed, 01 May 2024 10:00:00 GMT');
  });

  it('without validators, the same bytes again end unchanged by sha256', async () => {
    feeds.set('/plain.csv', { body: 'sku\nB\n' });
    expect((await sync({ url: `${server.origin}/plain.csv` })).summary).toMatchObject({ unchanged: false });
    const again = await sync({ url: `${server.origin}/plain.csv` });
    expect(requestsTo('/plain.csv').at(-1)?.headers['if-none-match']).toBeUndefined();
    expect(again.summary).toEqual({ uri: 'feeds/plain.csv', size: 6, sha256: sha256('sku\nB\n'), unchanged: true });
  });

  it('validators belong to their source: another URL under the same name is fetched unconditionally', async () => {
    feeds.set('/other/catalog.csv', { body: 'sku\nC\n', etag: '"v1"' });
    const result = await sync({ url: `${server.origin}/other/catalog.csv` }, { name: 'catalog.csv' });
    expect(requestsTo('/other/catalog.csv').at(-1)?.headers['if-none-match']).toBeUndefined();
    expect(result.summary).toMatchObject({ uri: 'feeds/catalog.csv', unchanged: false, sha256: sha256('sku\nC\n') });
  });

  it('passes the given headers and follows up to 5 redirects; a sixth fails permanently', async () => {
    feeds.set('/feeds/a.csv', { body: 'sku\nD\n' });
    const result = await sync({ url: `${server.origin}/hop/4`, headers: { 'X-Api-Key': 'k1' } }, { name: 'a.csv' });
    expect(result.summary).toMatchObject({ uri: 'feeds/a.csv', size: 6 });
    expect(requestsTo('/feeds/a.csv').at(-1)?.headers['x-api-key']).toBe('k1');
    const error = await failure(sync({ url: `${server.origin}/hop/5` }, { name: 'a.csv' }));
    expect(error).toBeInstanceOf(PermanentJobError);
    expect(error).toMatchObject({ code: 'source_too_many_redirects' });
  });

  it('a 4xx is permanent, a 5xx transient', async () => {
    const notFound = await failure(sync({ url: `${server.origin}/missing` }));
    expect(notFound).toBeInstanceOf(PermanentJobError);
    expect(notFound).toMatchObject({ code: 'source_rejected', message: `${server.origin}/missing answered 404 Not Found` });
    failures = 1;
    const busy = await failure(sync({ url: `${server.origin}/flaky` }));
    expect(busy).toBeInstanceOf(TransientJobError);
    expect(busy).toMatchObject({ code: 'source_unavailable', message: `${server.origin}/flaky answered 503 Service Unavailable` });
    await expect(sync({ url: `${server.origin}/flaky` })).resolves.toMatchObject({ summary: { size: 6 } });
  });

  it('the size cap: an announced length fails before reading, a longer body fails midway; the old feed stays', async () => {
    const announced = await failure(sync({ url: `${server.origin}/huge-announced` }, { name: 'plain.csv', max_bytes: 4096 }));
    expect(announced).toMatchObject({ code: 'source_too_large', message: 'the source is larger than max_bytes (4096 bytes): it announced 5000' });
    const chunked = await failure(sync({ url: `${server.origin}/huge-chunked` }, { name: 'plain.csv', max_bytes: 4096 }));
    expect(chunked).toBeInstanceOf(PermanentJobError);
    expect(chunked).toMatchObject({ code: 'source_too_large', message: 'the source is larger than max_bytes (4096 bytes)' });
    expect(await readFile(join(root, 'feeds/plain.csv'), 'utf8')).toBe('sku\nB\n');
  });

  it('max_bytes above MAX_UPLOAD_BYTES is refused', async () => {
    const error = await failure(sync({ url: `${server.origin}/plain.csv` }, { max_bytes: 2_000_000 }));
    expect(error).toMatchObject({ code: 'invalid_params', message: 'params.max_bytes must be at most 1000000 (MAX_UPLOAD_BYTES)' });
  });

  it('the idle cap: a source that stops sending fails permanently, and nothing half-written is kept', async () => {
    const error = await failure(sync({ url: `${server.origin}/stalls` }, { name: 'stalled.csv' }));
    expect(error).toBeInstanceOf(PermanentJobError);
    expect(error).toMatchObject({ code: 'source_idle_timeout', message: 'the source sent nothing for 0.4 s' });
    expect((await readdir(join(root, 'feeds'))).filter((name) => name.includes('stalled'))).toEqual([]);
  });

  it('with the allowance off, a loopback source is refused before connecting and never retried', async () => {
    const seen = server.requests.length;
    const literal = await failure(sync({ url: `https://127.0.0.1:${server.port}/plain.csv` }, {}, { outbound: {} }));
    expect(literal).toBeInstanceOf(PermanentJobError);
    expect(literal).toMatchObject({
      code: 'source_refused',
      message: 'source refused: 127.0.0.1 is a loopback address; only public addresses may be reached',
    });
    const plainHttp = await failure(sync({ url: `${server.origin}/plain.csv` }, {}, { outbound: {} }));
    expect(plainHttp).toMatchObject({ code: 'source_refused' });
    expect(server.requests.length).toBe(seen);
  });
});
