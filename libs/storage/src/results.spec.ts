import { StorageUriError } from './errors';
import { resultLocation } from './results';
import { pickUploadTarget, uploadsPrefix, uploadTargetUri } from './uploads/upload-target';

const jobId = '550e8400-e29b-41d4-a716-446655440000';

describe('resultLocation', () => {
  const run = { jobId, attempt: 1, runId: 'f3a9c1d2e4b5' };
  const key = `${jobId}/attempt-1/f3a9c1d2e4b5`;

  it.each([
    ['s3://validahub/results', `s3://validahub/results/${key}/report.json`],
    ['s3://validahub/results/', `s3://validahub/results/${key}/report.json`],
    ['s3://validahub', `s3://validahub/${key}/report.json`],
    ['results/', `results/${key}/report.json`],
    ['results', `results/${key}/report.json`],
    ['file:///srv/storage/results//', `file:///srv/storage/results/${key}/report.json`],
  ])('%j -> %j', (resultsUri, expected) => {
    expect(resultLocation(resultsUri, run, 'report')).toBe(expected);
  });

  it('names each part, under a folder per attempt and run', () => {
    expect(resultLocation('results', run, 'corrected')).toBe(`results/${key}/corrected.csv`);
    expect(resultLocation('results', run, 'issues_csv')).toBe(`results/${key}/issues.csv`);
    expect(resultLocation('results', run, 'report_html')).toBe(`results/${key}/report.html`);
    expect(resultLocation('results', { ...run, attempt: 2 }, 'report')).toBe(`results/${jobId}/attempt-2/f3a9c1d2e4b5/report.json`);
    expect(resultLocation('results', { ...run, runId: 'other' }, 'report')).not.toBe(resultLocation('results', run, 'report'));
  });

  it.each(['', '../etc', 'a/b', 'a.json', ' id', 'x'.repeat(129)])('refuses job id and run id %j', (bad) => {
    expect(() => resultLocation('results', { ...run, jobId: bad }, 'report')).toThrow(StorageUriError);
    expect(() => resultLocation('results', { ...run, runId: bad }, 'report')).toThrow(StorageUriError);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses attempt %j', (attempt) => {
    expect(() => resultLocation('results', { ...run, attempt }, 'report')).toThrow(/attempt must be a whole number/);
  });

  it('refuses an unknown part and an empty prefix', () => {
    expect(() => resultLocation('results', run, 'exe' as 'report')).toThrow(/result part must be one of report, corrected, issues_csv, report_html/);
    expect(() => resultLocation('results', run, 'toString' as 'report')).toThrow(StorageUriError);
    for (const prefix of ['', '/', 's3://', 'file://']) expect(() => resultLocation(prefix, run, 'report')).toThrow(StorageUriError);
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
