import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const elements = (path: string) => resolve(import.meta.dirname, 'elements/src', path);

/** Each element as its own ES module (Lit left to the page's bundler), for `import '@dockhand/elements/…'`. */
const COMPONENTS = {
  index: elements('index.ts'),
  provider: elements('provider/define.ts'),
  'order-table': elements('order-table/define.ts'),
  'sign-in': elements('sign-in/define.ts'),
  'inventory-approvals': elements('inventory-approvals/define.ts'),
  dashboard: elements('dashboard/define.ts'),
};

// Browser bundles. `vite build` writes dist/elements/dockhand.js: every element and Lit in one
// script-tag module. `--mode components` writes one ES module per element under
// dist/elements/components/ (lit and @lit/context external); `--mode standalone` bundles the order
// table alone with Lit, which is what its size budget measures (elements/scripts/size-budget.mjs).
// The embed demo and Shopify app pages join as they are built.
export default defineConfig(({ mode }) => {
  if (mode === 'components') {
    return {
      build: {
        outDir: resolve(import.meta.dirname, 'dist/elements/components'),
        emptyOutDir: true,
        sourcemap: true,
        minify: true,
        lib: { entry: COMPONENTS, formats: ['es'], fileName: (_format, name) => `${name}.js` },
        rollupOptions: { external: [/^lit($|\/)/, /^@lit\//] },
      },
    };
  }
  if (mode === 'standalone') {
    return {
      build: {
        outDir: resolve(import.meta.dirname, 'dist/elements/standalone'),
        emptyOutDir: true,
        minify: true,
        lib: { entry: { 'order-table': COMPONENTS['order-table'] }, formats: ['es'], fileName: (_format, name) => `${name}.js` },
        // Library mode keeps whitespace by default; these bundles are served as they are.
        rolldownOptions: { output: { minify: true } },
      },
    };
  }
  return {
    build: {
      outDir: resolve(import.meta.dirname, 'dist/elements'),
      emptyOutDir: true,
      sourcemap: true,
      minify: true,
      lib: {
        entry: elements('index.ts'),
        formats: ['es'],
        fileName: () => 'dockhand.js',
      },
      rolldownOptions: { output: { minify: true } },
    },
  };
});
