import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The server alone: what `dockhand` loads is read from the sources, import by import, the way
 * Node will load the compiled output (a type-only import is erased, every other import stays),
 * and through the production dependencies of every package it reaches.
 */
const serverDir = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const repoDir = dirname(serverDir);

/** Packages the demo and the tests use, which the server must never load. */
const DEMO_ONLY = ['@dockhand/emulators', 'graphql', 'selfsigned'];
/** The embedded engine: loaded only when no DATABASE_URL is set, so only through `import()`. */
const EMBEDDED_ENGINE = ['@electric-sql/pglite', '@electric-sql/pglite-socket'];

interface ImportEdge {
  specifier: string;
  dynamic: boolean;
}

/** The modules a file loads at run time. */
function importsOf(file: string): ImportEdge[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const edges: ImportEdge[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      edges.push({ specifier: node.moduleSpecifier.text, dynamic: false });
    } else if (
      ts.isExportDeclaration(node) &&
      !node.isTypeOnly &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      edges.push({ specifier: node.moduleSpecifier.text, dynamic: false });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [target] = node.arguments;
      // A computed name would escape this check; the server has no reason for one.
      if (!target || !ts.isStringLiteralLike(target)) throw new Error(`${file}: import() of a computed name`);
      edges.push({ specifier: target.text, dynamic: true });
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
      throw new Error(`${file}: require() is not followed by this check`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

const packageNameOf = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const isBuiltin = (specifier: string): boolean =>
  specifier.startsWith('node:') || builtinModules.includes(packageNameOf(specifier));

/** Where Node finds `name` from `fromDir` (node_modules upwards), as a real path; undefined if not installed. */
function packageDirOf(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return realpathSync(dirname(candidate));
    if (dirname(dir) === dir) return undefined;
  }
}

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** A compiled file of this repository is read from its source: dist/src/x.js → src/x.ts. */
function sourceOf(file: string): string {
  const inRepo = relative(repoDir, file).split(sep);
  const distAt = inRepo.indexOf('dist');
  if (distAt < 0) return file;
  return join(repoDir, ...inRepo.slice(0, distAt), ...inRepo.slice(distAt + 1)).replace(/\.js$/, '.ts');
}

interface ImportGraph {
  /** Files of this repository, relative to it. */
  files: Set<string>;
  /** Installed packages reached, each with the chain of imports and dependencies that reaches it. */
  packages: Map<string, string[]>;
}

/** Adds a package and, in turn, every production dependency of it (a package may load any of them). */
function addPackage(packages: Map<string, string[]>, name: string, dir: string, chain: string[]): void {
  if (packages.has(name)) return;
  packages.set(name, chain);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  const dependencies = { ...manifest.peerDependencies, ...manifest.optionalDependencies, ...manifest.dependencies };
  for (const dependency of Object.keys(dependencies)) {
    const dependencyDir = packageDirOf(dependency, dir);
    if (dependencyDir) addPackage(packages, dependency, dependencyDir, [...chain, dependency]);
  }
}

/**
 * Everything `entries` load: the files of this repository they import (following `import()`
 * only when `dynamic` is set), the packages those import, and those packages' dependencies.
 */
function importGraph(entries: string[], options: { dynamic: boolean }): ImportGraph {
  const files = new Set<string>();
  const packages = new Map<string, string[]>();
  const visit = (file: string, chain: string[]): void => {
    const name = relative(repoDir, file);
    if (files.has(name)) return;
    files.add(name);
    for (const edge of importsOf(file)) {
      if (edge.dynamic && !options.dynamic) continue;
      const via = [...chain, `${edge.dynamic ? 'import()' : 'import'} ${edge.specifier}`];
      if (isBuiltin(edge.specifier)) continue;
      if (edge.specifier.startsWith('.')) {
        const target = sourceOf(resolve(dirname(file), edge.specifier));
        if (!existsSync(target)) throw new Error(`${name}: ${edge.specifier} not found (${target})`);
        visit(target, via);
        continue;
      }
      const packageName = packageNameOf(edge.specifier);
      const dir = packageDirOf(packageName, dirname(file));
      if (!dir) throw new Error(`${name}: package ${packageName} is not installed`);
      addPackage(packages, packageName, dir, via);
    }
  };
  for (const entry of entries) visit(entry, [relative(repoDir, entry)]);
  return { files, packages };
}

/** The packages of `names` in the graph, each with how it is reached: an empty list when none is. */
const reached = (graph: ImportGraph, names: string[]) =>
  names.filter((name) => graph.packages.has(name)).map((name) => ({ name, via: graph.packages.get(name)!.join(' → ') }));

const bin = join(serverDir, 'bin', 'dockhand.js');
const library = join(serverDir, 'src', 'index.ts');
/** What the bin runs (it checks the build is there, then imports it): the entry of the walk. */
const binTarget = (): string => {
  const [main] = importsOf(bin).filter((edge) => !isBuiltin(edge.specifier));
  return sourceOf(resolve(dirname(bin), main!.specifier));
};

describe('the dockhand bin', () => {
  it('loads the compiled server and nothing else: no TypeScript loader', () => {
    expect(importsOf(bin).map((edge) => edge.specifier)).toEqual(['node:fs', '../dist/src/cli/main.js']);
  });

  it('statically imports no emulator, graphql, selfsigned or PGlite module, nor anything that does', () => {
    const graph = importGraph([binTarget(), library], { dynamic: false });
    // The walk really covers the server: its CLI, runtime and HTTP stack are in it.
    expect(graph.files).toContain(join('bridge-server', 'src', 'cli', 'main.ts'));
    expect(graph.files).toContain(join('bridge-server', 'src', 'runtime.ts'));
    expect(graph.packages.has('express')).toBe(true);
    expect([...graph.files].filter((file) => !file.startsWith(`bridge-server${sep}`))).toEqual([]);
    expect(reached(graph, [...DEMO_ONLY, ...EMBEDDED_ENGINE, 'tsx'])).toEqual([]);
  });

  it('reaches PGlite only through import(), and never the emulators even that way', () => {
    const graph = importGraph([binTarget(), library], { dynamic: true });
    expect(reached(graph, DEMO_ONLY)).toEqual([]);
    expect(graph.packages.get('@electric-sql/pglite')).toContain('import() ./embedded.ts');
  });
});

describe('the bridge-server package', () => {
  it('has no production dependency, direct or indirect, on the emulators (npm ls --omit=dev)', () => {
    const manifest = JSON.parse(readFileSync(join(serverDir, 'package.json'), 'utf8')) as PackageJson;
    const packages = new Map<string, string[]>();
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      const dir = packageDirOf(name, serverDir);
      expect(dir, `${name} is installed`).toBeDefined();
      addPackage(packages, name, dir!, ['bridge-server/package.json', name]);
    }
    expect(packages.has('express')).toBe(true);
    expect(reached({ files: new Set(), packages }, [...DEMO_ONLY, 'tsx'])).toEqual([]);
  });
});

describe('the check itself', () => {
  it('sees the emulators where they are: in the demo', () => {
    const graph = importGraph([join(repoDir, 'embed-demo', 'src', 'main.ts')], { dynamic: false });
    expect(reached(graph, ['@dockhand/emulators', 'graphql', '@dockhand/bridge-server']).map((entry) => entry.name)).toEqual([
      '@dockhand/emulators',
      'graphql',
      '@dockhand/bridge-server',
    ]);
  });
});
