import { csvText, issuesFor, problems, validateText } from '../test-support/validation-harness';

/** Builds a file from a header and rows given as objects keyed by that header. */
function file(header: readonly string[], rows: ReadonlyArray<Record<string, string>>): string {
  return csvText([header, ...rows.map((row) => header.map((column) => row[column] ?? ''))]);
}

const AMAZON_HEADER = [
  'item_sku', 'item_name', 'brand_name', 'external_product_id', 'asin', 'standard_price', 'sale_price',
  'quantity', 'condition_type', 'product_description', 'main_image_url', 'other_image_urls',
] as const;

function amazonRow(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    item_sku: 'AMZ-1', item_name: 'Livro de receitas', brand_name: 'Editora', external_product_id: '4006381333931',
    asin: 'B0ABCDEFGH', standard_price: '59.90', sale_price: '49.90', quantity: '3', condition_type: 'new',
    product_description: 'Receitas.', main_image_url: 'https://m.media-amazon.com/a.jpg', other_image_urls: '',
    ...overrides,
  };
}

const SHOPEE_HEADER = ['sku', 'product_name', 'product_description', 'category_id', 'price', 'stock', 'weight', 'brand', 'gtin', 'images', 'condition'] as const;

function shopeeRow(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    sku: 'SH-1', product_name: 'Garrafa térmica 1L', product_description: 'Mantém a temperatura por 12 horas.',
    category_id: '100012', price: '89.90', stock: '40', weight: '0.450', brand: 'Termo', gtin: '', images: 'https://cf.shopee.com.br/a.jpg',
    condition: 'new', ...overrides,
  };
}

const MAGALU_HEADER = [
  'sku', 'title', 'description', 'brand', 'ean', 'ncm', 'price', 'promotional_price', 'stock',
  'weight_kg', 'height_cm', 'width_cm', 'length_cm', 'images', 'voltage',
] as const;

function magaluRow(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    sku: 'MG-1', title: 'Liquidificador 3 velocidades', description: 'Potente e silencioso.', brand: 'Arno', ean: '4006381333931',
    ncm: '85094050', price: '199.90', promotional_price: '179.90', stock: '12', weight_kg: '2.1', height_cm: '40',
    width_cm: '20', length_cm: '20', images: 'https://a-static.mlcdn.com.br/a.jpg', voltage: '220V', ...overrides,
  };
}

const rulesAt = (report: Awaited<ReturnType<typeof validateText>>) => problems(report).map((issue) => `${issue.rule}@${issue.column}`);

describe('amazon', () => {
  it('accepts a valid row', async () => {
    expect(rulesAt(await validateText(file(AMAZON_HEADER, [amazonRow()]), { marketplace: 'amazon' }))).toEqual([]);
  });

  it.each([
    ['max_length@item_sku', { item_sku: 'A'.repeat(41) }],
    ['max_length@item_name', { item_name: 'N'.repeat(201) }],
    ['required@brand_name', { brand_name: '' }],
    ['required@external_product_id', { external_product_id: '' }],
    ['gtin@external_product_id', { external_product_id: '4006381333932' }],
    ['asin@asin', { asin: 'B0ABC' }],
    ['asin@asin', { asin: '0306406153' }],
    ['not_greater_than@sale_price', { sale_price: '69.90' }],
    ['range@quantity', { quantity: '1000000' }],
    ['enum@condition_type', { condition_type: 'used' }],
    ['max_length@product_description', { product_description: 'd'.repeat(2001) }],
    ['url@main_image_url', { main_image_url: 'http://a.com/x.jpg' }],
    ['max_items@other_image_urls', { other_image_urls: Array.from({ length: 9 }, (_, i) => `https://a.com/${i}.jpg`).join('|') }],
  ])('flags %s', async (expected, overrides) => {
    expect(rulesAt(await validateText(file(AMAZON_HEADER, [amazonRow(overrides)]), { marketplace: 'amazon' }))).toEqual([expected]);
  });

  it('accepts an ISBN-10 as ASIN (custom rule with its mod-11 check digit)', async () => {
    expect(rulesAt(await validateText(file(AMAZON_HEADER, [amazonRow({ asin: '0306406152' })]), { marketplace: 'amazon' }))).toEqual([]);
    expect(rulesAt(await validateText(file(AMAZON_HEADER, [amazonRow({ asin: '080442957X' })]), { marketplace: 'amazon' }))).toEqual([]);
  });

  it('matches the generic headers of other feeds through aliases', async () => {
    const text = 'sku,title,brand,ean,price,quantity,condition,image\nA1,Livro,Ed,4006381333931,10.00,1,new,https://a.com/x.jpg\n';
    const report = await validateText(text, { marketplace: 'amazon' });
    expect(report.issues).toEqual([]);
  });
});

