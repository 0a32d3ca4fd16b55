import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { newPassword } from '../../auth/password-policy.ts';
import { REFRESH_TOKEN_TTL_SECONDS, totpContext, type IssuedSession } from '../../auth/session-service.ts';
import { matchTotpStep, newTotpSecret } from '../../auth/totp.ts';
import { withPrincipal } from '../../db/principal.ts';
import { recordAudit } from '../../domain/audit/audit-log.ts';
import { principalOf, requestIdOf, type AppContext } from '../context.ts';
import { BadRequestError, ConflictError, RateLimitedError, UnauthorizedError } from '../errors.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { dataOf, documentRoute } from '../openapi.ts';
import { parseInput } from '../validate.ts';
import { authorize } from '../policy.ts';

export const REFRESH_COOKIE = 'dh_refresh';
const COOKIE_PATH = '/v1/auth';

const credentialsLogin = z.object({
  email: z.email().max(320),
  password: z.string().min(1).max(1024),
  totp: z
    .string()
    .regex(/^\d{6}$/, 'must be 6 digits')
    .optional(),
  orgId: z
    .uuid()
    .optional()
    .meta({ description: 'Which organization to enter: only that membership’s password (and code) is checked' }),
});
const selectionLogin = z.object({
  selectionToken: z.string().min(1).max(4096).meta({ description: 'From an OrganizationChoice answer' }),
  orgId: z.uuid(),
});
const loginBody = z.union([credentialsLogin, selectionLogin]).meta({ id: 'LoginRequest' });

const sessionUser = z
  .object({
    id: z.uuid(),
    orgId: z.uuid(),
    email: z.string(),
    displayName: z.string().nullable(),
    role: z.enum(['owner', 'admin', 'staff', 'merchant']),
    storeIds: z.union([z.literal('all'), z.array(z.uuid())]),
    totpEnabled: z.boolean(),
  })
  .meta({ id: 'SessionUser' });

const sessionResponse = dataOf(z.object({ accessToken: z.string(), expiresIn: z.number().int(), user: sessionUser })).meta({
  id: 'Session',
});
const organizationChoice = dataOf(
  z.object({
    organizations: z.array(z.object({ id: z.uuid(), name: z.string(), role: z.enum(['owner', 'admin', 'staff', 'merchant']) })),
    selectionToken: z.string(),
    expiresIn: z.number().int(),
  }),
).meta({
  id: 'OrganizationChoice',
  description:
    'The password (and code) opened memberships in several organizations and no orgId said which: sign in again with {selectionToken, orgId} within expiresIn seconds (no password or code needed), or with {email, password, totp, orgId}.',
});
const passwordChange = z
  .object({ currentPassword: z.string().min(1).max(1024), newPassword })
  .strict()
  .meta({ id: 'PasswordChange' });
const totpCode = z.object({ code: z.string().regex(/^\d{6}$/, 'must be 6 digits') });
const totpEnrolment = z
  .object({ currentPassword: z.string().min(1).max(1024) })
  .strict()
  .meta({ id: 'TotpEnrolment' });

/** A change that needed the current password typed again and did not get it. */
function refuseConfirmation(outcome: { kind: 'invalid' } | { kind: 'throttled'; retryAfterSeconds: number }): never {
  if (outcome.kind === 'throttled') throw new RateLimitedError('Too many attempts; try again later', outcome.retryAfterSeconds);
  throw new BadRequestError('The current password is not right', { field: 'currentPassword' });
}

