// Metrics off (no METRICS_PORT): prom-client is never loaded and what a service records goes nowhere; on, the same
// calls reach prom-client (services/users/test/metrics.test.ts scrapes them).
import { createRequire } from 'node:module'
import t from 'tap'
import { freePort } from '@app/testing'
import { httpsApp } from './helpers.ts'

const require = createRequire(import.meta.url)
const promClientLoaded = () => Object.keys(require.cache).some((file) => /[\\/]prom-client[\\/]/.test(file))

t.test('off: no prom-client in the process, and recording is a no-op', async (t) => {
  const app = await httpsApp()
  t.teardown(() => app.close())
  await app.ready()
  t.equal(app.metrics.enabled, false)
  const counter = app.metrics.counter({ name: 'c_total', help: 'c', labelNames: ['o'], series: [{ o: 'a' }] })
  counter.inc({ o: 'a' })
  app.metrics.histogram({ name: 'h_seconds', help: 'h' }).observe(0.1)
  app.metrics.gauge({ name: 'g', help: 'g', read: () => 1 })
  t.equal(promClientLoaded(), false, 'prom-client was not loaded')
})

t.test('on: prom-client is loaded then', async (t) => {
  const app = await httpsApp(undefined, { port: await freePort(), host: '127.0.0.1' })
  t.teardown(() => app.close())
  await app.ready()
  t.equal(app.metrics.enabled, true)
  t.equal(promClientLoaded(), true)
})
