import { createI18n } from 'vue-i18n'
import { computed } from 'vue'
import zhCN from './locales/zh-CN.js'
import en from './locales/en.js'
import epZh from 'element-plus/es/locale/lang/zh-cn'
import epEn from 'element-plus/es/locale/lang/en'

const KEY = 'zl_lang'
const saved = (() => { try { return localStorage.getItem(KEY) } catch (e) { return null } })()

export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

export const elementLocale = computed(() => (i18n.global.locale.value === 'en' ? epEn : epZh))

export function setLang(lang) {
  i18n.global.locale.value = lang
  document.documentElement.lang = lang
  try { localStorage.setItem(KEY, lang) } catch (e) { /* private mode */ }
}

document.documentElement.lang = i18n.global.locale.value
