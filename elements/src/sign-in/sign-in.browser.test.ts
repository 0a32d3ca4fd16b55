import { expect } from 'chai';
import '../index.ts';
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
    const enrolled = await callApi<{ data: { secret: string } }>(fixture, 'POST', '/v1/auth/totp/enroll');
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
});

async function expectSignedIn(signedIn: Promise<CustomEvent<SignedInDetail>>): Promise<void> {
  const { host } = (await signedIn).detail;
  expect(await host.getToken()).to.be.a('string');
  await host.signOut();
}
