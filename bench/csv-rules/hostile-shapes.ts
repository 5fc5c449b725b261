import { Readable, Writable } from 'node:stream';
import { validateCsv } from '@validahub/csv-rules';

/**
 * Inputs whose shape, not size, used to blow memory up (issue 12), built in memory so the
 * mode's peak RSS is the engine's: a 42 KB file whose header names one of 2,000 columns and
 * whose 20,000 rows hold one cell each (auto-fix pads every row out to 2,000 cells), and a
 * header of 200,000 columns.
 */
export type HostileShape = 'padded-out' | 'wide-header';

function textOf(shape: HostileShape): string {
  if (shape === 'padded-out') return `sku${','.repeat(1_999)}\n${'x\n'.repeat(20_000)}`;
  const header = Array.from({ length: 200_000 }, (_, i) => `c${i}`).join(',');
  return `${header}\n${'x\n'.repeat(50_000)}`;
}

class CountingSink extends Writable {
  bytes = 0;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.bytes += chunk.length;
    callback();
  }
}

/** Runs auto-fix on the shape; reports sizes and how it ended (the first issue's rule, or the error code). */
export async function runHostileShape(shape: HostileShape): Promise<{ rows: number; inputBytes: number; outputBytes: number; outcome: string }> {
  const bytes = Buffer.from(textOf(shape));
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 64 * 1024) chunks.push(bytes.subarray(at, at + 64 * 1024));
  const output = new CountingSink();
  try {
    const report = await validateCsv(Readable.from(chunks), { correctedOutput: output, totalBytes: bytes.length });
    const rules = Object.keys(report.by_rule).join('+') || 'clean';
    return { rows: report.summary.rows_total, inputBytes: bytes.length, outputBytes: output.bytes, outcome: `report: ${rules}` };
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    return { rows: 0, inputBytes: bytes.length, outputBytes: output.bytes, outcome: `error: ${code}` };
  }
}
