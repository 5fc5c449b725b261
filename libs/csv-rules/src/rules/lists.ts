import { ListScanner } from './list-scanner';
import { defineRuleKind, formatCount, quoted } from './rule-kind';
import { createUrlShapeCheck, urlPattern } from './url-shape';

const EDGE_SPACE = '[\\x00-\\x20\\xa0]*';

/**
 * A cell is first matched whole by one regular expression (one call per row); only when that
 * fails does the scanner walk the items to find the bad one, or to see that the regex only
 * tripped on an empty item, which the scanner skips.
 */
export const urlRule = defineRuleKind<{ schemes: readonly string[] }>({
  id: 'url',
  judgesEmpty: false,
  parse(fields) {
    const schemes = fields.textList('schemes', true) ?? ['https'];
    fields.rejectUnknown();
    const bad = schemes.find((scheme) => !/^[a-z][a-z0-9+.-]*$/i.test(scheme));
    if (bad !== undefined) fields.fail(`"schemes" holds ${quoted(bad)}, which is not a URL scheme`);
    return { schemes };
  },
  compile({ schemes }, { column, list }) {
    const isUrl = createUrlShapeCheck(schemes);
    const expected = `${schemes.map((scheme) => `${scheme}://`).join(' or ')} URL`;
    const separators = list?.separators ?? [];
    const single = new RegExp(`^${EDGE_SPACE}${urlPattern(schemes, '')}${EDGE_SPACE}$`, 'i');
    const whole = separators.map((separator) => {
      const item = urlPattern(schemes, separator);
      const between = `${EDGE_SPACE}${separator.replace(/[|\\^$.*+?()[\]{}]/g, '\\$&')}${EDGE_SPACE}`;
      return new RegExp(`^${EDGE_SPACE}${item}(?:${between}${item})*${EDGE_SPACE}$`, 'i');
    });
    const scanner = new ListScanner(separators);
    return (value) => {
      let fast = single;
      for (let s = 0; s < separators.length; s++) {
        if (value.indexOf(separators[s]) !== -1) {
          fast = whole[s];
          break;
        }
      }
      if (fast.test(value)) return null;
      if (!list) return `${column} ${quoted(value.trim())} is not an ${expected}`;
      scanner.scan(value, isUrl);
      if (scanner.refusedStart === -1) return null;
      return `${column} item ${quoted(value.slice(scanner.refusedStart, scanner.refusedEnd))} is not an ${expected}`;
    };
  },
});

export const maxItemsRule = defineRuleKind<{ max: number }>({
  id: 'max_items',
  judgesEmpty: false,
  needsList: true,
  parse(fields) {
    const max = fields.integer('max', { min: 1 });
    fields.rejectUnknown();
    return { max };
  },
  compile({ max }, { column, list }) {
    // The loader guarantees a list column (needsList); an empty list would only mean "one item".
    const separators = list?.separators ?? [];
    const scanner = new ListScanner(separators);
    return (value) => {
      // Fewer than `max` separators means at most `max` items: the usual case, settled without scanning the items.
      let separator = '';
      for (let s = 0; s < separators.length && separator === ''; s++) {
        if (value.indexOf(separators[s]) !== -1) separator = separators[s];
      }
      if (separator === '') return null;
      let found = 0;
      for (let at = value.indexOf(separator); at !== -1 && found < max; at = value.indexOf(separator, at + 1)) found++;
      if (found < max) return null;
      const count = scanner.scan(value, null);
      return count <= max ? null : `${column} has ${formatCount(count)} items; at most ${formatCount(max)} are allowed`;
    };
  },
});
