import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import Papa from 'papaparse';
import { validateCsv } from '@validahub/csv-rules';

/**
 * One benchmark mode in its own process, so the peak RSS it prints is this mode's alone.
 * Prints one JSON line: { mode, rows, ms (wall), cpuMs (all threads), maxRssMb, ... }.
 */
export type BenchMode = 'papaparse-stream' | 'papaparse-core' | 'validate' | 'autofix';

/** Papa.parse on a Node stream: papaparse's own documented streaming API. */
async function papaparseStreamRows(file: string): Promise<number> {
  let rows = 0;
  await new Promise<void>((resolve, reject) => {
    Papa.parse(createReadStream(file, { encoding: 'utf8' }), {
      delimiter: ',',
      newline: '\n',
      chunk: (results) => {
        rows += results.data.length;
      },
      complete: () => resolve(),
      error: (error) => reject(error),
    });
  });
  return rows - 1;
}

/**
 * papaparse's core parser fed chunk by chunk, decoded by the same TextDecoder the engine uses:
 * the cheapest way to stream this file through papaparse, so the stricter baseline.
 */
async function papaparseCoreRows(file: string): Promise<number> {
  const parser = new Papa.Parser({ delimiter: ',', newline: '\n' });
  const decoder = new TextDecoder('utf-8');
  let rows = 0;
  let partial = '';
  for await (const chunk of createReadStream(file)) {
    const text = partial + decoder.decode(chunk as Buffer, { stream: true });
    const result = parser.parse(text, 0, true) as Papa.ParseResult<string[]>;
    rows += result.data.length;
    partial = text.substring(result.meta.cursor);
  }
  rows += (parser.parse(partial + decoder.decode(), 0, false) as Papa.ParseResult<string[]>).data.length;
  return rows - 1;
}

/** Counts what it is given and drops it: the corrected CSV is produced in full, and nothing is stored. */
class NullSink extends Writable {
  bytes = 0;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.bytes += chunk.length;
    callback();
  }
}

async function engineRows(file: string, autoFix: boolean): Promise<{ rows: number; errors: number; fixes: number; outputBytes?: number }> {
  const output = autoFix ? new NullSink() : undefined;
  const report = await validateCsv(createReadStream(file), {
    marketplace: 'mercado_livre',
    category: 'electronics',
    correctedOutput: output,
  });
  if (output)
    return { rows: report.summary.rows_total, errors: report.summary.errors, fixes: report.summary.fixes_applied, outputBytes: output.bytes };
  return { rows: report.summary.rows_total, errors: report.summary.errors, fixes: report.summary.fixes_applied };
}

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2) as [BenchMode, string];
  const started = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  const result =
    mode === 'papaparse-stream'
      ? { rows: await papaparseStreamRows(file) }
      : mode === 'papaparse-core'
        ? { rows: await papaparseCoreRows(file) }
        : await engineRows(file, mode === 'autofix');
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ mode, ms, cpuMs, maxRssMb, ...result })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