documentRoute({
  method: 'post',
  path: '/v1/auth/login',
  summary: 'Sign in; sets the refresh cookie',
  description:
    'Each membership has its own password (and one-time code): the password is checked against every membership with this email (at most 20, oldest first), or only the one in orgId. Answers a Session (and the refresh cookie) when it opens one membership, or an OrganizationChoice when it opens several and no orgId says which; a password opens only the memberships it was set for. Wrong credentials, wrong or already used one-time codes and unknown emails all answer the same 401; repeated attempts for one email from one address are slowed down with growing delays (429 with retryAfter and Retry-After), known and unknown emails alike.',
  tags: ['auth'],
  auth: false,
  body: loginBody,
  response: z.union([sessionResponse, organizationChoice]),
  errors: { 401: 'Wrong credentials or one-time code, or an unknown email (all the same)' },
});
documentRoute({
  method: 'post',
  path: '/v1/auth/refresh',
  summary: 'Rotate the refresh cookie and get a new access token',
  tags: ['auth'],
  auth: false,
  response: sessionResponse,
  errors: { 401: 'No refresh cookie, or one that is expired, revoked or reused' },
});
documentRoute({
  method: 'post',
  path: '/v1/auth/logout',
  summary: 'Revoke the refresh token family and clear the cookie',
  tags: ['auth'],
  auth: false,
  status: 204,
});
documentRoute({
  method: 'post',
  path: '/v1/auth/password',
  summary: 'Change the password of the membership you are signed in to; ends its sessions and answers a fresh one',
  tags: ['auth'],
  body: passwordChange,
  response: sessionResponse,
  errors: { 400: 'Invalid input, a wrong current password, or a new password too short or too common' },
});
documentRoute({
  method: 'get',
  path: '/v1/auth/me',
  summary: 'The signed-in user',
  tags: ['auth'],
  response: dataOf(sessionUser),
});
documentRoute({
  method: 'post',
  path: '/v1/auth/totp/enroll',
  summary: 'Start TOTP enrolment, with the current password typed again: returns the secret and otpauth URI',
  description:
    'The password is asked again so that a stolen access token alone cannot turn two-factor sign-in on with a secret of its own and lock the member out. Wrong passwords count against the sign-in throttle.',
  tags: ['auth'],
  body: totpEnrolment,
  response: dataOf(z.object({ secret: z.string(), uri: z.string() })),
  errors: {
    400: 'Invalid input, or a wrong current password',
    409: 'Two-factor sign-in is already on',
  },
});
documentRoute({
  method: 'post',
  path: '/v1/auth/totp/verify',
  summary: 'Confirm TOTP enrolment with a current code; sign-in then requires a code',
  tags: ['auth'],
  body: totpCode,
  response: dataOf(z.object({ totpEnabled: z.boolean() })),
  errors: { 400: 'Invalid input, or a wrong code', 409: 'Two-factor sign-in is already on' },
});

interface MemberTotp {
  totp_enabled: boolean;
  totp_secret_ciphertext: Buffer | null;
  totp_secret_key_id: string | null;
}

