import iconv from 'iconv-lite';
import { InputDecoder } from './input-decoder';

function decode(bytes: Buffer, chunkSize: number, option: 'auto' | 'utf-8' | 'windows-1252' = 'auto'): { text: string; encoding: string } {
  const decoder = new InputDecoder(option);
  let text = '';
  for (let at = 0; at < bytes.length; at += chunkSize) text += decoder.write(bytes.subarray(at, at + chunkSize));
  text += decoder.end();
  return { text, encoding: decoder.encoding };
}

describe('InputDecoder', () => {
  const sample = 'sku;título;preço\nA1;Ação € “x”;1,50\n';

  it.each([1, 2, 3, 5, 1024])('decodes UTF-8 split into %i-byte chunks', (chunkSize) => {
    expect(decode(Buffer.from(sample), chunkSize)).toEqual({ text: sample, encoding: 'utf-8' });
  });

  it.each([1, 2, 3, 1024])('decodes Windows-1252 split into %i-byte chunks', (chunkSize) => {
    expect(decode(iconv.encode(sample, 'windows-1252'), chunkSize)).toEqual({ text: sample, encoding: 'windows-1252' });
  });

  it.each([1, 2, 1024])('strips a UTF-8 BOM even when split (%i-byte chunks)', (chunkSize) => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample)]);
    expect(decode(bytes, chunkSize)).toEqual({ text: sample, encoding: 'utf-8' });
  });

  it('decodes UTF-16 LE and BE with their BOMs', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sample, 'utf16le')]);
    expect(decode(le, 3)).toEqual({ text: sample, encoding: 'utf-16le' });
    const be = Buffer.from(le);
    be.swap16();
    expect(decode(be, 3)).toEqual({ text: sample, encoding: 'utf-16be' });
  });

  it('calls an all-ASCII input UTF-8, and a file ending inside a UTF-8 sequence Windows-1252', () => {
    expect(decode(Buffer.from('a,b\n1,2\n'), 2).encoding).toBe('utf-8');
    expect(decode(Buffer.from([0x61, 0xc3]), 1)).toEqual({ text: 'aÃ', encoding: 'windows-1252' });
  });

  it('turns invalid bytes of a forced encoding into U+FFFD instead of failing', () => {
    expect(decode(Buffer.from([0x61, 0xff, 0x62]), 1, 'utf-8').text).toBe('a\ufffdb');
    expect(decode(Buffer.from([0x61, 0x81, 0x62]), 1, 'windows-1252').text).toBe('a\ufffdb');
  });
});
