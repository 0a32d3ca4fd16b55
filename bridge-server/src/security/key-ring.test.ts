import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { rotateTotpSecrets, totpContext } from '../auth/session-service.ts';
import { systemPrincipal, withPrincipal } from '../db/principal.ts';
import { StoreService } from '../domain/stores/store-service.ts';
import { insertMember } from '../domain/users/user-service.ts';
import { KeyRing } from './key-ring.ts';

const oldKey = `old:${KeyRing.generateKey()}`;
const newKey = `new:${KeyRing.generateKey()}`;

describe('store credentials at rest', () => {
  let t: TestDatabase;
  const orgId = randomUUID();
  let storeId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    const principal = systemPrincipal(orgId);
    const stores = new StoreService(new KeyRing(oldKey));
    storeId = await withPrincipal(t.db, principal, async (tx) => {
      await tx`insert into organizations (id, name) values (${orgId}, 'Keys')`;
      const store = await stores.create(tx, principal, {
        platform: 'woocommerce',
        name: 'Woo',
        siteUrl: 'https://woo.example',
        credentials: { consumerKey: 'ck_plainkey', consumerSecret: 'cs_plainsecret' },
        webhookSecret: 'whsec-plaintext-value',
      });
      return store.id;
    });
  });

  afterAll(async () => {
    await t?.drop();
  });

  it('are not readable in plaintext in the raw columns', async () => {
    const [row] = await t.db.owner`select * from stores where id = ${storeId}`;
    const raw = JSON.stringify(row, (_key, value) =>
      value?.type === 'Buffer' ? Buffer.from(value.data).toString('latin1') : value,
    );
    expect(raw).not.toContain('cs_plainsecret');
    expect(raw).not.toContain('whsec-plaintext-value');
    expect(row!['credentials_key_id']).toBe('old');
  });

  it('are re-encrypted under the new key when the ring rotates', async () => {
    const rotated = new StoreService(new KeyRing(`${newKey},${oldKey}`));
    const count = await withPrincipal(t.db, systemPrincipal(orgId), (tx) => rotated.rotateSecrets(tx));
    expect(count).toBe(2);
    const [row] = await t.db.owner<{ credentials_key_id: string; webhook_secret_key_id: string }[]>`
      select credentials_key_id, webhook_secret_key_id from stores where id = ${storeId}`;
    expect(row).toEqual({ credentials_key_id: 'new', webhook_secret_key_id: 'new' });
    // The old key can now leave the ring.
    const newOnly = new StoreService(new KeyRing(newKey));
    const credentials = await withPrincipal(t.db, systemPrincipal(orgId), (tx) => newOnly.readCredentials(tx, storeId));
    expect(credentials).toEqual({ consumerKey: 'ck_plainkey', consumerSecret: 'cs_plainsecret' });
    expect(await withPrincipal(t.db, systemPrincipal(orgId), (tx) => rotated.rotateSecrets(tx))).toBe(0);
  });

  it('cannot be moved to another store row and opened there', async () => {
    const ring = new KeyRing(newKey);
    const [row] = await t.db.owner<{ credentials_ciphertext: Buffer; credentials_key_id: string }[]>`
      select credentials_ciphertext, credentials_key_id from stores where id = ${storeId}`;
    expect(() =>
      ring.open(
        { ciphertext: row!.credentials_ciphertext, keyId: row!.credentials_key_id },
        `store:${orgId}:${randomUUID()}:credentials`,
      ),
    ).toThrow();
  });
});

describe('TOTP secrets at rest', () => {
  let t: TestDatabase;
  const orgId = randomUUID();
  let userId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    userId = await withPrincipal(t.db, systemPrincipal(orgId), async (tx) => {
      await tx`insert into organizations (id, name) values (${orgId}, 'Two factors')`;
      const member = await insertMember(tx, {
        orgId,
        email: 'totp-rotation@example.test',
        password: 'a long enough passphrase 1',
        role: 'admin',
      });
      const sealed = new KeyRing(oldKey).seal('JBSWY3DPEHPK3PXP', totpContext(orgId, member.userId));
      await tx`
        update users set totp_secret_ciphertext = ${sealed.ciphertext}, totp_secret_key_id = ${sealed.keyId}, totp_enabled = true
        where id = ${member.userId}`;
      return member.userId;
    });
  });

  afterAll(async () => {
    await t?.drop();
  });

  it('are re-sealed under the new key by rotate-keys, so the old key can leave the ring', async () => {
    const ring = new KeyRing(`${newKey},${oldKey}`);
    expect(await withPrincipal(t.db, systemPrincipal(orgId), (tx) => rotateTotpSecrets(tx, ring))).toBe(1);
    const [row] = await t.db.owner<{ totp_secret_ciphertext: Buffer; totp_secret_key_id: string }[]>`
      select totp_secret_ciphertext, totp_secret_key_id from users where id = ${userId}`;
    expect(row!.totp_secret_key_id).toBe('new');
    const newOnly = new KeyRing(newKey);
    expect(
      newOnly.open({ ciphertext: row!.totp_secret_ciphertext, keyId: row!.totp_secret_key_id }, totpContext(orgId, userId)),
    ).toBe('JBSWY3DPEHPK3PXP');
    // Bound to its membership: under another user's context it does not open.
    expect(() =>
      newOnly.open({ ciphertext: row!.totp_secret_ciphertext, keyId: row!.totp_secret_key_id }, totpContext(orgId, randomUUID())),
    ).toThrow();
    expect(await withPrincipal(t.db, systemPrincipal(orgId), (tx) => rotateTotpSecrets(tx, ring))).toBe(0);
  });
});