function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      try {
        return decodeURIComponent(part.slice(separator + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function sendSession(res: Response, session: IssuedSession): void {
  res.cookie(REFRESH_COOKIE, session.refreshToken, {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: COOKIE_PATH,
    maxAge: REFRESH_TOKEN_TTL_SECONDS * 1000,
  });
  res.setHeader('Cache-Control', 'no-store');
  res.json({ data: { accessToken: session.accessToken, expiresIn: session.expiresIn, user: session.user } });
}

function clearRefreshCookie(res: Response): void {
  res.clearCookie(REFRESH_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: COOKIE_PATH });
}

export function authRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/login', async (req, res) => {
    const body = parseInput(loginBody, req.body);
    const outcome = await ctx.sessions.login(body, req.ip ?? 'unknown', requestIdOf(res));
    switch (outcome.kind) {
      case 'ok':
        return sendSession(res, outcome.session);
      case 'choose':
        res.setHeader('Cache-Control', 'no-store');
        res.json({ data: outcome.choice });
        return;
      case 'throttled':
        throw new RateLimitedError('Too many sign-in attempts; try again later', outcome.retryAfterSeconds);
      case 'totp_required':
        throw new UnauthorizedError('A one-time code is required', { totpRequired: true });
      case 'invalid':
        throw new UnauthorizedError('Invalid email, password or code');
    }
  });

  router.post('/refresh', async (req, res) => {
    const token = readCookie(req, REFRESH_COOKIE);
    if (!token) throw new UnauthorizedError('No refresh token');
    const outcome = await ctx.sessions.refresh(token, requestIdOf(res));
    if (outcome.kind === 'ok') return sendSession(res, outcome.session);
    clearRefreshCookie(res);
    throw new UnauthorizedError(
      outcome.kind === 'reused'
        ? 'This refresh token was already used; the session has been revoked'
        : 'The refresh token is not valid',
      { reason: outcome.kind },
    );
  });

  router.post('/logout', async (req, res) => {
    const token = readCookie(req, REFRESH_COOKIE);
    if (token) await ctx.sessions.logout(token, requestIdOf(res));
    clearRefreshCookie(res);
    res.status(204).end();
  });

  const authed = authenticate(ctx.accessTokens);

  router.get('/me', authed, authorize('GET /v1/auth/me'), async (_req, res) => {
    const principal = principalOf(res);
    const user = await withPrincipal(ctx.db, principal, (tx) => ctx.sessions.userSummary(tx, principal.userId!));
    if (!user) throw new UnauthorizedError('This user no longer exists');
    res.json({ data: user });
  });

  router.post('/password', authed, authorize('POST /v1/auth/password'), async (req, res) => {
    const body = parseInput(passwordChange, req.body);
    const outcome = await ctx.sessions.changePassword(principalOf(res), body, req.ip ?? 'unknown', requestIdOf(res));
    switch (outcome.kind) {
      case 'ok':
        return sendSession(res, outcome.value);
      default:
        return refuseConfirmation(outcome);
    }
  });

  router.post('/totp/enroll', authed, authorize('POST /v1/auth/totp/enroll'), async (req, res) => {
    const { currentPassword } = parseInput(totpEnrolment, req.body);
    const principal = principalOf(res);
    const outcome = await ctx.sessions.withPasswordConfirmed(
      principal,
      currentPassword,
      req.ip ?? 'unknown',
      async (tx, userId) => {
        const [member] = await tx<{ email: string; totp_enabled: boolean }[]>`
        select email, totp_enabled from users where id = ${userId}`;
        if (member!.totp_enabled) throw new ConflictError('Two-factor sign-in is already on');
        const { secret, uri } = newTotpSecret(member!.email);
        const sealed = ctx.keyRing.seal(secret, totpContext(principal.orgId, userId));
        await tx`
        update users set totp_secret_ciphertext = ${sealed.ciphertext}, totp_secret_key_id = ${sealed.keyId},
                         totp_last_step = null, updated_at = now()
        where id = ${userId}`;
        return { secret, uri };
      },
    );
    if (outcome.kind !== 'ok') return refuseConfirmation(outcome);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ data: outcome.value });
  });

  router.post('/totp/verify', authed, authorize('POST /v1/auth/totp/verify'), async (req, res) => {
    const { code } = parseInput(totpCode, req.body);
    const principal = principalOf(res);
    const userId = principal.userId!;
    await withPrincipal(ctx.db, principal, async (tx) => {
      const [member] = await tx<MemberTotp[]>`
        select totp_enabled, totp_secret_ciphertext, totp_secret_key_id from users where id = ${userId} for update`;
      if (!member?.totp_secret_ciphertext || !member.totp_secret_key_id) {
        throw new BadRequestError('Start enrolment with POST /v1/auth/totp/enroll first');
      }
      if (member.totp_enabled) throw new ConflictError('Two-factor sign-in is already on');
      const secret = ctx.keyRing.open(
        { ciphertext: member.totp_secret_ciphertext, keyId: member.totp_secret_key_id },
        totpContext(principal.orgId, userId),
      );
      const step = matchTotpStep(secret, code);
      // The confirming code is used up: it cannot sign anyone in afterwards.
      const enabled =
        step === undefined
          ? []
          : await tx`
              update users set totp_enabled = true, totp_last_step = ${step}, updated_at = now()
              where id = ${userId} and not totp_enabled and (totp_last_step is null or totp_last_step < ${step})
              returning id`;
      if (enabled.length === 0) throw new BadRequestError('The code does not match', { field: 'code' });
      await recordAudit(tx, principal, {
        action: 'auth.totp_enabled',
        subjectType: 'user',
        subjectId: userId,
        requestId: requestIdOf(res),
      });
    });
    res.json({ data: { totpEnabled: true } });
  });

  return router;
}
