import { PassThrough, Readable, Writable } from 'node:stream';
import { InvalidOptionsError, UnknownRulesetError, ValidationAbortedError } from './errors';
import type { ValidationProgress } from './options';
import { mlFile, streamOf, validateText } from './test-support/validation-harness';
import { validateCsv } from './validate-csv';

const ML = { marketplace: 'mercado_livre' } as const;

/** Rows produced on demand, so a test can stream far more data than it ever holds. */
function generatedFeed(rows: number, badEvery = 0): Readable {
  let next = 0;
  return new Readable({
    read() {
      if (next > rows) return void this.push(null);
      if (next === 0) {
        next++;
        return void this.push('sku,title,price,available_quantity,condition\n');
      }
      let batch = '';
      for (let i = 0; i < 500 && next <= rows; i++, next++) {
        const price = badEvery > 0 && next % badEvery === 0 ? 'x' : '10.00';
        batch += `SKU-${next},Produto ${next},${price},1,new\n`;
      }
      this.push(batch);
    },
  });
}

describe('validateCsv: API behaviour', () => {
  it('caps detailed issues but keeps every count exact', async () => {
    const report = await validateCsv(generatedFeed(30_000, 2), { ...ML, maxIssues: 1_000 });
    expect(report.issues).toHaveLength(1_000);
    expect(report.issues_truncated).toBe(true);
    expect(report.summary).toEqual({
      rows_total: 30_000,
      rows_valid: 15_000,
      rows_invalid: 15_000,
      errors: 15_000,
      warnings: 0,
      fixes_applied: 0,
      fixable: 0,
    });
    expect(report.by_rule).toEqual({ number: 15_000 });
    expect(report.issues[999]?.row).toBe(2_000);
  });

  it('defaults to 10,000 detailed issues, and maxIssues: 0 keeps only counts', async () => {
    const capped = await validateCsv(generatedFeed(24_000, 2), ML);
    expect(capped.issues).toHaveLength(10_000);
    const countsOnly = await validateText(mlFile([{ sku: '' }]), { ...ML, maxIssues: 0 });
    expect(countsOnly.issues).toEqual([]);
    expect(countsOnly.issues_truncated).toBe(true);
    expect(countsOnly.summary.errors).toBe(1);
  });

  it('keeps report values short and separate from the parsed text', async () => {
    const report = await validateText(mlFile([{ sku: 'x'.repeat(5_000) }]), ML);
    const value = report.issues[0]?.value ?? '';
    expect(value).toHaveLength(201);
    expect(value.endsWith('…')).toBe(true);
  });

  describe('cancellation', () => {
    it('rejects at once with ValidationAbortedError when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort('job cancelled');
      const input = streamOf(mlFile([{}]));
      const error = await validateCsv(input, { signal: controller.signal }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationAbortedError);
      expect(error).toMatchObject({ code: 'validation_aborted', reason: 'job cancelled' });
      expect(input.destroyed).toBe(true);
    });

    it('stops mid-file within about 1,000 rows of the abort, with the reason', async () => {
      const controller = new AbortController();
      const reason = new Error('time limit');
      let rowsAtAbort = 0;
      let lastRows = 0;
      const run = validateCsv(generatedFeed(5_000_000), {
        ...ML,
        signal: controller.signal,
        onProgress: (progress) => {
          lastRows = progress.rowsRead;
          if (progress.rowsRead > 20_000 && rowsAtAbort === 0) {
            rowsAtAbort = progress.rowsRead;
            controller.abort(reason);
          }
        },
      });
      await expect(run).rejects.toMatchObject({ name: 'ValidationAbortedError', reason });
      expect(lastRows - rowsAtAbort).toBeLessThanOrEqual(1_000);
    });

    it('lets a timer cancel it while an in-memory source feeds chunks back to back', async () => {
      const chunks = [Buffer.from('sku,title,price\n')];
      for (let c = 0; c < 400; c++) {
        let text = '';
        for (let i = 0; i < 1_000; i++) text += `S${c}-${i},Produto,10.00\n`;
        chunks.push(Buffer.from(text));
      }
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort('timer fired'), 30);
      const run = validateCsv(Readable.from(chunks), { ...ML, signal: controller.signal });
      await expect(run).rejects.toMatchObject({ name: 'ValidationAbortedError', reason: 'timer fired' });
      clearTimeout(timer);
    });

    it('aborts while waiting on a stalled input', async () => {
      const controller = new AbortController();
      const stalled = new PassThrough();
      stalled.write('sku,title\nA1,x\n');
      const run = validateCsv(stalled, { signal: controller.signal });
      setTimeout(() => controller.abort('shutdown'), 20);
      await expect(run).rejects.toMatchObject({ name: 'ValidationAbortedError', reason: 'shutdown' });
    });

    it('aborts while waiting on a full output, and destroys the output', async () => {
      const controller = new AbortController();
      const output = new Writable({ highWaterMark: 16, write: () => undefined });
      const run = validateCsv(generatedFeed(10_000), { ...ML, correctedOutput: output, signal: controller.signal });
      setTimeout(() => controller.abort('cancel'), 20);
      await expect(run).rejects.toBeInstanceOf(ValidationAbortedError);
      expect(output.destroyed).toBe(true);
    });
  });

  it('reports progress: rows and bytes read, the fraction when the size is known, and a final call', async () => {
    const text = mlFile(Array.from({ length: 3_000 }, () => ({})));
    const updates: ValidationProgress[] = [];
    await validateText(text, { ...ML, totalBytes: Buffer.byteLength(text), onProgress: (update) => void updates.push(update) }, 16_384);
    expect(updates.length).toBeGreaterThan(5);
    const last = updates[updates.length - 1]!;
    expect(last).toEqual({ rowsRead: 3_000, bytesRead: Buffer.byteLength(text), totalBytes: Buffer.byteLength(text), fraction: 1, done: true });
    for (let i = 1; i < updates.length; i++) {
      expect(updates[i]!.bytesRead).toBeGreaterThanOrEqual(updates[i - 1]!.bytesRead);
      expect(updates[i]!.rowsRead).toBeGreaterThanOrEqual(updates[i - 1]!.rowsRead);
    }
    const unknownSize: ValidationProgress[] = [];
    await validateText(text, { ...ML, onProgress: (update) => void unknownSize.push(update) });
    expect(unknownSize.every((update) => update.fraction === null && update.totalBytes === null)).toBe(true);
  });

  it('waits for a slow output to drain instead of buffering the file (backpressure)', async () => {
    let peakBuffered = 0;
    let written = 0;
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        setImmediate(callback);
      },
    });
    const sampler = setInterval(() => (peakBuffered = Math.max(peakBuffered, slow.writableLength)), 1);
    const report = await validateCsv(generatedFeed(100_000), { ...ML, correctedOutput: slow });
    clearInterval(sampler);
    expect(report.summary.rows_total).toBe(100_000);
    expect(written).toBeGreaterThan(3_000_000);
    expect(peakBuffered).toBeLessThan(1024 * 1024);
    expect(slow.writableFinished).toBe(true);
  });

  it('passes an input stream error through unchanged and destroys the output', async () => {
    const failure = new Error('socket hang up');
    // Data is pushed by hand below, so read() has nothing to do.
    const input = new Readable({ read: () => undefined });
    input.push('sku,title\nA1,x\n');
    setTimeout(() => input.destroy(failure), 5);
    const output = new PassThrough();
    await expect(validateCsv(input, { correctedOutput: output })).rejects.toBe(failure);
    expect(output.destroyed).toBe(true);
  });

  it('passes an output error through', async () => {
    const failure = new Error('disk full');
    const output = new Writable({ write: (_chunk, _encoding, callback) => callback(failure) });
    await expect(validateCsv(generatedFeed(10_000), { correctedOutput: output })).rejects.toBe(failure);
  });

  describe('bad options', () => {
    it.each([
      ['an unknown marketplace', { marketplace: 'ebay' }, UnknownRulesetError, /no ruleset "default" for marketplace "ebay"/],
      ['an unknown ruleset', { marketplace: 'mercado_livre', ruleset: 'v2' }, UnknownRulesetError, /known: mercado_livre\/default/],
      ['a negative maxIssues', { maxIssues: -1 }, InvalidOptionsError, /maxIssues/],
      ['a fractional maxIssues', { maxIssues: 1.5 }, InvalidOptionsError, /maxIssues/],
      ['an unknown encoding', { encoding: 'ebcdic' }, InvalidOptionsError, /unknown encoding/],
      ['an unsupported delimiter', { delimiter: '#' }, InvalidOptionsError, /unsupported delimiter/],
      ['an output without auto-fix', { autoFix: false, correctedOutput: new PassThrough() }, InvalidOptionsError, /needs autoFix/],
    ])('rejects %s before reading', async (_label, options, type, message) => {
      const input = streamOf('sku\nA\n');
      const error = await validateCsv(input, options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(message);
    });

    it('accepts a null totalBytes (size unknown)', async () => {
      const report = await validateText('sku\nA\n', { totalBytes: null });
      expect(report.summary.rows_total).toBe(1);
    });
  });

  it('defaults to the generic ruleset: structural checks only', async () => {
    const report = await validateText('anything,goes\n1,2\n3\n');
    expect(report).toMatchObject({ marketplace: 'generic', ruleset: 'default', category: null });
    expect(report.issues).toEqual([expect.objectContaining({ row: 2, rule: 'missing_cell' })]);
  });
});
