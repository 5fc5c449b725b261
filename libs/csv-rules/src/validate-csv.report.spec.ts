import { csvText, issuesFor, mlFile, problems, validateText } from './test-support/validation-harness';

const ML = { marketplace: 'mercado_livre' } as const;

describe('validateCsv: reports people can act on', () => {
  describe('fixable', () => {
    const text =
      mlFile([{ price: '1234,56' }, { sku: ' SKU-2 ' }, { price: 'x' }, { condition: 'Novo' }, { title: '' }]) +
      '\n' +
      'S9,Produto,,10,BRL,1,new,,,,,,\n';

    it('marks the problems auto-fix would fix, counts them and says so', async () => {
      const report = await validateText(text, ML);
      const marks = problems(report).map((issue) => `${issue.row}:${issue.rule}:${issue.fixable}`);
      expect(marks).toEqual([
        '1:number:true',
        '2:pattern:true',
        '3:number:false',
        '4:enum:true',
        '5:required:false',
        '6:blank_row:true',
        '7:extra_cell:true',
      ]);
      expect(report.summary.fixable).toBe(5);
      expect(report.summary_text).toContain('5 issues can be fixed automatically with auto_fix.');
    });

    it('matches what auto-fix then really does, and counts exactly past the issue cap', async () => {
      const fixedRun = await validateText(text, { ...ML, autoFix: true });
      expect(problems(fixedRun).map((issue) => `${issue.row}:${issue.rule}`)).toEqual(['3:number', '5:required']);
      expect(fixedRun.summary.fixable).toBe(0);
      expect(fixedRun.issues.every((issue) => !issue.fixable)).toBe(true);
      expect(fixedRun.summary_text).not.toContain('can be fixed');
      expect(fixedRun.summary_text).toContain('auto_fix made');

      const countsOnly = await validateText(text, { ...ML, maxIssues: 0 });
      expect(countsOnly.summary.fixable).toBe(5);
    });

    it('does not call a repeated value fixable (auto-fix never removes rows)', async () => {
      const report = await validateText(mlFile([{ sku: 'A-1' }, { sku: 'A-1' }]), ML);
      expect(issuesFor(report, 'unique')).toEqual([expect.objectContaining({ row: 2, fixable: false })]);
    });
  });

  describe('unknown category', () => {
    it('warns and lists the categories the ruleset knows', async () => {
      const report = await validateText(mlFile([{}]), { ...ML, category: 'eletronics' });
      expect(issuesFor(report, 'unknown_category')).toEqual([
        expect.objectContaining({
          row: 0,
          line: null,
          severity: 'warning',
          value: 'eletronics',
          message: expect.stringContaining('known categories: electronics (also eletronicos, eletrônicos)'),
        }),
      ]);
      expect(report.summary).toMatchObject({ errors: 0, warnings: 1 });
    });

    it('says when the ruleset has no categories at all, and stays silent for a known one', async () => {
      const generic = await validateText('a\n1\n', { category: 'toys' });
      expect(issuesFor(generic, 'unknown_category')[0]?.message).toMatch(/generic\/default has no category-specific rules/);
      const known = await validateText(mlFile([{}]), { ...ML, category: 'Eletrônicos' });
      expect(issuesFor(known, 'unknown_category')).toEqual([]);
    });
  });

  describe('header did-you-mean', () => {
    it.each([
      ['prise', '"price"'],
      ['pirce', '"price"'],
      ['quantidad', '"quantidade" (column available_quantity)'],
      ['Condção ', '"condicao" (column condition)'],
    ])('suggests a ruleset column for the header %j', async (header, meant) => {
      const text = csvText([
        ['sku', 'title', header],
        ['A1', 'Produto', '10'],
      ]);
      const report = await validateText(text, ML);
      expect(issuesFor(report, 'unknown_header')).toEqual([
        expect.objectContaining({
          row: 0,
          line: 1,
          severity: 'warning',
          column: header.trim(),
          message: expect.stringContaining(`did you mean ${meant}?`),
        }),
      ]);
    });

    it('stays silent for unrelated, very short, or already present headers', async () => {
      const text = csvText([
        ['sku', 'title', 'price', 'prise', 'tipo', 'ab', 'cor'],
        ['A1', 'Produto', '10', '1', '2', '3', '4'],
      ]);
      const report = await validateText(text, ML);
      expect(issuesFor(report, 'unknown_header')).toEqual([]);
    });
  });

  describe('delimiter hint', () => {
    it.each([
      [';', 'semicolon (;)'],
      ['\t', 'tab'],
      ['|', 'pipe (|)'],
    ])('warns when a one-column header hides %j-separated rows', async (delimiter, name) => {
      const text = mlFile([{}, {}, {}], { delimiter });
      const report = await validateText(text, { ...ML, delimiter: ',' });
      expect(issuesFor(report, 'delimiter_hint')).toEqual([
        expect.objectContaining({
          row: 0,
          line: 1,
          severity: 'warning',
          message: expect.stringContaining(`looks delimited by ${name}, not comma (,)`),
        }),
      ]);
    });

    it('reads the header alone when there are no rows, and stays silent for a real one-column file', async () => {
      const headerOnly = await validateText('sku;title;price\n', { delimiter: ',' });
      expect(issuesFor(headerOnly, 'delimiter_hint')).toHaveLength(1);
      const oneColumn = await validateText('sku\nA1\nA2\nA;3\n', {});
      expect(issuesFor(oneColumn, 'delimiter_hint')).toEqual([]);
    });
  });

  describe('line and sku beside row', () => {
    const text =
      '\n' + // line 1: blank before the header
      'sku,title,price\r\n' + // line 2: the header
      'A1,"two\r\nlines",x\r\n' + // lines 3-4
      '\r\n' + // line 5: blank row
      'A2,"three\nline\ncell",y\r\n' + // lines 6-8
      ' A3 ,ok,z\r\n'; // line 9

    it.each([1, 5, 64 * 1024])('gives the physical line each row starts on (chunks of %i bytes)', async (chunkSize) => {
      const report = await validateText(text, ML, chunkSize);
      const places = report.issues.map((issue) => `${issue.rule}@${issue.row}:${issue.line}:${issue.sku}`);
      expect(places).toEqual([
        'missing_column@0:2:null',
        'missing_column@0:2:null',
        'number@1:3:A1',
        'blank_row@2:5:null',
        'number@3:6:A2',
        'pattern@4:9:A3',
        'number@4:9:A3',
      ]);
    });

    it('counts lines in a file with bare CR line ends, and leaves sku null for a ruleset without one', async () => {
      const report = await validateText('a,b\r1,"x\ry"\r\r2\r', {}, 3);
      expect(report.issues.map((issue) => `${issue.rule}@${issue.row}:${issue.line}:${issue.sku}`)).toEqual([
        'blank_row@2:4:null',
        'missing_cell@3:5:null',
      ]);
    });

    it("takes the SKU from the ruleset's own id column (item_sku for amazon)", async () => {
      const text = csvText([
        ['item_sku', 'item_name'],
        ['B-7', ''],
      ]);
      const report = await validateText(text, { marketplace: 'amazon' });
      expect(issuesFor(report, 'required').find((issue) => issue.column === 'item_name')).toMatchObject({ row: 1, line: 2, sku: 'B-7' });
    });
  });
});
