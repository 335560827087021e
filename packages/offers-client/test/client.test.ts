// The Offers client against HTTPS servers that misbehave on purpose: each failure becomes the right typed error,
// and a body past the cap is never read whole.
import t from 'tap'
import { once } from 'node:events'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { foreignCa, testTls } from '@app/testing'
import {
  createOffersClient, OffersClientError, OffersResponseTooLarge, type OffersClientFailure, type OffersClientOptions
} from '../src/index.ts'
import { json, stubServer } from './stub-server.ts'

/** the `t` of a subtest */
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

const at = '2026-11-22T10:00:00.000Z'
const offer = { id: 7, user_id: 3, title: 'Bike', text: 'Red', created_at: at, updated_at: at }
const page = (items: unknown[], next: string | null = null) => ({ items, next_cursor: next })

function client (t: Tap, opts: Partial<OffersClientOptions> & { baseUrl: string }) {
  const c = createOffersClient({ ca: testTls('offers').ca, timeoutMs: 2000, ...opts })
  t.teardown(() => c.close())
  return c
}

async function failure (call: Promise<unknown>): Promise<OffersClientError> {
  const err = await call.then(() => undefined, (err: unknown) => err)
  if (!(err instanceof OffersClientError)) throw new Error(`expected an OffersClientError, got ${String(err)}`)
  return err
}

async function expectFailure (t: Tap, call: Promise<unknown>, kind: OffersClientFailure) {
  const err = await failure(call)
  t.equal(err.failure, kind, err.message)
  return err
}

t.test('a valid page is returned typed; the request is what the contract says', async (t) => {
  const server = await stubServer(t, json(200, page([offer], 'next-1')))
  const c = client(t, { baseUrl: server.url, ca: server.ca })
  const answer = await c.offersPage(3, { limit: 20, requestId: 'req-42' })
  t.same(answer, { items: [offer], next_cursor: 'next-1' })
  t.equal(answer.items[0]?.created_at, offer.created_at)
  await c.offersPage(3, { limit: 100, cursor: 'next-1' })
  t.match(server.requests, [
    {
      method: 'GET',
      url: '/offers/?user_id=3&limit=20',
      headers: { accept: 'application/json', 'x-request-id': 'req-42' }
    },
    { method: 'GET', url: '/offers/?user_id=3&limit=100&cursor=next-1' }
  ])
  t.equal(server.requests[0]!.body, '', 'a GET has no body')
})

t.test('an empty page is a valid answer', async (t) => {
  const server = await stubServer(t, json(200, page([])))
  t.same(await client(t, { baseUrl: server.url }).offersPage(3, { limit: 20 }), page([]))
  t.notOk(server.requests[0]?.headers['x-request-id'], 'no request id is made up by the client')
})

t.test('a base URL with a path prefix keeps it', async (t) => {
  const server = await stubServer(t, json(200, page([])))
  await client(t, { baseUrl: `${server.url}/api/` }).offersPage(1, { limit: 20 })
  t.equal(server.requests[0]?.url, '/api/offers/?user_id=1&limit=20')
})

t.test('calls reuse a kept-alive connection', async (t) => {
  const server = await stubServer(t, json(200, page([offer], 'next-1')))
  const c = client(t, { baseUrl: server.url, connections: 1 })
  for (let i = 0; i < 3; i++) await c.offersPage(3, { limit: 20 })
  t.equal(server.requests.length, 3)
  t.equal(server.sockets.length, 1)
})

t.test('any status other than 200 → status, with the code', async (t) => {
  for (const status of [500, 503, 404, 400, 201]) {
    const server = await stubServer(t, json(status, { code: 'X' }))
    const err = await expectFailure(t, client(t, { baseUrl: server.url }).offersPage(3, { limit: 20 }), 'status')
    t.equal(err.statusCode, status)
  }
})

t.test('a 200 whose body breaks the contract → invalid_body', async (t) => {
  const bodies: Array<[string, (req: IncomingMessage, res: ServerResponse) => void]> = [
    ['not JSON', (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end('<html>') }],
    ['an empty body', (_req, res) => { res.writeHead(200).end() }],
    ['an offer, not a page', json(200, offer)],
    ['a bare list (the old POST answer)', json(200, [offer])],
    ['a page without next_cursor', json(200, { items: [offer] })],
    ['a next_cursor that is a number', json(200, page([offer], 7 as unknown as string))],
    ['a list of the wrong things', json(200, page([1, 2]))],
    ['an offer without created_at', json(200, page([{ ...offer, created_at: undefined }]))],
    ['created_at not a date-time', json(200, page([{ ...offer, created_at: 'yesterday' }]))],
    ['an id as a string', json(200, page([{ ...offer, id: '7' }]))],
    ['an id beyond 2^53 − 1', json(200, page([{ ...offer, id: 2 ** 53 }]))],
    ['an offer without updated_at', json(200, page([{ ...offer, updated_at: undefined }]))]
  ]
  for (const [name, answer] of bodies) {
    const server = await stubServer(t, answer)
    await t.test(name, async (t) => {
      await expectFailure(t, client(t, { baseUrl: server.url }).offersPage(3, { limit: 20 }), 'invalid_body')
    })
  }
})

