import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API to a running app (CLOSER_URL, default http://localhost:8080); the Maven build
// (Quinoa) runs `npm run build` and serves dist/ from the Quarkus app at /.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/api': process.env.CLOSER_URL ?? 'http://localhost:8080' },
  },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 900,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
