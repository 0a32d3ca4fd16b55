import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import '../index.ts';
import type { DhProvider } from '../provider/provider.ts';
import { cleanup, createFixture, mount, until, type Fixture } from '../testing/fixture.ts';

interface Shot {
  theme: 'neutral' | 'shopify' | 'wordpress';
  lang: string;
  dir: string;
  name: string;
}

const SHOTS: Shot[] = [
  { theme: 'neutral', lang: 'en', dir: 'ltr', name: 'order-table-neutral' },
  { theme: 'shopify', lang: 'en', dir: 'ltr', name: 'order-table-shopify' },
  { theme: 'wordpress', lang: 'en', dir: 'ltr', name: 'order-table-wordpress' },
  { theme: 'shopify', lang: 'ar', dir: 'rtl', name: 'order-table-arabic-rtl' },
];

/** Renders the table as a host page would and keeps a screenshot under docs/screenshots/ (shown in the README). */
async function shoot(fixture: Fixture, shot: Shot): Promise<string> {
  document.documentElement.lang = shot.lang;
  document.documentElement.dir = shot.dir;
  const provider = await mount<DhProvider>(
    `<dh-provider token="${fixture.token}" theme="${shot.theme}"><dh-order-table style="position: fixed; top: 0; left: 0; width: 780px; height: 360px"></dh-order-table></dh-provider>`,
  );
  const table = provider.querySelector('dh-order-table')!;
  await until(() => table.source.complete && table.stores.size > 0 && table.streamState === 'open', 10_000, 'the table');
  table.toggle(table.rows[1]!.id);
  await table.updateComplete;
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const shotPng = await executeServerCommand<string, Record<string, unknown>>('dockhand-screenshot', {
    x: 0,
    y: 0,
    width: 780,
    height: 360,
    name: shot.name,
  });
  return shotPng!;
}

describe('the order table in each theme and in right-to-left', () => {
  afterEach(() => {
    cleanup();
    document.documentElement.lang = 'en';
    document.documentElement.dir = '';
  });

  it('looks different in each preset and writes docs/screenshots/order-table-*.png', async () => {
    const fixture = await createFixture({ orders: 12, stores: 2 });
    const pictures: string[] = [];
    for (const shot of SHOTS) {
      pictures.push(await shoot(fixture, shot));
      cleanup();
    }
    expect(new Set(pictures).size).to.equal(SHOTS.length);
  });
});
