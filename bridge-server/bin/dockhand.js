#!/usr/bin/env node
// Runs the compiled server (`npm run build`; `npm start` and `npm test` build first). During
// development the sources run with `npx tsx bridge-server/src/cli/main.ts`.
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../dist/src/cli/main.js', import.meta.url))) {
  process.stderr.write('dockhand: not built yet; run `npm run build` (or `npx tsc -b bridge-server`) first\n');
  process.exit(1);
}
await import('../dist/src/cli/main.js');
