import { defaultFeedName, sourceIdentity, syncParams } from './sync-params';

const errorsOf = (raw: unknown) => {
  const parsed = syncParams.parse(raw);
  return parsed.ok ? [] : parsed.errors;
};

describe('sync_connector_job params', () => {
  it('accepts an http source with headers, and an s3 source', () => {
    expect(syncParams.parse({ source: { type: 'http', url: 'https://shop.example.com/feed.csv', headers: { Authorization: 'Bearer x' } } })).toEqual({
      ok: true,
      value: { source: { type: 'http', url: 'https://shop.example.com/feed.csv', headers: { Authorization: 'Bearer x' } } },
    });
    expect(syncParams.parse({ source: { type: 's3', uri: 's3://feeds-in/a.csv' }, name: 'a.csv', max_bytes: 1000 }).ok).toBe(true);
  });

  it.each([
    [{}, 'params.source', 'is required'],
    [{ source: { type: 'ftp', url: 'x' } }, 'params.source.type', 'must be one of: http, s3'],
    [{ source: { type: 'http', url: 'not a url' } }, 'params.source.url', 'must be an absolute URL'],
    [{ source: { type: 'http', url: 'file:///etc/passwd' } }, 'params.source.url', 'must be an https URL'],
    [
      { source: { type: 'http', url: 'https://a.example/', headers: { 'If-None-Match': 'x' } } },
      'params.source.headers.If-None-Match',
      'is set by the connector and cannot be given',
    ],
    [
      { source: { type: 'http', url: 'https://a.example/', headers: { Host: 'internal' } } },
      'params.source.headers.Host',
      'is set by the connector and cannot be given',
    ],
    [
      { source: { type: 'http', url: 'https://a.example/', headers: { 'Proxy-Authorization': 'x' } } },
      'params.source.headers.Proxy-Authorization',
      'is set by the connector and cannot be given',
    ],
    [
      { source: { type: 'http', url: 'https://a.example/', headers: { 'Bad Name': 'x' } } },
      'params.source.headers.Bad Name',
      expect.stringMatching(/^name must match/),
    ],
    [
      { source: { type: 'http', url: 'https://a.example/', headers: { 'X-A': 'v\r\nX-B: w' } } },
      'params.source.headers.X-A',
      expect.stringMatching(/^must match/),
    ],
    [{ source: { type: 's3', uri: 'feeds/a.csv' } }, 'params.source.uri', expect.stringMatching(/^must match/)],
    [{ source: { type: 's3', uri: 's3://b/a.csv' }, name: '../escape.csv' }, 'params.name', expect.stringMatching(/^must match/)],
    [{ source: { type: 's3', uri: 's3://b/a.csv' }, name: '.sync' }, 'params.name', expect.stringMatching(/^must match/)],
    [{ source: { type: 's3', uri: 's3://b/a.csv' }, max_bytes: 0 }, 'params.max_bytes', 'must be between 1 and inf'],
  ])('refuses %j: %s %s', (raw, field, message) => {
    expect(errorsOf(raw)).toEqual([{ field, message }]);
  });

  it('refuses more than 20 headers', () => {
    const headers = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v']));
    expect(errorsOf({ source: { type: 'http', url: 'https://a.example/', headers } })).toEqual([
      { field: 'params.source.headers', message: 'must have at most 20 entries' },
    ]);
  });
});

describe('defaultFeedName', () => {
  it.each([
    ['https://shop.example.com/exports/catalog.csv?token=1', 'catalog.csv'],
    ['https://shop.example.com/exports/Cat%C3%A1logo%202024.csv', 'Catalogo_2024.csv'],
    ['https://shop.example.com/exports/..%2F..%2Fetc%2Fpasswd', 'etc_passwd'],
    ['https://shop.example.com/', 'shop.example.com'],
    ['https://shop.example.com/%E0%A4%A', 'E0_A4_A'],
    ['https://[2606:4700::1]/', '2606_4700_1_'],
  ])('%s -> %s', (url, name) => {
    expect(defaultFeedName({ type: 'http', url })).toBe(name);
  });

  it('takes the key of an s3 source', () => {
    expect(defaultFeedName({ type: 's3', uri: 's3://bucket/in/daily feed.csv' })).toBe('daily_feed.csv');
    expect(defaultFeedName({ type: 's3', uri: 's3://bucket/' })).toBe('feed');
  });
});

describe('sourceIdentity', () => {
  it('normalises URLs so the same source matches itself', () => {
    expect(sourceIdentity({ type: 'http', url: 'HTTPS://Shop.Example.com:443/a' })).toBe('https://shop.example.com/a');
    expect(sourceIdentity({ type: 's3', uri: 's3://b/k' })).toBe('s3://b/k');
  });
});
