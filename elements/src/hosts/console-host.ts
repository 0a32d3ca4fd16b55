import { ApiError, type TokenSource } from '../core/api-client.ts';
import type { components } from '../core/api-types.ts';

export interface ConsoleSession {
  accessToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
}

/** One organization the credentials opened, to choose from. */
export type OrganizationOption = components['schemas']['OrganizationChoice']['data']['organizations'][number];

/**
 * What signing in came to: a session, or (when the email's credentials opened memberships in
 * several organizations) the organizations to choose from with `chooseOrganization` within
 * `expiresIn` seconds.
 */
export type SignInResult = { kind: 'signed-in' } | { kind: 'choose'; organizations: OrganizationOption[]; expiresIn: number };

type OrganizationChoice = components['schemas']['OrganizationChoice']['data'];

/** Refresh this long before the access token expires, so no call meets an expired token. */
export const REFRESH_MARGIN_SECONDS = 60;

/**
 * The `console` host adapter: signs in with email, password and (when enrolled) a one-time code,
 * keeps the access token in memory only, and renews it through the HttpOnly refresh cookie before
 * it expires (and once more when a call is refused anyway).
 */
export class ConsoleHost implements TokenSource {
  private token: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<string | null> | undefined;
  /** The server's proof that the person may enter the organizations offered; never leaves memory. */
  private selectionToken: string | undefined;

  constructor(
    private readonly baseUrl = '',
    /** Called with each new token (or null when signed out): lets a page re-render. */
    private readonly onChange: (token: string | null) => void = () => {},
  ) {}

  async signIn(credentials: { email: string; password: string; totp?: string }): Promise<SignInResult> {
    const body = credentials.totp ? credentials : { email: credentials.email, password: credentials.password };
    const answer = await this.call('/v1/auth/login', body);
    if ('selectionToken' in answer) {
      this.selectionToken = answer.selectionToken;
      return { kind: 'choose', organizations: answer.organizations, expiresIn: answer.expiresIn };
    }
    this.accept(answer);
    return { kind: 'signed-in' };
  }

  /**
   * Enters one of the organizations `signIn` offered (no password or code again). Throws an
   * ApiError (401) when the choice has expired or the organization was not offered.
   */
  async chooseOrganization(orgId: string): Promise<void> {
    if (!this.selectionToken) throw new ApiError(401, 'UNAUTHORIZED', 'Sign in first; there is no choice to make');
    const answer = await this.call('/v1/auth/login', { selectionToken: this.selectionToken, orgId });
    if ('selectionToken' in answer) throw new ApiError(401, 'UNAUTHORIZED', 'Sign-in failed');
    this.selectionToken = undefined;
    this.accept(answer);
  }

  async signOut(): Promise<void> {
    clearTimeout(this.timer);
    await fetch(`${this.baseUrl}/v1/auth/logout`, { method: 'POST', credentials: 'include' }).catch(() => undefined);
    this.token = null;
    this.onChange(null);
  }

  async getToken(): Promise<string | null> {
    return this.token;
  }

  /** Rotates the refresh cookie; concurrent callers share one rotation (a second would be a reuse). */
  refresh(): Promise<string | null> {
    this.refreshing ??= this.call('/v1/auth/refresh')
      .then(
        (session) => {
          // A refresh answers a session; anything else counts as signed out.
          if ('selectionToken' in session) return this.signedOut();
          this.accept(session);
          return this.token;
        },
        () => this.signedOut(),
      )
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private signedOut(): null {
    this.token = null;
    this.onChange(null);
    return null;
  }

  /** When the next refresh is due, in milliseconds from now (for tests and diagnostics). */
  refreshDueInMs: number | undefined;

  private accept(session: ConsoleSession): void {
    this.token = session.accessToken;
    clearTimeout(this.timer);
    this.refreshDueInMs = Math.max(1, session.expiresIn - REFRESH_MARGIN_SECONDS) * 1000;
    this.timer = setTimeout(() => void this.refresh(), this.refreshDueInMs);
    this.onChange(this.token);
  }

  private async call(path: string, body?: unknown): Promise<ConsoleSession | OrganizationChoice> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      credentials: 'include',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await response.json().catch(() => ({}))) as {
      data?: Partial<ConsoleSession> & Partial<OrganizationChoice>;
      error?: { code: string; message: string; details?: Record<string, unknown> };
    };
    const { selectionToken, organizations, expiresIn } = answer.data ?? {};
    if (response.ok && selectionToken && organizations) return { selectionToken, organizations, expiresIn: expiresIn ?? 0 };
    if (!response.ok || !answer.data?.accessToken) {
      throw new ApiError(
        response.status,
        answer.error?.code ?? 'UNAUTHORIZED',
        answer.error?.message ?? 'Sign-in failed',
        answer.error?.details,
      );
    }
    return { accessToken: answer.data.accessToken, expiresIn: answer.data.expiresIn ?? 900 };
  }
}
