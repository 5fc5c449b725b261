import { DialectSniffer } from './dialect-sniffer';

function sniff(pieces: string[], forced?: ',' | ';'): ReturnType<DialectSniffer['finish']> {
  const sniffer = new DialectSniffer(forced);
  for (const piece of pieces) {
    const found = sniffer.feed(piece);
    if (found) return found;
  }
  return sniffer.finish();
}

describe('DialectSniffer', () => {
  it.each([
    ['a,b,c\n', ',', '\n'],
    ['a;b;c\r\n', ';', '\n'],
    ['a\tb\tc\n', '\t', '\n'],
    ['a|b|c\rx|y|z\r', '|', '\r'],
    ['"a;b","c;d",e,f\n1;2;3;4;5;6\n', ',', '\n'],
    ['single\n', ',', '\n'],
    ['a;b,c\n', ',', '\n'],
    ['\n\r\na;b\n', ';', '\n'],
    ['"multi\nline";b\n', ';', '\n'],
  ])('reads %j as delimiter %j, line end %j', (text, delimiter, newline) => {
    expect(sniff([text])).toEqual({ delimiter, newline });
  });

  it('follows the header across pieces, including a CR at a piece boundary', () => {
    expect(sniff(['a;', 'b;c\r', '\nx'])).toEqual({ delimiter: ';', newline: '\n' });
    expect(sniff(['a|b\r', 'x|y'])).toEqual({ delimiter: '|', newline: '\r' });
  });

  it('settles at the end of input for a header without a line break, and takes a forced delimiter', () => {
    expect(sniff(['a;b'])).toEqual({ delimiter: ';', newline: '\n' });
    expect(sniff(['a,b,c;d\n'], ';')).toEqual({ delimiter: ';', newline: '\n' });
  });
});
