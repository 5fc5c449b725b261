import { promises as dns } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { buildConnector } from 'undici';
import { assertPublicAddress } from './target-url';
import { undici } from './undici-module';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to its addresses (default: the system resolver, as `dns.lookup` does). */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export interface GuardedConnectorOptions {
  /** Lifts the public-address rule (development and tests only). */
  allowPrivate: boolean;
  /** Exact addresses treated as public (see TargetPolicy.trustedAddresses). */
  trustedAddresses?: readonly string[];
  resolveHost?: ResolveHost;
  connectTimeoutMs: number;
  /** Extra certificate authorities to trust (a private CA, a test's self-signed certificate). */
  ca?: string | Buffer | Array<string | Buffer>;
}

const systemResolver: ResolveHost = async (hostname) =>
  (await dns.lookup(hostname, { all: true, order: 'verbatim' })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

/**
 * An undici connector that checks the address of every connection it opens, right where the
 * socket is opened: an IP literal before connecting, a host name inside the socket's own DNS
 * lookup. The address checked is therefore the address connected to, and a name that resolves
 * to something else the next time (DNS rebinding) is checked again on the next connection.
 */
export function guardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const trusted = new Set(options.trustedAddresses ?? []);
  const check = (address: string, url?: string, hostname?: string) => {
    if (!options.allowPrivate && !trusted.has(address)) assertPublicAddress(address, url, hostname);
  };
  const lookup = guardedLookup(options.resolveHost ?? systemResolver, check);
  const connect = undici().buildConnector({ timeout: options.connectTimeoutMs, lookup, ca: options.ca } as buildConnector.BuildOptions);
  return (target, callback) => {
    if (isIP(target.hostname)) {
      try {
        check(target.hostname, `${target.protocol}//${target.host ?? target.hostname}`);
      } catch (error) {
        callback(error as Error, null);
        return;
      }
    }
    connect(target, callback);
  };
}

/**
 * A `net.connect` lookup that refuses the whole name when any address it resolves to is not
 * public: a name that mixes private and public answers is not one to trust with either.
 */
function guardedLookup(resolveHost: ResolveHost, check: (address: string, url?: string, hostname?: string) => void): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    resolveHost(hostname)
      .then((addresses) => {
        const family = lookupOptions.family === 'IPv4' ? 4 : lookupOptions.family === 'IPv6' ? 6 : lookupOptions.family;
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        if (!usable.length) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
        for (const { address } of addresses) check(address, undefined, hostname);
        if (lookupOptions.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, ''));
  };
}
