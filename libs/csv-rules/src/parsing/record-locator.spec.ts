import { Parser } from 'papaparse';
import { locateRecordEnd } from './record-locator';

const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

function parseAll(text: string, newline: '\n' | '\r' = '\n', delimiter = ','): string[][] {
  return (new Parser({ delimiter, newline, quoteChar: '"' }).parse(text, 0, false) as { data: string[][] }).data;
}

/** Splits `text` into records with the locator; null as soon as one does not line up. */
function splitRecords(text: string, newline: '\n' | '\r' = '\n', delimiter = ','): string[] | null {
  const rows = parseAll(text, newline, delimiter);
  const records: string[] = [];
  let start = 0;
  for (const cells of rows) {
    // papaparse reads a final line break as one more, empty record.
    if (start === text.length) break;
    const end = locateRecordEnd(text, start, cells, delimiter.charCodeAt(0), newline === '\n' ? LF : CR);
    if (end === -1) return null;
    records.push(text.slice(start, end));
    start = end;
  }
  return records;
}

describe('locateRecordEnd', () => {
  it.each([
    ['plain rows', 'a,b,c\n1,2,3\n'],
    ['CRLF', 'a,b\r\n1,2\r\n'],
    ['mixed line ends', 'a,b\r\n1,2\n3,4\r\n'],
    ['no final line break', 'a,b\n1,2'],
    ['quoted cells with delimiters, doubled quotes and line breaks', 'a,b\n"x, y","say ""hi""\r\nthere"\n"",""\n'],
    ['blanks after a closing quote', 'a,b\n"x"  ,"y" \r\n'],
    ['blank lines', 'a,b\n\n1,2\n\r\n'],
    ['a quote inside an unquoted cell', 'a,b\n5" TV,x\n'],
    ['a quoted last cell at the end of the text', 'a,b\n1,"2"'],
  ])('cuts %s into the records papaparse read', (_label, text) => {
    const records = splitRecords(text);
    expect(records).not.toBeNull();
    expect(records!.join('')).toBe(text);
    for (const record of records!) expect(parseAll(record)[0]).toEqual(parseAll(text)[records!.indexOf(record)]);
  });

  it.each([
    ['tab', '\t', 'a\tb\n"x\ty"\t"z"\n"q" \t1\n'],
    ['semicolon', ';', 'a;b\n"x;y";"z, w"\n"q" ;1\n'],
    ['pipe', '|', 'a|b\n"x|y"|"z"\n'],
  ])('cuts %s-separated records too (a blank after a closing quote is not taken for the delimiter)', (_label, delimiter, text) => {
    const records = splitRecords(text, '\n', delimiter);
    expect(records?.join('')).toBe(text);
    expect(records).toHaveLength(3 - (delimiter === '|' ? 1 : 0));
  });

  it('handles bare CR line ends', () => {
    expect(splitRecords('a,"b\nc"\r1,2\r', '\r')).toEqual(['a,"b\nc"\r', '1,2\r']);
  });

  it('agrees with papaparse on generated rows full of quotes, commas and line breaks', () => {
    const pieces = ['x', '', ' ', 'a,b', 'say "hi"', 'line\nbreak', 'crlf\r\nbreak', '""', ',', 'ção'];
    let state = 7;
    const next = (n: number): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const lines: string[] = [];
    for (let row = 0; row < 500; row++) {
      const cells = Array.from({ length: 1 + next(5) }, () => pieces[next(pieces.length)]!);
      lines.push(cells.map((cell) => (/[",\r\n]/.test(cell) || next(4) === 0 ? `"${cell.replaceAll('"', '""')}"` : cell)).join(','));
    }
    const text = lines.join(next(2) === 0 ? '\n' : '\r\n') + '\n';
    const records = splitRecords(text);
    expect(records?.join('')).toBe(text);
  });

  it('returns -1 when the text does not line up with the cells', () => {
    expect(locateRecordEnd('a,b\n', 0, ['a', 'bb'], COMMA, LF)).toBe(-1);
    expect(locateRecordEnd('a;b\n', 0, ['a', 'b'], COMMA, LF)).toBe(-1);
    expect(locateRecordEnd('"a"x,b\n', 0, ['ax', 'b'], COMMA, LF)).toBe(-1);
  });
});
