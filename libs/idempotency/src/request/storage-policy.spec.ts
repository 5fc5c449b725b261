import { DEFAULT_REPLAYED_HEADERS, defaultStoragePolicy, pickReplayedHeaders } from './storage-policy';

describe('defaultStoragePolicy', () => {
  it.each([200, 201, 202, 204, 301, 404, 410, 413, 422])('stores %i', (status) => {
    expect(defaultStoragePolicy(status)).toBe(true);
  });

  it.each([400, 401, 403, 408, 409, 425, 429, 500, 502, 503, 504])('does not store %i (the client may retry)', (status) => {
    expect(defaultStoragePolicy(status)).toBe(false);
  });

  it.each([0, 99, 600, 201.5, Number.NaN])('does not store the impossible status %p', (status) => {
    expect(defaultStoragePolicy(status)).toBe(false);
  });
});

describe('pickReplayedHeaders', () => {
  it('keeps only allowed headers, lower-cased, as strings', () => {
    const picked = pickReplayedHeaders(
      {
        Location: '/jobs/1',
        'content-type': 'application/json; charset=utf-8',
        'set-cookie': ['a=1'],
        date: 'Mon',
        'x-correlation-id': 'c1',
        'content-length': 42,
        link: ['<a>; rel=x', '<b>; rel=y'],
        etag: undefined,
      },
      DEFAULT_REPLAYED_HEADERS,
    );
    expect(picked).toEqual({
      location: '/jobs/1',
      'content-type': 'application/json; charset=utf-8',
      link: '<a>; rel=x, <b>; rel=y',
    });
  });

  it('honours a custom allow-list regardless of case', () => {
    expect(pickReplayedHeaders({ 'X-Job-Id': 7, Location: '/x' }, ['x-job-id'])).toEqual({ 'x-job-id': '7' });
  });
});
