// Security findings, each kept closed by a test named after it: router errors as problem+json, security headers,
// TLS 1.2 with ECDHE + AEAD only, and access tokens refused when issued in the future or older than their lifetime.
import { connect, type ConnectionOptions } from 'node:tls'
import t from 'tap'
import { claims, httpsRequest, signToken, testTls } from '@app/testing'
import { listen, offersHarness } from './helpers.ts'

const tls = testTls('offers')
const h = await offersHarness(t, { tls: { key: tls.key, cert: tls.cert } })
const base = await listen(h.app)
const problemJson = 'application/problem+json; charset=utf-8'

t.test('router-level errors are problem+json with our own code (a bad URL encoding)', async (t) => {
  const badUrl = await h.app.inject({ method: 'GET', url: '/offer/%/' })
  t.equal(badUrl.statusCode, 400)
  t.equal(badUrl.headers['content-type'], problemJson)
  t.match(badUrl.json(), { status: 400, code: 'BAD_URL' })
})

t.test('headers: HSTS and nosniff on every answer, and a CSP that lets nothing load from a JSON answer', async (t) => {
  for (const url of ['/health', '/offer/', '/nowhere']) {
    const body = url === '/offer/' ? { json: { offer_id: 1 } } : {}
    const res = await httpsRequest(`${base}${url}`, { ca: tls.ca, ...body })
    t.match(res.headers['strict-transport-security'], /max-age=31536000/, `${url}: HSTS`)
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${url}: nosniff`)
  }
  const docs = await httpsRequest(`${base}/docs/static/index.html`, { ca: tls.ca })
  t.match(docs.headers['content-security-policy'], /script-src/, 'the docs page has a policy of its own')
})

/** Resolves with the negotiated cipher, or the error that refused the handshake. */
function handshake (options: ConnectionOptions): Promise<string | Error> {
  const { port } = new URL(base)
  return new Promise((resolve) => {
    const target = { host: '127.0.0.1', port: Number(port), ca: tls.ca, servername: 'localhost' }
    const socket = connect({ ...target, ...options }, () => {
      resolve(socket.getCipher().name)
      socket.end()
    })
    socket.on('error', resolve)
  })
}

t.test('TLS 1.2 offers only ECDHE with AEAD ciphers: a CBC-only client is refused', async (t) => {
  const cbcOnly = 'ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:AES128-SHA'
  const cbc = await handshake({ maxVersion: 'TLSv1.2', ciphers: cbcOnly })
  t.type(cbc, Error, 'CBC suites: no handshake')
  const aead = await handshake({ maxVersion: 'TLSv1.2' })
  t.match(aead, /^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/, 'TLS 1.2 negotiates ECDHE + AEAD')
  t.type(await handshake({ minVersion: 'TLSv1.3' }), 'string', 'TLS 1.3 as is')
  t.type(await handshake({ maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }), Error, 'nothing older than 1.2')
})

t.test('access tokens issued in the future, or older than their lifetime, are refused', async (t) => {
  const userId = await h.createUser()
  const now = Math.floor(Date.now() / 1000)
  const create = (token: string) => h.app.inject({
    method: 'POST',
    url: '/offer/create/',
    headers: { authorization: `Bearer ${token}` },
    payload: { user_id: userId, title: 'Bike', text: 'Red' }
  })
  const sign = (iat: number, exp: number) => signToken(h.keys, claims({ userId, extra: { iat, exp } }))
  t.equal((await create(sign(now + 600, now + 1500))).statusCode, 401, 'iat ten minutes ahead')
  t.equal((await create(sign(now - 3600, now + 600))).statusCode, 401, 'an hour old, though exp is still ahead')
  t.equal((await create(sign(now + 5, now + 905))).statusCode, 201, 'a few seconds of clock skew is fine')
})
