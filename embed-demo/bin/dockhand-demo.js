#!/usr/bin/env node
// Runs the compiled demo (`npm run build`; `npm start` builds first). During development the
// source runs with `npx tsx --conditions=development embed-demo/src/main.ts`.
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../dist/src/main.js', import.meta.url))) {
  process.stderr.write('dockhand-demo: not built yet; run `npm run build` (or `npx tsc -b embed-demo`) first\n');
  process.exit(1);
}
await import('../dist/src/main.js');
