import { InvalidOptionsError } from '../errors';

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/**
 * `\n` also covers CRLF: the record reader strips the CR, so files mixing CRLF and LF rows read
 * correctly. `\r` is only chosen for files whose lines end in a bare CR (old Mac exports).
 */
export type Newline = '\n' | '\r';

export interface Dialect {
  delimiter: Delimiter;
  newline: Newline;
}

export function parseDelimiterOption(value: string | undefined): Delimiter | undefined {
  if (value === undefined) return undefined;
  const named: Record<string, Delimiter> = { comma: ',', semicolon: ';', tab: '\t', '\\t': '\t', pipe: '|' };
  const delimiter = (DELIMITERS as readonly string[]).includes(value) ? (value as Delimiter) : named[value];
  if (!delimiter) {
    throw new InvalidOptionsError(`unsupported delimiter ${JSON.stringify(value)}; use one of , ; tab |`);
  }
  return delimiter;
}
