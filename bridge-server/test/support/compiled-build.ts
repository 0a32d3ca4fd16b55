import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Vitest global setup for the end-to-end tests: the tests that spawn `dockhand` or `dockhand-demo`
 * run the compiled JavaScript, as users do, so before they start the workspaces whose sources
 * changed since their last build are compiled again (`tsc -b`, incremental). Type errors do not
 * stop the tests (tsc still writes the JavaScript; reporting them is `npm run typecheck`'s job);
 * missing output does.
 */
const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** Each workspace the tests run compiled, with the files the bins load. */
const workspaces: Record<string, string[]> = {
  'bridge-server': ['dist/src/cli/main.js', 'dist/src/index.js'],
  emulators: ['dist/src/index.js'],
  'embed-demo': ['dist/src/main.js'],
};

/** The newest modification time among a workspace's build inputs. */
function newestInput(workspace: string): number {
  const dir = join(root, workspace);
  let newest = Math.max(statSync(join(root, 'tsconfig.base.json')).mtimeMs, statSync(join(dir, 'tsconfig.json')).mtimeMs);
  for (const folder of ['src', 'test']) {
    if (!existsSync(join(dir, folder))) continue;
    for (const entry of readdirSync(join(dir, folder), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts'))
        newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

function lastBuild(workspace: string): number {
  const info = join(root, workspace, 'dist', 'tsconfig.tsbuildinfo');
  const outputs = workspaces[workspace]!.map((file) => join(root, workspace, file));
  return existsSync(info) && outputs.every((file) => existsSync(file)) ? statSync(info).mtimeMs : 0;
}

export default function buildCompiled(): void {
  const stale = Object.keys(workspaces).filter((workspace) => newestInput(workspace) > lastBuild(workspace));
  if (stale.length === 0) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-b', ...stale], { cwd: root, encoding: 'utf8' });
  const missing = Object.entries(workspaces).flatMap(([workspace, files]) =>
    files.map((file) => join(workspace, file)).filter((file) => !existsSync(join(root, file))),
  );
  if (missing.length > 0) {
    throw new Error(`tsc -b ${stale.join(' ')} did not write ${missing.join(', ')}:\n${run.stdout}${run.stderr}`);
  }
}
