import type { TransformCallback } from 'node:stream';
import { UploadTooLargeError } from '../errors';
import { DigestStream } from '../streams/digest-stream';

/** Counts and hashes an upload, failing the moment it would pass its byte limit. */
export class UploadMeter extends DigestStream {
  private tooLarge?: UploadTooLargeError;

  constructor(
    readonly limitBytes: number,
    private readonly uri?: string,
  ) {
    super();
  }

  get limitError(): UploadTooLargeError | undefined {
    return this.tooLarge;
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.byteCount + chunk.length > this.limitBytes) {
      this.tooLarge = new UploadTooLargeError(this.limitBytes, { uri: this.uri });
      callback(this.tooLarge);
      return;
    }
    super._transform(chunk, encoding, callback);
  }
}
