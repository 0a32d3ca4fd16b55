import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Creates `dir` (and its parents) readable by the user only; tightens it when it exists. */
export async function privateDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/**
 * Makes everything under `dir` private to the user: folders 0700, files 0600. PGlite creates
 * its files 0666 whatever the umask, so this runs after it writes them; files it adds later sit
 * inside 0700 folders, out of other users' reach.
 */
export async function makeTreePrivate(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  await Promise.all(
    entries.map((entry) => {
      const path = join(entry.parentPath, entry.name);
      if (entry.isDirectory()) return chmod(path, 0o700);
      if (entry.isFile()) return chmod(path, 0o600);
      return undefined;
    }),
  );
}
