// Fails the build when a bundle grows past its budget (minified, then gzip level 9, as served).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dist = new URL('../../dist/elements/', import.meta.url);
const BUDGETS = [
  { file: 'dockhand.js', what: 'dockhand.js (every element and Lit)', limitKb: 60 },
  { file: 'standalone/order-table.js', what: 'the order table alone (with Lit)', limitKb: 25 },
];

let failed = false;
for (const budget of BUDGETS) {
  const source = readFileSync(new URL(budget.file, dist));
  const kb = gzipSync(source, { level: 9 }).length / 1024;
  const ok = kb <= budget.limitKb;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'OVER'} ${budget.what}: ${kb.toFixed(1)} KB min+gzip (budget ${budget.limitKb} KB)`);
}
if (failed) {
  console.error('size budget exceeded');
  process.exit(1);
}
