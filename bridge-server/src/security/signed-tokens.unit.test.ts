import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Principal } from '../db/principal.ts';
import { ConnectTokens } from '../platforms/shopify/connect-token.ts';
import { InvalidSignedTokenError, SignedTokens, type InvalidTokenReason } from './signed-tokens.ts';

const SECRET = 'a-server-secret-that-is-long-enough-000';
const tokens = new SignedTokens(SECRET);
const wooClaims = z.object({ org: z.uuid(), attempt: z.uuid() });
const anyClaims = z.object({}).passthrough();

const principal: Principal = {
  orgId: randomUUID(),
  kind: 'console',
  role: 'owner',
  storeIds: 'all',
  subject: randomUUID(),
  capabilities: [],
};

async function reason(promise: Promise<unknown>): Promise<InvalidTokenReason> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InvalidSignedTokenError) return error.reason;
    throw error;
  }
  throw new Error('expected the token to be refused');
}

/** The token with one character of its payload changed. */
function tamper(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  claims['org'] = randomUUID();
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

describe('signed tokens (one module for every connect token)', () => {
  const woo = { org: randomUUID(), attempt: randomUUID() };

  it('signs and verifies a WooCommerce connect token and a wc-auth state', async () => {
    const connect = await tokens.sign('woocommerce-connect', woo, 300);
    expect(await tokens.verify('woocommerce-connect', connect, wooClaims)).toMatchObject(woo);
    const state = await tokens.sign('woocommerce-connect-state', woo, 1800);
    const verified = await tokens.verify('woocommerce-connect-state', state, wooClaims);
    expect(verified).toMatchObject(woo);
    expect(verified.exp - verified.iat).toBe(1800);
    expect(verified.jti).toMatch(/^[\w-]{16}$/);
  });

  it('signs and verifies a Shopify connect token through the same module', async () => {
    const shopify = new ConnectTokens(SECRET);
    const { token, binding } = await shopify.mint(principal, 'shop-1.myshopify.com');
    const claims = await shopify.verify(token, 'shop-1.myshopify.com', binding);
    expect(claims).toMatchObject({ org: principal.orgId, sub: principal.subject, role: 'owner', shop: 'shop-1.myshopify.com' });
    // It is a token of this module: verified here as the Shopify kind.
    expect(await tokens.verify('shopify-connect', token, anyClaims)).toMatchObject({ org: principal.orgId });
  });

  it('refuses a tampered token', async () => {
    const token = await tokens.sign('woocommerce-connect', woo, 300);
    expect(await reason(tokens.verify('woocommerce-connect', tamper(token), wooClaims))).toBe('signature');
    await expect(
      new ConnectTokens(SECRET).read(tamper((await new ConnectTokens(SECRET).mint(principal, 'x.myshopify.com')).token)),
    ).rejects.toThrow(/not valid/);
  });

  it('refuses a token signed with another server’s secret', async () => {
    const token = await new SignedTokens('another-server-secret-long-enough-0000').sign('woocommerce-connect', woo, 300);
    expect(await reason(tokens.verify('woocommerce-connect', token, wooClaims))).toBe('signature');
  });

  it('refuses an expired token, and reads it only when told to ignore expiry', async () => {
    const token = await tokens.sign('woocommerce-connect-state', woo, -5);
    expect(await reason(tokens.verify('woocommerce-connect-state', token, wooClaims))).toBe('expired');
    expect(await tokens.verify('woocommerce-connect-state', token, wooClaims, { ignoreExpiry: true })).toMatchObject(woo);
    // Ignoring expiry ignores nothing else.
    expect(await reason(tokens.verify('woocommerce-connect-state', tamper(token), wooClaims, { ignoreExpiry: true }))).toBe(
      'signature',
    );
  });

  describe('when a token of one kind is offered as another', () => {
    it('does not accept a Shopify connect token as a WooCommerce one', async () => {
      const { token } = await new ConnectTokens(SECRET).mint(principal, 'shop-2.myshopify.com');
      expect(await reason(tokens.verify('woocommerce-connect', token, anyClaims))).toBe('kind');
      expect(await reason(tokens.verify('woocommerce-connect-state', token, anyClaims))).toBe('kind');
    });

    it('does not accept a WooCommerce connect token or state as a Shopify one', async () => {
      const shopify = new ConnectTokens(SECRET);
      for (const kind of ['woocommerce-connect', 'woocommerce-connect-state'] as const) {
        const token = await tokens.sign(kind, { ...woo, shop: 'shop-3.myshopify.com', role: 'owner', sub: 'x', bnd: 'y' }, 300);
        expect(await reason(tokens.verify('shopify-connect', token, anyClaims))).toBe('kind');
        await expect(shopify.read(token)).rejects.toThrow(/not valid/);
      }
    });

    it('does not accept a connect token as a wc-auth state, nor the other way round', async () => {
      const connect = await tokens.sign('woocommerce-connect', woo, 300);
      const state = await tokens.sign('woocommerce-connect-state', woo, 300);
      expect(await reason(tokens.verify('woocommerce-connect-state', connect, wooClaims))).toBe('kind');
      expect(await reason(tokens.verify('woocommerce-connect', state, wooClaims))).toBe('kind');
    });
  });

  it('refuses what is not a token of the module: garbage, an unsigned token, missing claims', async () => {
    expect(await reason(tokens.verify('woocommerce-connect', 'not-a-token', wooClaims))).toBe('malformed');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(woo)).toString('base64url')}.`;
    expect(await reason(tokens.verify('woocommerce-connect', unsigned, wooClaims))).toBe('malformed');
    const token = await tokens.sign('woocommerce-connect', { org: woo.org }, 300);
    expect(await reason(tokens.verify('woocommerce-connect', token, wooClaims))).toBe('malformed');
    // A token with the right audience but under a key derived for nothing: a forgery.
    const forged = await new SignJWT({ ...woo })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('dockhand')
      .setAudience('dockhand:woocommerce-connect')
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('x')
      .sign(new TextEncoder().encode(SECRET));
    expect(await reason(tokens.verify('woocommerce-connect', forged, wooClaims))).toBe('signature');
  });
});
