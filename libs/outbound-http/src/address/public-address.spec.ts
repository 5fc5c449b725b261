import { classifyAddress, describeRange, isPublicAddress } from './public-address';

describe('classifyAddress', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.0.1', 'linkLocal'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
  ])('refuses IPv4 %s (%s)', (address, range) => {
    expect(classifyAddress(address)).toEqual({ address, public: false, range });
  });

  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456:789a::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%lo', 'linkLocal'],
    ['febf::1', 'linkLocal'],
    ['ff02::1', 'multicast'],
    ['ff05::2', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'teredo'],
    ['::7f00:1', 'ipv4Compatible'],
    ['::8.8.8.8', 'ipv4Compatible'],
    ['::127.0.0.1', 'ipv4Compatible'],
    ['1::1', 'outsideGlobalUnicast'],
    ['64:ff9b:1::a00:1', 'rfc6052'],
  ])('refuses IPv6 %s (%s)', (address, range) => {
    expect(classifyAddress(address)).toEqual({ address, public: false, range });
  });

  it.each([
    ['::ffff:127.0.0.1', 'ipv4Mapped:loopback'],
    ['::ffff:7f00:1', 'ipv4Mapped:loopback'],
    ['::ffff:10.0.0.1', 'ipv4Mapped:private'],
    ['::ffff:192.168.0.1', 'ipv4Mapped:private'],
    ['::ffff:169.254.169.254', 'ipv4Mapped:linkLocal'],
    ['::ffff:100.64.0.1', 'ipv4Mapped:carrierGradeNat'],
    ['::ffff:0.0.0.0', 'ipv4Mapped:unspecified'],
    ['::ffff:255.255.255.255', 'ipv4Mapped:broadcast'],
    ['::ffff:0:127.0.0.1', 'rfc6145:loopback'],
    ['64:ff9b::127.0.0.1', 'rfc6052:loopback'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052:linkLocal'],
    ['64:ff9b::10.1.2.3', 'rfc6052:private'],
    ['2002:7f00:1::', '6to4:loopback'],
    ['2002:a00:1::1', '6to4:private'],
    ['2002:a9fe:a9fe::', '6to4:linkLocal'],
  ])('refuses %s, an IPv6 form of a non-public IPv4 address (%s)', (address, range) => {
    expect(classifyAddress(address)).toEqual({ address, public: false, range });
  });

  it.each([
    ['8.8.8.8', 'unicast'],
    ['1.1.1.1', 'unicast'],
    ['172.15.255.255', 'unicast'],
    ['172.32.0.1', 'unicast'],
    ['100.63.255.255', 'unicast'],
    ['100.128.0.1', 'unicast'],
    ['169.253.255.255', 'unicast'],
    ['2606:4700:4700::1111', 'unicast'],
    ['2a00:1450:4001:80b::200e', 'unicast'],
    ['::ffff:8.8.8.8', 'ipv4Mapped:unicast'],
    ['64:ff9b::8.8.8.8', 'rfc6052:unicast'],
    ['2002:808:808::1', '6to4:unicast'],
  ])('accepts public %s (%s)', (address, range) => {
    expect(classifyAddress(address)).toEqual({ address, public: true, range });
  });

  it.each(['', 'localhost', 'example.com', '127.1', '0x7f000001', '2130706433', '1.2.3.4.5', ' 8.8.8.8', '[::1]'])(
    'refuses %j, which is not a plain IP address',
    (address) => {
      expect(classifyAddress(address)).toEqual({ address, public: false, range: 'invalid' });
      expect(isPublicAddress(address)).toBe(false);
    },
  );
});

describe('describeRange', () => {
  it('names the range, and the embedded one for IPv6 forms', () => {
    expect(describeRange('loopback')).toBe('a loopback address');
    expect(describeRange('linkLocal')).toBe('a link-local address');
    expect(describeRange('uniqueLocal')).toBe('a unique-local address');
    expect(describeRange('ipv4Mapped:private')).toBe('an IPv4-mapped form of a private address');
    expect(describeRange('6to4:loopback')).toBe('a 6to4 form of a loopback address');
  });
});
