import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (bridge-server/src/db → ../../..). */
export const repoRoot = resolve(here, '..', '..', '..');
export const migrationsDir = resolve(repoRoot, 'migrations');
