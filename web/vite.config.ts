import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `vite build web` (npm run build:web; npm's prepare runs it on install) writes web/dist, which
// `cxkpi serve` serves. `vite web` serves the app with hot reload and passes /api to a running
// cxkpi on port 3000.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
