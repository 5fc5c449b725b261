import { TargetRefusedError } from './errors';
import { checkTargetUrl, TargetPolicy } from './target-url';

export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

// Credentials meant for one origin never follow a redirect to another (as fetch does).
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/**
 * The request a redirect asks for, checked like the first one (scheme, literal address; the
 * connector checks the resolved address). 303, and 301/302 after a POST, become a GET without
 * a body; 307/308 repeat the method and body.
 */
export function nextHop(current: Hop, status: number, location: string, policy: TargetPolicy): Hop {
  let target: URL;
  try {
    target = new URL(location, current.url);
  } catch {
    throw new TargetRefusedError(
      'invalid_redirect',
      `${current.url.href} redirected to an invalid location ${JSON.stringify(location.slice(0, 200))}`,
      {
        url: current.url.href,
      },
    );
  }
  const url = checkTargetUrl(target, policy);
  const headers = { ...current.headers };
  if (url.origin !== current.url.origin) removeHeaders(headers, ORIGIN_BOUND_HEADERS);
  const toGet = (status === 303 && current.method !== 'HEAD') || ((status === 301 || status === 302) && current.method === 'POST');
  if (!toGet) return { url, method: current.method, headers, body: current.body };
  removeHeaders(headers, BODY_HEADERS);
  return { url, method: 'GET', headers };
}

function removeHeaders(headers: Record<string, string>, names: readonly string[]): void {
  for (const key of Object.keys(headers)) if (names.includes(key.toLowerCase())) delete headers[key];
}
