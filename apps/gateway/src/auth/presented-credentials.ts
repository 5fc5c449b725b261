import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The API key a request presents: `Authorization: Bearer <key>`, else `X-API-Key`. Undefined
 * when there is none; '' when a header is there but holds no usable key (another scheme,
 * repeated headers), which is a malformed key rather than a missing one.
 */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) return /^Bearer +(\S+) *$/i.exec(String(authorization))?.[1] ?? '';
  const apiKey = headers['x-api-key'];
  if (apiKey === undefined) return undefined;
  return typeof apiKey === 'string' ? apiKey.trim() : '';
}

/** `Authorization: Basic` user and password, or undefined. */
export function basicCredentials(headers: IncomingHttpHeaders): { user: string; password: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(String(headers.authorization ?? ''));
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Compares secrets without leaking where they differ or how long the expected one is. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
