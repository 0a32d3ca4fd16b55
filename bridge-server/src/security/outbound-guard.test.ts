import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockedAddressReason, createOutboundGuard, OutboundUrlRefusedError, parseAllowHosts } from './outbound-guard.ts';

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

    it('refuses localhost through real DNS', async () => {
      const error = await refusal(createOutboundGuard().check('http://localhost/'));
      expect(error.reason).toMatch(/loopback/);
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

  describe('with an allowlist', () => {
    let server: http.Server;
    let port = 0;
    beforeAll(async () => {
      server = http.createServer((req, res) => res.end(`hello ${req.headers.host}`));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('parses the environment form', () => {
      expect(parseAllowHosts(' 127.0.0.1:*, localhost:8080 [::1]:* ')).toEqual(['127.0.0.1:*', 'localhost:8080', '[::1]:*']);
      expect(parseAllowHosts(undefined)).toEqual([]);
    });

    it('lets an allowlisted loopback host:port through, and fetches from it', async () => {
      const allowed = createOutboundGuard({ allowHosts: ['127.0.0.1:*'] });
      await expect(allowed.check(`http://127.0.0.1:${port}/`)).resolves.toBeUndefined();
      const response = await allowed.fetch(`http://127.0.0.1:${port}/`);
      expect(await response.text()).toBe(`hello 127.0.0.1:${port}`);
    });

    it('matches the port of a host:port pattern', async () => {
      const allowed = createOutboundGuard({ allowHosts: [`127.0.0.1:${port}`] });
      await expect(allowed.check(`http://127.0.0.1:${port}/`)).resolves.toBeUndefined();
      await refusal(allowed.check(`http://127.0.0.1:${port + 1}/`));
    });

    it('matches the host, not the address: a public name pointing at an allowlisted address is refused', async () => {
      const allowed = createOutboundGuard({
        allowHosts: ['127.0.0.1:*'],
        resolve: fakeDns({ 'rebind.example.com': ['127.0.0.1'] }),
      });
      expect((await refusal(allowed.check('http://rebind.example.com:8080/'))).reason).toMatch(/loopback/);
    });

    it('connects to the address it checked, not to a second DNS answer', async () => {
      let calls = 0;
      const allowed = createOutboundGuard({
        allowHosts: ['pinned.example.test:*'],
        // First answer is the local test server; any later lookup would point nowhere.
        resolve: async () => (calls++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '192.0.2.1', family: 4 }]),
      });
      const response = await allowed.fetch(`http://pinned.example.test:${port}/`);
      expect(await response.text()).toBe(`hello pinned.example.test:${port}`);
      expect(calls).toBe(1);
    });
  });
});
