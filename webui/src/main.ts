import { createApp } from 'vue'
import App from './App.vue'
import { ApiClient } from './api.js'
import { NETWORK_KEY, Network } from './network.js'
import { startRouter } from './router.js'
import { loadToken } from './session.js'
import './styles.css'

const token = loadToken()
startRouter()

const app = createApp(App, { hasToken: token !== null })
if (token !== null) {
  const network = new Network(new ApiClient({ token }))
  app.provide(NETWORK_KEY, network)
  network.start()
}
app.mount('#app')
