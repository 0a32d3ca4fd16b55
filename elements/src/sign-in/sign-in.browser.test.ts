import { sendKeys } from '@web/test-runner-commands';
import { expect } from 'chai';
import '../index.ts';
import type { DhOrderTable } from '../order-table/order-table.ts';
import type { DhProvider } from '../provider/provider.ts';
import { axeViolations, callApi, cleanup, createFixture, mount, until } from '../testing/fixture.ts';
import type { DhSignIn, SignedInDetail } from './sign-in.ts';

/** RFC 6238 (SHA-1, 6 digits, 30 s) with WebCrypto: the code an authenticator app shows. */
async function totp(secretBase32: string, timestamp = Date.now()): Promise<string> {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secretBase32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const key = new Uint8Array(Math.floor(bits.length / 8)).map((_, index) => parseInt(bits.slice(index * 8, index * 8 + 8), 2));
  const counter = new DataView(new ArrayBuffer(8));
  counter.setBigUint64(0, BigInt(Math.floor(timestamp / 30_000)));
  const hmacKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, counter.buffer));
  const offset = mac[19]! & 0xf;
  const value = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(value % 1_000_000).padStart(6, '0');
}

function fill(form: DhSignIn, name: string, value: string): void {
  const input = form.shadowRoot!.querySelector<HTMLInputElement>(`input[name=${name}]`)!;
  input.value = value;
}

function submit(form: DhSignIn): void {
  form.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
}

/** Signs in as a person of several organizations and waits for the choice between them. */
async function signInToChoice(person: { email: string; password: string }): Promise<DhSignIn> {
  const form = await mount<DhSignIn>('<dh-sign-in></dh-sign-in>');
  fill(form, 'email', person.email);
  fill(form, 'password', person.password);
  submit(form);
  await until(() => form.organizations !== undefined, 10_000, 'the choice of organizations');
  await form.updateComplete;
  return form;
}

