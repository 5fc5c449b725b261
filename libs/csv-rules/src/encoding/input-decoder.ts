import { detectBom, indexOfNonAscii, judgeNonAsciiSample } from './detect-encoding';
import type { EncodingOption, TextEncodingName } from './encoding-names';
import { createTextDecoder, type StreamingTextDecoder } from './text-decoders';

/**
 * Turns the input's bytes into text, choosing the encoding as it goes: a BOM decides at once;
 * otherwise ASCII is passed through (it reads the same in UTF-8 and Windows-1252) until the
 * first non-ASCII byte, where the bytes from there on decide. So a file whose first accented
 * letter sits far past the start is still detected correctly, without buffering the start.
 */
export class InputDecoder {
  private decoder: StreamingTextDecoder | null = null;
  private chosen: TextEncodingName | null = null;
  private held: Buffer | null = null;
  private bomChecked = false;

  constructor(option: EncodingOption) {
    if (option !== 'auto') this.choose(option);
  }

  /** The encoding in use; a file that was ASCII to the end counts as UTF-8. */
  get encoding(): TextEncodingName {
    return this.chosen ?? 'utf-8';
  }

  write(chunk: Buffer): string {
    const bytes = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = null;
    return this.decode(bytes, false);
  }

  end(): string {
    const bytes = this.held ?? Buffer.alloc(0);
    this.held = null;
    const text = this.decode(bytes, true);
    return this.decoder ? text + this.decoder.end() : text;
  }

  private decode(bytes: Buffer, isEnd: boolean): string {
    if (this.decoder) return bytes.length > 0 ? this.decoder.write(bytes) : '';

    if (!this.bomChecked) {
      const bom = detectBom(bytes, isEnd);
      if (bom === 'need_more_bytes') {
        this.held = bytes;
        return '';
      }
      this.bomChecked = true;
      if (bom !== 'none') return this.choose(bom).write(bytes);
    }

    const firstNonAscii = indexOfNonAscii(bytes);
    if (firstNonAscii === -1) return bytes.toString('latin1');
    const verdict = judgeNonAsciiSample(bytes.subarray(firstNonAscii), isEnd);
    const asciiPrefix = bytes.toString('latin1', 0, firstNonAscii);
    if (verdict === null) {
      this.held = Buffer.from(bytes.subarray(firstNonAscii));
      return asciiPrefix;
    }
    return asciiPrefix + this.choose(verdict).write(bytes.subarray(firstNonAscii));
  }

  private choose(encoding: TextEncodingName): StreamingTextDecoder {
    this.chosen = encoding;
    this.bomChecked = true;
    this.decoder = createTextDecoder(encoding);
    return this.decoder;
  }
}
