import { TargetRefusedError } from './errors';
import { nextHop } from './redirects';
import { checkTargetUrl } from './target-url';

const reasonOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof TargetRefusedError) return error.reason;
    throw error;
  }
  return 'accepted';
};

describe('checkTargetUrl', () => {
  it.each([
    ['https://feeds.example.com/catalog.csv', 'accepted'],
    ['HTTPS://Feeds.Example.com:8443/a?b=c', 'accepted'],
    ['https://8.8.8.8/feed.csv', 'accepted'],
    ['https://[2606:4700:4700::1111]/', 'accepted'],
    ['http://feeds.example.com/', 'scheme_not_allowed'],
    ['ftp://feeds.example.com/', 'scheme_not_allowed'],
    ['file:///etc/passwd', 'scheme_not_allowed'],
    ['feeds.example.com/catalog.csv', 'invalid_url'],
    ['', 'invalid_url'],
    ['https://user:secret@feeds.example.com/', 'credentials_in_url'],
    ['https://127.0.0.1/', 'non_public_address'],
    ['https://0x7f.1/', 'non_public_address'],
    ['https://2130706433/', 'non_public_address'],
    ['https://10.1.2.3/', 'non_public_address'],
    ['https://169.254.169.254/latest/meta-data/', 'non_public_address'],
    ['https://[::1]/', 'non_public_address'],
    ['https://[::ffff:127.0.0.1]/', 'non_public_address'],
    ['https://[fd00::1]/', 'non_public_address'],
    ['https://0.0.0.0/', 'non_public_address'],
  ])('%s -> %s', (url, reason) => {
    expect(reasonOf(() => checkTargetUrl(url))).toBe(reason);
  });

  it('with the allowance on, accepts http and private literals but still refuses other schemes and credentials', () => {
    const dev = { allowPrivate: true };
    expect(reasonOf(() => checkTargetUrl('http://127.0.0.1:8080/x', dev))).toBe('accepted');
    expect(reasonOf(() => checkTargetUrl('https://[::1]/', dev))).toBe('accepted');
    expect(reasonOf(() => checkTargetUrl('ftp://127.0.0.1/', dev))).toBe('scheme_not_allowed');
    expect(reasonOf(() => checkTargetUrl('http://a:b@127.0.0.1/', dev))).toBe('credentials_in_url');
  });

  it('a trusted address is exempt, and only that one', () => {
    const policy = { trustedAddresses: ['127.0.0.2'] };
    expect(reasonOf(() => checkTargetUrl('https://127.0.0.2/', policy))).toBe('accepted');
    expect(reasonOf(() => checkTargetUrl('https://127.0.0.1/', policy))).toBe('non_public_address');
  });
});

describe('nextHop', () => {
  const from = {
    url: new URL('https://a.example.com/feed'),
    method: 'POST',
    headers: { Authorization: 'x', Cookie: 'c', 'Content-Type': 'text/csv', 'X-Other': '1' },
    body: 'b',
  };

  it('resolves relative locations and keeps credentials on the same origin', () => {
    const hop = nextHop(from, 307, '/moved', {});
    expect(hop).toEqual({ url: new URL('https://a.example.com/moved'), method: 'POST', headers: from.headers, body: 'b' });
  });

  it('drops credentials on another origin, and the body when the redirect turns the request into a GET', () => {
    expect(nextHop(from, 303, 'https://b.example.com/x', {})).toEqual({
      url: new URL('https://b.example.com/x'),
      method: 'GET',
      headers: { 'X-Other': '1' },
    });
    expect(nextHop({ ...from, method: 'GET', body: undefined }, 301, 'https://a.example.com:444/', {}).headers).toEqual({
      'Content-Type': 'text/csv',
      'X-Other': '1',
    });
  });

  it('checks the location like a first request', () => {
    expect(reasonOf(() => nextHop(from, 302, 'http://a.example.com/', {}))).toBe('scheme_not_allowed');
    expect(reasonOf(() => nextHop(from, 302, 'https://[::1]/', {}))).toBe('non_public_address');
    expect(reasonOf(() => nextHop(from, 302, 'https://exa mple.com:99999/', {}))).toBe('invalid_redirect');
  });
});
