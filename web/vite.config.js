import { defineConfig } from 'vite'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { gzipDir } from './scripts/gzip.mjs'

const api = process.env.ZHILI_API || 'http://127.0.0.1:8099'

// Writes X.gz beside each asset > 1 KB; the server sends it to clients accepting gzip.
function gzipAssets() {
  let outDir = 'dist'
  return {
    name: 'zhili-gzip',
    apply: 'build',
    configResolved(c) { outDir = c.build.outDir },
    closeBundle() { gzipDir(outDir) },
  }
}

export default defineConfig({
  base: '/',
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_PROD_DEVTOOLS__: false,
  },
  plugins: [
    vue(),
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
    gzipAssets(),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      output: {
        // A few stable vendor chunks instead of dozens of tiny shared ones.
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 30 },
            { name: 'vue', test: /node_modules[\\/](@?vue|vue-router|vue-i18n|@intlify)/, priority: 20 },
            { name: 'element-plus', test: /node_modules[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': api } },
  preview: { proxy: { '/api': api } },
})
