import iconv from 'iconv-lite';
import { correctText, issuesFor, mlFile, problems, validateText } from './test-support/validation-harness';

const ML = { marketplace: 'mercado_livre', autoFix: true } as const;

/** Fixes one cell of a valid row and returns the fix records and the problems left. */
async function fixCell(column: string, value: string, options: object = ML) {
  const report = await validateText(mlFile([{ [column]: value }]), options);
  return { fixes: report.issues.filter((issue) => issue.severity === 'fix'), left: problems(report), report };
}

describe('validateCsv: auto-fix', () => {
  it.each([
    ['title', '  Celular   Samsung  ', 'Celular Samsung', 'whitespace'],
    ['brand', '\tAcme\u00a0', 'Acme', 'whitespace'],
    ['sku', ' SKU-9 ', 'SKU-9', 'trim'],
    ['price', 'R$ 1.234,56', '1234.56', 'decimal_comma'],
    ['price', '1234,56', '1234.56', 'decimal_comma'],
    ['price', '1.234,5', '1234.50', 'decimal_comma'],
    ['price', 'r$10', '10.00', 'decimal_comma'],
    ['price', '1.234.567', '1234567.00', 'decimal_comma'],
    ['condition', 'novo', 'new', 'enum_synonyms'],
    ['condition', 'New', 'new', 'enum_synonyms'],
    ['condition', 'NEW', 'new', 'enum_synonyms'],
    ['condition', 'usado', 'used', 'enum_synonyms'],
    ['condition', 'nao especificado', 'not_specified', 'enum_synonyms'],
    ['condition', 'Não Especificado', 'not_specified', 'enum_synonyms'],
    ['currency', 'brl', 'BRL', 'enum_synonyms'],
    ['currency', 'R$', 'BRL', 'enum_synonyms'],
    ['gtin', '4006-3813 33931', '4006381333931', 'gtin_digits'],
    ['gtin', '36000291452', '036000291452', 'gtin_digits'],
    ['gtin', '1234565', '01234565', 'gtin_digits'],
  ])('fixes %s %j -> %j, records it, and leaves no error', async (column, from, to, fix) => {
    const { fixes, left, report } = await fixCell(column, from);
    expect(fixes).toEqual([
      expect.objectContaining({ row: 1, column, rule: fix, severity: 'fix', value: from, fixed_value: to }),
    ]);
    expect(left).toEqual([]);
    expect(report.summary).toMatchObject({ rows_valid: 1, rows_invalid: 0, errors: 0, fixes_applied: 1 });
    expect(report.by_rule).toEqual({ [fix]: 1 });
  });

  it.each([
    ['price', '1.234', 'decimals'],
    ['price', '12,345', 'number'],
    ['price', 'R$ -5', 'number'],
    ['gtin', '123', 'gtin'],
    ['gtin', '4006381333932', 'gtin'],
    ['condition', 'seminovo', 'enum'],
  ])('does not guess: %s %j stays an error', async (column, value, rule) => {
    const { fixes, left } = await fixCell(column, value);
    expect(fixes).toEqual([]);
    expect(left).toEqual([expect.objectContaining({ column, rule, severity: 'error' })]);
  });

  it('never shortens a title or invents a missing value', async () => {
    const longTitle = `  ${'T'.repeat(70)}  `;
    const report = await validateText(mlFile([{ title: longTitle, sku: '' }]), ML);
    expect(issuesFor(report, 'whitespace')[0]?.fixed_value).toBe('T'.repeat(70));
    expect(problems(report).map((issue) => issue.rule)).toEqual(['required', 'max_length']);
  });

  it('neutralises formula injection in any column (and the header), but not numbers', async () => {
    const text = 'sku,title,price,@note,extra\nA1,=HYPERLINK("x"),-5,+1,@SUM(A1)\nA2,-abc,10,-3.5,\tcmd\n';
    const { report, output } = await correctText(text, { marketplace: 'mercado_livre' });
    const formula = issuesFor(report, 'formula_injection');
    expect(formula.map((fix) => `${fix.row}:${fix.column}:${fix.fixed_value}`)).toEqual([
      "0:@note:'@note",
      '1:title:\'=HYPERLINK("x")',
      "1:extra:'@SUM(A1)",
      "2:title:'-abc",
      "2:extra:'\tcmd",
    ]);
    expect(output.split('\r\n')).toEqual([
      "sku,title,price,'@note,extra",
      'A1,"\'=HYPERLINK(""x"")",-5,+1,\'@SUM(A1)',
      "A2,'-abc,10,-3.5,'\tcmd",
      '',
    ]);
  });

  it('writes UTF-8 with "," and the input header spelling and column order, quoting only where needed', async () => {
    const text = 'Título;SKU;Preço;descrição\r\n"Celular, bom";A-1;10,50;"Tem ""aspas""\r\ne linhas"\r\n';
    const { output, report } = await correctText(iconv.encode(text, 'windows-1252'), { marketplace: 'mercado_livre' });
    expect(report.input).toMatchObject({ encoding: 'windows-1252', delimiter: ';' });
    expect(output).toBe('Título,SKU,Preço,descrição\r\n"Celular, bom",A-1,10.50,"Tem ""aspas""\r\ne linhas"\r\n');
  });

  it('copies untouched rows as they were read, and rewrites only the changed ones', async () => {
    const text = 'sku,title\nA1,"quoted, as read"\nA2,  spaced  \nA3,"unneeded quotes"\n';
    const { output } = await correctText(text, { marketplace: 'mercado_livre' });
    expect(output).toBe('sku,title\r\nA1,"quoted, as read"\r\nA2,spaced\r\nA3,"unneeded quotes"\r\n');
  });

  it('drops blank rows and empty extra cells (recorded), pads short rows, keeps extra values', async () => {
    const text = 'sku,title,price\nA1,x,1\n\n,,\nA2,y\nA3,z,3,,\nA4,w,4,oops\n\n';
    const { output, report } = await correctText(text);
    expect(output).toBe('sku,title,price\r\nA1,x,1\r\nA2,y,\r\nA3,z,3\r\nA4,w,4,oops\r\n');
    expect(report.issues.map((issue) => `${issue.row}:${issue.rule}:${issue.severity}`)).toEqual([
      '2:blank_row_removed:fix',
      '3:blank_row_removed:fix',
      '4:missing_cell:error',
      '5:empty_extra_cells_removed:fix',
      '6:extra_cell:error',
    ]);
    expect(report.summary).toEqual({ rows_total: 6, rows_valid: 4, rows_invalid: 2, errors: 2, warnings: 0, fixes_applied: 3 });
  });

  it('without auto-fix, reports the same rows as warnings and errors and fixes nothing', async () => {
    const report = await validateText('sku,title,price\nA1,x,1\n\nA3,z,3,,\n', {});
    expect(report.issues.map((issue) => `${issue.row}:${issue.rule}:${issue.severity}`)).toEqual(['2:blank_row:warning', '3:extra_cell:warning']);
    expect(report.summary.fixes_applied).toBe(0);
  });

  it('gives the same report with or without a corrected output', async () => {
    const text = mlFile([{ title: ' a  b ' }, { price: '1,5' }, { title: '=1+1' }]);
    const withoutOutput = await validateText(text, ML);
    const { report } = await correctText(text, ML);
    expect(report).toEqual(withoutOutput);
    expect(report.summary.fixes_applied).toBe(3);
  });

  it('checks uniqueness on fixed values', async () => {
    const report = await validateText(mlFile([{ sku: 'A-1' }, { sku: ' A-1 ' }]), ML);
    expect(issuesFor(report, 'unique')).toEqual([expect.objectContaining({ row: 2, value: 'A-1' })]);
  });

  it('checks a cross-column rule against the other column as fixed', async () => {
    const text = 'item_sku,item_name,brand_name,external_product_id,standard_price,sale_price,quantity,condition_type,main_image_url\n' +
      'A1,Livro,Ed,4006381333931,"R$ 100,00",120.00,1,new,https://a.com/x.jpg\n';
    const report = await validateText(text, { marketplace: 'amazon', autoFix: true });
    expect(problems(report)).toEqual([expect.objectContaining({ column: 'sale_price', rule: 'not_greater_than' })]);
  });
});
