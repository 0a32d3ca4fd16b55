import { sendKeys } from '@web/test-runner-commands';
import { expect } from 'chai';
import '../provider/define.ts';
import './define.ts';
import type { DhProvider } from '../provider/provider.ts';
import { axeViolations, callApi, cleanup, createFixture, mount, until, type Fixture } from '../testing/fixture.ts';
import type { InventoryRequest } from './approvals-source.ts';
import type { DhInventoryApprovals, InventoryLevel } from './inventory-approvals.ts';

const MERCHANT_PASSWORD = 'merchant gallops past the battery staple';

/** Reads until `read` answers something, a few times a second (the API is rate limited per address). */
async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The stock levels of the fixture's WooCommerce store, once its backfill has brought them. */
async function stockOf(fixture: Fixture): Promise<InventoryLevel[]> {
  return eventually(
    async () => {
      const answer = await callApi<{ data: InventoryLevel[] }>(
        fixture,
        'GET',
        `/v1/inventory?store=${fixture.woo!.storeId}&limit=50`,
      );
      return answer.body.data.length >= 2 ? answer.body.data : undefined;
    },
    30_000,
    'the store’s stock levels',
  );
}

/** A merchant of the fixture's WooCommerce store, signed in. */
async function addMerchant(fixture: Fixture): Promise<{ id: string; token: string }> {
  const email = `merchant-${fixture.orgId.slice(0, 8)}@example.test`;
  const created = await callApi<{ data: { id: string } }>(fixture, 'POST', '/v1/users', {
    email,
    password: MERCHANT_PASSWORD,
    role: 'merchant',
    storeIds: [fixture.woo!.storeId],
  });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  const login = await fetch('/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: MERCHANT_PASSWORD }),
  });
  const session = (await login.json()) as { data: { accessToken: string } };
  return { id: created.body.data.id, token: session.data.accessToken };
}

async function openPanel(token: string, attributes = ''): Promise<DhInventoryApprovals> {
  const provider = await mount<DhProvider>(
    `<dh-provider token="${token}"><dh-inventory-approvals ${attributes}></dh-inventory-approvals></dh-provider>`,
  );
  const panel = provider.querySelector('dh-inventory-approvals')!;
  await until(
    () => panel.client !== undefined && !panel.source.loading && panel.principal !== undefined,
    10_000,
    'the panel to load',
  );
  // The stream is open before a test makes the change it waits for.
  await until(() => panel.client!.events.state === 'open', 10_000, 'the stream');
  await panel.updateComplete;
  return panel;
}

const root = (panel: DhInventoryApprovals) => panel.shadowRoot!;
const item = (panel: DhInventoryApprovals, id: string) => root(panel).querySelector<HTMLElement>(`li[data-id="${id}"]`);
const statusOf = (panel: DhInventoryApprovals, id: string) =>
  item(panel, id)?.querySelector('[part=status]')?.textContent?.trim();

function requestAs(token: string, body: Record<string, unknown>): Promise<{ status: number; body: { data: InventoryRequest } }> {
  return callApi<{ data: InventoryRequest }>({ token } as Fixture, 'POST', '/v1/inventory/requests', body);
}

function choose(panel: DhInventoryApprovals, name: string, value: string): Promise<unknown> {
  const select = root(panel).querySelector<HTMLSelectElement>(`select[name=${name}]`)!;
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  return panel.updateComplete;
}

