// Builds the Console and My Account into dist/ui. The server serves the assets under /ui/ and
// answers every path below /t/{org}/console/ and /t/{org}/myaccount/ with index.html, into which
// it writes that organization's settings (see src/routes/web-apps.ts).

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
});
