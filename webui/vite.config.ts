import { fileURLToPath } from 'node:url'
import tailwindcss from '@tailwindcss/vite'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

// The root is this folder whichever directory vite is started from, so both
// `vite build webui` and `vite build --config webui/vite.config.ts` write webui/dist.
const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root,
  // Relative asset paths: the node serves dist/ at `/`, and the files still load if a proxy mounts it elsewhere.
  base: './',
  plugins: [vue(), tailwindcss()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 400
  },
  server: {
    host: '127.0.0.1',
    // `RYNUS_API=http://127.0.0.1:<port> npx vite webui` proxies the API of a running node during development.
    proxy: process.env.RYNUS_API
      ? { '/api': { target: process.env.RYNUS_API, ws: true, changeOrigin: false } }
      : undefined
  }
})
