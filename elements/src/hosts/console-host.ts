import { ApiError, type TokenSource } from '../core/api-client.ts';

export interface ConsoleSession {
  accessToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
}

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

  constructor(
    private readonly baseUrl = '',
    /** Called with each new token (or null when signed out): lets a page re-render. */
    private readonly onChange: (token: string | null) => void = () => {},
  ) {}

  async signIn(credentials: { email: string; password: string; totp?: string }): Promise<void> {
    const body = credentials.totp ? credentials : { email: credentials.email, password: credentials.password };
    this.accept(await this.call('/v1/auth/login', body));
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
          this.accept(session);
          return this.token;
        },
        () => {
          this.token = null;
          this.onChange(null);
          return null;
        },
      )
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
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

  private async call(path: string, body?: unknown): Promise<ConsoleSession> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      credentials: 'include',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await response.json().catch(() => ({}))) as {
      data?: Partial<ConsoleSession>;
      error?: { code: string; message: string; details?: Record<string, unknown> };
    };
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
