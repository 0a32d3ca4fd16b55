#!/usr/bin/env node
// `npm run bench -- NAME [args]` runs bench/NAME.bench.ts; with no NAME, every benchmark in turn.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length))
  .sort();
const [name, ...rest] = process.argv.slice(2);
if (name && !available.includes(name)) {
  console.error(`Unknown benchmark "${name}". Available: ${available.join(', ')}`);
  process.exit(2);
}
let failed = false;
for (const bench of name ? [name] : available) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${bench}.bench.ts`), ...rest], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
