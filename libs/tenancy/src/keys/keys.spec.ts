import { displayPrefix, generateApiKey, parseApiKey } from './api-key-format';
import { KeyHasher } from './key-hasher';
import { DEFAULT_KEY_SCOPES, scopesForNewKey } from './scopes';

describe('API key format', () => {
  it('generates vh_ keys that parse back to their lookup id and secret', () => {
    const generated = generateApiKey();
    expect(generated.key).toMatch(/^vh_[0-9A-Za-z]{50}$/);
    expect(parseApiKey(generated.key)).toEqual({ lookupId: generated.lookupId, secret: generated.secret });
    expect(displayPrefix(generated.lookupId)).toBe(generated.key.slice(0, 15));
  });

  it('never repeats a lookup id or secret across many keys', () => {
    const keys = Array.from({ length: 2_000 }, () => generateApiKey());
    expect(new Set(keys.map((k) => k.lookupId)).size).toBe(keys.length);
    expect(new Set(keys.map((k) => k.secret)).size).toBe(keys.length);
  });

  it('refuses every single-character typo through the checksum, without any lookup', () => {
    const { key } = generateApiKey();
    for (let i = 3; i < key.length; i++) {
      const replacement = key[i] === 'a' ? 'b' : 'a';
      expect(parseApiKey(key.slice(0, i) + replacement + key.slice(i + 1))).toBeNull();
    }
  });

  it.each([
    '',
    'vh_',
    'Bearer vh_x',
    'gh_0123456789',
    `vh_${'a'.repeat(49)}`,
    `vh_${'a'.repeat(51)}`,
    `VH_${'a'.repeat(50)}`,
    `vh_${'a'.repeat(49)}-`,
  ])('refuses the malformed %j', (candidate) => {
    expect(parseApiKey(candidate)).toBeNull();
  });
});

describe('KeyHasher', () => {
  const hasher = new KeyHasher('server-secret-of-the-test-32-chars!');

  it('matches the right secret in constant time and nothing else', () => {
    const key = generateApiKey();
    const stored = hasher.hash(key);
    expect(stored).toHaveLength(32);
    expect(hasher.matches(key, stored)).toBe(true);
    expect(hasher.matches({ ...key, secret: generateApiKey().secret }, stored)).toBe(false);
    expect(hasher.matches({ ...key, lookupId: generateApiKey().lookupId }, stored)).toBe(false);
    expect(hasher.matches(key, Buffer.alloc(31))).toBe(false);
  });

  it('depends on the server secret', () => {
    const key = generateApiKey();
    expect(new KeyHasher('another-server-secret-32-chars-long').matches(key, hasher.hash(key))).toBe(false);
  });
});

describe('scopes of a new key', () => {
  it('default to all but admin; --admin gives admin alone', () => {
    expect(scopesForNewKey(undefined, false)).toEqual({ scopes: [...DEFAULT_KEY_SCOPES] });
    expect(DEFAULT_KEY_SCOPES).not.toContain('admin');
    expect(scopesForNewKey(undefined, true)).toEqual({ scopes: ['admin'] });
    expect(scopesForNewKey(['jobs:read', 'jobs:read'], false)).toEqual({ scopes: ['jobs:read'] });
  });

  it.each([
    [['jobs:read', 'everything'], false, /unknown scope\(s\) everything/],
    [[], false, /at least one scope/],
    [['admin', 'jobs:read'], false, /cannot be combined/],
    [['jobs:read'], true, /admin scope only/],
  ])('refuses %j (admin %p)', (requested, admin, problem) => {
    const result = scopesForNewKey(requested, admin);
    expect('problem' in result && result.problem).toMatch(problem);
  });
});
