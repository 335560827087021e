// Finding: TLS connections that never send a request are never closed. Over real HTTPS with short bounds, idle,
// half-open and slow connections are each closed within their bound while another client keeps being answered,
// and beyond the connection cap a new connection is closed at once.
import type net from 'node:net'
import { performance } from 'node:perf_hooks'
import type tls from 'node:tls'
import t from 'tap'
import { Type } from 'typebox'
import {
  boundedLoad, clientHello, describeClose, httpsRequest, makeTestKeys, rawTcp, slowHeaders, testTls, tlsClient,
  trickle
} from '@app/testing'
import { createServiceApp } from '../src/index.ts'
import { connectionDefaults, type ConnectionBounds } from '../src/connections.ts'

/** Nothing listens on port 1: the bounds need no database. */
const NO_DATABASE = 'postgres://nobody:none@127.0.0.1:1/none'
const material = testTls('users')
const keys = makeTestKeys()
/** What a loaded machine may add to a bound: timers, the deadline check's interval, the close itself. */
const SLACK_MS = 1_500

const bounds: ConnectionBounds = {
  handshakeTimeoutMs: 1_000,
  idleTimeoutMs: 1_000,
  headersTimeoutMs: 1_500,
  requestTimeoutMs: 2_500,
  keepAliveTimeoutMs: 2_000,
  maxConnections: 100
}

async function listening (connections: ConnectionBounds) {
  const app = await createServiceApp({
    logLevel: 'silent',
    tls: { key: material.key, cert: material.cert },
    connections,
    database: { url: NO_DATABASE, max: 1 },
    auth: { publicKeys: keys.publicKeys, issuer: 'users-service', audience: 'classifieds', maxAgeSeconds: 900 },
    docs: { title: 'test', version: '0.0.0', description: 'test', tags: [] }
  })
  app.post('/echo', { schema: { body: Type.Object({ pad: Type.String() }) } }, async (req) => req.body)
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, port: (app.server.address() as net.AddressInfo).port }
}

/** GET /health once a 100 ms on fresh connections until `stop()`: the client that must be served meanwhile. */
function bystander (port: number) {
  return boundedLoad({ workers: 1, pauseMs: 100, maxRequests: 200, maxMs: 60_000 }, () =>
    httpsRequest(`https://localhost:${port}/health`, { ca: material.ca }).then((res) => res.status, () => 0))
}

