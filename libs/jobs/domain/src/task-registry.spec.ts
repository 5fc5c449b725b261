import { TaskRegistry } from './task-registry';

describe('TaskRegistry', () => {
  const registry = new TaskRegistry();

  it('knows the contract tasks and hides test-only ones unless asked', () => {
    expect(registry.names().sort()).toEqual(['correct_csv_job', 'generate_report_job', 'sync_connector_job', 'validate_csv_job']);
    expect(new TaskRegistry({ includeTestTasks: true }).names()).toEqual(expect.arrayContaining(['noop_job', 'sleep_job', 'flaky_job']));
  });

  it('tells unknown tasks from reserved ones', () => {
    expect(registry.lookup('explode_job')).toMatchObject({ ok: false, reason: 'unknown' });
    expect(registry.lookup('sync_connector_job')).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(registry.lookup('validate_csv_job')).toMatchObject({ ok: true });
  });

  it('applies csv param defaults (auto_fix implied for correct_csv_job)', () => {
    expect(registry.parseParams('validate_csv_job', { input_uri: 'test.csv' })).toEqual({
      ok: true,
      value: { input_uri: 'test.csv', marketplace: 'generic', ruleset: 'default', auto_fix: false },
    });
    expect(registry.parseParams('correct_csv_job', { input_uri: 'a.csv', marketplace: 'mercado_livre', category: 'electronics' })).toEqual({
      ok: true,
      value: { input_uri: 'a.csv', marketplace: 'mercado_livre', category: 'electronics', ruleset: 'default', auto_fix: true },
    });
  });

  it.each([
    [{}, 'params.input_uri'],
    [{ input_uri: 'a.csv', marketplace: 'ebay' }, 'params.marketplace'],
    [{ input_uri: 'a.csv', ruleset: 'nope' }, 'params.ruleset'],
    [{ input_uri: 'a.csv', auto_fix: 'yes' }, 'params.auto_fix'],
    [{ input_uri: 'a.csv', surprise: 1 }, 'params.surprise'],
    [{ input_uri: '' }, 'params.input_uri'],
  ])('rejects bad csv params %j', (params, field) => {
    const result = registry.parseParams('validate_csv_job', params);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toContain(field);
  });

  it('checks that every runnable task has exactly one handler', () => {
    expect(() => registry.assertHandlers(['validate_csv_job', 'correct_csv_job'])).not.toThrow();
    expect(() => registry.assertHandlers(['validate_csv_job'])).toThrow(/no handler for correct_csv_job/);
    expect(() => registry.assertHandlers(['validate_csv_job', 'correct_csv_job', 'correct_csv_job'])).toThrow(/two handlers/);
    expect(() => registry.assertHandlers(['validate_csv_job', 'correct_csv_job', 'mystery_job'])).toThrow(/unknown task mystery_job/);
  });
});
