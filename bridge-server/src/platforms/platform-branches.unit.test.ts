import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_PLATFORMS } from './registry.ts';

/**
 * A platform owns its code: `ingest/`, `sync/` and `domain/` reach it through the registry and
 * never branch on its name. Generated from the registry, so a new platform is covered too.
 */

const src = fileURLToPath(new URL('..', import.meta.url));
const DISPATCHING = ['ingest', 'sync', 'domain'];

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe.each(DISPATCHING)('%s/', (folder) => {
  it.each(WEBHOOK_PLATFORMS.map((webhooks) => webhooks.platform))('never compares anything with %s', async (platform) => {
    const quoted = `['"\`]${platform}['"\`]`;
    // `x === 'shopify'`, `'shopify' !== x`, `case 'shopify':`
    const branch = new RegExp(`[!=]==?\\s*${quoted}|${quoted}\\s*[!=]==?|case\\s+${quoted}`);
    const found: string[] = [];
    for (const file of await sources(join(src, folder))) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, index) => {
        if (branch.test(line)) found.push(`${file.slice(src.length)}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });
});
