import type { TokenSource } from '../core/api-client.ts';

/**
 * The `token` host adapter (ERP pages and script tags): the host hands over a token it minted
 * server-side, either as a fixed string or through a `getToken()` callback that is asked again
 * whenever the server refuses the current one.
 */
export class TokenHost implements TokenSource {
  constructor(private readonly source: () => string | null | Promise<string | null>) {}

  static fixed(token: string | null): TokenHost {
    return new TokenHost(() => token);
  }

  async getToken(): Promise<string | null> {
    return this.source();
  }

  async refresh(): Promise<string | null> {
    return this.source();
  }
}
