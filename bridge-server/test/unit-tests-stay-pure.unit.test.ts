import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The rule that splits `npm test` (see vitest.config.ts): a `*.unit.test.ts` file needs nothing
 * outside its own process. Checked on every unit test file of every workspace, so a unit test that
 * starts to reach for a database, Redis, an emulator, a child process or the network fails here
 * and is renamed to a plain `*.test.ts` (the e2e project) instead of slowing `npm run test:unit`.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const workspaces = ['bridge-server', 'emulators', 'elements', 'embed-demo'];

/** Imports that mean a service, a process or a socket. */
const forbiddenImports: Array<[RegExp, string]> = [
  [/^node:(child_process|net|http|https|http2|dns|tls|dgram)$/, 'a process or the network'],
  [/^(postgres|ioredis|bullmq|@electric-sql\/pglite)$/, 'PostgreSQL or Redis'],
  [/^@dockhand\/emulators$|emulators\/src\/(shopify|woocommerce)\/index\.ts$/, 'an emulator server'],
  [/test\/support\//, 'the end-to-end test support (databases, servers, fixtures)'],
];

function unitTestFiles(): string[] {
  return workspaces.flatMap((workspace) => {
    let entries: string[];
    try {
      entries = readdirSync(join(root, workspace), { recursive: true, encoding: 'utf8' });
    } catch {
      return []; // a workspace without files yet
    }
    return entries
      .filter(
        (entry) =>
          entry.endsWith('.unit.test.ts') && !entry.split(/[\\/]/).some((part) => part === 'node_modules' || part === 'dist'),
      )
      .map((entry) => join(workspace, entry));
  });
}

const importsOf = (source: string): string[] =>
  [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1] ?? match[2]!,
  );

describe('unit test files', () => {
  const files = unitTestFiles();

  it('are found (the rule is checked on something)', () => {
    expect(files).toContain(join('bridge-server', 'test', 'unit-tests-stay-pure.unit.test.ts'));
  });

  it('import no database, Redis, emulator, child process or network module', () => {
    const problems = files.flatMap((file) =>
      importsOf(readFileSync(join(root, file), 'utf8')).flatMap((specifier) =>
        forbiddenImports
          .filter(([pattern]) => pattern.test(specifier))
          .map(([, what]) => `${file} imports ${specifier} (${what}): rename it to *.test.ts, or move that part out`),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('the check sees an import it must refuse', () => {
    const source =
      "import { spawn } from 'node:child_process';\nimport { createTestDatabase } from '../../test/support/test-database.ts';";
    expect(importsOf(source)).toEqual(['node:child_process', '../../test/support/test-database.ts']);
  });
});
