import { z } from 'zod';
import { ROLES, type Principal } from '../../db/principal.ts';
import { bindingMatches, newBrowserBinding } from '../../security/browser-binding.ts';
import { SignedTokens } from '../../security/signed-tokens.ts';

/**
 * The link an owner or admin uses to install Dockhand on a Shopify shop into their
 * organization. The token names the organization and the one shop it is for, and is bound to
 * the browser that asked for it: minting it also sets a random binding cookie whose hash the
 * token carries. A token sent to someone else (a merchant lured to approve an install into the
 * sender's organization) arrives without that cookie and is refused.
 */

export const CONNECT_TOKEN_TTL_SECONDS = 10 * 60;
/** Carries the token from `/shopify/auth` through Shopify's authorize page to the callback. */
export const CONNECT_COOKIE = 'dockhand_shopify_connect';
/** The browser binding: set when the admin asks for the token, checked at every later step. */
export const BINDING_COOKIE = 'dockhand_shopify_binding';

const claims = z.object({ org: z.uuid(), sub: z.string(), role: z.enum(ROLES), shop: z.string(), bnd: z.string() });
export type ConnectClaims = z.infer<typeof claims>;

export class ConnectTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ConnectTokenError';
  }
}

export class ConnectTokens {
  private readonly tokens: SignedTokens;

  /** `secret`: the server's JWT secret (signed-tokens.ts derives this kind's own key from it). */
  constructor(secret: string) {
    this.tokens = new SignedTokens(secret);
  }

  /** A token for `shop` and the binding value to set as the browser's cookie. */
  async mint(principal: Principal, shop: string): Promise<{ token: string; binding: string }> {
    const { binding, hash } = newBrowserBinding();
    const token = await this.tokens.sign(
      'shopify-connect',
      { org: principal.orgId, sub: principal.subject, role: principal.role, shop, bnd: hash },
      CONNECT_TOKEN_TTL_SECONDS,
    );
    return { token, binding };
  }

  /** The token's claims; throws ConnectTokenError when it is forged, expired or of another kind. */
  async read(token: string): Promise<ConnectClaims> {
    try {
      return claims.parse(await this.tokens.verify('shopify-connect', token, claims));
    } catch {
      throw new ConnectTokenError('The connect token is not valid or has expired');
    }
  }

  /**
   * The claims of a token that is for `shop` and was minted for the browser holding `binding`;
   * throws ConnectTokenError otherwise.
   */
  async verify(token: string, shop: string, binding: string | undefined): Promise<ConnectClaims> {
    const read = await this.read(token);
    if (read.shop !== shop) throw new ConnectTokenError('The connect token is for another shop');
    if (!bindingMatches(read.bnd, binding)) throw new ConnectTokenError('The connect token was issued to another browser');
    return read;
  }
}
