import { PassThrough, Readable, Writable } from 'node:stream';
import { OutputLimitExceededError } from './errors';
import { OutputLimit } from './output/output-limit';
import { csvText, issuesFor, mlFile, streamOf, validateText } from './test-support/validation-harness';
import { validateCsv } from './validate-csv';

const MiB = 1024 * 1024;

/** The amplification case: a header of `width` columns, only the first named, then `rows` rows of one cell. */
function paddedOutFile(width: number, rows: number): string {
  return `sku${','.repeat(width - 1)}\n${'x\n'.repeat(rows)}`;
}

/** A sink that records the size of every write (the engine must write in bounded pieces). */
function recordingSink(): { sink: Writable; writes: number[]; text: () => string } {
  const writes: number[] = [];
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.length);
      chunks.push(chunk);
      done();
    },
  });
  return { sink, writes, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('validateCsv: bounded work on hostile shapes', () => {
  describe('column cap', () => {
    it('refuses a 200,000-column header with a too_many_columns error, reads no row and writes no corrected CSV', async () => {
      const header = Array.from({ length: 200_000 }, (_, i) => `c${i}`).join(',');
      const input = streamOf(`${header}\n${'x\n'.repeat(50_000)}`);
      const output = new PassThrough();
      const received: Buffer[] = [];
      output.on('data', (chunk: Buffer) => received.push(chunk));

      const report = await validateCsv(input, { marketplace: 'mercado_livre', correctedOutput: output });

      expect(report.issues).toEqual([
        expect.objectContaining({
          row: 0,
          line: 1,
          rule: 'too_many_columns',
          severity: 'error',
          message: expect.stringContaining('200,000 columns; at most 2,000'),
        }),
      ]);
      expect(report.summary).toMatchObject({ rows_total: 0, errors: 1 });
      expect(report.input.bytes).toBeLessThan(header.length + 100_000);
      expect(input.destroyed).toBe(true);
      expect(Buffer.concat(received)).toHaveLength(0);
      expect(output.writableFinished).toBe(true);
    });

    it('takes the cap from maxColumns, and accepts a header exactly at it', async () => {
      const atCap = await validateText('a,b,c\n1,2,3\n', { maxColumns: 3 });
      expect(atCap.issues).toEqual([]);
      const over = await validateText('a,b,c,d\n1,2,3,4\n', { maxColumns: 3 });
      expect(over.issues.map((issue) => issue.rule)).toEqual(['too_many_columns']);
    });
  });

  describe('short rows in a wide file (the 42 KB file that padded out to 40 MB)', () => {
    it('pads every short row, writes the corrected CSV in bounded pieces, and keeps the issue cap', async () => {
      const text = paddedOutFile(2_000, 20_000);
      expect(text.length).toBeLessThan(43 * 1024);
      const { sink, writes, text: written } = recordingSink();

      const report = await validateCsv(streamOf(text), { correctedOutput: sink });

      const padded = `x${','.repeat(1_999)}`;
      expect(written()).toBe(`sku${','.repeat(1_999)}\r\n${`${padded}\r\n`.repeat(20_000)}`);
      expect(Math.max(...writes)).toBeLessThan(1.1 * MiB);
      expect(report.issues).toHaveLength(10_000);
      expect(report.by_rule).toEqual({ blank_header: 1_999, missing_cell: 20_000 });
      expect(report.summary).toMatchObject({ rows_total: 20_000, rows_invalid: 20_000 });
    });

    it('stops with output_limit_exceeded when the corrected CSV would pass maxCorrectedBytes, leaving the output destroyed', async () => {
      const output = new PassThrough();
      output.resume();
      const run = validateCsv(streamOf(paddedOutFile(2_000, 20_000)), { correctedOutput: output, maxCorrectedBytes: 4 * MiB });
      await expect(run).rejects.toBeInstanceOf(OutputLimitExceededError);
      await expect(run).rejects.toMatchObject({ code: 'output_limit_exceeded', limitBytes: 4 * MiB });
      expect(output.destroyed).toBe(true);
    });

    it('by default allows the larger of 2 x the input and the input + 64 MiB, from the total size or the bytes read so far', () => {
      const known = new OutputLimit(null, 10 * MiB);
      expect(known.bytesFor(1)).toBe(74 * MiB);
      expect(new OutputLimit(null, 100 * MiB).bytesFor(1)).toBe(200 * MiB);
      const unknown = new OutputLimit(null, null);
      expect(unknown.bytesFor(1 * MiB)).toBe(65 * MiB);
      expect(unknown.bytesFor(80 * MiB)).toBe(160 * MiB);
      expect(() => unknown.check(65 * MiB - 10, 11, 1 * MiB)).toThrow(OutputLimitExceededError);
      expect(() => unknown.check(65 * MiB - 10, 10, 1 * MiB)).not.toThrow();
      expect(new OutputLimit(5, 10 * MiB).bytesFor(10 * MiB)).toBe(5);
    });

    it('refuses nonsense limits as invalid options', async () => {
      await expect(validateText('a\n1\n', { maxColumns: 0 })).rejects.toMatchObject({ code: 'invalid_options' });
      await expect(validateText('a\n1\n', { maxCorrectedBytes: -1 })).rejects.toMatchObject({ code: 'invalid_options' });
      await expect(validateText('a\n1\n', { maxUniqueIndexBytes: 1.5 })).rejects.toMatchObject({ code: 'invalid_options' });
    });
  });

  describe('unique index memory ceiling', () => {
    it('warns once that uniqueness is not checked beyond N values, and keeps finding repeats of the remembered ones', async () => {
      const distinct = Array.from({ length: 20_000 }, (_, i) => ({ sku: `S${i + 1}` }));
      const text = mlFile([...distinct, { sku: 'S1' }, { sku: 'S19999' }]);

      const report = await validateText(text, { marketplace: 'mercado_livre', maxUniqueIndexBytes: 256 * 1024 });

      const unique = issuesFor(report, 'unique');
      expect(unique.filter((issue) => issue.severity === 'warning')).toEqual([
        expect.objectContaining({
          column: 'sku',
          message: expect.stringMatching(/^sku: uniqueness not checked beyond 12,289 distinct values \(the memory limit for one file\)/),
        }),
      ]);
      // S1 was remembered; S19999 came after the ceiling, so its repeat cannot be seen.
      expect(unique.filter((issue) => issue.severity === 'error')).toEqual([expect.objectContaining({ row: 20_001, sku: 'S1' })]);
    });

    it('checks every value of an ordinary file under the default ceiling', async () => {
      const rows = Array.from({ length: 3_000 }, (_, i) => ({ sku: `S${i % 2_000}` }));
      const report = await validateText(mlFile(rows), { marketplace: 'mercado_livre' });
      expect(issuesFor(report, 'unique')).toHaveLength(1_000);
      expect(issuesFor(report, 'unique').every((issue) => issue.severity === 'error')).toBe(true);
    });
  });

  it('keeps the input delimiter and copies untouched rows as read in a ";" file too', async () => {
    const text = csvText(
      [
        ['sku', 'title'],
        ['A1', 'quoted as read'],
        ['A2', '  spaced  '],
      ],
      { delimiter: ';' },
    ).replace('quoted as read', '"quoted as read"');
    const output = new PassThrough();
    const received: Buffer[] = [];
    output.on('data', (chunk: Buffer) => received.push(chunk));
    await validateCsv(Readable.from([Buffer.from(text)]), { marketplace: 'mercado_livre', correctedOutput: output });
    expect(Buffer.concat(received).toString('utf8')).toBe('sku;title\r\nA1;"quoted as read"\r\nA2;spaced\r\n');
  });
});
