// Finding: the 503 during graceful shutdown was Fastify's plain JSON. Over real HTTPS, a request that arrives on an
// open connection while app.close() runs is 503 SHUTTING_DOWN problem+json with Retry-After and Connection: close,
// and the request already in flight still completes. Before that, draining keeps serving while /ready says 503.
import { once } from 'node:events'
import t from 'tap'
import { parseResponses, rawRequest, rawTls } from '@app/testing'
import { httpsApp, listenHttps, tls } from './helpers.ts'

t.test('a request arriving while the server closes is 503 SHUTTING_DOWN problem+json', async (t) => {
  const app = await httpsApp()
  let entered!: () => void
  const inHandler = new Promise<void>((resolve) => { entered = resolve })
  let release!: () => void
  const released = new Promise<void>((resolve) => { release = resolve })
  app.get('/slow', async () => {
    entered()
    await released
    return { done: true }
  })
  const { socket, received } = await rawTls(await listenHttps(app), tls.ca)

  socket.write('GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n')
  await inHandler
  const closed = app.close()
  // the second request on the same keep-alive connection reaches the server after close began
  const secondArrived = once(app.server, 'request')
  socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n')
  await secondArrived
  release()

  const [first, second, ...more] = parseResponses(await received)
  t.match(first, { status: 200, body: { done: true } }, 'the request in flight completes')
  t.equal(second?.status, 503)
  t.equal(second?.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(second?.body, { type: 'about:blank', status: 503, code: 'SHUTTING_DOWN' })
  t.equal(second?.headers['retry-after'], '1')
  t.equal(second?.headers.connection, 'close', 'a keep-alive client reconnects, elsewhere')
  t.match(second?.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  t.same(more, [])
  await closed
})

t.test('draining: /ready says 503 at once, every request is still served and told to reconnect', async (t) => {
  const app = await httpsApp(400)
  app.get('/work', async () => ({ done: true }))
  const base = await listenHttps(app)
  // a keep-alive connection opened before the drain, as a balancer's pooled one
  const { socket, received } = await rawTls(base, tls.ca)
  const started = Date.now()
  const drained = app.shutdown.drain()
  t.ok(app.shutdown.draining)
  const ready = await rawRequest(base, tls.ca, 'GET /ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
  t.equal(ready.status, 503, '/ready: out of rotation')
  t.match(ready.body, { status: 503, code: 'SHUTTING_DOWN' })
  socket.write('GET /work HTTP/1.1\r\nHost: localhost\r\n\r\n')
  const answers = parseResponses(await received)
  t.equal(answers.length, 1)
  t.match(answers[0], { status: 200, body: { done: true } }, 'still served while draining')
  t.equal(answers[0]?.headers.connection, 'close', 'the keep-alive client is told to reconnect, and the server closes')
  await drained
  t.ok(Date.now() - started >= 390, `drain() resolved after ${Date.now() - started} ms (drainMs 400)`)
  await app.close()
})
