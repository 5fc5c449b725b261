import iconv from 'iconv-lite';
import type { TextEncodingName } from './encoding-names';

/** A streaming bytes -> text decoder; invalid bytes come out as U+FFFD, never as an exception. */
export interface StreamingTextDecoder {
  write(bytes: Buffer): string;
  end(): string;
}

export function createTextDecoder(encoding: TextEncodingName): StreamingTextDecoder {
  // Node's TextDecoder decodes "windows-1252" as ISO-8859-1 (0x80 is not "€"), so use iconv-lite there.
  if (encoding === 'windows-1252') {
    const decoder = iconv.getDecoder('windows-1252');
    return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() ?? '' };
  }
  // Node's streaming TextDecoder (simdutf) is about twice as fast as StringDecoder here; it drops the BOM itself.
  const decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
}
