import { csvJobParams, CsvJobParams } from './csv-job-params';

describe('CSV job params', () => {
  const validate = csvJobParams(false);
  const correct = csvJobParams(true);

  it('fills the defaults; auto_fix defaults to the task (true for correct_csv_job)', () => {
    expect(validate.parse({ input_uri: 'test.csv' })).toEqual({
      ok: true,
      value: { input_uri: 'test.csv', marketplace: 'generic', ruleset: 'default', auto_fix: false },
    });
    expect(correct.parse({ input_uri: 'a.csv', marketplace: 'mercado_livre', category: 'electronics' })).toEqual({
      ok: true,
      value: { input_uri: 'a.csv', marketplace: 'mercado_livre', category: 'electronics', ruleset: 'default', auto_fix: true },
    });
    expect(correct.parse({ input_uri: 'a.csv', auto_fix: false })).toMatchObject({ ok: true, value: { auto_fix: false } });
  });

  it.each([
    [{}, 'params.input_uri'],
    [{ input_uri: 'a.csv', marketplace: 'ebay' }, 'params.marketplace'],
    [{ input_uri: 'a.csv', ruleset: 'nope' }, 'params.ruleset'],
    [{ input_uri: 'a.csv', auto_fix: 'yes' }, 'params.auto_fix'],
    [{ input_uri: 'a.csv', surprise: 1 }, 'params.surprise'],
    [{ input_uri: '' }, 'params.input_uri'],
    [{ input_uri: 'a.csv', category: 'x'.repeat(101) }, 'params.category'],
    [{ input_uri: 'x'.repeat(2049) }, 'params.input_uri'],
  ])('rejects bad params %j', (params, field) => {
    const result = validate.parse(params);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toContain(field);
  });

  it('lists the marketplaces csv-rules knows', () => {
    expect(validate.parse({ input_uri: 'a.csv', marketplace: 'ebay' })).toEqual({
      ok: false,
      errors: [{ field: 'params.marketplace', message: 'must be one of: mercado_livre, amazon, shopee, magalu, generic' }],
    });
    expect(validate.toJsonSchema().properties.marketplace).toEqual({
      type: 'string',
      enum: ['mercado_livre', 'amazon', 'shopee', 'magalu', 'generic'],
      default: 'generic',
    });
  });

  it('refuses a ruleset the marketplace does not have, once every field is valid', () => {
    expect(validate.parse({ input_uri: 'a.csv', marketplace: 'amazon', ruleset: 'nope' })).toEqual({
      ok: false,
      errors: [{ field: 'params.ruleset', message: 'marketplace amazon has no ruleset "nope"' }],
    });
    expect(validate.parse({ input_uri: '', ruleset: 'nope' })).toEqual({
      ok: false,
      errors: [{ field: 'params.input_uri', message: 'must have at least 1 characters' }],
    });
  });

  it('gives the CSV runner a typed params object', () => {
    const params: CsvJobParams = { input_uri: 'a.csv', marketplace: 'generic', ruleset: 'default', auto_fix: false };
    // @ts-expect-error input_uri is required
    const missing: CsvJobParams = { marketplace: 'generic', ruleset: 'default', auto_fix: false };
    // @ts-expect-error category is a string
    const badCategory: CsvJobParams = { ...params, category: 3 };
    expect([params, missing, badCategory]).toHaveLength(3);
  });
});
