import { Router } from 'express';
import { z } from 'zod';
import { newPassword } from '../../auth/password-policy.ts';
import { withPrincipal } from '../../db/principal.ts';
import { recordAudit } from '../../domain/audit/audit-log.ts';
import { EmailTakenError, getUser, insertMember, listUsers, setMemberPassword } from '../../domain/users/user-service.ts';
import { principalOf, requestIdOf, type AppContext } from '../context.ts';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { authorize } from '../policy.ts';
import { dataOf, documentRoute, pageOf } from '../openapi.ts';
import { createdAtIdKey, decodeCursor, pageQuery, toPage } from '../pagination.ts';
import { parseInput, uuidParam } from '../validate.ts';

const role = z.enum(['owner', 'admin', 'staff', 'merchant']);
const user = z
  .object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string().nullable(),
    role,
    storeIds: z.array(z.uuid()),
    totpEnabled: z.boolean(),
    disabled: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });
/** A merchant's stores: each named once (a uuid in any case is the same store). */
const storeIds = z
  .array(z.uuid())
  .max(500)
  .refine((ids) => new Set(ids.map((id) => id.toLowerCase())).size === ids.length, { message: 'must name each store once' });

const createUser = z
  .object({
    email: z.email().max(320),
    password: newPassword,
    role,
    displayName: z.string().min(1).max(200).optional(),
    storeIds: storeIds.optional(),
  })
  .meta({ id: 'CreateUser' });
const updateUser = z
  .object({
    role: role.optional(),
    displayName: z.string().min(1).max(200).optional(),
    disabled: z.boolean().optional(),
    password: newPassword.optional(),
    storeIds: storeIds.optional(),
  })
  .meta({ id: 'UpdateUser' });
const idParams = z.object({ id: z.string() });

/** Every route here is for owners and admins (`users.manage` in api/policy.ts). */
const USER_ROUTE_ERRORS = { 403: 'Owners and admins only' } as const;

documentRoute({
  method: 'get',
  path: '/v1/users',
  summary: 'List the organization’s users',
  tags: ['users'],
  errors: USER_ROUTE_ERRORS,
  query: pageQuery,
  response: pageOf(user),
});
documentRoute({
  method: 'post',
  path: '/v1/users',
  summary: 'Add a person to the organization',
  description:
    'The password given is this membership’s own: the same email may be a member of other organizations, each with its own password, and nothing here says whether it is. 409 only when the email is already a member of this organization.',
  tags: ['users'],
  errors: { ...USER_ROUTE_ERRORS, 409: 'The email is already a member of this organization' },
  body: createUser,
  response: dataOf(user),
  status: 201,
});
documentRoute({
  method: 'get',
  path: '/v1/users/:id',
  summary: 'One user',
  tags: ['users'],
  errors: USER_ROUTE_ERRORS,
  params: idParams,
  response: dataOf(user),
});
documentRoute({
  method: 'patch',
  path: '/v1/users/:id',
  summary: 'Change a user’s role, name, password, stores or disable them',
  tags: ['users'],
  errors: USER_ROUTE_ERRORS,
  params: idParams,
  body: updateUser,
  response: dataOf(user),
});

