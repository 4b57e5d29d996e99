import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The static report's chart code: web/src/charts (the dashboard the web app draws) as one IIFE,
 * web/dist/report-client.js, which src/report/html.ts inlines into every report.html. uPlot stays outside: the
 * report inlines uPlot's own IIFE build (global `uPlot`) before it. Runs after the app build, which empties web/dist.
 */
export default defineConfig({
  root,
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: false,
    minify: true,
    lib: { entry: 'src/charts/report.ts', formats: ['iife'], name: 'BasisReport', fileName: () => 'report-client.js' },
    rollupOptions: { external: ['uplot'], output: { globals: { uplot: 'uPlot' } } },
  },
});