t.test('a server certificate from another CA → transport; the call is refused', async (t) => {
  const server = await stubServer(t, json(200, page([])))
  const err = await expectFailure(
    t, client(t, { baseUrl: server.url, ca: await foreignCa() }).offersPage(3, { limit: 20 }), 'transport'
  )
  t.match((err.cause as { code?: string }).code, /CERT|SIGNATURE|ISSUER|SELF_SIGNED/)
  t.equal(server.requests.length, 0, 'nothing was sent')
})

t.test('nothing listening → transport', async (t) => {
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as AddressInfo
  probe.close()
  await once(probe, 'close')
  const err = await expectFailure(t, client(t, { baseUrl: `https://127.0.0.1:${port}` }).offersPage(3, { limit: 20 }), 'transport')
  t.equal((err.cause as { code?: string }).code, 'ECONNREFUSED')
})

t.test('a connection reset mid-request → transport', async (t) => {
  const server = await stubServer(t, (req) => { req.socket.destroy() })
  await expectFailure(t, client(t, { baseUrl: server.url }).offersPage(3, { limit: 20 }), 'transport')
})

/** Resolves when the socket is closed: the client must not leave it hanging. */
const closed = (socket: Socket) => socket.destroyed ? Promise.resolve() : once(socket, 'close').then(() => undefined)

t.test('a server that accepts and never answers → timeout within the budget, socket closed', async (t) => {
  const server = await stubServer(t, () => { /* never answers */ })
  const budget = 300
  const started = Date.now()
  await expectFailure(t, client(t, { baseUrl: server.url, timeoutMs: budget }).offersPage(3, { limit: 20 }), 'timeout')
  t.ok(Date.now() - started < budget + 2000, 'settled within the budget, give or take scheduling')
  t.equal(server.sockets.length, 1)
  await closed(server.sockets[0]!)
  t.pass('the server saw the socket closed')
})

t.test('a body that never ends → timeout, socket closed', async (t) => {
  const server = await stubServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('[')
  })
  const started = Date.now()
  await expectFailure(t, client(t, { baseUrl: server.url, timeoutMs: 300 }).offersPage(3, { limit: 20 }), 'timeout')
  t.ok(Date.now() - started < 300 + 2000)
  await closed(server.sockets[0]!)
  t.pass('the server saw the socket closed')
})

t.test('a TCP peer that never starts TLS → timeout, socket closed', async (t) => {
  const sockets: Socket[] = []
  // resume: without reading, the peer would never notice the end of the stream
  const silent = createServer((socket) => { sockets.push(socket.resume()) }).listen(0, '127.0.0.1')
  await once(silent, 'listening')
  t.teardown(() => { for (const s of sockets) s.destroy(); silent.close() })
  const started = Date.now()
  const port = (silent.address() as AddressInfo).port
  await expectFailure(t, client(t, { baseUrl: `https://127.0.0.1:${port}`, timeoutMs: 300 }).offersPage(3, { limit: 20 }), 'timeout')
  t.ok(Date.now() - started < 300 + 2000)
  t.equal(sockets.length, 1)
  await closed(sockets[0]!)
  t.pass('the peer saw the socket closed')
})

t.test('after close(), calls fail as transport and the connections are gone', async (t) => {
  const server = await stubServer(t, json(200, page([])))
  const c = createOffersClient({ baseUrl: server.url, ca: server.ca, timeoutMs: 2000 })
  await c.offersPage(1, { limit: 20 })
  await c.close()
  await closed(server.sockets[0]!)
  await expectFailure(t, c.offersPage(1, { limit: 20 }), 'transport')
})

t.test('a body past maxBodyBytes → OffersResponseTooLarge; the rest is never read, the socket dropped', async (t) => {
  const cap = 64 * 1024
  const big = page(Array.from({ length: 100 }, (_, i) => ({ ...offer, id: i + 1, text: 'x'.repeat(1000) })))
  t.ok(JSON.stringify(big).length > cap, 'the stub\'s page is longer than the cap')
  for (const [name, answer] of [
    ['with a content-length', json(200, big)],
    ['chunked, no length, and never ending', (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      // a server that sends too much and keeps sending: the client must stop it, not wait for its end
      const chunk = '['.repeat(16 * 1024)
      const timer = setInterval(() => { res.write(chunk) }, 5)
      res.on('close', () => clearInterval(timer))
    }]
  ] as const) {
    await t.test(name, async (t) => {
      const server = await stubServer(t, answer)
      const err = await expectFailure(
        t, client(t, { baseUrl: server.url, maxBodyBytes: cap }).offersPage(3, { limit: 100 }), 'too_large'
      )
      t.ok(err instanceof OffersResponseTooLarge)
      t.equal(err.name, 'OffersResponseTooLarge')
      t.equal((err as OffersResponseTooLarge).maxBodyBytes, cap)
      t.match(err.message, /longer than 65536 bytes/)
      await closed(server.sockets[0]!)
      t.pass('the server saw the socket closed')
    })
  }
  await t.test('a body of exactly the cap is read', async (t) => {
    const exact = JSON.stringify(page([offer]))
    const server = await stubServer(t, json(200, page([offer])))
    const c = client(t, { baseUrl: server.url, maxBodyBytes: exact.length })
    t.same(await c.offersPage(3, { limit: 1 }), page([offer]))
  })
})

t.test('only https is accepted', async (t) => {
  t.throws(() => createOffersClient({ baseUrl: 'http://127.0.0.1:1', ca: 'x', timeoutMs: 100 }), /https/)
})
