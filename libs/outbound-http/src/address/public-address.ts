import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** What an IP address is, for the rule "outbound connections go to public addresses only". */
export interface AddressClass {
  address: string;
  /** True only for globally routable unicast addresses. */
  public: boolean;
  /**
   * ipaddr.js's range name (`loopback`, `private`, `linkLocal`, `carrierGradeNat`, `uniqueLocal`,
   * `unicast`...), `invalid` for a string that is no IP address, `ipv4Compatible` / `outsideGlobalUnicast`
   * for IPv6 space ipaddr.js calls unicast but nobody routes, and for IPv6 forms that carry an IPv4
   * address (mapped, NAT64, 6to4) the form with the embedded address's range: `ipv4Mapped:loopback`.
   */
  range: string;
}

// 2000::/3 is the only IPv6 space IANA hands out for global unicast.
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
// RFC 6052 well-known NAT64 prefix: the IPv4 address sits in the last 32 bits.
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

export function classifyAddress(address: string): AddressClass {
  if (isIP(address) === 0) return { address, public: false, range: 'invalid' };
  if (isIP(address) === 4) {
    const range = ipaddr.IPv4.parse(address).range();
    return { address, public: range === 'unicast', range };
  }
  return classifyIPv6(address, ipaddr.IPv6.parse(canonicalIPv6(address)));
}

/**
 * The address as the system's own parser reads it. ipaddr.js 2.5 reads `::a.b.c.d` as the
 * IPv4-mapped `::ffff:a.b.c.d`, where the socket layer sees `::a.b:c.d`; the WHATWG parser
 * agrees with the socket layer. The zone (`%eth0`) does not change the range.
 */
function canonicalIPv6(address: string): string {
  const withoutZone = address.split('%')[0];
  return new URL(`http://[${withoutZone}]/`).hostname.slice(1, -1);
}

/** True when `address` is a globally routable unicast IP address (see classifyAddress). */
export function isPublicAddress(address: string): boolean {
  return classifyAddress(address).public;
}

/** A short phrase for messages: "a loopback address", "an IPv4-mapped form of a private address". */
export function describeRange(range: string): string {
  const [form, embedded] = range.split(':');
  if (embedded) return `${FORMS[form] ?? form} of ${NAMES[embedded] ?? embedded}`;
  return NAMES[form] ?? form;
}

function classifyIPv6(address: string, parsed: ipaddr.IPv6): AddressClass {
  const range = parsed.range();
  const embedded = embeddedIPv4(parsed, range);
  if (embedded) {
    const inner = embedded.range();
    return { address, public: inner === 'unicast', range: `${range}:${inner}` };
  }
  if (range !== 'unicast') return { address, public: false, range };
  // ::a.b.c.d (deprecated IPv4-compatible form) is "unicast" to ipaddr.js; never reach through it.
  if (parsed.parts.slice(0, 6).every((part) => part === 0)) return { address, public: false, range: 'ipv4Compatible' };
  if (!parsed.match(GLOBAL_UNICAST_V6)) return { address, public: false, range: 'outsideGlobalUnicast' };
  return { address, public: true, range };
}

/** The IPv4 address an IPv6 form carries, judged by its own range; null when there is none to trust. */
function embeddedIPv4(parsed: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const parts = parsed.parts;
  if (range === 'ipv4Mapped' || range === 'rfc6145') return v4(parts[6], parts[7]);
  // Only the well-known NAT64 prefix: the local-use one (64:ff9b:1::/48) stays "rfc6052", refused.
  if (range === 'rfc6052' && parsed.match(NAT64_WELL_KNOWN)) return v4(parts[6], parts[7]);
  // 2002:AABB:CCDD::/48 carries AA.BB.CC.DD.
  if (range === '6to4') return v4(parts[1], parts[2]);
  return null;
}

function v4(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

const NAMES: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  reserved: 'a reserved address',
  uniqueLocal: 'a unique-local address',
  ipv4Compatible: 'an IPv4-compatible IPv6 address',
  outsideGlobalUnicast: 'an IPv6 address outside global unicast space',
  teredo: 'a Teredo tunnel address',
  rfc6052: 'a local-use NAT64 address',
  unicast: 'a public address',
  invalid: 'not an IP address',
};

const FORMS: Record<string, string> = {
  ipv4Mapped: 'an IPv4-mapped form',
  rfc6145: 'an IPv4-translated form',
  rfc6052: 'a NAT64 form',
  '6to4': 'a 6to4 form',
};
