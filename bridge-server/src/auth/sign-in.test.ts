import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  memberSession,
  PASSWORD,
  signedInOrg,
  startTestServer,
  uniqueEmail,
  type Api,
  type TestServer,
} from '../../test/support/test-server.ts';
import { createOrganization } from '../domain/users/user-service.ts';
import { passwordProblem, WeakPasswordError } from './password-policy.ts';
import { MAX_SIGN_IN_CANDIDATES } from './session-service.ts';
import { currentTotp } from './totp.ts';

const bin = fileURLToPath(new URL('../../bin/dockhand.js', import.meta.url));
let server: TestServer;
let api: Api;
let sourceCounter = 0;

/** A distinct client address per call site: the server trusts X-Forwarded-For from loopback. */
const newSource = () => `198.51.100.${(sourceCounter++ % 250) + 1}`;
const from = (source: string) => ({ 'x-forwarded-for': source });

beforeAll(async () => {
  server = await startTestServer();
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.close();
});

/** Lets the throttle's next attempt through now, as if its delay had passed (no sleeping in tests). */
const skipThrottleDelay = () => server.database.db.owner`update sign_in_throttle set next_attempt_at = now()`;

async function enrolTotp(token: string, currentPassword = PASSWORD): Promise<string> {
  const enroll = await api('POST', '/v1/auth/totp/enroll', { token, body: { currentPassword } });
  expect(enroll.status).toBe(200);
  const secret: string = enroll.body.data.secret;
  const verify = await api('POST', '/v1/auth/totp/verify', { token, body: { code: currentTotp(secret) } });
  expect(verify.status).toBe(200);
  return secret;
}

