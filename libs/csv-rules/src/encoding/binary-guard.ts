import { UnreadableCsvError } from '../errors';

const SAMPLE_CHARS = 4096;
const MAX_CONTROL_RATIO = 0.05;
const MIN_CONTROLS_FOR_VERDICT = 8;

/**
 * Refuses input that is not text: any NUL character, or a start dense with control characters
 * and undecodable bytes (images, archives, spreadsheets saved as .xlsx ...).
 */
export class BinaryContentGuard {
  private inspected = 0;
  private suspicious = 0;
  private judged = false;

  check(text: string, bytesBefore: number): void {
    if (text.indexOf('\u0000') !== -1) {
      throw new UnreadableCsvError(
        'binary_content',
        `the file contains NUL bytes (near byte ${bytesBefore + text.indexOf('\u0000')}): it is binary data, not a CSV text file`,
      );
    }
    if (this.judged) return;
    const end = Math.min(text.length, SAMPLE_CHARS - this.inspected);
    for (let i = 0; i < end; i++) {
      const code = text.charCodeAt(i);
      if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f || code === 0xfffd) {
        this.suspicious++;
      }
    }
    this.inspected += end;
    if (this.inspected >= SAMPLE_CHARS) this.finish();
  }

  finish(): void {
    if (this.judged) return;
    this.judged = true;
    if (this.suspicious >= MIN_CONTROLS_FOR_VERDICT && this.suspicious / this.inspected > MAX_CONTROL_RATIO) {
      throw new UnreadableCsvError(
        'binary_content',
        `the file starts with ${this.suspicious} control or undecodable characters in ${this.inspected}: it is binary data, not a CSV text file`,
      );
    }
  }
}
