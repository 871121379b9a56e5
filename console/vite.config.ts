import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

/** Builds the console into console/dist; the API process serves it at /admin. */
export default defineConfig({
  base: '/admin/',
  plugins: [vue()],
  server: { proxy: { '/mis': 'http://127.0.0.1:8000', '/uploads': 'http://127.0.0.1:8000' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One stylesheet and no inline scripts or styles, so the strict CSP holds.
    cssCodeSplit: false,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
    rollupOptions: {
      output: {
        manualChunks: (id) =>
          id.includes('node_modules/echarts') || id.includes('node_modules/zrender')
            ? 'echarts'
            : id.includes('node_modules/')
              ? 'vendor'
              : undefined,
      },
    },
  },
})
