import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Browser bundles: `npm run build` writes dist/elements/dockhand.js, the one-script-tag
// entry point. The embed demo and Shopify app pages join as they are built.
export default defineConfig({
  build: {
    outDir: 'dist/elements',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: resolve(import.meta.dirname, 'elements/src/index.ts'),
      formats: ['es'],
      fileName: () => 'dockhand.js',
    },
  },
});