describe('#8.5 sign-in weaknesses', () => {
  describe('one-time codes', () => {
    it('accepts each code once: a re-sent code is refused, and so is the one that confirmed enrolment', async () => {
      const org = await signedInOrg(server, 'TotpOnce');
      const secret = await enrolTotp(org.token);
      const source = newSource();
      const login = (totp: string) =>
        api('POST', '/v1/auth/login', { headers: from(source), body: { email: org.email, password: PASSWORD, totp } });

      expect((await login(currentTotp(secret))).status).toBe(401);
      const next = currentTotp(secret, Date.now() + 30_000);
      expect((await login(next)).status).toBe(200);
      const replay = await login(next);
      expect(replay.status).toBe(401);
      expect(replay.body.error.message).toBe('Invalid email, password or code');
    });

    it('refuses the previous window’s code once a later one was used', async () => {
      const org = await signedInOrg(server, 'TotpWindow');
      const secret = await enrolTotp(org.token);
      const source = newSource();
      const login = (totp: string) =>
        api('POST', '/v1/auth/login', { headers: from(source), body: { email: org.email, password: PASSWORD, totp } });
      expect((await login(currentTotp(secret, Date.now() + 30_000))).status).toBe(200);
      expect((await login(currentTotp(secret, Date.now() - 30_000))).status).toBe(401);
      expect((await login(currentTotp(secret))).status).toBe(401);
    });

    it('lets exactly one of two sign-ins racing with the same code through', async () => {
      const org = await signedInOrg(server, 'TotpRace');
      const secret = await enrolTotp(org.token);
      const code = currentTotp(secret, Date.now() + 30_000);
      const results = await Promise.all(
        [newSource(), newSource()].map((source) =>
          api('POST', '/v1/auth/login', { headers: from(source), body: { email: org.email, password: PASSWORD, totp: code } }),
        ),
      );
      expect(results.map((result) => result.status).sort()).toEqual([200, 401]);
    });
  });

  describe('the sign-in throttle', () => {
    it('slows a guesser down with growing delays, not a fixed wall, and does not check the password meanwhile', async () => {
      const org = await signedInOrg(server, 'Grow');
      const source = newSource();
      const attempt = (password: string) =>
        api('POST', '/v1/auth/login', { headers: from(source), body: { email: org.email, password } });
      for (let i = 1; i <= 5; i++) expect((await attempt(`wrong guess ${i}`)).status).toBe(401);

      const waits: number[] = [];
      for (let round = 0; round < 3; round++) {
        const throttled = await attempt(PASSWORD);
        expect(throttled.status).toBe(429);
        expect(throttled.body.error.code).toBe('RATE_LIMITED');
        expect(throttled.headers.get('retry-after')).toBe(String(throttled.body.error.details.retryAfter));
        waits.push(throttled.body.error.details.retryAfter);
        await skipThrottleDelay();
        expect((await attempt(`wrong again ${round}`)).status).toBe(401);
      }
      expect(waits).toEqual([1, 2, 4]);
    });

    it('does not let a stranger elsewhere lock the owner out', async () => {
      const org = await signedInOrg(server, 'Stranger');
      const stranger = newSource();
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const response = await api('POST', '/v1/auth/login', {
          headers: from(stranger),
          body: { email: org.email, password: `guess ${i} of many` },
        });
        statuses.push(response.status);
      }
      expect(statuses).toContain(429);
      const owner = await api('POST', '/v1/auth/login', {
        headers: from(newSource()),
        body: { email: org.email, password: PASSWORD },
      });
      expect(owner.status).toBe(200);
    });

    it('answers an unknown email exactly as a known one, throttled alike', async () => {
      const org = await signedInOrg(server, 'Alike');
      const run = async (email: string) => {
        const source = newSource();
        const answers: { status: number; error: unknown }[] = [];
        for (let i = 0; i < 7; i++) {
          const response = await api('POST', '/v1/auth/login', {
            headers: from(source),
            body: { email, password: `nope number ${i}` },
          });
          const { requestId: _requestId, ...error } = response.body.error;
          answers.push({ status: response.status, error });
        }
        return answers;
      };
      const known = await run(org.email);
      const unknown = await run(uniqueEmail('nobody'));
      expect(unknown).toEqual(known);
      expect(known.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    });

    it('spends about as long on an unknown email as on a known one', async () => {
      const org = await signedInOrg(server, 'Timing');
      const median = async (email: string) => {
        const times: number[] = [];
        for (let i = 0; i < 7; i++) {
          const started = performance.now();
          const response = await api('POST', '/v1/auth/login', {
            headers: from(newSource()),
            body: { email, password: `timing ${i}` },
          });
          times.push(performance.now() - started);
          expect(response.status).toBe(401);
        }
        return times.sort((a, b) => a - b)[3]!;
      };
      await median(uniqueEmail('warm-up'));
      const [known, unknown] = [await median(org.email), await median(uniqueEmail('nobody'))];
      expect(unknown / known).toBeGreaterThan(0.5);
      expect(unknown / known).toBeLessThan(2);
    });

    it('counts guesses sent in parallel before checking them', async () => {
      const org = await signedInOrg(server, 'Parallel');
      const source = newSource();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          api('POST', '/v1/auth/login', { headers: from(source), body: { email: org.email, password: `parallel ${i}` } }),
        ),
      );
      const statuses = results.map((result) => result.status).sort();
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    });

    it('starts afresh after a successful sign-in', async () => {
      const org = await signedInOrg(server, 'Fresh');
      const source = newSource();
      const attempt = (password: string) =>
        api('POST', '/v1/auth/login', { headers: from(source), body: { email: org.email, password } });
      for (let i = 0; i < 4; i++) expect((await attempt(`wrong ${i} again`)).status).toBe(401);
      expect((await attempt(PASSWORD)).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await attempt(`wrong ${i} later`)).status).toBe(401);
    });
  });

  describe('the password policy', () => {
    it.each([
      ['password1234', 'common'],
      ['            ', 'spaces'],
      ['Password1234!', 'common'],
      ['iloveyou2024', 'common'],
      ['short one', 'characters'],
    ])('refuses %j', (password, why) => {
      expect(passwordProblem(password)).toMatch(new RegExp(why));
    });

    it.each(['correct horse battery staple', 'staff password 1', 'ünïcødé pässwörd'])('accepts %j', (password) => {
      expect(passwordProblem(password)).toBeUndefined();
    });

    it('counts characters, not UTF-16 units', () => {
      expect(passwordProblem('🔒'.repeat(11))).toMatch(/at least 12/);
      expect(passwordProblem('🔒🔑'.repeat(6))).toBeUndefined();
    });

    it('applies to creating users, changing passwords and creating organizations', async () => {
      const org = await signedInOrg(server, 'Policy');
      const member = await api('POST', '/v1/users', {
        token: org.token,
        body: { email: uniqueEmail('member'), password: 'a long enough password 1', role: 'staff' },
      });
      expect(member.status).toBe(201);
      for (const password of ['password1234', '            ']) {
        const created = await api('POST', '/v1/users', {
          token: org.token,
          body: { email: uniqueEmail('weak'), password, role: 'staff' },
        });
        expect(created.status).toBe(400);
        expect(created.body.error.code).toBe('BAD_REQUEST');
        const changed = await api('PATCH', `/v1/users/${member.body.data.id}`, { token: org.token, body: { password } });
        expect(changed.status).toBe(400);
        expect(changed.body.error.message).toMatch(/password/i);
        await expect(
          createOrganization(server.runtime.ctx.db, { name: 'Weak', adminEmail: uniqueEmail('weak'), adminPassword: password }),
        ).rejects.toBeInstanceOf(WeakPasswordError);
      }
      const ok = await api('POST', '/v1/auth/login', { body: { email: org.email, password: PASSWORD } });
      expect(ok.status).toBe(200);
    });

    it('applies to dockhand create-org before anything is written', () => {
      const run = spawnSync(
        process.execPath,
        [bin, 'create-org', '--name', 'Weak', '--admin-email', 'weak@example.test', '--admin-password', 'password1234'],
        {
          env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('--admin-password is too common');
    });
  });

  describe('credentials per membership: one email in several organizations', () => {
    /** Adds `email` to the organization of `admin` with the password that organization's admin chose. */
    const addMember = async (admin: { token: string }, email: string, password: string, role = 'staff') => {
      const added = await api('POST', '/v1/users', { token: admin.token, body: { email, password, role } });
      expect(added.status).toBe(201);
      return added.body.data.id as string;
    };
    const signIn = (body: Record<string, unknown>) => api('POST', '/v1/auth/login', { headers: from(newSource()), body });

    it('gives each organization’s membership its own password, and each password opens only its own', async () => {
      const alpha = await signedInOrg(server, 'Alpha');
      const beta = await signedInOrg(server, 'Beta');
      const existing = await api('POST', '/v1/users', {
        token: beta.token,
        body: { email: alpha.email, password: 'beta admin chose this', role: 'admin', displayName: 'Al' },
      });
      const freshEmail = uniqueEmail('fresh');
      const fresh = await api('POST', '/v1/users', {
        token: beta.token,
        body: { email: freshEmail, password: 'beta admin chose this', role: 'admin', displayName: 'Al' },
      });
      // Nothing tells beta's admin that the email is a member elsewhere.
      expect(existing.status).toBe(201);
      expect(fresh.status).toBe(201);
      const shape = (body: { data: Record<string, unknown> }) => ({ ...body.data, id: 'id', email: 'email', createdAt: 'at' });
      expect(shape(existing.body)).toEqual(shape(fresh.body));

      const intoAlpha = await signIn({ email: alpha.email, password: PASSWORD });
      expect(intoAlpha.status).toBe(200);
      expect(intoAlpha.body.data.user).toMatchObject({ id: alpha.userId, orgId: alpha.orgId, role: 'owner' });
      // The password beta's admin typed works, for beta's membership only.
      const intoBeta = await signIn({ email: alpha.email, password: 'beta admin chose this' });
      expect(intoBeta.status).toBe(200);
      expect(intoBeta.body.data.user).toMatchObject({ id: existing.body.data.id, orgId: beta.orgId, role: 'admin' });
      expect(intoBeta.headers.get('set-cookie')).toMatch(/dh_refresh=/);
      const users = await api('GET', '/v1/users', { token: intoBeta.body.data.accessToken });
      expect(users.body.data.map((user: { email: string }) => user.email).sort()).toEqual(
        [alpha.email, beta.email, freshEmail].sort(),
      );

      expect((await signIn({ email: alpha.email, password: PASSWORD, orgId: beta.orgId })).status).toBe(401);
      expect((await signIn({ email: alpha.email, password: 'beta admin chose this', orgId: alpha.orgId })).status).toBe(401);
    });

    it('does not let a hostile admin who added the email first into the other organization’s membership', async () => {
      const hostile = await signedInOrg(server, 'Hostile');
      const victimOrg = await signedInOrg(server, 'VictimOrg');
      const victim = uniqueEmail('victim');
      const planted = await addMember(hostile, victim, 'hostile admin knows this', 'admin');
      const real = await addMember(victimOrg, victim, 'the victim org set this', 'admin');

      const tryIn = await signIn({ email: victim, password: 'hostile admin knows this', orgId: victimOrg.orgId });
      expect(tryIn.status).toBe(401);
      expect(tryIn.body.error.message).toBe('Invalid email, password or code');
      // Without orgId the hostile password opens only the hostile organization's own membership.
      const own = await signIn({ email: victim, password: 'hostile admin knows this' });
      expect(own.body.data.user).toMatchObject({ id: planted, orgId: hostile.orgId });
      expect(own.body.data.organizations).toBeUndefined();

      // Resetting the planted membership's password changes nothing for the other organization.
      const reset = await api('PATCH', `/v1/users/${planted}`, {
        token: hostile.token,
        body: { password: 'hostile admin reset' },
      });
      expect(reset.status).toBe(200);
      expect((await signIn({ email: victim, password: 'hostile admin reset', orgId: victimOrg.orgId })).status).toBe(401);

      const person = await signIn({ email: victim, password: 'the victim org set this' });
      expect(person.body.data.user).toMatchObject({ id: real, orgId: victimOrg.orgId, role: 'admin' });
      // Turning on a second factor in the victim's organization shows nowhere else.
      await enrolTotp(person.body.data.accessToken, 'the victim org set this');
      const seen = await api('GET', `/v1/users/${planted}`, { token: hostile.token });
      expect(seen.body.data.totpEnabled).toBe(false);
    });

    it('offers the organization choice when the same password opens memberships in both', async () => {
      const alpha = await signedInOrg(server, 'Chooser');
      const beta = await signedInOrg(server, 'Chosen');
      const gamma = await signedInOrg(server, 'NotChosen');
      const inBeta = await addMember(beta, alpha.email, PASSWORD, 'admin');
      await addMember(gamma, alpha.email, 'gamma has another one');

      const choice = await signIn({ email: alpha.email, password: PASSWORD });
      expect(choice.status).toBe(200);
      expect(choice.body.data.accessToken).toBeUndefined();
      expect(choice.headers.get('set-cookie')).toBeNull();
      expect(choice.body.data.organizations).toEqual([
        { id: alpha.orgId, name: 'Chooser', role: 'owner' },
        { id: beta.orgId, name: 'Chosen', role: 'admin' },
      ]);
      const token: string = choice.body.data.selectionToken;
      // The token names only the memberships the password opened.
      expect((await signIn({ selectionToken: token, orgId: gamma.orgId })).status).toBe(401);
      const intoBeta = await signIn({ selectionToken: token, orgId: beta.orgId });
      expect(intoBeta.status).toBe(200);
      expect(intoBeta.body.data.user).toMatchObject({ id: inBeta, orgId: beta.orgId, role: 'admin', email: alpha.email });
      expect(intoBeta.headers.get('set-cookie')).toMatch(/dh_refresh=/);

      const direct = await signIn({ email: alpha.email, password: PASSWORD, orgId: alpha.orgId });
      expect(direct.body.data.user).toMatchObject({ id: alpha.userId, orgId: alpha.orgId });
    });

    it('refuses a forged selection token, an access token, and a choice of a membership disabled since', async () => {
      const alpha = await signedInOrg(server, 'Forged');
      const beta = await signedInOrg(server, 'ForgedToo');
      const inBeta = await addMember(beta, alpha.email, PASSWORD);
      const choice = await signIn({ email: alpha.email, password: PASSWORD });
      const token: string = choice.body.data.selectionToken;
      const forged = `${token.slice(0, -4)}AAAA`;
      expect((await signIn({ selectionToken: forged, orgId: beta.orgId })).status).toBe(401);
      expect((await signIn({ selectionToken: alpha.token, orgId: alpha.orgId })).status).toBe(401);
      await api('PATCH', `/v1/users/${inBeta}`, { token: beta.token, body: { disabled: true } });
      expect((await signIn({ selectionToken: token, orgId: beta.orgId })).status).toBe(401);
      expect((await signIn({ selectionToken: token, orgId: alpha.orgId })).status).toBe(200);
    });

    it('keeps a disabled membership out while the other one works', async () => {
      const alpha = await signedInOrg(server, 'Kept');
      const beta = await signedInOrg(server, 'Dropped');
      const added = await addMember(beta, alpha.email, PASSWORD);
      await api('PATCH', `/v1/users/${added}`, { token: beta.token, body: { disabled: true } });
      const login = await signIn({ email: alpha.email, password: PASSWORD });
      expect(login.body.data.user).toMatchObject({ orgId: alpha.orgId });
      expect((await signIn({ email: alpha.email, password: PASSWORD, orgId: beta.orgId })).status).toBe(401);
    });

    it('lets an admin reset a member’s password in their organization, touching only that membership', async () => {
      const alpha = await signedInOrg(server, 'ResetHome');
      const beta = await signedInOrg(server, 'ResetAway');
      const inBeta = await addMember(beta, alpha.email, PASSWORD);
      const betaSession = await signIn({ email: alpha.email, password: PASSWORD, orgId: beta.orgId });
      const reset = await api('PATCH', `/v1/users/${inBeta}`, { token: beta.token, body: { password: 'beta reset this one' } });
      expect(reset.status).toBe(200);
      expect((await api('GET', '/v1/auth/me', { token: betaSession.body.data.accessToken })).status).toBe(401);
      expect((await api('GET', '/v1/auth/me', { token: alpha.token })).status).toBe(200);
      const intoBeta = await signIn({ email: alpha.email, password: 'beta reset this one' });
      expect(intoBeta.body.data.user).toMatchObject({ id: inBeta, orgId: beta.orgId });
      const intoAlpha = await signIn({ email: alpha.email, password: PASSWORD });
      expect(intoAlpha.body.data.user).toMatchObject({ id: alpha.userId, orgId: alpha.orgId });
    });

    it('lets a member change their own password, for the membership they are signed in to only', async () => {
      const alpha = await signedInOrg(server, 'SelfHome');
      const beta = await signedInOrg(server, 'SelfAway');
      await addMember(beta, alpha.email, PASSWORD);
      const inBeta = await signIn({ email: alpha.email, password: PASSWORD, orgId: beta.orgId });
      expect(inBeta.status).toBe(200);

      const wrong = await api('POST', '/v1/auth/password', {
        token: alpha.token,
        body: { currentPassword: 'not my password', newPassword: 'my brand new passphrase' },
      });
      expect(wrong.status).toBe(400);
      const weak = await api('POST', '/v1/auth/password', {
        token: alpha.token,
        body: { currentPassword: PASSWORD, newPassword: 'password1234' },
      });
      expect(weak.status).toBe(400);

      const changed = await api('POST', '/v1/auth/password', {
        token: alpha.token,
        body: { currentPassword: PASSWORD, newPassword: 'my brand new passphrase' },
      });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('set-cookie')).toMatch(/dh_refresh=/);
      expect((await api('GET', '/v1/auth/me', { token: changed.body.data.accessToken })).status).toBe(200);
      expect((await api('GET', '/v1/auth/me', { token: alpha.token })).status).toBe(401);
      // The membership in beta keeps its password and its session.
      expect((await api('GET', '/v1/auth/me', { token: inBeta.body.data.accessToken })).status).toBe(200);

      const old = await signIn({ email: alpha.email, password: PASSWORD });
      expect(old.body.data.user).toMatchObject({ orgId: beta.orgId });
      const fresh = await signIn({ email: alpha.email, password: 'my brand new passphrase' });
      expect(fresh.body.data.user).toMatchObject({ id: alpha.userId, orgId: alpha.orgId });
    });

    it('refuses the same email twice in one organization with 409', async () => {
      const org = await signedInOrg(server, 'Twice');
      const staff = await memberSession(server, org.orgId, 'staff');
      const again = await api('POST', '/v1/users', {
        token: org.token,
        body: { email: staff.email.toUpperCase(), password: 'yet another passphrase', role: 'staff' },
      });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toBe('This person is already a member of the organization');
    });

    it('lets create-org use an email that is a member of another organization, with its own password', async () => {
      const alpha = await signedInOrg(server, 'CreateHome');
      const created = await createOrganization(server.runtime.ctx.db, {
        name: 'CreateAway',
        adminEmail: alpha.email,
        adminPassword: 'the operator chose this',
      });
      expect((await signIn({ email: alpha.email, password: PASSWORD })).body.data.user).toMatchObject({ orgId: alpha.orgId });
      const away = await signIn({ email: alpha.email, password: 'the operator chose this' });
      expect(away.body.data.user).toMatchObject({ id: created.userId, orgId: created.orgId, role: 'owner' });
    });

    it('keeps TOTP per membership, each code single-use for its membership', async () => {
      const alpha = await signedInOrg(server, 'TwoFactorHome');
      const beta = await signedInOrg(server, 'TwoFactorAway');
      await addMember(beta, alpha.email, PASSWORD);
      const secret = await enrolTotp(alpha.token);

      const needsCode = await signIn({ email: alpha.email, password: PASSWORD });
      expect(needsCode.status).toBe(401);
      expect(needsCode.body.error.details.totpRequired).toBe(true);
      // Beta's membership has no second factor and needs none.
      const intoBeta = await signIn({ email: alpha.email, password: PASSWORD, orgId: beta.orgId });
      expect(intoBeta.body.data.user).toMatchObject({ orgId: beta.orgId, totpEnabled: false });

      const code = currentTotp(secret, Date.now() + 30_000);
      const both = await signIn({ email: alpha.email, password: PASSWORD, totp: code });
      expect(both.body.data.organizations.map((org: { id: string }) => org.id).sort()).toEqual([alpha.orgId, beta.orgId].sort());
      // The used code opens alpha no more; beta (no second factor) still opens.
      const reused = await signIn({ email: alpha.email, password: PASSWORD, totp: code });
      expect(reused.body.data.user).toMatchObject({ orgId: beta.orgId });
      expect((await signIn({ email: alpha.email, password: PASSWORD, totp: code, orgId: alpha.orgId })).status).toBe(401);
    });

    it('checks at most 20 memberships of one email, oldest first, and orgId always reaches its own', async () => {
      const email = uniqueEmail('many');
      const created: { orgId: string; userId: string }[] = [];
      for (let i = 0; i < MAX_SIGN_IN_CANDIDATES + 1; i++) {
        created.push(
          await createOrganization(server.runtime.ctx.db, {
            name: `Many ${i}`,
            adminEmail: email,
            adminPassword: `passphrase number ${i} of many`,
          }),
        );
      }
      const rows = await server.database.db.app<{ user_id: string }[]>`
        select user_id from dockhand.sign_in_candidates(${email}, null)`;
      expect(rows.map((row) => row.user_id)).toEqual(created.slice(0, MAX_SIGN_IN_CANDIDATES).map((row) => row.userId));
      const newest = created[MAX_SIGN_IN_CANDIDATES]!;
      const password = `passphrase number ${MAX_SIGN_IN_CANDIDATES} of many`;
      expect((await signIn({ email, password })).status).toBe(401);
      const named = await signIn({ email, password, orgId: newest.orgId });
      expect(named.body.data.user).toMatchObject({ id: newest.userId, orgId: newest.orgId });
      const oldest = await signIn({ email, password: 'passphrase number 0 of many' });
      expect(oldest.body.data.user).toMatchObject({ id: created[0]!.userId });
    });
  });

  it('keeps the one-membership sign-in contract: {data:{accessToken, expiresIn, user}} and the cookie', async () => {
    const org = await signedInOrg(server, 'Contract');
    const login = await api('POST', '/v1/auth/login', { body: { email: org.email, password: PASSWORD } });
    expect(Object.keys(login.body.data).sort()).toEqual(['accessToken', 'expiresIn', 'user']);
    expect(login.headers.get('set-cookie')).toMatch(/dh_refresh=/);
  });

  it('documents the organization choice and the password change in the OpenAPI document', async () => {
    const doc = await api('GET', '/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.components.schemas).toHaveProperty('OrganizationChoice');
    expect(JSON.stringify(doc.body.components.schemas.LoginRequest)).toContain('selectionToken');
    expect(doc.body.paths['/v1/auth/login'].post.description).toMatch(/OrganizationChoice/);
    expect(doc.body.paths).toHaveProperty('/v1/auth/password');
  });
});
