import { StorageUriError } from '../errors';
import { parseStorageUri } from '../uri/parse-storage-uri';
import { feedLocations } from './feed-location';

describe('feedLocations', () => {
  it('puts feeds beside the uploads, with the sync state in a .sync folder', () => {
    expect(feedLocations('results/', 'tenant-1', 'catalog.csv')).toEqual({
      objectUri: 'feeds/catalog.csv',
      stateUri: 'feeds/.sync/catalog.csv.json',
    });
    expect(feedLocations('s3://rb/some/results', undefined, 'a_b-1.CSV')).toEqual({
      objectUri: 's3://rb/feeds/a_b-1.CSV',
      stateUri: 's3://rb/feeds/.sync/a_b-1.CSV.json',
    });
  });

  it.each(['', '.hidden', '../x', 'a/b', 'a\\b', 'a b', 'x'.repeat(129), 'ü.csv', '-'])('refuses the name %j', (name) => {
    expect(() => feedLocations('results', undefined, name)).toThrow(StorageUriError);
  });

  it('builds URIs the storage confinement accepts', () => {
    const { objectUri, stateUri } = feedLocations('results', undefined, 'feed..v2.csv');
    for (const uri of [objectUri, stateUri]) expect(parseStorageUri(uri, { localRoot: '/srv/storage' })).toMatchObject({ kind: 'local' });
  });
});