describe('shopee', () => {
  it('accepts a valid row', async () => {
    expect(rulesAt(await validateText(file(SHOPEE_HEADER, [shopeeRow()]), { marketplace: 'shopee' }))).toEqual([]);
  });

  it.each([
    ['min_length@product_name', { product_name: 'Curto' }],
    ['max_length@product_name', { product_name: 'N'.repeat(121) }],
    ['min_length@product_description', { product_description: 'Muito curta' }],
    ['range@category_id', { category_id: '0' }],
    ['decimals@weight', { weight: '0.4505' }],
    ['range@stock', { stock: '-1' }],
    ['required@images', { images: '' }],
    ['max_items@images', { images: Array.from({ length: 10 }, (_, i) => `https://a.com/${i}.jpg`).join(',') }],
    ['enum@condition', { condition: 'not_specified' }],
  ])('flags %s', async (expected, overrides) => {
    expect(rulesAt(await validateText(file(SHOPEE_HEADER, [shopeeRow(overrides)]), { marketplace: 'shopee' }))).toEqual([expected]);
  });

  it('allows repeated empty SKUs (optional) but not repeated SKUs', async () => {
    const report = await validateText(file(SHOPEE_HEADER, [shopeeRow({ sku: '' }), shopeeRow({ sku: '' }), shopeeRow(), shopeeRow()]), { marketplace: 'shopee' });
    expect(rulesAt(report)).toEqual(['unique@sku']);
  });
});

describe('magalu', () => {
  it('accepts a valid row', async () => {
    expect(rulesAt(await validateText(file(MAGALU_HEADER, [magaluRow()]), { marketplace: 'magalu' }))).toEqual([]);
  });

  it.each([
    ['pattern@ncm', { ncm: '8509.40.50' }],
    ['not_greater_than@promotional_price', { promotional_price: '250.00' }],
    ['required@ean', { ean: '' }],
    ['positive@weight_kg', { weight_kg: '0' }],
    ['enum@voltage', { voltage: '380V' }],
  ])('flags %s', async (expected, overrides) => {
    expect(rulesAt(await validateText(file(MAGALU_HEADER, [magaluRow(overrides)]), { marketplace: 'magalu' }))).toEqual([expected]);
  });

  it('requires the voltage only in the electronics category, and fixes its spelling', async () => {
    const noVoltage = file(MAGALU_HEADER, [magaluRow({ voltage: '' })]);
    expect(rulesAt(await validateText(noVoltage, { marketplace: 'magalu' }))).toEqual([]);
    expect(rulesAt(await validateText(noVoltage, { marketplace: 'magalu', category: 'eletroportateis' }))).toEqual(['required_for_category@voltage']);
    const report = await validateText(file(MAGALU_HEADER, [magaluRow({ voltage: '127v' })]), { marketplace: 'magalu', autoFix: true });
    expect(issuesFor(report, 'enum_synonyms')[0]?.fixed_value).toBe('110V');
  });
});

describe('generic', () => {
  it('runs only the structural checks, whatever the columns', async () => {
    const report = await validateText('whatever,columns,,here,here\n1,2,3,4,5\n\n1,2\n1,2,3,4,5,6\n', { marketplace: 'generic' });
    expect(report.issues.map((issue) => `${issue.row}:${issue.rule}`)).toEqual([
      '0:blank_header',
      '0:duplicate_header',
      '2:blank_row',
      '3:missing_cell',
      '4:extra_cell',
    ]);
    expect(report.summary).toMatchObject({ rows_total: 4, rows_valid: 2, rows_invalid: 2, errors: 3, warnings: 2 });
  });
});