describe('<dh-inventory-approvals>', () => {
  let fixture: Fixture;
  let merchant: { id: string; token: string };
  let levels: InventoryLevel[];

  before(async () => {
    fixture = await createFixture({ woo: true, stores: 1 });
    levels = await stockOf(fixture);
    merchant = await addMerchant(fixture);
  });
  afterEach(cleanup);

  describe('in merchant mode', () => {
    it('names every missing field, marks it invalid and focuses the first one', async () => {
      const panel = await openPanel(merchant.token);
      await until(() => root(panel).querySelectorAll('select[name=variantId] option').length > 1, 10_000, 'the variants');
      root(panel).querySelector('form')!.requestSubmit();
      await panel.updateComplete;
      for (const name of ['variantId', 'locationId', 'quantity', 'reason']) {
        const field = root(panel).querySelector(`[name=${name}]`)!;
        expect(field.getAttribute('aria-invalid'), name).to.equal('true');
        expect(root(panel).getElementById(field.getAttribute('aria-describedby')!)!.textContent).to.not.equal('');
      }
      await until(
        () => root(panel).activeElement?.getAttribute('name') === 'variantId',
        2_000,
        'focus on the first invalid field',
      );
      const level = levels[0]!;
      await choose(panel, 'variantId', level.variantId);
      // The variant's only location is chosen with it.
      expect(root(panel).querySelector<HTMLSelectElement>('select[name=locationId]')!.value).to.equal(level.locationId);
      expect(root(panel).querySelector('[part=available]')!.textContent).to.contain(String(level.available));
      const quantity = root(panel).querySelector<HTMLInputElement>('[name=quantity]')!;
      quantity.value = '0';
      quantity.dispatchEvent(new Event('input'));
      root(panel).querySelector('form')!.requestSubmit();
      await panel.updateComplete;
      expect(root(panel).getElementById('quantity-error')!.textContent).to.contain('0');
    });

    it('sends a request typed from the keyboard and follows its status live, approval and push included', async () => {
      const panel = await openPanel(merchant.token);
      await until(() => root(panel).querySelectorAll('select[name=variantId] option').length > 1, 10_000, 'the variants');
      const level = levels[0]!;
      await choose(panel, 'variantId', level.variantId);
      const created = new Promise<CustomEvent<{ request: InventoryRequest }>>((resolve) =>
        panel.addEventListener('dh-request-created', resolve, { once: true }),
      );
      root(panel).querySelector<HTMLTextAreaElement>('[name=reason]')!.focus();
      await sendKeys({ type: 'Recount after delivery' });
      root(panel).querySelector<HTMLInputElement>('[name=quantity]')!.focus();
      await sendKeys({ type: '3' });
      // Enter in a field submits the form.
      await sendKeys({ press: 'Enter' });
      const { detail } = await created;
      expect(detail.request).to.include({
        status: 'pending',
        delta: 3,
        reason: 'Recount after delivery',
        requestedBy: merchant.id,
      });
      await panel.updateComplete;
      expect(statusOf(panel, detail.request.id)).to.equal('Pending');
      expect(root(panel).querySelector('[role=status]')!.textContent).to.contain('waits for an approval');

      // The owner approves through the API; the open panel shows it without a reload.
      const started = performance.now();
      const approved = await callApi(fixture, 'POST', `/v1/inventory/requests/${detail.request.id}/approve`, { comment: 'ok' });
      expect(approved.status).to.equal(200);
      const answered = performance.now();
      await until(() => statusOf(panel, detail.request.id) !== 'Pending', 2_000, 'the approval to show');
      const elapsed = performance.now() - answered;
      expect(
        elapsed,
        `approval shown ${elapsed.toFixed(0)} ms after the answer (${(answered - started).toFixed(0)} ms to answer)`,
      ).to.be.below(1000);
      await until(() => statusOf(panel, detail.request.id) === 'Applied', 20_000, 'the push to be applied');
    });
  });

  describe('in admin mode', () => {
    it('shows a request made through the API in the open queue in under a second', async () => {
      const panel = await openPanel(fixture.token, 'mode="admin"');
      const level = levels[1]!;
      const started = performance.now();
      const made = await requestAs(merchant.token, {
        variantId: level.variantId,
        locationId: level.locationId,
        set: 40,
        reason: 'Stocktake',
      });
      expect(made.status).to.equal(201);
      // Timed from the answer, when the change is made: the browser's own wait for a connection to
      // send the POST on (seen up to a second in the full suite) is not the path under test.
      const answered = performance.now();
      await until(() => item(panel, made.body.data.id) !== null, 2_000, 'the request in the queue');
      const elapsed = performance.now() - answered;
      expect(
        elapsed,
        `shown ${elapsed.toFixed(0)} ms after the answer (${(answered - started).toFixed(0)} ms to answer)`,
      ).to.be.below(1000);
      expect(item(panel, made.body.data.id)!.textContent).to.contain('Set to 40').and.contain('Stocktake');
    });

    it('approves with a comment from the keyboard alone', async () => {
      const level = levels[1]!;
      const made = await requestAs(merchant.token, {
        variantId: level.variantId,
        locationId: level.locationId,
        delta: -1,
        reason: 'Damaged',
      });
      const panel = await openPanel(fixture.token, 'mode="admin"');
      const id = made.body.data.id;
      await until(() => item(panel, id) !== null, 5_000, 'the request');
      const decided = new Promise<CustomEvent<{ request: InventoryRequest; action: string }>>((resolve) =>
        panel.addEventListener('dh-request-decided', resolve, { once: true }),
      );
      item(panel, id)!.querySelector<HTMLButtonElement>('[data-action=approve]')!.focus();
      await sendKeys({ press: 'Enter' });
      await until(() => root(panel).activeElement?.id === `decision-${id}`, 2_000, 'focus in the comment field');
      await sendKeys({ type: 'Checked the shelf' });
      await sendKeys({ press: 'Tab' });
      expect(root(panel).activeElement!.textContent).to.contain('Confirm approval');
      await sendKeys({ press: 'Enter' });
      const { detail } = await decided;
      expect(detail.action).to.equal('approve');
      expect(detail.request.decisionComment).to.equal('Checked the shelf');
      await until(() => statusOf(panel, id) === 'Applied', 20_000, 'the push to be applied');
      // The keyboard stays on the request whose buttons went away.
      expect(root(panel).activeElement).to.equal(item(panel, id));
    });

    it('rejects only with a reason; Escape closes the form and returns focus', async () => {
      const level = levels[0]!;
      const made = await requestAs(merchant.token, {
        variantId: level.variantId,
        locationId: level.locationId,
        delta: 5,
        reason: 'Found a box',
      });
      const panel = await openPanel(fixture.token, 'mode="admin"');
      const id = made.body.data.id;
      await until(() => item(panel, id) !== null, 5_000, 'the request');
      const reject = () => item(panel, id)!.querySelector<HTMLButtonElement>('[data-action=reject]')!;
      reject().focus();
      await sendKeys({ press: 'Enter' });
      await until(() => root(panel).activeElement?.id === `decision-${id}`, 2_000, 'the reason field');
      await sendKeys({ press: 'Escape' });
      await until(() => root(panel).querySelector('[part=decision]') === null, 2_000, 'the form to close');
      await until(() => root(panel).activeElement === reject(), 2_000, 'focus back on Reject');
      await sendKeys({ press: 'Enter' });
      await until(() => root(panel).activeElement?.id === `decision-${id}`, 2_000, 'the reason field again');
      root(panel).querySelector<HTMLFormElement>('[part=decision]')!.requestSubmit();
      await panel.updateComplete;
      expect(root(panel).querySelector('[part=decision] [role=alert]')!.textContent).to.contain('why');
      await sendKeys({ type: 'Not ours' });
      root(panel).querySelector<HTMLFormElement>('[part=decision]')!.requestSubmit();
      await until(
        () => statusOf(panel, id) === 'Rejected' && item(panel, id)!.textContent!.includes('Not ours'),
        5_000,
        'the rejection and its reason',
      );
    });

    it('shows both quantities of a conflict and approves it again against the store’s quantity', async () => {
      const level = levels[0]!;
      const panel = await openPanel(fixture.token, 'mode="admin"');
      const made = await Promise.all(
        [1, 2, 3].map((delta) =>
          requestAs(merchant.token, {
            variantId: level.variantId,
            locationId: level.locationId,
            delta,
            reason: `Batch ${delta}`,
          }),
        ),
      );
      // Approved together, all expect the same quantity: the first push moves it, the others find it moved.
      await Promise.all(
        made.map((answer) => callApi(fixture, 'POST', `/v1/inventory/requests/${answer.body.data.id}/approve`, {})),
      );
      const ids = made.map((answer) => answer.body.data.id);
      // The pushes share the embedded runner's live lane with every other test file's webhooks:
      // on a busy machine they can wait their turn for a while.
      await until(
        () => ids.every((id) => ['Applied', 'Conflict'].includes(statusOf(panel, id) ?? '')),
        40_000,
        'every push to end',
      );
      const conflicted = ids.find((id) => statusOf(panel, id) === 'Conflict');
      expect(conflicted, 'a conflicting push').to.not.equal(undefined);
      await until(
        () => item(panel, conflicted!)!.querySelector('[data-quantity=actual]')?.textContent !== '—',
        5_000,
        'the store’s quantity',
      );
      const view = item(panel, conflicted!)!.querySelector('[part=conflict]')!;
      const expected = Number(view.querySelector('[data-quantity=expected]')!.textContent!.replace(/\D/g, ''));
      const actual = Number(view.querySelector('[data-quantity=actual]')!.textContent!.replace(/\D/g, ''));
      expect(actual).to.not.equal(expected);
      expect((await axeViolations(panel)).map((violation) => `${violation.id}: ${violation.help}`)).to.deep.equal([]);
      item(panel, conflicted!)!.querySelector<HTMLButtonElement>('[data-action=approve]')!.click();
      await panel.updateComplete;
      root(panel).querySelector<HTMLFormElement>('[part=decision]')!.requestSubmit();
      await until(() => statusOf(panel, conflicted!) === 'Applied', 15_000, 'the fresh approval to be applied');
    });

    it('has no axe violations in either mode', async () => {
      const admin = await openPanel(fixture.token, 'mode="admin"');
      const show = root(admin).querySelector<HTMLSelectElement>('.filter select')!;
      show.value = 'all';
      show.dispatchEvent(new Event('change'));
      await until(() => !admin.source.loading && admin.source.requests.length > 0, 10_000, 'every request');
      await admin.updateComplete;
      expect((await axeViolations(admin)).map((violation) => `${violation.id}: ${violation.help}`)).to.deep.equal([]);
      cleanup();
      const mine = await openPanel(merchant.token);
      await until(() => root(mine).querySelectorAll('select[name=variantId] option').length > 1, 10_000, 'the variants');
      root(mine).querySelector('form')!.requestSubmit();
      await mine.updateComplete;
      expect((await axeViolations(mine)).map((violation) => `${violation.id}: ${violation.help}`)).to.deep.equal([]);
    });

    it('shows why a push failed and retries it', async () => {
      // A store that is not active refuses every push at once (no retry can fix that).
      const paused = await callApi(fixture, 'PATCH', `/v1/stores/${fixture.woo!.storeId}`, { status: 'pending' });
      expect(paused.status).to.equal(200);
      const level = levels[1]!;
      const made = await requestAs(merchant.token, {
        variantId: level.variantId,
        locationId: level.locationId,
        delta: 2,
        reason: 'Return',
      });
      const id = made.body.data.id;
      const panel = await openPanel(fixture.token, 'mode="admin"');
      await until(() => item(panel, id) !== null, 5_000, 'the request');
      item(panel, id)!.querySelector<HTMLButtonElement>('[data-action=approve]')!.click();
      await panel.updateComplete;
      root(panel).querySelector<HTMLFormElement>('[part=decision]')!.requestSubmit();
      await until(() => statusOf(panel, id) === 'Failed', 20_000, 'the push to fail');
      await until(
        () => item(panel, id)!.querySelector('.error')?.textContent?.includes('pending') === true,
        2_000,
        'the push’s error',
      );
      const seen: string[] = [];
      panel.addEventListener('dh-request-status', (event) => {
        if (event.detail.request.id === id) seen.push(event.detail.request.status);
      });
      const decided = new Promise<CustomEvent<{ action: string }>>((resolve) =>
        panel.addEventListener('dh-request-decided', resolve, { once: true }),
      );
      item(panel, id)!.querySelector<HTMLButtonElement>('[data-action=retry]')!.click();
      expect((await decided).detail.action).to.equal('retry');
      // A new round of tries: queued again (approved), and refused again by the paused store.
      await until(
        () => seen.includes('approved') && seen.lastIndexOf('failed') > seen.indexOf('approved'),
        20_000,
        'the retried push to end',
      );
      await until(() => statusOf(panel, id) === 'Failed', 5_000, 'the failed status shown');
      const row = await callApi<{ data: InventoryRequest }>(fixture, 'GET', `/v1/inventory/requests/${id}`);
      expect(row.body.data.status).to.equal('failed');
    });
  });
});
