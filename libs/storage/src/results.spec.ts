import { StorageUriError } from './errors';
import { resultLocation } from './results';
import { pickUploadTarget, uploadsPrefix, uploadTargetUri } from './uploads/upload-target';

const jobId = '550e8400-e29b-41d4-a716-446655440000';

describe('resultLocation', () => {
  it.each([
    ['s3://validahub/results', `s3://validahub/results/${jobId}.json`],
    ['s3://validahub/results/', `s3://validahub/results/${jobId}.json`],
    ['s3://validahub', `s3://validahub/${jobId}.json`],
    ['results/', `results/${jobId}.json`],
    ['results', `results/${jobId}.json`],
    ['file:///srv/storage/results//', `file:///srv/storage/results/${jobId}.json`],
  ])('%j -> %j', (resultsUri, expected) => {
    expect(resultLocation(resultsUri, jobId, 'json')).toBe(expected);
  });

  it('names corrected CSVs with .csv', () => {
    expect(resultLocation('results', jobId, 'csv')).toBe(`results/${jobId}.csv`);
  });

  it.each(['', '../etc', 'a/b', 'a.json', ' id', 'x'.repeat(129)])('refuses job id %j', (badId) => {
    expect(() => resultLocation('results', badId, 'json')).toThrow(StorageUriError);
  });

  it('refuses an unknown extension and an empty prefix', () => {
    expect(() => resultLocation('results', jobId, 'exe' as 'json')).toThrow(/json" or "csv/);
    for (const prefix of ['', '/', 's3://', 'file://']) expect(() => resultLocation(prefix, jobId, 'json')).toThrow(StorageUriError);
  });
});

describe('upload targets', () => {
  const now = new Date('2024-03-05T23:59:59.000-05:00');

  it('dates uploads by UTC year and month', () => {
    expect(uploadTargetUri('uploads', { now, id: jobId })).toBe(`uploads/2024/03/${jobId}.csv`);
    expect(uploadTargetUri('s3://bucket/uploads/', { now: new Date('2024-12-31T23:00:00Z'), id: jobId })).toBe(
      `s3://bucket/uploads/2024/12/${jobId}.csv`,
    );
  });

  it('uses a fresh UUID by default', () => {
    const first = uploadTargetUri('uploads');
    const second = uploadTargetUri('uploads');
    expect(first).toMatch(/^uploads\/\d{4}\/\d{2}\/[0-9a-f-]{36}\.csv$/);
    expect(first).not.toBe(second);
  });

  it('puts uploads beside the results: the results bucket, or the local root', () => {
    expect(uploadsPrefix({ resultsUri: 's3://results-bucket/some/results/' })).toBe('s3://results-bucket/uploads');
    expect(uploadsPrefix({ resultsUri: 'results/' })).toBe('uploads');
    expect(uploadsPrefix({ resultsUri: 'file:///srv/results' })).toBe('uploads');
    expect(pickUploadTarget({ resultsUri: 's3://rb/r' }, { now, id: jobId })).toBe(`s3://rb/uploads/2024/03/${jobId}.csv`);
  });

  it('refuses an unsafe upload id', () => {
    expect(() => uploadTargetUri('uploads', { id: '../x' })).toThrow(StorageUriError);
  });
});
