import { progressReporter } from './csv-progress';

const update = (rowsRead: number, bytesRead: number, totalBytes: number | null) => ({
  rowsRead,
  bytesRead,
  totalBytes,
  fraction: totalBytes ? bytesRead / totalBytes : null,
  done: false,
});

describe('progressReporter', () => {
  const reports: Array<[number, string | undefined]> = [];
  const report = progressReporter({ reportProgress: (p, m) => void reports.push([p, m]) });
  beforeEach(() => (reports.length = 0));

  it('turns bytes read into a percentage with a rows message', () => {
    report(update(1_500, 6_550, 10_000));
    expect(reports).toEqual([[65.5, 'Validating 1500 rows']]);
  });

  it('keeps the last percent for storing the report', () => {
    report(update(9_999, 10_000, 10_000));
    expect(reports[0][0]).toBe(99);
  });

  it('reports only the row count when the size is unknown', () => {
    report(update(42, 1_000, null));
    expect(reports).toEqual([[0, 'Validating 42 rows']]);
  });
});
