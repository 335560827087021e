// The Offers app over real HTTPS: verified with the run's CA, refused with another CA or none; /ready follows the
// database.
import t from 'tap'
import { foreignCa, httpsRequest, makeTestKeys, testTls } from '@app/testing'
import { buildTestApp, closedPort, listen, offersConfig, offersHarness } from './helpers.ts'

const tls = testTls('offers')
const h = await offersHarness(t, { tls: { key: tls.key, cert: tls.cert } })
const base = await listen(h.app)
const tlsRefusal = /CERT|SIGNATURE|ISSUER|SELF_SIGNED/

t.test('/health and /ready answer over HTTPS, verified with the run\'s CA', async (t) => {
  const health = await httpsRequest(`${base}/health`, { ca: tls.ca })
  t.equal(health.status, 200)
  t.same(health.body, { status: 'ok' })
  t.match(health.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  const ready = await httpsRequest(`${base}/ready`, { ca: tls.ca, headers: { 'x-request-id': 'probe-1' } })
  t.equal(ready.status, 200)
  t.same(ready.body, { status: 'ready' })
  t.equal(ready.headers['x-request-id'], 'probe-1')
  const byName = await httpsRequest(`${base.replace('127.0.0.1', 'localhost')}/health`, { ca: tls.ca })
  t.equal(byName.status, 200, 'the certificate also names localhost')
})

t.test('a client trusting another CA, or only the system roots, refuses the connection', async (t) => {
  const other = await foreignCa()
  const foreign = await httpsRequest(`${base}/health`, { ca: other })
    .then(() => undefined, (err: { code?: string }) => err)
  t.match(foreign?.code, tlsRefusal, 'another CA')
  const none = await httpsRequest(`${base}/health`).then(() => undefined, (err: { code?: string }) => err)
  t.match(none?.code, tlsRefusal, 'no CA')
})

t.test('plain HTTP is not answered as HTTP', async (t) => {
  const plain = await fetch(base.replace('https:', 'http:') + '/health').then((r) => r.status, (err: Error) => err)
  t.type(plain, Error)
})

t.test('the offer routes over HTTPS', async (t) => {
  const userId = await h.createUser()
  const created = await httpsRequest(`${base}/offer/create/`, {
    ca: tls.ca,
    headers: { authorization: `Bearer ${h.token(userId)}` },
    json: { user_id: userId, title: 'Bike', text: 'Red' }
  })
  t.equal(created.status, 201)
  const list = await httpsRequest(`${base}/offer/`, { ca: tls.ca, json: { user_id: userId } })
  t.equal(list.status, 200)
  t.same(list.body, [created.body])
  const refused = await httpsRequest(`${base}/offer/create/`, {
    ca: tls.ca,
    json: { user_id: userId, title: 'Bike', text: 'Red' }
  })
  t.equal(refused.status, 401)
  t.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8')
})

t.test('/ready → 503 problem when the database does not answer; /health stays 200', async (t) => {
  const url = `postgres://offers_svc:wrong@127.0.0.1:${await closedPort()}/nowhere`
  const { app, failures } = await buildTestApp(
    t, offersConfig(url, makeTestKeys(), { tls: { key: tls.key, cert: tls.cert } })
  )
  const down = await listen(app)
  const ready = await httpsRequest(`${down}/ready`, { ca: tls.ca })
  t.equal(ready.status, 503)
  t.equal(ready.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(ready.body, { status: 503, code: 'DATABASE_UNAVAILABLE' })
  t.notMatch(JSON.stringify(ready.body), /ECONNREFUSED|127\.0\.0\.1|wrong/, 'nothing internal leaks')
  t.equal((await httpsRequest(`${down}/health`, { ca: tls.ca })).status, 200)
  t.same(failures, [])
})

t.test('every response matched the schema its route declares', async (t) => {
  t.same(h.failures, [])
})
