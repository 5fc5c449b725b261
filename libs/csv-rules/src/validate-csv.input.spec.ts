import iconv from 'iconv-lite';
import { UnreadableCsvError } from './errors';
import { csvText, issuesFor, mlFile, problems, validateText } from './test-support/validation-harness';

const ML = { marketplace: 'mercado_livre' } as const;

describe('validateCsv: reading the input', () => {
  describe('encodings', () => {
    it('reads UTF-8 with and without a BOM alike', async () => {
      const text = 'sku,título\nA1,Preço baixo\n';
      const plain = await validateText(text);
      const withBom = await validateText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
      expect(plain.input.encoding).toBe('utf-8');
      expect(withBom.input.encoding).toBe('utf-8');
      expect(withBom.issues).toEqual([]);
      expect(withBom.summary.rows_total).toBe(1);
    });

    it('detects a Windows-1252 export with Portuguese headers, ";" and Brazilian prices', async () => {
      const text = 'Código;Título;Preço;Quantidade;Condição;Moeda\r\nA-1;Relógio à prova d’água “Pro”;R$ 1.234,56;3;novo;BRL\r\nA-2;Fogão;199,9;1;usado;BRL\r\n';
      const bytes = iconv.encode(text, 'windows-1252');
      expect(bytes.includes(0xe7)).toBe(true);
      const report = await validateText(bytes, { ...ML, autoFix: true });
      expect(report.input).toEqual({ encoding: 'windows-1252', delimiter: ';', bytes: bytes.length });
      expect(issuesFor(report, 'missing_column')).toEqual([]);
      expect(issuesFor(report, 'decimal_comma').map((fix) => fix.fixed_value)).toEqual(['1234.56', '199.90']);
      expect(issuesFor(report, 'enum_synonyms').map((fix) => fix.fixed_value)).toEqual(['new', 'used']);
      expect(issuesFor(report, 'encoding')).toEqual([]);
      expect(report.summary).toMatchObject({ rows_total: 2, rows_invalid: 0, errors: 0 });
    });

    it('decodes the Windows-1252 specials (€, curly quotes) that ISO-8859-1 would garble', async () => {
      const bytes = iconv.encode('sku,title\nA1,Preço “bom” 10€\n', 'windows-1252');
      const { output } = await import('./test-support/validation-harness').then((h) => h.correctText(bytes));
      expect(output).toBe('sku,title\r\nA1,Preço “bom” 10€\r\n');
    });

    it('still detects Windows-1252 when the first accented letter comes after many ASCII chunks', async () => {
      const ascii = csvText(Array.from({ length: 2_000 }, (_, i) => [`A${i}`, 'plain text']));
      const bytes = Buffer.concat([Buffer.from(`sku,title\n${ascii}`), iconv.encode('Z1,Pão de açúcar\n', 'windows-1252')]);
      const report = await validateText(bytes, {}, 1_000);
      expect(report.input.encoding).toBe('windows-1252');
      expect(report.issues).toEqual([]);
    });

    it('keeps multi-byte characters whole when chunks split them (1-byte chunks)', async () => {
      const { correctText } = await import('./test-support/validation-harness');
      const { output, report } = await correctText('sku,title\nA1,Eletrônico ção 📱\n', {}, 1);
      expect(report.input.encoding).toBe('utf-8');
      expect(output).toBe('sku,title\r\nA1,Eletrônico ção 📱\r\n');
    });

    it('reads UTF-16 with a BOM', async () => {
      const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('sku,title\r\nA1,Ação\r\n', 'utf16le')]);
      const report = await validateText(bytes);
      expect(report.input.encoding).toBe('utf-16le');
      expect(report.summary.rows_total).toBe(1);
      expect(report.issues).toEqual([]);
    });

    it('reports bytes that are invalid in the encoding as encoding errors, naming the column, without crashing', async () => {
      const bytes = Buffer.concat([Buffer.from('sku,title\nA1,ok\nA2,bad '), Buffer.from([0xc3, 0x28]), Buffer.from('\nA3,ok\n')]);
      const report = await validateText(bytes, { encoding: 'utf-8' });
      expect(issuesFor(report, 'encoding')).toEqual([expect.objectContaining({ row: 2, column: 'title', severity: 'error' })]);
      expect(report.summary).toMatchObject({ rows_total: 3, rows_invalid: 1 });
    });

    it('honours a forced encoding', async () => {
      const bytes = iconv.encode('sku,title\nA1,Ação\n', 'windows-1252');
      const forced = await validateText(bytes, { encoding: 'latin1' });
      expect(forced.input.encoding).toBe('windows-1252');
      expect(forced.issues).toEqual([]);
    });
  });

  describe('delimiters and quoting', () => {
    it.each([
      [',', 'comma'],
      [';', 'semicolon'],
      ['\t', 'tab'],
      ['|', 'pipe'],
    ])('detects %j from the header', async (delimiter) => {
      const report = await validateText(mlFile([{}, {}], { delimiter }), ML);
      expect(report.input.delimiter).toBe(delimiter);
      expect(report.issues).toEqual([]);
    });

    it('ignores delimiters inside quoted headers, and takes a given delimiter over detection', async () => {
      const report = await validateText('"a;b;c",d\n1,2\n');
      expect(report.input.delimiter).toBe(',');
      const forced = await validateText('a,b;c\n1,2;3\n', { delimiter: ';' });
      expect(forced.input.delimiter).toBe(';');
      expect(forced.issues).toEqual([]);
    });

    it('reads quoted fields with delimiters, doubled quotes and line breaks, with CRLF, LF and mixed line ends', async () => {
      const description = 'Linha 1, com vírgula\r\nLinha 2 com "aspas"\nLinha 3';
      for (const newline of ['\n', '\r\n']) {
        const report = await validateText(mlFile([{ description }, { title: 'Título, "entre aspas"' }], { newline }), ML);
        expect(report.issues).toEqual([]);
        expect(report.summary.rows_total).toBe(2);
      }
      const mixed = 'sku,title\r\nA1,x\nA2,y\r\nA3,z';
      const report = await validateText(mixed, ML);
      expect(report.summary.rows_total).toBe(3);
      expect(issuesFor(report, 'missing_cell')).toEqual([]);
    });

    it('reads files with bare CR line ends', async () => {
      const report = await validateText('sku,title\rA1,x\rA2,y\r');
      expect(report.summary.rows_total).toBe(2);
      expect(report.issues).toEqual([]);
    });

    it('reports an unterminated quote on its row instead of hanging', async () => {
      const report = await validateText('sku,title\nA1,"never closed\nA2,x\nA3,y\n');
      expect(issuesFor(report, 'malformed_quotes')).toEqual([expect.objectContaining({ row: 1, column: null, severity: 'error' })]);
      expect(report.summary.rows_total).toBe(1);
    });

    it('reports a stray quote inside a quoted value', async () => {
      const report = await validateText('sku,title\nA1,"a "b" c"\nA2,x\n');
      expect(issuesFor(report, 'malformed_quotes')[0]).toMatchObject({ row: 1 });
    });

    it('gives the same report whatever the chunk size', async () => {
      const text = mlFile([{ description: 'a\nb, "c"' }, { title: '' }, { gtin: '123' }, {}], { newline: '\r\n' });
      const whole = await validateText(text, ML);
      for (const chunkSize of [1, 2, 3, 7, 64]) {
        expect(await validateText(text, ML, chunkSize)).toEqual(whole);
      }
    });
  });

  describe('files that are not CSV', () => {
    it('rejects binary content with UnreadableCsvError (code unreadable_csv)', async () => {
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(4_000, 1)]);
      await expect(validateText(png)).rejects.toMatchObject({ name: 'UnreadableCsvError', code: 'unreadable_csv', reason: 'binary_content' });
    });

    it('rejects binary content even without NUL bytes', async () => {
      const noNul = randomBytes(8_000, 7).map((byte) => (byte === 0 ? 1 : byte));
      const error = await validateText(Buffer.from(noNul)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UnreadableCsvError);
      expect((error as Error).message).toMatch(/not a CSV text file/);
    });

    it('rejects a NUL byte found late in an otherwise valid file', async () => {
      const text = Buffer.concat([Buffer.from(mlFile(Array.from({ length: 500 }, () => ({})))), Buffer.from([0x00]), Buffer.from('x\n')]);
      await expect(validateText(text, ML, 4_096)).rejects.toBeInstanceOf(UnreadableCsvError);
    });

    it('reads a plain text file as a one-column CSV (a report, not an error)', async () => {
      const report = await validateText('This is not a spreadsheet.\nJust words.\n', ML);
      expect(issuesFor(report, 'missing_column').length).toBeGreaterThan(0);
    });
  });

  describe('empty and degenerate files', () => {
    it.each([
      ['an empty file', ''],
      ['a file with only a BOM', '\ufeff'],
      ['a file with only blank lines', '\n\r\n\n'],
    ])('gives a report with one empty_file error for %s', async (_label, text) => {
      const report = await validateText(text, ML);
      expect(report.summary).toEqual({ rows_total: 0, rows_valid: 0, rows_invalid: 0, errors: 1, warnings: 0, fixes_applied: 0 });
      expect(report.issues).toEqual([expect.objectContaining({ row: 0, column: null, rule: 'empty_file', severity: 'error' })]);
    });

    it('accepts a header-only file: no rows, no issues', async () => {
      for (const text of [mlFile([]), mlFile([]).trimEnd()]) {
        const report = await validateText(text, { ...ML, category: 'electronics' });
        expect(report.summary).toEqual({ rows_total: 0, rows_valid: 0, rows_invalid: 0, errors: 0, warnings: 0, fixes_applied: 0 });
        expect(report.issues).toEqual([]);
      }
    });

    it('handles a 5 MB file that is a single line', async () => {
      const line = `sku,${'x'.repeat(5 * 1024 * 1024)}`;
      const report = await validateText(line, ML);
      expect(report.summary.rows_total).toBe(0);
      expect(issuesFor(report, 'missing_column').length).toBeGreaterThan(0);
      expect(report.input.bytes).toBe(line.length);
    });

    it('handles a 5 MB single line of delimiters (many blank and duplicate headers) with capped details', async () => {
      const line = 'a,'.repeat(2.5 * 1024 * 1024);
      const report = await validateText(line, { maxIssues: 100 });
      expect(report.issues).toHaveLength(100);
      expect(report.issues_truncated).toBe(true);
      expect(report.by_rule['duplicate_header']).toBe(2.5 * 1024 * 1024 - 1);
      expect(report.by_rule['blank_header']).toBe(1);
    });

    it('refuses a record longer than maxRecordChars with a clear error', async () => {
      const text = `sku,title\nA1,"${'x'.repeat(300_000)}`;
      await expect(validateText(text, { maxRecordChars: 100_000 }, 16_384)).rejects.toMatchObject({
        code: 'unreadable_csv',
        reason: 'record_too_large',
        message: expect.stringContaining('unterminated quote'),
      });
    });
  });

  it('skips blank lines before the header and numbers rows from the first line after it', async () => {
    const report = await validateText(`\n\n${mlFile([{}, { sku: '' }])}`, ML);
    expect(problems(report)).toEqual([expect.objectContaining({ row: 2, rule: 'required' })]);
  });
});

/** Deterministic pseudo-random bytes (a binary file built in code, not a committed fixture). */
function randomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}
