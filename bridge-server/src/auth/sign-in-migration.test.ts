import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, migrateUpTo, type TestDatabase } from '../../test/support/test-database.ts';
import { apiClient, PASSWORD, testSecrets, type Api } from '../../test/support/test-server.ts';
import { loadConfig } from '../config/env.ts';
import { migrate } from '../db/migrator.ts';
import { createLogger } from '../logger.ts';
import { createRuntime, listen, type RunningServer, type Runtime } from '../runtime.ts';
import { KeyRing } from '../security/key-ring.ts';
import { EmbeddedSyncRunner } from '../sync/embedded-sync-runner.ts';
import { hashPassword } from './passwords.ts';
import { currentTotp, newTotpSecret } from './totp.ts';

let t: TestDatabase;
let runtime: Runtime;
let server: RunningServer;
let api: Api;
const secrets = testSecrets();
const orgId = randomUUID();
const otherOrgId = randomUUID();
const ownerId = randomUUID();
const merchantId = randomUUID();
const ownerEmail = `owner-${randomUUID().slice(0, 8)}@example.test`;
const merchantEmail = `merchant-${randomUUID().slice(0, 8)}@example.test`;
const otherAdminEmail = `other-${randomUUID().slice(0, 8)}@example.test`;
let totpSecret: string;
let storeId: string;

/** A database as it was before migration 0005: 0001–0004, an email unique across all organizations. */
beforeAll(async () => {
  t = await createTestDatabase({ migrate: false });
  await migrateUpTo(t.db.owner, '0005');
  const keyRing = new KeyRing(secrets.DOCKHAND_KEYS);
  totpSecret = newTotpSecret(ownerEmail).secret;
  const sealed = keyRing.seal(totpSecret, `totp:${orgId}:${ownerId}`);
  const hash = await hashPassword(PASSWORD);
  await t.db.owner.begin(async (tx) => {
    await tx`insert into organizations (id, name) values (${orgId}, 'Before'), (${otherOrgId}, 'Elsewhere')`;
    const [store] = await tx<{ id: string }[]>`
      insert into stores (org_id, platform, name, shop_domain, status)
      values (${orgId}, 'shopify', 'Old shop', 'old-shop.myshopify.com', 'active') returning id`;
    storeId = store!.id;
    await tx`
      insert into users (org_id, id, email, password_hash, role, totp_secret_ciphertext, totp_secret_key_id, totp_enabled)
      values (${orgId}, ${ownerId}, ${ownerEmail}, ${hash}, 'owner', ${sealed.ciphertext}, ${sealed.keyId}, true),
             (${orgId}, ${merchantId}, ${merchantEmail}, ${hash}, 'merchant', null, null, false),
             (${otherOrgId}, gen_random_uuid(), ${otherAdminEmail}, ${hash}, 'admin', null, null, false)`;
    await tx`insert into user_stores (org_id, user_id, store_id) values (${orgId}, ${merchantId}, ${storeId})`;
  });

  const applied = await migrate(t.db.owner);
  expect(applied.applied[0]).toBe('0005_member_credentials_and_sign_in.sql');
  const config = loadConfig({ ...secrets, DATABASE_URL: t.ownerUrl, LOG_LEVEL: 'warn' });
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  runtime = await createRuntime(config, { db: t.db, logger: createLogger('warn', quiet), sync: new EmbeddedSyncRunner(t.db) });
  server = await listen(runtime.ctx, 0, '127.0.0.1');
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.close();
  await runtime?.close();
  await t?.drop();
});

describe('migration 0005 on a database that already has users', () => {
  it('keeps every user’s credentials on their own membership', async () => {
    const rows = await t.db.owner<{ id: string; hashed: boolean; totp_enabled: boolean; totp_last_step: string | null }[]>`
      select id, password_hash like '$argon2id$%' as hashed, totp_enabled, totp_last_step from users order by email`;
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => row.hashed && row.totp_last_step === null)).toBe(true);
    expect(rows.find((row) => row.id === ownerId)?.totp_enabled).toBe(true);
  });

  it('signs the owner in with the old password and the TOTP secret sealed before the move', async () => {
    const needsCode = await api('POST', '/v1/auth/login', { body: { email: ownerEmail, password: PASSWORD } });
    expect(needsCode.body.error.details.totpRequired).toBe(true);
    const login = await api('POST', '/v1/auth/login', {
      body: { email: ownerEmail, password: PASSWORD, totp: currentTotp(totpSecret) },
    });
    expect(login.status).toBe(200);
    expect(login.body.data.user).toMatchObject({ id: ownerId, orgId, role: 'owner', totpEnabled: true, storeIds: 'all' });
    const users = await api('GET', '/v1/users', { token: login.body.data.accessToken });
    expect(users.body.data.map((user: { email: string }) => user.email).sort()).toEqual([merchantEmail, ownerEmail].sort());
  });

  it('keeps a merchant’s stores', async () => {
    const login = await api('POST', '/v1/auth/login', { body: { email: merchantEmail, password: PASSWORD } });
    expect(login.body.data.user).toMatchObject({ id: merchantId, role: 'merchant', storeIds: [storeId] });
  });

  it('lets another organization add an existing email afterwards, with that membership’s own password', async () => {
    const admin = await api('POST', '/v1/auth/login', { body: { email: otherAdminEmail, password: PASSWORD } });
    expect(admin.status).toBe(200);
    const added = await api('POST', '/v1/users', {
      token: admin.body.data.accessToken,
      body: { email: merchantEmail, password: 'elsewhere has its own', role: 'staff' },
    });
    expect(added.status).toBe(201);
    const old = await api('POST', '/v1/auth/login', { body: { email: merchantEmail, password: PASSWORD } });
    expect(old.body.data.user).toMatchObject({ id: merchantId, orgId });
    const elsewhere = await api('POST', '/v1/auth/login', { body: { email: merchantEmail, password: 'elsewhere has its own' } });
    expect(elsewhere.body.data.user).toMatchObject({ id: added.body.data.id, orgId: otherOrgId, role: 'staff' });
  });
});
