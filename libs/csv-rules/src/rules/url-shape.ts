const PORT = /^:\d{1,5}(?=[/?#]|$)/;

function isHostCode(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2d || (code >= 0x41 && code <= 0x5a);
}

function escapeForRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A regular expression for one URL of the accepted shape (see createUrlShapeCheck), whose path
 * may not contain `excluded` (the list separator, so that a list can be matched whole).
 */
export function urlPattern(schemes: readonly string[], excluded: string): string {
  const scheme = `(?:${schemes.map(escapeForRegex).join('|')})`;
  const pathChar = `[^\\x00-\\x20\\x7f\\xa0${excluded === '' ? '' : escapeForRegex(excluded)}]`;
  return `${scheme}://[a-z0-9-]+(?:\\.[a-z0-9-]+)+(?::\\d{1,5})?(?:[/?#]${pathChar}*)?`;
}

/**
 * `scheme://host.tld[:port][/path?query#fragment]` with a dotted host of letters, digits and
 * dashes, and no spaces or control characters anywhere; on a range of the cell, so a list's
 * items are checked in place. The slow path: rules try a whole-cell regex first.
 */
export function createUrlShapeCheck(schemes: readonly string[]): (text: string, start: number, end: number) => boolean {
  const prefixes = schemes.map((scheme) => `${scheme.toLowerCase()}://`);
  return (text, start, end) => {
    let i = -1;
    for (let p = 0; p < prefixes.length; p++) {
      const prefix = prefixes[p];
      if (end - start > prefix.length && startsWithIgnoringCase(text, start, prefix)) {
        i = start + prefix.length;
        break;
      }
    }
    if (i === -1) return false;
    let labelLength = 0;
    let dots = 0;
    for (; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code === 0x2e) {
        if (labelLength === 0) return false;
        dots++;
        labelLength = 0;
      } else if (isHostCode(code)) {
        labelLength++;
      } else {
        break;
      }
    }
    if (dots === 0 || labelLength === 0) return false;
    if (i === end) return true;
    const next = text.charCodeAt(i);
    if (next === 0x3a) {
      const port = PORT.exec(text.slice(i, end));
      if (!port) return false;
      i += port[0].length;
    } else if (next !== 0x2f && next !== 0x3f && next !== 0x23) {
      return false;
    }
    for (; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code <= 0x20 || code === 0x7f || code === 0xa0) return false;
    }
    return true;
  };
}

/** `prefix` is lower case; OR-ing 0x20 lower-cases letters and leaves ":/+.-" and digits alone. */
function startsWithIgnoringCase(text: string, at: number, prefix: string): boolean {
  for (let k = 0; k < prefix.length; k++) if ((text.charCodeAt(at + k) | 0x20) !== prefix.charCodeAt(k)) return false;
  return true;
}