/** Sends a request on an open connection and resolves with the status of its (whole) answer. */
function requestOn (socket: tls.TLSSocket, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = ''
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? NaN)
      if (end >= 0 && text.length >= end + 4 + length) {
        socket.off('data', onData)
        resolve(Number(text.slice(9, 12)))
      }
    }
    socket.on('data', onData)
    socket.once('close', () => reject(new Error(`closed before an answer to ${path}`)))
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test('idle, half-open and slow connections are closed within their bounds; another client is served', async (t) => {
  const { port } = await listening(bounds)
  const hello = await clientHello()
  const served = bystander(port)

  const silentTcp = rawTcp(port)
  const partialHello = rawTcp(port)
  partialHello.socket.once('connect', () => partialHello.socket.write(hello.subarray(0, hello.length >> 1)))
  const trickledHello = rawTcp(port)
  trickledHello.socket.once('connect', () => trickle(trickledHello.socket, hello, 100))
  const idleTls = tlsClient(port, material.ca)
  const slowloris = tlsClient(port, material.ca, (s) => trickle(s, slowHeaders(), 100))
  const slowBody = tlsClient(port, material.ca, (s) => {
    const body = JSON.stringify({ pad: 'x'.repeat(400) })
    s.write('POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${body.length}\r\n\r\n`)
    trickle(s, Buffer.from(body), 100)
  })
  // a kept-alive connection quiet for longer than the idle and header bounds is still answered, then closed
  // after its own bound (Node adds a second to what it advertises, so the peer closes first)
  let secondOnSameConnection = 0
  const keptAlive = tlsClient(port, material.ca, (s) => {
    requestOn(s, '/health').then(async () => {
      await sleep(bounds.headersTimeoutMs + 200)
      secondOnSameConnection = await requestOn(s, '/health')
      keptAlive.clock.started = performance.now()
    }).catch(() => {})
  })

  const cases = [
    { name: 'raw TCP, no ClientHello', c: silentTcp, bound: bounds.handshakeTimeoutMs },
    { name: 'half a ClientHello', c: partialHello, bound: bounds.handshakeTimeoutMs },
    { name: 'a ClientHello a byte every 100 ms', c: trickledHello, bound: bounds.handshakeTimeoutMs },
    { name: 'TLS done, no request', c: idleTls, bound: bounds.idleTimeoutMs },
    { name: 'slowloris, a header byte every 100 ms', c: slowloris, bound: bounds.headersTimeoutMs },
    { name: 'slow body, a byte every 100 ms', c: slowBody, bound: bounds.requestTimeoutMs },
    { name: 'kept alive after its second answer', c: keptAlive, bound: bounds.keepAliveTimeoutMs + 1_000 }
  ]
  const closed = await Promise.all(cases.map(({ c }) => c.closed))
  const statuses = (await served.stop()).map((s) => s.result)

  cases.forEach(({ name, bound }, i) => {
    const { ms } = closed[i]!
    t.comment(`${name}: closed after ${ms} ms (bound ${bound} ms), received ${describeClose(closed[i]!)}`)
    t.ok(ms <= bound + SLACK_MS, `${name}: closed within its bound (+${SLACK_MS} ms)`)
    t.ok(ms >= bound - 100, `${name}: by its own bound, not earlier`)
  })
  t.notOk(closed[0]!.secured || closed[1]!.secured || closed[2]!.secured, 'no half-open handshake finished')
  t.match(closed[4]!.received, /^HTTP\/1\.1 408 /, 'slowloris is told 408')
  t.match(closed[5]!.received, /^HTTP\/1\.1 408 /, 'a slow body is told 408')
  t.equal(secondOnSameConnection, 200, 'a kept-alive connection quiet past the header bound is still answered')
  t.comment(`meanwhile another client: ${statuses.length} requests, ${statuses.filter((s) => s === 200).length} × 200`)
  t.ok(statuses.length >= 10, 'the other client kept asking')
  t.same(new Set(statuses), new Set([200]), 'and was answered 200 every time')
})

t.test('beyond MAX_CONNECTIONS a new connection is closed at once, and served again once one is free', async (t) => {
  const cap = 5
  const { port } = await listening({ ...connectionDefaults, maxConnections: cap })
  // half-open handshakes hold places too: the cap counts TCP connections, before any TLS work
  const held = Array.from({ length: cap }, () => rawTcp(port))
  await Promise.all(held.map(({ socket }) => new Promise((resolve) => socket.once('connect', resolve))))
  await sleep(100)
  const refused = Array.from({ length: 5 }, () => tlsClient(port, material.ca))
  const outcomes = await Promise.all(refused.map(({ closed }) => closed))
  const slowest = Math.max(...outcomes.map(({ ms }) => ms))
  t.comment(`over the cap of ${cap}: ${outcomes.length} new connections closed after at most ${slowest} ms, ` +
    `${outcomes.filter((o) => o.secured).length} completed TLS`)
  t.ok(outcomes.every((o) => !o.secured), 'none got as far as a TLS handshake')
  t.ok(slowest < 1_000, 'each closed at once, not after a timeout')

  for (const { socket } of held) socket.destroy()
  await Promise.all(held.map(({ closed }) => closed))
  let status = 0
  for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
    status = await httpsRequest(`https://localhost:${port}/health`, { ca: material.ca })
      .then((res) => res.status, () => 0)
    if (status !== 200) await sleep(50)
  }
  t.equal(status, 200, 'once the held connections are gone, a new client is served')
})
