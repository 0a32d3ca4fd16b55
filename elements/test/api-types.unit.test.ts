import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from '../scripts/api-types.ts';

describe('the elements API types', () => {
  it('match the bridge server OpenAPI document (run `npm run -w @dockhand/elements generate:api` when this fails)', async () => {
    expect(await readFile(API_TYPES_FILE, 'utf8')).toBe(await renderApiTypes());
  });
});
