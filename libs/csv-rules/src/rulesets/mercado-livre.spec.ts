import { issuesFor, mlFile, problems, validateText, type MlRow } from '../test-support/validation-harness';

const ML = { marketplace: 'mercado_livre' } as const;
const ELECTRONICS = { marketplace: 'mercado_livre', category: 'electronics' } as const;

/** Validates one data row (row 1) and returns its problems as `rule@column` strings. */
async function problemsOfRow(overrides: MlRow, options: object = ELECTRONICS): Promise<string[]> {
  const report = await validateText(mlFile([overrides]), options);
  return problems(report).map((issue) => `${issue.rule}@${issue.column}`);
}

describe('mercado_livre default ruleset', () => {
  it('accepts a file of valid rows, electronics included', async () => {
    const report = await validateText(mlFile([{}, {}, {}]), ELECTRONICS);
    expect(report.summary).toEqual({ rows_total: 3, rows_valid: 3, rows_invalid: 0, errors: 0, warnings: 0, fixes_applied: 0, fixable: 0 });
    expect(report.issues).toEqual([]);
  });

  describe('sku', () => {
    it.each([
      ['', 'required@sku'],
      ['   ', 'required@sku'],
      ['A'.repeat(51), 'max_length@sku'],
      ['AB C', 'pattern@sku'],
      ['ABC/1', 'pattern@sku'],
      ['çedilha', 'pattern@sku'],
    ])('flags %j', async (sku, expected) => {
      expect(await problemsOfRow({ sku })).toEqual([expected]);
    });

    it.each(['A', 'A'.repeat(50), 'abc.DEF_12-3'])('accepts %j', async (sku) => {
      expect(await problemsOfRow({ sku })).toEqual([]);
    });

    it('flags the second and later occurrences of a SKU, naming the row of the first', async () => {
      const report = await validateText(mlFile([{ sku: 'DUP' }, { sku: 'OTHER' }, { sku: 'DUP' }, { sku: 'DUP' }]), ML);
      const duplicates = issuesFor(report, 'unique');
      expect(duplicates.map((issue) => issue.row)).toEqual([3, 4]);
      expect(duplicates.every((issue) => issue.message.includes('row 1'))).toBe(true);
      expect(duplicates[0]).toMatchObject({ column: 'sku', severity: 'error', value: 'DUP', fixed_value: null });
      expect(report.summary).toMatchObject({ rows_total: 4, rows_valid: 2, rows_invalid: 2, errors: 2 });
    });
  });

  describe('title', () => {
    it('allows 60 characters after trimming and flags 61, saying how many', async () => {
      expect(await problemsOfRow({ title: 'T'.repeat(60) })).toEqual([]);
      const report = await validateText(mlFile([{ title: 'T'.repeat(72) }]), ML);
      expect(problems(report)).toEqual([
        expect.objectContaining({
          row: 1,
          column: 'title',
          rule: 'max_length',
          severity: 'error',
          message: 'title has 72 characters; at most 60 are allowed',
        }),
      ]);
    });

    it('counts characters, not UTF-16 units (an emoji is one)', async () => {
      expect(await problemsOfRow({ title: '📱'.repeat(60) })).toEqual([]);
      expect(await problemsOfRow({ title: '📱'.repeat(61) })).toEqual(['max_length@title']);
    });

    it('is required', async () => {
      expect(await problemsOfRow({ title: '' })).toEqual(['required@title']);
    });
  });

  it('warns (not errs) on a description over 50,000 characters, and allows it empty', async () => {
    const report = await validateText(mlFile([{ description: 'd'.repeat(50_001) }, { description: 'd'.repeat(50_000) }, { description: '' }]), ML);
    expect(problems(report)).toEqual([expect.objectContaining({ row: 1, rule: 'max_length', severity: 'warning' })]);
    expect(report.summary).toMatchObject({ rows_valid: 3, rows_invalid: 0, errors: 0, warnings: 1 });
  });

  describe('price', () => {
    it.each([
      ['', 'required@price'],
      ['abc', 'number@price'],
      ['1,50', 'number@price'],
      ['R$ 10', 'number@price'],
      ['1.234.56', 'number@price'],
      ['0', 'positive@price'],
      ['0.00', 'positive@price'],
      ['-5', 'positive@price'],
      ['10.999', 'decimals@price'],
    ])('flags %j', async (price, expected) => {
      expect(await problemsOfRow({ price })).toEqual([expected]);
    });

    it.each(['0.01', '10', '10.5', '99999.99'])('accepts %j', async (price) => {
      expect(await problemsOfRow({ price })).toEqual([]);
    });
  });

  describe('currency', () => {
    it.each(['BRL', 'ARS', 'MXN', 'CLP', 'COP', 'UYU', 'PEN', ''])('accepts %j (empty means BRL)', async (currency) => {
      expect(await problemsOfRow({ currency })).toEqual([]);
    });

    it.each(['USD', 'brl', 'R$'])('flags %j', async (currency) => {
      expect(await problemsOfRow({ currency })).toEqual(['enum@currency']);
    });
  });

  describe('available_quantity', () => {
    it.each(['0', '1', '99999'])('accepts %j', async (available_quantity) => {
      expect(await problemsOfRow({ available_quantity })).toEqual([]);
    });

    it.each([
      ['', 'required@available_quantity'],
      ['1.5', 'integer@available_quantity'],
      ['ten', 'integer@available_quantity'],
      ['100000', 'range@available_quantity'],
      ['-1', 'range@available_quantity'],
    ])('flags %j', async (available_quantity, expected) => {
      expect(await problemsOfRow({ available_quantity })).toEqual([expected]);
    });
  });

  describe('condition', () => {
    it.each(['new', 'used', 'not_specified'])('accepts %j', async (condition) => {
      expect(await problemsOfRow({ condition })).toEqual([]);
    });

    it.each([
      ['', 'required@condition'],
      ['novo', 'enum@condition'],
      ['refurbished', 'enum@condition'],
    ])('flags %j', async (condition, expected) => {
      expect(await problemsOfRow({ condition })).toEqual([expected]);
    });
  });

  describe('brand, model and gtin by category', () => {
    it('are required for electronics', async () => {
      expect(await problemsOfRow({ brand: '', model: ' ', gtin: '' })).toEqual([
        'required_for_category@brand',
        'required_for_category@model',
        'required_for_category@gtin',
      ]);
    });

    it('are optional without a category, for another category, and the category name is matched loosely', async () => {
      expect(await problemsOfRow({ brand: '', model: '', gtin: '' }, ML)).toEqual([]);
      // A category without rules changes nothing; the report says so (a typo would otherwise go unnoticed).
      expect(await problemsOfRow({ brand: '', model: '', gtin: '' }, { ...ML, category: 'books' })).toEqual(['unknown_category@null']);
      expect(await problemsOfRow({ brand: '' }, { ...ML, category: ' Eletrônicos ' })).toEqual(['required_for_category@brand']);
    });

    it('reports a missing brand column once for electronics, not per row', async () => {
      const text = 'sku,title,price,available_quantity,condition,model,gtin\nA1,T,10,1,new,M,96385074\nA2,T,10,1,new,M,96385074\n';
      const report = await validateText(text, ELECTRONICS);
      expect(problems(report)).toEqual([expect.objectContaining({ row: 0, column: 'brand', rule: 'missing_column', severity: 'error' })]);
      expect(report.summary).toMatchObject({ rows_total: 2, rows_valid: 2, errors: 1 });
    });
  });

  describe('gtin', () => {
    it.each(['96385074', '036000291452', '4006381333931', '10012345678902'])('accepts the valid GTIN-%#: %s', async (gtin) => {
      expect(await problemsOfRow({ gtin })).toEqual([]);
    });

    it.each(['96385075', '036000291453', '4006381333932', '10012345678901'])('flags a wrong check digit: %s', async (gtin) => {
      const report = await validateText(mlFile([{ gtin }]), ML);
      expect(problems(report)).toEqual([expect.objectContaining({ rule: 'gtin', message: expect.stringContaining('invalid check digit') })]);
    });

    it.each([
      ['1234567', 'has 7 digits'],
      ['400638133393', 'invalid check digit'],
      ['40063813339311', 'invalid check digit'],
      ['123456789012345', 'has 15 digits'],
      ['4006-381333931', 'only digits'],
      ['4.00638E+12', 'only digits'],
    ])('flags %j (%s)', async (gtin, expected) => {
      const report = await validateText(mlFile([{ gtin }]), ML);
      expect(problems(report)).toEqual([expect.objectContaining({ rule: 'gtin', message: expect.stringContaining(expected) })]);
    });
  });

  describe('pictures', () => {
    it.each([
      'https://a.com/1.jpg',
      'https://a.com/1.jpg|https://b.com.br/2.png',
      'https://a.com/1.jpg, https://a.com/2.jpg',
      'https://img.cdn.com/w_100,h_100/1.jpg|https://img.cdn.com/2.jpg',
      'HTTPS://A.COM/x.jpg',
      'https://a.com:8443/x.jpg?size=2#top',
      Array.from({ length: 10 }, (_, i) => `https://a.com/${i}.jpg`).join('|'),
      'https://a.com/1.jpg||',
    ])('accepts %j', async (pictures) => {
      expect(await problemsOfRow({ pictures })).toEqual([]);
    });

    it.each([
      ['http://a.com/1.jpg', 'url'],
      ['https://a.com/1.jpg|ftp://a.com/2.jpg', 'url'],
      ['https://a.com/my photo.jpg', 'url'],
      ['https://localhost/x.jpg', 'url'],
      ['www.a.com/x.jpg', 'url'],
      ['https://a..com/x.jpg', 'url'],
      [Array.from({ length: 11 }, (_, i) => `https://a.com/${i}.jpg`).join('|'), 'max_items'],
      [Array.from({ length: 11 }, (_, i) => `https://a.com/${i}.jpg`).join(','), 'max_items'],
    ])('flags %j', async (pictures, rule) => {
      expect(await problemsOfRow({ pictures })).toEqual([`${rule}@pictures`]);
    });

    it('names the bad item in the message', async () => {
      const report = await validateText(mlFile([{ pictures: 'https://a.com/1.jpg | http://a.com/2.jpg' }]), ML);
      expect(problems(report)[0]?.message).toBe('pictures item "http://a.com/2.jpg" is not an https:// URL');
    });
  });

  it('maps Portuguese headers through aliases, and flags two headers naming the same column', async () => {
    const text = 'Código,Título,Preço,PRICE,Quantidade,Condição,\nA1,Rádio,10.00,x,1,new,ignored\n';
    const report = await validateText(text, ML);
    expect(report.issues.map((issue) => `${issue.row}:${issue.rule}:${issue.column}:${issue.severity}`)).toEqual([
      '0:duplicate_header:PRICE:error',
      '0:blank_header:null:warning',
    ]);
    expect(report.issues[0]?.message).toBe('header "PRICE" (column 4) repeats "Preço" (column 3); only the first is checked');
  });

  it('reports one issue per cell (the first rule broken) and counts a row once however many errors it has', async () => {
    const report = await validateText(mlFile([{ sku: '', title: '', price: 'x', condition: 'bad' }, {}]), ML);
    expect(problems(report).map((issue) => `${issue.rule}@${issue.column}`)).toEqual([
      'required@sku',
      'required@title',
      'number@price',
      'enum@condition',
    ]);
    expect(report.summary).toMatchObject({ rows_total: 2, rows_valid: 1, rows_invalid: 1, errors: 4 });
    expect(report.by_rule).toEqual({ enum: 1, number: 1, required: 2 });
  });
});
