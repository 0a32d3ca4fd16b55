import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import '../index.ts';
import type { DhProvider } from '../provider/provider.ts';
import { cleanup, createFixture, mount, until, type Fixture } from '../testing/fixture.ts';
import type { DhOrderTable } from './order-table.ts';

/** What a host page might already have: a reset, its own table styles, content-box everywhere. */
const HOSTILE_CSS = `
  * { box-sizing: content-box; margin: 0; padding: 0; border: 0; }
  html, body { font: 19px/2.2 Georgia, serif; color: #900; letter-spacing: 1px; text-align: center; }
  table { border-collapse: separate; border-spacing: 8px; width: 50%; font-size: 24px; }
  div, span { padding: 3px; line-height: 3; }
  button, input, select { all: unset; background: hotpink; }
  [role=grid], [role=row] { background: yellow; }
`;

async function screenshotOf(element: Element): Promise<string> {
  const rect = element.getBoundingClientRect();
  const shot = await executeServerCommand<string, { x: number; y: number; width: number; height: number }>(
    'dockhand-screenshot',
    {
      x: Math.round(rect.x),
      y: Math.round(rect.y),
      width: Math.round(rect.width),
      height: Math.round(rect.height),
    },
  );
  return shot!;
}

/** The pixels that differ between two PNGs of the same size, and where (for a useful failure). */
async function pixelDiff(a: string, b: string): Promise<{ differing: number; box: number[] | undefined; sizes: string }> {
  const decode = async (png: string) => createImageBitmap(await (await fetch(`data:image/png;base64,${png}`)).blob());
  const [first, second] = await Promise.all([decode(a), decode(b)]);
  const sizes = `${first.width}x${first.height} / ${second.width}x${second.height}`;
  if (first.width !== second.width || first.height !== second.height) return { differing: Infinity, box: undefined, sizes };
  const pixels = (image: ImageBitmap) => {
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height).data;
  };
  const [p, q] = [pixels(first), pixels(second)];
  let differing = 0;
  let box: number[] | undefined;
  for (let index = 0; index < p.length; index += 4) {
    if (p[index] === q[index] && p[index + 1] === q[index + 1] && p[index + 2] === q[index + 2] && p[index + 3] === q[index + 3])
      continue;
    differing++;
    const x = (index / 4) % first.width;
    const y = Math.floor(index / 4 / first.width);
    box = box ? [Math.min(box[0]!, x), Math.min(box[1]!, y), Math.max(box[2]!, x), Math.max(box[3]!, y)] : [x, y, x, y];
  }
  return { differing, box, sizes };
}

async function renderTable(fixture: Fixture): Promise<DhOrderTable> {
  const provider = await mount<DhProvider>(
    `<dh-provider token="${fixture.token}"><dh-order-table style="position: fixed; top: 10px; left: 10px; width: 700px; height: 320px"></dh-order-table></dh-provider>`,
  );
  const table = provider.querySelector('dh-order-table')!;
  // Everything that can change what is drawn has arrived: rows, store names, the live stream.
  await until(
    () => table.source.complete && table.stores.size > 0 && table.streamState === 'open',
    10_000,
    'the rows, stores and stream',
  );
  await table.updateComplete;
  // Let fonts and layout settle before the picture.
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return table;
}

describe('a host page with its own global CSS', () => {
  after(cleanup);

  it('does not change how the order table looks (screenshots compared)', async () => {
    const fixture = await createFixture({ orders: 6, stores: 1 });
    const clean = await screenshotOf(await renderTable(fixture));
    cleanup();
    const style = Object.assign(document.createElement('style'), { textContent: HOSTILE_CSS });
    document.head.append(style);
    try {
      const hostile = await screenshotOf(await renderTable(fixture));
      expect(hostile.length).to.be.greaterThan(1000);
      const diff = await pixelDiff(clean, hostile);
      expect(diff.differing, JSON.stringify(diff)).to.equal(0);
    } finally {
      style.remove();
    }
  });
});
