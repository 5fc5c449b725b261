import { isIP } from 'node:net';
import { classifyAddress, describeRange } from './address/public-address';
import { TargetRefusedError } from './errors';

export interface TargetPolicy {
  /**
   * Development and tests only (WEBHOOK_ALLOW_PRIVATE, refused in production): lifts both the
   * https rule and the public-address rule.
   */
  allowPrivate?: boolean;
  /**
   * Exact IP addresses treated as public although they are not: a test's loopback server, an
   * egress proxy you run yourself. Nothing else is exempt.
   */
  trustedAddresses?: readonly string[];
}

/**
 * Checks a target before anything connects: a valid absolute URL, `https` (or `http` with
 * allowPrivate), no user name or password in it, and no literal non-public IP address. A host
 * name is checked later, at connect time, against every address it resolves to.
 */
export function checkTargetUrl(input: string | URL, policy: TargetPolicy = {}): URL {
  const shown = String(input).slice(0, 200);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new TargetRefusedError('invalid_url', `${JSON.stringify(shown)} is not a valid absolute URL`, { url: shown });
  }
  const allowed = policy.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!allowed.includes(url.protocol)) {
    throw new TargetRefusedError('scheme_not_allowed', `${JSON.stringify(shown)} must use ${allowed.join(' or ')}`, { url: shown });
  }
  if (url.username || url.password) {
    throw new TargetRefusedError('credentials_in_url', `${JSON.stringify(shown)} must not carry a user name or password; send a header`, {
      url: shown,
    });
  }
  const host = hostAddress(url);
  if (!policy.allowPrivate && isIP(host) && !policy.trustedAddresses?.includes(host)) assertPublicAddress(host, url.href);
  return url;
}

/** Throws TargetRefusedError (`non_public_address`) unless `address` is a public IP address. */
export function assertPublicAddress(address: string, url?: string, hostname?: string): void {
  const found = classifyAddress(address);
  if (found.public) return;
  const via = hostname && hostname !== address ? `${hostname} resolves to ${address}` : address;
  throw new TargetRefusedError('non_public_address', `${via} is ${describeRange(found.range)}; only public addresses may be reached`, {
    url,
    address,
  });
}

/** The URL's host without IPv6 brackets. */
export function hostAddress(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}
