// TRUST_PROXY: X-Forwarded-For is believed only from the listed proxies, and then only as far as the chain runs
// through trusted hops; request.ip (limits, the access log) and every log line's `client` agree.
import t from 'tap'
import { makeTestKeys } from '@app/testing'
import { createServiceApp } from '../src/index.ts'

async function app (trustProxy?: string[]) {
  const app = await createServiceApp({
    // a real pino logger (silent has none), writing nothing at this level
    logLevel: 'fatal',
    database: { url: 'postgres://nobody:none@127.0.0.1:1/none', max: 1 },
    auth: { publicKeys: makeTestKeys().publicKeys, issuer: 'users', audience: 'classifieds', maxAgeSeconds: 900 },
    docs: { title: 'test', version: '0.0.0', description: 'test', tags: [] },
    ...(trustProxy ? { trustProxy } : {})
  })
  // request.log is pino's child logger: its bindings are what every line of the request carries
  const client = (log: unknown) => (log as { bindings: () => { client: string } }).bindings().client
  app.get('/whoami', async (request) => ({ ip: request.ip, client: client(request.log) }))
  t.teardown(() => app.close())
  return app
}

const from = async (a: Awaited<ReturnType<typeof app>>, remoteAddress: string, forwardedFor?: string) => {
  const res = await a.inject({
    method: 'GET',
    url: '/whoami',
    remoteAddress,
    ...(forwardedFor ? { headers: { 'x-forwarded-for': forwardedFor } } : {})
  })
  return res.json() as { ip: string, client: string }
}

t.test('by default nobody is trusted: the socket address, whatever the header says', async (t) => {
  const a = await app()
  t.same(await from(a, '192.0.2.10', '203.0.113.7'), { ip: '192.0.2.10', client: '192.0.2.10' })
})

t.test('from a trusted proxy, the address it forwarded', async (t) => {
  const a = await app(['127.0.0.2', '10.0.0.0/8'])
  t.same(await from(a, '127.0.0.2', '198.51.100.4'), { ip: '198.51.100.4', client: '198.51.100.4' })
  t.same(await from(a, '127.0.0.2'), { ip: '127.0.0.2', client: '127.0.0.2' }, 'no header: the proxy itself')
})

t.test('a forged chain: the nearest address that no trusted proxy vouches for', async (t) => {
  const a = await app(['127.0.0.2', '10.0.0.0/8'])
  // the client wrote "203.0.113.66, 10.1.1.1" itself; the balancer appended the address it saw (198.51.100.9)
  t.same(await from(a, '127.0.0.2', '203.0.113.66, 10.1.1.1, 198.51.100.9'),
    { ip: '198.51.100.9', client: '198.51.100.9' })
  // through two trusted hops the chain is followed to the first untrusted one
  t.same(await from(a, '127.0.0.2', '203.0.113.66, 198.51.100.9, 10.2.3.4'),
    { ip: '198.51.100.9', client: '198.51.100.9' })
})

t.test('from an untrusted address X-Forwarded-For is ignored', async (t) => {
  const a = await app(['127.0.0.2'])
  t.same(await from(a, '192.0.2.55', '127.0.0.2, 203.0.113.8'), { ip: '192.0.2.55', client: '192.0.2.55' })
  t.same(await from(a, '::ffff:192.0.2.56', '203.0.113.8'), { ip: '::ffff:192.0.2.56', client: '::ffff:192.0.2.56' })
})

t.test('an IPv4-mapped socket address of a trusted IPv4 proxy is that proxy', async (t) => {
  const a = await app(['127.0.0.2'])
  t.same(await from(a, '::ffff:127.0.0.2', '198.51.100.4'), { ip: '198.51.100.4', client: '198.51.100.4' })
})