export function userRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', authorize('GET /v1/users'), async (req, res) => {
    const query = parseInput(pageQuery, req.query, 'query');
    const after = query.cursor ? decodeCursor(query.cursor, createdAtIdKey) : undefined;
    const rows = await listUsers(ctx.db, principalOf(res), { limit: query.limit, after });
    res.json(toPage(rows, query.limit, (row) => [row.createdAt, row.id]));
  });

  router.post('/', authorize('POST /v1/users'), async (req, res) => {
    const body = parseInput(createUser, req.body);
    const principal = principalOf(res);
    if (body.role === 'owner' && principal.role !== 'owner') throw new ForbiddenError('Only an owner can create owners');
    if (body.role === 'merchant' && !body.storeIds?.length) {
      throw new BadRequestError('A merchant needs at least one store', { field: 'storeIds' });
    }
    const created = await withPrincipal(ctx.db, principal, async (tx) => {
      await assertStoresExist(tx, body.storeIds ?? []);
      // Whether the email is a member elsewhere plays no part (see insertMember).
      const { userId } = await insertMember(tx, { ...body, orgId: principal.orgId }).catch((error: unknown) => {
        if (error instanceof EmailTakenError) {
          throw new ConflictError('This person is already a member of the organization', { field: 'email' });
        }
        throw error;
      });
      await recordAudit(tx, principal, {
        action: 'user.created',
        subjectType: 'user',
        subjectId: userId,
        details: { role: body.role },
        requestId: requestIdOf(res),
      });
      return getUser(tx, userId);
    });
    res.status(201).json({ data: created });
  });

  router.get('/:id', authorize('GET /v1/users/:id'), async (req, res) => {
    const id = uuidParam(req.params);
    const found = id ? await withPrincipal(ctx.db, principalOf(res), (tx) => getUser(tx, id)) : undefined;
    if (!found) throw new NotFoundError('User');
    res.json({ data: found });
  });

  router.patch('/:id', authorize('PATCH /v1/users/:id'), async (req, res) => {
    const id = uuidParam(req.params);
    const body = parseInput(updateUser, req.body);
    const principal = principalOf(res);
    if (!id) throw new NotFoundError('User');
    const updated = await withPrincipal(ctx.db, principal, async (tx) => {
      const current = await getUser(tx, id);
      if (!current) throw new NotFoundError('User');
      if ((current.role === 'owner' || body.role === 'owner') && principal.role !== 'owner') {
        throw new ForbiddenError('Only an owner can change an owner');
      }
      if (id === principal.userId && (body.disabled || (body.role && body.role !== current.role))) {
        throw new BadRequestError('You cannot disable yourself or change your own role');
      }
      // Setting one's own password here would skip the current one, which a stolen access token lacks.
      if (id === principal.userId && body.password) {
        throw new BadRequestError('Change your own password with POST /v1/auth/password {currentPassword, newPassword}', {
          field: 'password',
        });
      }
      // This membership's password only: the same email elsewhere keeps its own.
      if (body.password) await setMemberPassword(tx, id, body.password);
      await tx`
        update users set
          role = coalesce(${body.role ?? null}, role),
          display_name = coalesce(${body.displayName ?? null}, display_name),
          disabled_at = case when ${body.disabled ?? null}::boolean is null then disabled_at
                             when ${body.disabled ?? null}::boolean then coalesce(disabled_at, now()) else null end,
          updated_at = now()
        where id = ${id}`;
      if (body.disabled || body.password) {
        // Disabling or resetting a password ends every session of that user, access tokens included.
        await tx`update refresh_token_families set revoked_at = now(), revoked_reason = 'user changed' where user_id = ${id} and revoked_at is null`;
      }
      if (body.storeIds) {
        await assertStoresExist(tx, body.storeIds);
        await tx`delete from user_stores where user_id = ${id}`;
        for (const storeId of body.storeIds) {
          await tx`insert into user_stores (org_id, user_id, store_id) values (${principal.orgId}, ${id}, ${storeId})`;
        }
      }
      const { password: _omitted, ...changes } = body;
      await recordAudit(tx, principal, {
        action: 'user.updated',
        subjectType: 'user',
        subjectId: id,
        details: { ...changes, passwordChanged: Boolean(body.password) },
        requestId: requestIdOf(res),
      });
      return getUser(tx, id);
    });
    res.json({ data: updated });
  });

  return router;
}

async function assertStoresExist(tx: Parameters<Parameters<typeof withPrincipal>[2]>[0], storeIds: string[]): Promise<void> {
  if (storeIds.length === 0) return;
  const rows = await tx<{ id: string }[]>`select id from stores where id = any(${storeIds}::uuid[])`;
  const found = new Set(rows.map((row) => row.id));
  const missing = storeIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new BadRequestError('Unknown store ids', { field: 'storeIds', missing });
}