describe('<dh-sign-in> (the console host adapter)', () => {
  afterEach(cleanup);

  it('signs in with email and password and hands over a token source that works', async () => {
    const fixture = await createFixture();
    const form = await mount<DhSignIn>('<dh-sign-in></dh-sign-in>');
    const signedIn = new Promise<CustomEvent<SignedInDetail>>((resolve) =>
      form.addEventListener('dh-signed-in', resolve as EventListener, { once: true }),
    );
    fill(form, 'email', fixture.email);
    fill(form, 'password', fixture.password);
    submit(form);
    const { host } = (await signedIn).detail;
    const me = await fetch('/v1/auth/me', { headers: { authorization: `Bearer ${await host.getToken()}` } });
    expect(me.status).to.equal(200);
    await host.signOut();
  });

  it('says why a wrong password failed', async () => {
    const fixture = await createFixture();
    const form = await mount<DhSignIn>('<dh-sign-in></dh-sign-in>');
    fill(form, 'email', fixture.email);
    fill(form, 'password', 'not the password at all');
    submit(form);
    await until(() => form.error !== undefined, 10_000, 'the error');
    await form.updateComplete;
    expect(form.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('Sign-in failed');
  });

  it('asks for the one-time code when two-factor sign-in is on, then signs in with it', async () => {
    const fixture = await createFixture();
    const enrolled = await callApi<{ data: { secret: string } }>(fixture, 'POST', '/v1/auth/totp/enroll', {
      currentPassword: fixture.password,
    });
    const secret = enrolled.body.data.secret;
    // Confirm with the previous step's code (accepted for clock drift), so the current one is still unused.
    const verified = await callApi(fixture, 'POST', '/v1/auth/totp/verify', { code: await totp(secret, Date.now() - 30_000) });
    expect(verified.status).to.equal(200);

    const form = await mount<DhSignIn>('<dh-sign-in></dh-sign-in>');
    fill(form, 'email', fixture.email);
    fill(form, 'password', fixture.password);
    submit(form);
    await until(() => form.needsCode, 10_000, 'the code field');
    await form.updateComplete;
    expect(form.shadowRoot!.activeElement?.getAttribute('name')).to.equal('totp');
    expect(await axeViolations(form)).to.deep.equal([]);
    const signedIn = new Promise<CustomEvent<SignedInDetail>>((resolve) =>
      form.addEventListener('dh-signed-in', resolve as EventListener, { once: true }),
    );
    fill(form, 'totp', await totp(secret));
    submit(form);
    const { host } = (await signedIn).detail;
    expect(await host.getToken()).to.be.a('string');
    await host.signOut();
  });

  it('submits as a form (what Enter in a field does) and has no axe violations', async () => {
    const fixture = await createFixture();
    const form = await mount<DhSignIn>('<dh-sign-in></dh-sign-in>');
    expect(await axeViolations(form)).to.deep.equal([]);
    const signedIn = new Promise<CustomEvent<SignedInDetail>>((resolve) =>
      form.addEventListener('dh-signed-in', resolve as EventListener, { once: true }),
    );
    fill(form, 'email', fixture.email);
    fill(form, 'password', fixture.password);
    // Enter in a field submits the form (implicit submission): the same submit event.
    form.shadowRoot!.querySelector('form')!.requestSubmit();
    await expectSignedIn(signedIn);
  });

  describe('when the email belongs to two organizations', () => {
    it('lists both, and the person picks the second with the keyboard and sees its data', async () => {
      const first = await createFixture({ orders: 3, stores: 1 });
      const second = await createFixture({ orders: 7, stores: 1 });
      // The first organization's person joins the second with the same password (each membership has its own).
      const joined = await callApi(second, 'POST', '/v1/users', { email: first.email, password: first.password, role: 'admin' });
      expect(joined.status).to.equal(201);

      const form = await signInToChoice(first);

      const options = [...form.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part=organization]')];
      expect(options.map((option) => option.dataset['orgId'])).to.deep.equal([first.orgId, second.orgId]);
      expect(options[1]!.textContent).to.contain('Admin');
      expect(form.shadowRoot!.querySelector('form')!.hidden).to.equal(true);
      expect(form.shadowRoot!.activeElement).to.equal(options[0]);
      expect(await axeViolations(form)).to.deep.equal([]);

      const signedIn = new Promise<CustomEvent<SignedInDetail>>((resolve) =>
        form.addEventListener('dh-signed-in', resolve as EventListener, { once: true }),
      );
      await sendKeys({ press: 'ArrowDown' });
      expect(form.shadowRoot!.activeElement).to.equal(options[1]);
      await sendKeys({ press: 'Enter' });
      const { host, organization } = (await signedIn).detail;
      expect(organization?.id).to.equal(second.orgId);

      const provider = await mount<DhProvider>('<dh-provider><dh-order-table></dh-order-table></dh-provider>');
      const ready = new Promise<CustomEvent>((resolve) =>
        provider.addEventListener('dh-ready', resolve as EventListener, { once: true }),
      );
      provider.tokenSource = host;
      const principal = (await ready).detail.principal as { orgId: string; email: string };
      expect(principal).to.include({ orgId: second.orgId, email: first.email });
      const table = provider.querySelector<DhOrderTable>('dh-order-table')!;
      await until(
        () => (table.shadowRoot?.querySelectorAll('.body [role=row]').length ?? 0) === 7,
        10_000,
        "the second organization's seven orders",
      );
      await host.signOut();
    });

    it('goes back to the form with the fields kept, and a refused choice says so', async () => {
      const first = await createFixture({ stores: 1 });
      const second = await createFixture({ stores: 1 });
      expect(
        (await callApi(second, 'POST', '/v1/users', { email: first.email, password: first.password, role: 'staff' })).status,
      ).to.equal(201);
      const form = await signInToChoice(first);
      [...form.shadowRoot!.querySelectorAll<HTMLButtonElement>('section button')].at(-1)!.click();
      await until(() => form.organizations === undefined, 2_000, 'the form again');
      await form.updateComplete;
      expect(form.shadowRoot!.querySelector<HTMLInputElement>('input[name=email]')!.value).to.equal(first.email);
      expect(form.shadowRoot!.activeElement?.getAttribute('name')).to.equal('password');

      // An organization the server did not offer (as a choice that expired is) is refused: back to the form.
      submit(form);
      await until(() => form.organizations !== undefined, 10_000, 'the choice again');
      form.organizations = [{ id: crypto.randomUUID(), name: 'Not offered', role: 'owner' }];
      await form.updateComplete;
      form.shadowRoot!.querySelector<HTMLButtonElement>('[part=organization]')!.click();
      await until(() => form.organizations === undefined && form.error !== undefined, 10_000, 'the refusal');
      await form.updateComplete;
      expect(form.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('sign in again');
    });
  });
});

async function expectSignedIn(signedIn: Promise<CustomEvent<SignedInDetail>>): Promise<void> {
  const { host } = (await signedIn).detail;
  expect(await host.getToken()).to.be.a('string');
  await host.signOut();
}
