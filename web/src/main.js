import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router.js'
import { i18n } from './i18n.js'
import { rowTest } from './directives.js'
import './styles.css'

const app = createApp(App)
app.use(i18n)
app.use(router)
app.directive('row-test', rowTest)
app.mount('#app')
