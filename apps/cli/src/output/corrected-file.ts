import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { CliError } from '../exit-codes';

/**
 * The corrected CSV is written to a temporary file next to the target and renamed into place
 * only when validation succeeds, so a failed or interrupted run never leaves half a file
 * under the name the user asked for.
 */
export class CorrectedFile {
  private constructor(
    readonly stream: WriteStream,
    private readonly temporary: string,
    private readonly target: string,
  ) {}

  static async create(target: string): Promise<CorrectedFile> {
    const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
    const stream = createWriteStream(temporary, { flags: 'wx' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error) => reject(new CliError(`cannot write ${target}: ${error.message}`)));
    });
    return new CorrectedFile(stream, temporary, target);
  }

  async commit(): Promise<void> {
    await finished(this.stream);
    await rename(this.temporary, this.target);
  }

  async discard(): Promise<void> {
    this.stream.destroy();
    await rm(this.temporary, { force: true });
  }
}
