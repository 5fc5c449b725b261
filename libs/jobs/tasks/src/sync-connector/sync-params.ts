import { FieldError, fields, ParamsOf, paramsSchema } from '@validahub/jobs-domain';
import { FEED_NAME } from '@validahub/storage';

// RFC 9110 token characters: what a header name may be made of.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
// No CR, LF or NUL: a value cannot smuggle another header in.
const HEADER_VALUE = /^[^\r\n\0]*$/;
/** Headers the connector sets itself (conditional requests, framing) or that would change what gets stored. */
const RESERVED_HEADERS = [
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'if-range',
  'range',
  'accept-encoding',
];

export const syncParams = paramsSchema({
  source: fields
    .variants('type', {
      http: {
        url: fields.string({ min: 1, max: 2048 }).required(),
        headers: fields.stringMap({ keys: HEADER_NAME, maxEntries: 20, value: fields.string({ max: 8192, pattern: HEADER_VALUE }) }),
      },
      s3: { uri: fields.string({ min: 6, max: 2048, pattern: /^s3:\/\//i }).required() },
    })
    .required(),
  name: fields.string({ min: 1, max: 128, pattern: FEED_NAME }),
  max_bytes: fields.integer({ min: 1 }),
}).refine(sourceProblems);

export type SyncParams = ParamsOf<typeof syncParams>;
export type SyncSource = SyncParams['source'];

/** What only the whole source can tell: a URL that parses as http(s), headers the connector owns. */
function sourceProblems({ source }: SyncParams): FieldError[] {
  if (source.type !== 'http') return [];
  const problems: FieldError[] = [];
  let url: URL | null = null;
  try {
    url = new URL(source.url);
  } catch {
    problems.push({ field: 'params.source.url', message: 'must be an absolute URL' });
  }
  if (url && url.protocol !== 'https:' && url.protocol !== 'http:') problems.push({ field: 'params.source.url', message: 'must be an https URL' });
  for (const name of Object.keys(source.headers ?? {})) {
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.includes(lower) || lower.startsWith('proxy-')) {
      problems.push({ field: `params.source.headers.${name}`, message: 'is set by the connector and cannot be given' });
    }
  }
  return problems;
}

/** How a sync remembers its source: the last sync's validators apply only to the same one. */
export function sourceIdentity(source: SyncSource): string {
  return source.type === 'http' ? new URL(source.url).href : source.uri;
}

/**
 * The feed name when the job gives none: the source's last path segment (or key), made safe
 * (`Catalog 2024.csv` -> `Catalog_2024.csv`); the host name, then `feed`, when there is none.
 */
export function defaultFeedName(source: SyncSource): string {
  const path = source.type === 'http' ? new URL(source.url).pathname : source.uri.replace(/^s3:\/\/[^/]*/i, '');
  const last = path.split('/').filter(Boolean).pop() ?? '';
  const fallback = source.type === 'http' ? new URL(source.url).hostname : '';
  return safeName(decoded(last)) || safeName(fallback) || 'feed';
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function safeName(text: string): string {
  const replaced = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents off: "Catálogo" -> "Catalogo"
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 128);
  return FEED_NAME.test(replaced) ? replaced : '';
}
