import { randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACCESS_TOKEN_TTL_SECONDS } from './access-tokens.ts';
import {
  apiClient,
  cookieOf,
  memberSession,
  signedInOrg,
  startTestServer,
  type Api,
  type TestServer,
} from '../../test/support/test-server.ts';

let server: TestServer;
let api: Api;

/**
 * Signs claims with the server's own secret: what someone holding the secret (or a bug) could
 * mint. The role and stores claims the tokens used to carry are included, so each token here is
 * one the server accepted before #8.3 and is refused only for the reason the test names.
 */
async function signWithServerSecret(claims: Record<string, unknown>, build: (jwt: SignJWT) => SignJWT): Promise<string> {
  claims = { role: 'owner', stores: 'all', email: 'someone@example.test', ...claims };
  const key = new TextEncoder().encode(server.runtime.ctx.config.jwtSecret);
  return build(
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer('dockhand').setAudience('dockhand-console'),
  ).sign(key);
}

beforeAll(async () => {
  server = await startTestServer();
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.close();
});

describe('#8.3 access tokens outlive what they stand for', () => {
  describe('when a user is disabled', () => {
    it('refuses their access token on the very next request', async () => {
      const org = await signedInOrg(server, 'Disable');
      const staff = await memberSession(server, org.orgId, 'staff');
      expect((await api('GET', '/v1/auth/me', { token: staff.token })).status).toBe(200);
      expect((await api('GET', '/v1/stores', { token: staff.token })).status).toBe(200);

      const disabled = await api('PATCH', `/v1/users/${staff.userId}`, { token: org.token, body: { disabled: true } });
      expect(disabled.status).toBe(200);

      const after = await api('GET', '/v1/stores', { token: staff.token });
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('UNAUTHORIZED');
      expect(after.body.error.details.reason).toBe('revoked');
      expect((await api('GET', '/v1/auth/me', { token: staff.token })).status).toBe(401);
    });
  });

  describe('when an admin is demoted', () => {
    it('acts with the new role at once: the old token cannot create an admin', async () => {
      const org = await signedInOrg(server, 'Demote');
      const admin = await memberSession(server, org.orgId, 'admin');
      expect((await api('GET', '/v1/users', { token: admin.token })).status).toBe(200);

      const demoted = await api('PATCH', `/v1/users/${admin.userId}`, { token: org.token, body: { role: 'staff' } });
      expect(demoted.body.data.role).toBe('staff');

      const attempt = await api('POST', '/v1/users', {
        token: admin.token,
        body: { email: `new-admin-${randomUUID()}@example.test`, password: 'a fresh admin passphrase', role: 'admin' },
      });
      expect(attempt.status).toBe(403);
      const admins = await server.database.db.owner<{ n: number }[]>`
        select count(*)::int as n from users where org_id = ${org.orgId} and role = 'admin'`;
      expect(admins[0]!.n).toBe(0);
      expect((await api('GET', '/v1/auth/me', { token: admin.token })).body.data.role).toBe('staff');
    });

    it('follows a merchant’s stores as they are now, not as they were at sign-in', async () => {
      const org = await signedInOrg(server, 'Stores');
      const stores = await server.database.db.owner<{ id: string }[]>`
        insert into stores (org_id, platform, name, shop_domain, status)
        values (${org.orgId}, 'shopify', 'First', ${`first-${randomUUID().slice(0, 8)}.myshopify.com`}, 'active'),
               (${org.orgId}, 'shopify', 'Second', ${`second-${randomUUID().slice(0, 8)}.myshopify.com`}, 'active')
        returning id`;
      const [first, second] = stores.map((row) => row.id) as [string, string];
      const merchant = await memberSession(server, org.orgId, 'merchant', [first]);
      const before = await api('GET', '/v1/stores', { token: merchant.token });
      expect(before.body.data.map((store: { id: string }) => store.id)).toEqual([first]);

      await api('PATCH', `/v1/users/${merchant.userId}`, { token: org.token, body: { storeIds: [second] } });
      const after = await api('GET', '/v1/stores', { token: merchant.token });
      expect(after.body.data.map((store: { id: string }) => store.id)).toEqual([second]);
    });
  });

  describe('when the user logs out', () => {
    it('ends the access token of that session, and only that session', async () => {
      const org = await signedInOrg(server, 'Logout');
      const otherTab = await api('POST', '/v1/auth/login', {
        body: { email: org.email, password: 'correct horse battery staple' },
      });
      expect(otherTab.status).toBe(200);

      const logout = await api('POST', '/v1/auth/logout', { headers: { cookie: cookieOf(org.cookie) } });
      expect(logout.status).toBe(204);

      const after = await api('GET', '/v1/auth/me', { token: org.token });
      expect(after.status).toBe(401);
      expect(after.body.error.details.reason).toBe('revoked');
      // Another sign-in (another device) is another session and goes on.
      expect((await api('GET', '/v1/auth/me', { token: otherTab.body.data.accessToken })).status).toBe(200);
    });
  });

  describe('when a refresh token is stolen and replayed after the grace window', () => {
    it('revokes the family, and the access tokens issued from it stop working', async () => {
      const org = await signedInOrg(server, 'Stolen');
      const original = cookieOf(org.cookie);
      const rotated = await api('POST', '/v1/auth/refresh', { headers: { cookie: original } });
      expect(rotated.status).toBe(200);
      const newestAccess = rotated.body.data.accessToken as string;
      expect((await api('GET', '/v1/auth/me', { token: newestAccess })).status).toBe(200);

      await server.database.db.owner`
        update refresh_tokens set rotated_at = now() - interval '31 seconds' where org_id = ${org.orgId} and rotated_at is not null`;
      const replay = await api('POST', '/v1/auth/refresh', { headers: { cookie: original } });
      expect(replay.status).toBe(401);
      expect(replay.body.error.details.reason).toBe('reused');

      expect((await api('GET', '/v1/auth/me', { token: newestAccess })).status).toBe(401);
      expect((await api('GET', '/v1/auth/me', { token: org.token })).status).toBe(401);
    });
  });

  describe('when two tabs refresh with the same token at once', () => {
    it('answers both within the grace window and keeps the session', async () => {
      const org = await signedInOrg(server, 'Tabs');
      const cookie = cookieOf(org.cookie);
      const results = await Promise.all([1, 2].map(() => api('POST', '/v1/auth/refresh', { headers: { cookie } })));
      expect(results.map((result) => result.status)).toEqual([200, 200]);
      const [family] = await server.database.db.owner<{ revoked_at: Date | null }[]>`
        select revoked_at from refresh_token_families where user_id = ${org.userId}`;
      expect(family!.revoked_at).toBeNull();
      for (const result of results) {
        expect((await api('GET', '/v1/auth/me', { token: result.body.data.accessToken })).status).toBe(200);
        const next = await api('POST', '/v1/auth/refresh', { headers: { cookie: cookieOf(result.headers.get('set-cookie')) } });
        expect(next.status).toBe(200);
      }
    });
  });

  describe('when a token lacks what makes it expire or names no session', () => {
    it('refuses a token signed with the right secret but without exp', async () => {
      const org = await signedInOrg(server, 'NoExp');
      const { sid } = decodeJwt(org.token) as { sid: string };
      const forever = await signWithServerSecret({ org: org.orgId, sid }, (jwt) => jwt.setSubject(org.userId).setIssuedAt());
      const response = await api('GET', '/v1/auth/me', { token: forever });
      expect(response.status).toBe(401);
      expect(response.body.error.details.reason).toBe('invalid');
    });

    it('refuses a token without iat, and one whose exp lies beyond its allowed lifetime', async () => {
      const org = await signedInOrg(server, 'NoIat');
      const { sid } = decodeJwt(org.token) as { sid: string };
      const noIat = await signWithServerSecret({ org: org.orgId, sid }, (jwt) =>
        jwt.setSubject(org.userId).setExpirationTime('10m'),
      );
      expect((await api('GET', '/v1/auth/me', { token: noIat })).status).toBe(401);
      const old = await signWithServerSecret({ org: org.orgId, sid }, (jwt) =>
        jwt
          .setSubject(org.userId)
          .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
          .setExpirationTime('1y'),
      );
      expect((await api('GET', '/v1/auth/me', { token: old })).status).toBe(401);
    });

    it('refuses a token in the old shape: role and stores claimed, no session id', async () => {
      const org = await signedInOrg(server, 'OldShape');
      const claimed = await signWithServerSecret({ org: org.orgId, role: 'owner', stores: 'all', email: org.email }, (jwt) =>
        jwt.setSubject(org.userId).setIssuedAt().setExpirationTime('15m'),
      );
      expect((await api('GET', '/v1/auth/me', { token: claimed })).status).toBe(401);
    });

    it('refuses a session id of another user, or another organization', async () => {
      const [a, b] = await Promise.all([signedInOrg(server, 'SidA'), signedInOrg(server, 'SidB')]);
      const { sid: sidOfB } = decodeJwt(b.token) as { sid: string };
      const borrowed = await signWithServerSecret({ org: a.orgId, sid: sidOfB }, (jwt) =>
        jwt.setSubject(a.userId).setIssuedAt().setExpirationTime('15m'),
      );
      expect((await api('GET', '/v1/auth/me', { token: borrowed })).status).toBe(401);
      const crossed = await signWithServerSecret({ org: a.orgId, sid: sidOfB }, (jwt) =>
        jwt.setSubject(b.userId).setIssuedAt().setExpirationTime('15m'),
      );
      expect((await api('GET', '/v1/auth/me', { token: crossed })).status).toBe(401);
    });
  });

  describe('when a token accepted before comes back later', () => {
    it('is refused once it has expired, or outlived its lifetime, like a token never seen', async () => {
      const org = await signedInOrg(server, 'Later');
      const { sid } = decodeJwt(org.token) as { sid: string };
      const shortLived = await signWithServerSecret({ org: org.orgId, sid }, (jwt) =>
        jwt.setSubject(org.userId).setIssuedAt().setExpirationTime('1m'),
      );
      expect((await api('GET', '/v1/auth/me', { token: shortLived })).status).toBe(200);
      expect((await api('GET', '/v1/auth/me', { token: org.token })).status).toBe(200);
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 61_000);
        const expired = await api('GET', '/v1/auth/me', { token: shortLived });
        expect(expired.status).toBe(401);
        expect(expired.body.error.details.reason).toBe('expired');
        expect((await api('GET', '/v1/auth/me', { token: org.token })).status).toBe(200);

        vi.setSystemTime(Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000);
        const outlived = await api('GET', '/v1/auth/me', { token: org.token });
        expect(outlived.status).toBe(401);
        expect(outlived.body.error.details.reason).toBe('expired');
      } finally {
        vi.useRealTimers();
      }
    });
  });

  describe('when one session sends several requests at once', () => {
    it('answers each, and refuses every one sent after the session ended', async () => {
      const org = await signedInOrg(server, 'Burst');
      const burst = await Promise.all(Array.from({ length: 8 }, () => api('GET', '/v1/auth/me', { token: org.token })));
      expect(burst.map((answer) => answer.status)).toEqual(Array(8).fill(200));
      expect(new Set(burst.map((answer) => answer.body.data.id))).toEqual(new Set([org.userId]));

      expect((await api('POST', '/v1/auth/logout', { headers: { cookie: cookieOf(org.cookie) } })).status).toBe(204);
      const after = await Promise.all(Array.from({ length: 8 }, () => api('GET', '/v1/auth/me', { token: org.token })));
      expect(after.map((answer) => answer.status)).toEqual(Array(8).fill(401));
    });
  });

  it('puts no role or stores in the token: they are read per request', async () => {
    const org = await signedInOrg(server, 'Claims');
    const claims = decodeJwt(org.token);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'org', 'sid', 'sub']);
  });
});
