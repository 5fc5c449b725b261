import { Buffer } from 'node:buffer';

const SHORTENED_LENGTH = 200;

/**
 * Substrings produced by the parser point into the whole decoded chunk they came from; keeping
 * one in the report would keep that chunk alive. Issues are kept past the chunk, so they get
 * their own copy (short strings are copied by the engine anyway).
 */
export function detachString(value: string): string {
  if (value.length < 13) return value;
  return Buffer.from(value, 'utf8').toString('utf8');
}

export function shortenForReport(value: string): string {
  if (value.length <= SHORTENED_LENGTH) return detachString(value);
  return detachString(`${value.slice(0, SHORTENED_LENGTH)}…`);
}
