import { randomUUID } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  cookieOf,
  PASSWORD,
  signedInOrg,
  startTestServer,
  uniqueEmail,
  type Api,
  type TestServer,
} from '../../test/support/test-server.ts';
import { currentTotp } from './totp.ts';

let server: TestServer;
let api: Api;

beforeAll(async () => {
  server = await startTestServer();
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.close();
});

describe('signing in', () => {
  it('answers an access token, the user, and a Secure httpOnly SameSite=Strict refresh cookie', async () => {
    const org = await signedInOrg(server, 'Login');
    const login = await api('POST', '/v1/auth/login', { body: { email: org.email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.data).toMatchObject({
      expiresIn: 900,
      user: { id: org.userId, orgId: org.orgId, role: 'owner', storeIds: 'all' },
    });
    const claims = decodeJwt(login.body.data.accessToken);
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(claims.sub).toBe(org.userId);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/v1\/auth/);
    const me = await api('GET', '/v1/auth/me', { token: login.body.data.accessToken });
    expect(me.body.data.email).toBe(org.email);
  });

  it('stores passwords as argon2id hashes', async () => {
    const org = await signedInOrg(server, 'Hash');
    const [row] = await server.database.db.owner<{ password_hash: string }[]>`
      select password_hash from users where id = ${org.userId}`;
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('answers the same 401 for an unknown email and a wrong password', async () => {
    const org = await signedInOrg(server, 'Same');
    const unknown = await api('POST', '/v1/auth/login', { body: { email: uniqueEmail('ghost'), password: PASSWORD } });
    const wrong = await api('POST', '/v1/auth/login', { body: { email: org.email, password: 'wrong password!' } });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
  });
});

describe('refresh tokens', () => {
  it('rotate: each refresh answers a new access token and a new cookie', async () => {
    const org = await signedInOrg(server, 'Rotate');
    const first = await api('POST', '/v1/auth/refresh', { headers: { cookie: cookieOf(org.cookie) } });
    expect(first.status).toBe(200);
    expect(first.body.data.accessToken).toEqual(expect.any(String));
    expect(cookieOf(first.headers.get('set-cookie'))).not.toBe(cookieOf(org.cookie));
    const second = await api('POST', '/v1/auth/refresh', { headers: { cookie: cookieOf(first.headers.get('set-cookie')) } });
    expect(second.status).toBe(200);
  });

  describe('when an old refresh token is replayed', () => {
    it('revokes the whole family, so the newest token stops working too', async () => {
      const org = await signedInOrg(server, 'Replay');
      const original = cookieOf(org.cookie);
      const rotated = await api('POST', '/v1/auth/refresh', { headers: { cookie: original } });
      expect(rotated.status).toBe(200);
      const newest = cookieOf(rotated.headers.get('set-cookie'));
      // Past the grace window for a just-rotated token (two tabs refreshing at once).
      await server.database.db.owner`
        update refresh_tokens set rotated_at = now() - interval '31 seconds' where org_id = ${org.orgId} and rotated_at is not null`;

      const replay = await api('POST', '/v1/auth/refresh', { headers: { cookie: original } });
      expect(replay.status).toBe(401);
      expect(replay.body.error.details.reason).toBe('reused');

      const afterRevoke = await api('POST', '/v1/auth/refresh', { headers: { cookie: newest } });
      expect(afterRevoke.status).toBe(401);
      const [family] = await server.database.db.owner<{ revoked_reason: string }[]>`
        select revoked_reason from refresh_token_families where user_id = ${org.userId}`;
      expect(family!.revoked_reason).toBe('reuse');
    });
  });

  it('rejects a tampered, malformed or missing refresh token', async () => {
    const org = await signedInOrg(server, 'Tamper');
    const [, value] = cookieOf(org.cookie).split('=');
    const [id] = value!.split('.');
    const tampered = await api('POST', '/v1/auth/refresh', {
      headers: { cookie: `dh_refresh=${id}.${randomBytes(32).toString('base64url')}` },
    });
    expect(tampered.status).toBe(401);
    expect((await api('POST', '/v1/auth/refresh', { headers: { cookie: 'dh_refresh=garbage' } })).status).toBe(401);
    expect((await api('POST', '/v1/auth/refresh')).status).toBe(401);
    // A guessed token id must not revoke the real family.
    expect((await api('POST', '/v1/auth/refresh', { headers: { cookie: cookieOf(org.cookie) } })).status).toBe(200);
  });

  it('stop working after logout', async () => {
    const org = await signedInOrg(server, 'Logout');
    const cookie = cookieOf(org.cookie);
    const logout = await api('POST', '/v1/auth/logout', { headers: { cookie } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/dh_refresh=;/);
    expect((await api('POST', '/v1/auth/refresh', { headers: { cookie } })).status).toBe(401);
  });

  it('are not stored in plaintext', async () => {
    const org = await signedInOrg(server, 'Hashed');
    const secret = cookieOf(org.cookie).split('.')[1]!;
    const rows = await server.database.db.owner<
      { token_hash: Buffer }[]
    >`select token_hash from refresh_tokens where org_id = ${org.orgId}`;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((row) => row.token_hash.toString('utf8').includes(secret))).toBe(false);
  });
});

describe('two-factor sign-in (TOTP)', () => {
  it('once enrolled and verified, is required at sign-in', async () => {
    const org = await signedInOrg(server, 'Totp');
    const enroll = await api('POST', '/v1/auth/totp/enroll', { token: org.token, body: { currentPassword: PASSWORD } });
    expect(enroll.status).toBe(200);
    expect(enroll.body.data.uri).toMatch(/^otpauth:\/\/totp\//);
    const secret: string = enroll.body.data.secret;

    const wrong = await api('POST', '/v1/auth/totp/verify', {
      token: org.token,
      body: { code: currentTotp(secret) === '000000' ? '111111' : '000000' },
    });
    expect(wrong.status).toBe(400);
    const verify = await api('POST', '/v1/auth/totp/verify', { token: org.token, body: { code: currentTotp(secret) } });
    expect(verify.status).toBe(200);

    const withoutCode = await api('POST', '/v1/auth/login', { body: { email: org.email, password: PASSWORD } });
    expect(withoutCode.status).toBe(401);
    expect(withoutCode.body.error.details.totpRequired).toBe(true);
    const badCode = await api('POST', '/v1/auth/login', {
      body: { email: org.email, password: PASSWORD, totp: '123456' === currentTotp(secret) ? '654321' : '123456' },
    });
    expect(badCode.status).toBe(401);
    // The code that confirmed enrolment is used up; the next period's is accepted.
    const good = await api('POST', '/v1/auth/login', {
      body: { email: org.email, password: PASSWORD, totp: currentTotp(secret, Date.now() + 30_000) },
    });
    expect(good.status).toBe(200);
    expect(good.body.data.user.totpEnabled).toBe(true);

    const [row] = await server.database.db.owner<{ totp_secret_ciphertext: Buffer }[]>`
      select totp_secret_ciphertext from users where id = ${org.userId}`;
    expect(row!.totp_secret_ciphertext.toString('latin1')).not.toContain(secret);
  });
});

describe('turning two-factor sign-in on', () => {
  it('needs the current password: a stolen access token alone cannot lock the member out with its own secret', async () => {
    const org = await signedInOrg(server, 'TotpThief');
    const secretOf = async () => {
      const [row] = await server.database.db.owner<{ totp_secret_ciphertext: Buffer | null; totp_enabled: boolean }[]>`
        select totp_secret_ciphertext, totp_enabled from users where id = ${org.userId}`;
      return row!;
    };
    const bare = await api('POST', '/v1/auth/totp/enroll', { token: org.token });
    expect(bare.status).toBe(400);
    expect(bare.body.error.code).toBe('BAD_REQUEST');
    const wrong = await api('POST', '/v1/auth/totp/enroll', { token: org.token, body: { currentPassword: 'a guess' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.field).toBe('currentPassword');
    expect(await secretOf()).toEqual({ totp_secret_ciphertext: null, totp_enabled: false });
    // Sign-in still needs no code.
    const login = await api('POST', '/v1/auth/login', { body: { email: org.email, password: PASSWORD } });
    expect(login.status).toBe(200);
  });

  it('counts wrong passwords against the sign-in throttle', async () => {
    const org = await signedInOrg(server, 'TotpGuess');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 8 && !statuses.includes(429); attempt++) {
      const guess = await api('POST', '/v1/auth/totp/enroll', {
        token: org.token,
        body: { currentPassword: `guess ${attempt}` },
      });
      statuses.push(guess.status);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status !== 400 && status !== 429)).toEqual([]);
  });

  it('is refused to a member disabled after its token was issued', async () => {
    const org = await signedInOrg(server, 'TotpDisabled');
    await server.database.db.owner`update users set disabled_at = now() where id = ${org.userId}`;
    const enroll = await api('POST', '/v1/auth/totp/enroll', { token: org.token, body: { currentPassword: PASSWORD } });
    expect(enroll.status).toBe(401);
    const [row] = await server.database.db.owner<{ totp_secret_ciphertext: Buffer | null }[]>`
      select totp_secret_ciphertext from users where id = ${org.userId}`;
    expect(row!.totp_secret_ciphertext).toBeNull();
  });
});

describe('a stolen access token', () => {
  it('cannot set its member’s own password through PATCH /v1/users/:id, which asks no current password', async () => {
    const org = await signedInOrg(server, 'OwnReset');
    const reset = await api('PATCH', `/v1/users/${org.userId}`, {
      token: org.token,
      body: { password: 'the thief chose this one 42' },
    });
    expect(reset.status).toBe(400);
    expect(reset.body.error.details.field).toBe('password');
    expect(reset.body.error.message).toContain('/v1/auth/password');
    const thief = await api('POST', '/v1/auth/login', { body: { email: org.email, password: 'the thief chose this one 42' } });
    expect(thief.status).toBe(401);
    const owner = await api('POST', '/v1/auth/login', { body: { email: org.email, password: PASSWORD } });
    expect(owner.status).toBe(200);
    // Nothing else in the request was applied either.
    const named = await api('PATCH', `/v1/users/${org.userId}`, {
      token: org.token,
      body: { displayName: 'Renamed', password: 'the thief chose this one 42' },
    });
    expect(named.status).toBe(400);
    expect((await api('GET', `/v1/users/${org.userId}`, { token: org.token })).body.data.displayName).not.toBe('Renamed');
  });
});

describe('user management', () => {
  it('lets an admin create, list and disable users; a disabled user cannot sign in', async () => {
    const org = await signedInOrg(server, 'Users');
    const email = uniqueEmail('staff');
    const created = await api('POST', '/v1/users', {
      token: org.token,
      body: { email, password: 'staff password 1', role: 'staff' },
    });
    expect(created.status).toBe(201);
    const list = await api('GET', '/v1/users', { token: org.token });
    expect(list.body.data.map((user: { email: string }) => user.email).sort()).toEqual([org.email, email].sort());
    const staffLogin = await api('POST', '/v1/auth/login', { body: { email, password: 'staff password 1' } });
    expect(staffLogin.status).toBe(200);
    expect((await api('GET', '/v1/users', { token: staffLogin.body.data.accessToken })).status).toBe(403);

    const disabled = await api('PATCH', `/v1/users/${created.body.data.id}`, { token: org.token, body: { disabled: true } });
    expect(disabled.body.data.disabled).toBe(true);
    expect((await api('POST', '/v1/auth/login', { body: { email, password: 'staff password 1' } })).status).toBe(401);
    expect(
      (await api('POST', '/v1/auth/refresh', { headers: { cookie: cookieOf(staffLogin.headers.get('set-cookie')) } })).status,
    ).toBe(401);
  });

  it('pages through users with a keyset cursor, each with its stores, and only the caller’s organization', async () => {
    const org = await signedInOrg(server, 'Paged');
    const other = await signedInOrg(server, 'Unpaged');
    const store = await api('POST', '/v1/stores', {
      token: org.token,
      body: { platform: 'shopify', name: 'Paged shop', shopDomain: `paged-${randomUUID().slice(0, 8)}.myshopify.com` },
    });
    expect(store.status).toBe(201);
    const emails = [org.email];
    for (let i = 0; i < 4; i++) {
      const email = uniqueEmail(`merchant${i}`);
      const created = await api('POST', '/v1/users', {
        token: org.token,
        body: { email, password: 'merchant password 1', role: 'merchant', storeIds: [store.body.data.id] },
      });
      expect(created.status).toBe(201);
      emails.push(email);
    }
    const seen: { email: string; storeIds: string[] }[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: typeof seen; page: { nextCursor: string | null } } } = await api(
        'GET',
        `/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: org.token },
      );
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data);
      cursor = page.body.page.nextCursor;
    } while (cursor);
    expect(seen.map((user) => user.email).sort()).toEqual([...emails].sort());
    expect(seen.filter((user) => user.email !== org.email).every((user) => user.storeIds[0] === store.body.data.id)).toBe(true);
    const theirs = await api('GET', '/v1/users', { token: other.token });
    expect(theirs.body.data.map((user: { email: string }) => user.email)).toEqual([other.email]);
  });

  it('refuses a member of the same organization again with 409 and a short password with 400', async () => {
    const org = await signedInOrg(server, 'Dupe');
    const taken = await api('POST', '/v1/users', {
      token: org.token,
      body: { email: org.email, password: 'long enough pw', role: 'staff' },
    });
    expect(taken.status).toBe(409);
    const short = await api('POST', '/v1/users', {
      token: org.token,
      body: { email: uniqueEmail('s'), password: 'short', role: 'staff' },
    });
    expect(short.status).toBe(400);
  });

  it('does not let an admin create an owner', async () => {
    const org = await signedInOrg(server, 'Owner');
    const email = uniqueEmail('admin');
    await api('POST', '/v1/users', { token: org.token, body: { email, password: 'admin password 1', role: 'admin' } });
    const admin = await api('POST', '/v1/auth/login', { body: { email, password: 'admin password 1' } });
    const response = await api('POST', '/v1/users', {
      token: admin.body.data.accessToken,
      body: { email: uniqueEmail('o'), password: 'owner password 1', role: 'owner' },
    });
    expect(response.status).toBe(403);
  });

  it('answers 404 for another organization’s user id', async () => {
    const [a, b] = await Promise.all([signedInOrg(server, 'UA'), signedInOrg(server, 'UB')]);
    expect((await api('GET', `/v1/users/${b.userId}`, { token: a.token })).status).toBe(404);
    expect((await api('PATCH', `/v1/users/${b.userId}`, { token: a.token, body: { displayName: 'x' } })).status).toBe(404);
  });
});

describe('rate limiting', () => {
  it('limits requests per IP, Redis-backed, shared by every instance with the same prefix', async () => {
    const prefix = `dockhand-test:${randomBytes(6).toString('hex')}`;
    const env = { REDIS_URL: process.env['DOCKHAND_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379' };
    const [one, two] = await Promise.all([
      startTestServer({ env, app: { rateLimits: { perIp: 5, prefix } } }),
      startTestServer({ env, app: { rateLimits: { perIp: 5, prefix } } }),
    ]);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const target = apiClient(i % 2 === 0 ? one.url : two.url);
        statuses.push((await target('POST', '/v1/auth/login', { body: { email: 'a@b.cd', password: 'x' } })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      const health = await apiClient(one.url)('GET', '/health');
      expect(health.body.checks.queue).toBe('ok');
    } finally {
      await Promise.all([one.close(), two.close()]);
      const redis = new Redis(env.REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it('limits requests per principal', async () => {
    const limited = await startTestServer({ app: { rateLimits: { perPrincipal: 3 } } });
    try {
      const org = await signedInOrg(limited, 'Limited');
      const client = apiClient(limited.url);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await client('GET', '/v1/stores', { token: org.token })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});
