import { describe, expect, it } from 'vitest';
import {
  ALLOW_HOSTS_VARIABLE,
  blockedAddressReason,
  createOutboundGuard,
  invalidAllowHosts,
  OutboundUrlRefusedError,
  parseAllowHosts,
} from './outbound-guard.ts';

/** A fake DNS: names in the table resolve as given; anything else does not exist. */
const fakeDns = (table: Record<string, string[]>) => async (hostname: string) => {
  const addresses = table[hostname];
  if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const refusal = async (promise: Promise<unknown>): Promise<OutboundUrlRefusedError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutboundUrlRefusedError) return error;
    throw error;
  }
  throw new Error('expected the URL to be refused');
};

describe('the outbound guard', () => {
  const guard = createOutboundGuard({
    resolve: fakeDns({
      'shop.example.com': ['93.184.216.34'],
      'sneaky.example.com': ['93.184.216.34', '10.1.2.3'],
      'metadata.example.com': ['169.254.169.254'],
      'v6.example.com': ['2606:4700::6810:84e5'],
    }),
  });

  describe('when a URL points at an internal address', () => {
    it.each([
      ['loopback', 'http://127.0.0.1/'],
      ['another loopback', 'http://127.8.9.10:8080/wp-json'],
      ['10.x private', 'http://10.0.0.5/'],
      ['172.16/12 private', 'https://172.20.1.1/'],
      ['192.168 private', 'http://192.168.1.1/'],
      ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
      ['CGNAT', 'http://100.64.0.1/'],
      ['unspecified', 'http://0.0.0.0/'],
      ['IPv6 loopback', 'http://[::1]/'],
      ['IPv6 unspecified', 'http://[::]/'],
      ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/'],
      ['IPv4-mapped metadata (hex form)', 'http://[::ffff:a9fe:a9fe]/'],
      ['NAT64 of a private address', 'http://[64:ff9b::10.0.0.1]/'],
      ['IPv6 unique local', 'http://[fd00::1]/'],
      ['IPv6 link-local', 'http://[fe80::1]/'],
      ['decimal loopback', 'http://2130706433/'],
      ['hex loopback', 'http://0x7f.0.0.1/'],
      ['a name resolving to metadata', 'http://metadata.example.com/'],
      ['a name with one private address among public ones', 'http://sneaky.example.com/'],
    ])('refuses %s', async (_label, url) => {
      const error = await refusal(guard.check(url));
      expect(error.message).toMatch(/^Refusing outbound request to /);
    });
  });

  describe('when a URL is malformed for our purposes', () => {
    it.each([
      ['a non-web scheme', 'file:///etc/passwd', /scheme/],
      ['gopher', 'gopher://shop.example.com/', /scheme/],
      ['credentials', 'https://user:pass@shop.example.com/', /credentials/],
      ['an odd port', 'https://shop.example.com:22/', /port 22/],
      ['an unknown host', 'https://nowhere.example.com/', /does not resolve/],
      ['garbage', 'not a url', /not a valid URL/],
    ])('refuses %s', async (_label, url, reason) => {
      expect((await refusal(guard.check(url))).reason).toMatch(reason);
    });

    it('says of a name which kind of address it resolves to, never the address (tenants read refusals)', async () => {
      for (const [url, kind, address] of [
        ['http://metadata.example.com/', 'link-local', '169.254.169.254'],
        ['http://sneaky.example.com/', 'private', '10.1.2.3'],
      ] as const) {
        const error = await refusal(guard.check(url));
        expect(error.reason).toContain(`resolves to a ${kind}`);
        expect(error.message).not.toContain(address);
      }
    });

    it('never puts the credentials of a refused URL into its message', async () => {
      const error = await refusal(guard.check('https://user:hunter2@127.0.0.1/'));
      expect(error.message).not.toContain('hunter2');
    });
  });

  it('lets public addresses through', async () => {
    await expect(guard.check('https://shop.example.com/')).resolves.toBeUndefined();
    await expect(guard.check('http://shop.example.com:8080/')).resolves.toBeUndefined();
    await expect(guard.check('https://v6.example.com/')).resolves.toBeUndefined();
    await expect(guard.check('https://93.184.216.34/')).resolves.toBeUndefined();
  });

  it('classifies addresses', () => {
    expect(blockedAddressReason('8.8.8.8')).toBeNull();
    expect(blockedAddressReason('172.32.0.1')).toBeNull();
    expect(blockedAddressReason('172.31.255.255')).toBe('private');
    expect(blockedAddressReason('::ffff:8.8.8.8')).toBeNull();
    expect(blockedAddressReason('::ffff:192.168.0.1')).toBe('private');
    expect(blockedAddressReason('2002:7f00:1::')).toMatch(/6to4/);
  });

  describe('classifying with ipaddr.js', () => {
    it.each([
      ['decimal loopback', '2130706433', /loopback/],
      ['octal loopback', '0177.0.0.1', /loopback/],
      ['hex loopback', '0x7f000001', /loopback/],
      ['limited broadcast', '255.255.255.255', /broadcast/],
      ['AS112', '192.175.48.1', /AS112/],
      ['IPv6 benchmarking', '2001:2::1', /benchmarking/],
      ['IPv6 documentation', '2001:db8::1', /reserved or documentation/],
      ['IPv6 documentation (3fff::/20)', '3fff::1', /reserved or documentation/],
      ['ORCHIDv2', '2001:20::1', /ORCHID/],
      ['segment routing', '5f00::1', /segment routing/],
      ['IPv4-compatible loopback', '::7f00:1', /IPv4-compatible/],
      ['IPv4-translated', '::ffff:0:a00:1', /IPv4-translated/],
      ['NAT64 local-use', '64:ff9b:1::a00:1', /NAT64 local-use/],
      ['outside 2000::/3', '4000::1', /global unicast/],
      ['link-local with a zone', 'fe80::1%eth0', /link-local/],
      ['IPv4-mapped in hex', '::ffff:7f00:1', /loopback/],
      ['a name', 'example.com', /not an IP address/],
    ])('refuses %s', (_label, address, reason) => {
      expect(blockedAddressReason(address)).toMatch(reason);
    });

    it.each([
      ['NAT64 of a public address', '64:ff9b::808:808'],
      ['6to4 of a public address', '2002:808:808::1'],
      ['public IPv6', '2606:4700::6810:84e5'],
      ['public IPv4', '93.184.216.34'],
    ])('lets %s through', (_label, address) => {
      expect(blockedAddressReason(address)).toBeNull();
    });
  });

  describe('when the allowlist could lift a refusal', () => {
    const dns = fakeDns({ localhost: ['127.0.0.1'] });
    it.each([
      ['an odd port on loopback', 'http://127.0.0.1:8133/wp-json', '127.0.0.1:8133'],
      ['a name resolving to loopback', 'http://localhost/', 'localhost:80'],
      ['a private address over https', 'https://10.0.0.5/', '10.0.0.5:443'],
      ['IPv6 loopback on an odd port', 'http://[::1]:9000/', '[::1]:9000'],
    ])('names the variable and the exact entry for %s, and that entry lets it through', async (_label, url, entry) => {
      const error = await refusal(createOutboundGuard({ resolve: dns }).check(url));
      expect(error.allowEntry).toBe(entry);
      expect(error.message).toContain(`add ${entry} to DOCKHAND_OUTBOUND_ALLOW_HOSTS`);
      const allowed = createOutboundGuard({ resolve: dns, allowHosts: parseAllowHosts(`other.test:*, ${entry}`) });
      await expect(allowed.check(url)).resolves.toBeUndefined();
    });

    it('does not suggest the allowlist where it would not help', async () => {
      for (const url of ['file:///etc/passwd', 'https://user:pass@shop.example.com/', 'https://nowhere.example.com/']) {
        const error = await refusal(guard.check(url));
        expect(error.allowEntry).toBeUndefined();
        expect(error.message).not.toContain(ALLOW_HOSTS_VARIABLE);
      }
    });

    it('tells which allowlist entries can never match', () => {
      expect(invalidAllowHosts(['127.0.0.1:8133', 'localhost', 'localhost:*', '[::1]:*', 'shop.test:443'])).toEqual([]);
      expect(invalidAllowHosts(['http://127.0.0.1:8133', '127.0.0.1:', 'host:99999', '::1', 'a/b'])).toEqual([
        'http://127.0.0.1:8133',
        '127.0.0.1:',
        'host:99999',
        '::1',
        'a/b',
      ]);
    });
  });

  describe('with an allowlist', () => {
    it('parses the environment form', () => {
      expect(parseAllowHosts(' 127.0.0.1:*, localhost:8080 [::1]:* ')).toEqual(['127.0.0.1:*', 'localhost:8080', '[::1]:*']);
      expect(parseAllowHosts(undefined)).toEqual([]);
    });

    it('matches the host, not the address: a public name pointing at an allowlisted address is refused', async () => {
      const allowed = createOutboundGuard({
        allowHosts: ['127.0.0.1:*'],
        resolve: fakeDns({ 'rebind.example.com': ['127.0.0.1'] }),
      });
      expect((await refusal(allowed.check('http://rebind.example.com:8080/'))).reason).toMatch(/loopback/);
    });
  });
});
