// Finding: the 503 during graceful shutdown was Fastify's plain JSON. Over real HTTPS, a request that arrives on an
// open connection while app.close() runs is 503 SHUTTING_DOWN problem+json with Retry-After and Connection: close,
// and the request already in flight still completes.
import { once } from 'node:events'
import t from 'tap'
import { parseResponses, rawTls } from '@app/testing'
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
