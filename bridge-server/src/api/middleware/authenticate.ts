import type { RequestHandler } from 'express';
import { InvalidAccessTokenError, type AccessTokens } from '../../auth/access-tokens.ts';
import type { Principal } from '../../db/principal.ts';
import type { RequestLocals } from '../context.ts';
import { UnauthorizedError } from '../errors.ts';

/**
 * Resolves `Authorization: Bearer <token>` to the request's principal, as the database says it
 * is now (see AccessTokens.authenticate).
 */
export function authenticate(tokens: AccessTokens): RequestHandler {
  return async (req, res, next) => {
    (res.locals as RequestLocals).principal = await principalOfBearer(tokens, req.get('authorization'));
    next();
  };
}

/**
 * The principal an Authorization header names now, or UnauthorizedError. Long-lived requests
 * (the event stream) call it again to notice an expired or revoked token.
 */
export async function principalOfBearer(tokens: AccessTokens, header: string | undefined): Promise<Principal> {
  const match = header ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null;
  if (!match) throw new UnauthorizedError('Send Authorization: Bearer <access token>');
  try {
    return await tokens.authenticate(match[1]!);
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) {
      throw new UnauthorizedError(error.message, { reason: error.reason });
    }
    throw error;
  }
}
