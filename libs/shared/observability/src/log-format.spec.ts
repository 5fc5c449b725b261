import { wantsPrettyLogs } from './log-format';

describe('wantsPrettyLogs', () => {
  it('is pretty on a terminal in development, JSON when piped or in production, and obeys an explicit format', () => {
    expect(wantsPrettyLogs('auto', 'development', true)).toBe(true);
    expect(wantsPrettyLogs('auto', 'development', false)).toBe(false);
    expect(wantsPrettyLogs('auto', 'development', undefined)).toBe(false);
    expect(wantsPrettyLogs('auto', 'production', true)).toBe(false);
    expect(wantsPrettyLogs('pretty', 'production', false)).toBe(true);
    expect(wantsPrettyLogs('json', 'development', true)).toBe(false);
  });
});
