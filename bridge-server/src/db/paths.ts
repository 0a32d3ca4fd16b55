import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bridge-server package folder: the nearest folder with a package.json above this module,
 * the same from the sources (src/db) and from the compiled output (dist/src/db).
 */
function packageFolder(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const packageRoot = packageFolder(dirname(fileURLToPath(import.meta.url)));
/** The repository root, which holds the SQL migrations. */
export const repoRoot = resolve(packageRoot, '..');
export const migrationsDir = resolve(repoRoot, 'migrations');
