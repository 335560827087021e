// Users and Offers as real HTTPS processes on the run's CA: offers in the user, 503 within the budget, recovery,
// TLS refusals.
import { once } from 'node:events'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import {
  createTestDatabase, foreignCa, httpsRequest, makeTestKeys, startServiceProcess, testTls, writeKeyFiles,
  type ServiceProcess
} from '@app/testing'
import { buildTestApp } from './helpers/app.ts'
import { expectStatus, httpsSession } from './helpers/https-session.ts'
import { register, session } from './helpers/users.ts'

const BUDGET_MS = 1000
const db = await createTestDatabase(t)
const keys = makeTestKeys()
const files = await writeKeyFiles(keys)
const { ca } = testTls('users')

const startOffers = (port = 0) => startServiceProcess(t, 'offers', {
  DATABASE_URL: db.offersUrl,
  JWT_PUBLIC_KEYS_FILE: files.jwksFile,
  PORT: String(port)
})
let offers: ServiceProcess = await startOffers()
const users = await startServiceProcess(t, 'users', {
  DATABASE_URL: db.usersUrl,
  JWT_PRIVATE_KEY_FILE: files.privateKeyFile,
  JWT_PUBLIC_KEYS_FILE: files.jwksFile,
  OFFERS_URL: offers.url,
  OFFERS_TIMEOUT_MS: String(BUDGET_MS)
})

const call = (base: string, path: string, opts: Parameters<typeof httpsRequest>[1] = {}) =>
  httpsRequest(`${base}${path}`, { ca, ...opts })
const secrets: string[] = []

/** A user registered and logged in over HTTPS, with two offers made through the Offers service. */
async function userWithOffers () {
  const username = `x_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`
  const password = 'cross service password'
  const { id, tokens, auth } = await httpsSession(users.url, ca, username, password)
  secrets.push(password, tokens.access_token, tokens.refresh_token)
  for (const title of ['first', 'second']) {
    expectStatus(201, await call(offers.url, '/offer/create/', {
      headers: auth,
      json: { user_id: id, title, text: `${title} offer` }
    }))
  }
  return { id, auth }
}

const me = await userWithOffers()

t.test('the user comes with their offers from Offers, newest first; the request id travels', async (t) => {
  const res = await call(users.url, `/user/${me.id}/`, { headers: { ...me.auth, 'x-request-id': 'cross-trace-1' } })
  t.equal(res.status, 200)
  const body = res.body as { id: number, email?: string, offers: Array<{ title: string, user_id: number }> }
  t.equal(body.id, me.id)
  t.ok(body.email, 'oneself: email included')
  t.same(body.offers.map((o) => o.title), ['second', 'first'])
  t.equal(res.headers['x-request-id'], 'cross-trace-1')
  t.ok(await offers.waitForOutput(/"reqId":"cross-trace-1"/), 'Offers logged the same request id')
  t.ok(await users.waitForOutput(/"reqId":"cross-trace-1"/), 'Users logged it too')
})

t.test('Offers stopped: 503 problem+json within the budget; ' +
  'Offers back on its port: 200 without restarting Users', async (t) => {
  const port = offers.port
  await offers.stop()
  const started = Date.now()
  const res = await call(users.url, `/user/${me.id}/`, { headers: me.auth })
  const elapsed = Date.now() - started
  t.equal(res.status, 503)
  t.match(res.body, { status: 503, code: 'OFFERS_UNAVAILABLE' })
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.ok(elapsed < BUDGET_MS + 500, `answered in ${elapsed} ms`)
  offers = await startOffers(port)
  const back = await call(users.url, `/user/${me.id}/`, { headers: me.auth })
  t.equal(back.status, 200)
  t.equal((back.body as { offers: unknown[] }).offers.length, 2)
})

t.test('an Offers that accepts and never answers: 503 within the budget', async (t) => {
  const tls = testTls('offers')
  const silent = createServer({ key: tls.key, cert: tls.cert }, () => { /* never answers */ })
  silent.listen(0, '127.0.0.1')
  await once(silent, 'listening')
  t.teardown(() => { silent.closeAllConnections(); silent.close() })
  const url = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`
  const { app } = await buildTestApp(t, { db, keys, env: { OFFERS_URL: url, OFFERS_TIMEOUT_MS: '300' } })
  const { user, auth } = await session(app)
  const started = Date.now()
  const res = await app.inject({ method: 'GET', url: `/user/${user.id}/`, headers: auth })
  t.equal(res.statusCode, 503)
  t.ok(Date.now() - started < 800, `answered in ${Date.now() - started} ms`)
})

t.test('the Users → Offers hop trusting another CA is refused: 503', async (t) => {
  const { app } = await buildTestApp(t, {
    db,
    keys,
    env: { OFFERS_URL: offers.url },
    config: { offersCa: await foreignCa() }
  })
  const other = await register(app)
  const { auth } = await session(app)
  const res = await app.inject({ method: 'GET', url: `/user/${other.id}/`, headers: auth })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { code: 'OFFERS_UNAVAILABLE' })
})

t.test('a client trusting another CA refuses the Users server', async (t) => {
  await t.rejects(
    httpsRequest(`${users.url}/health`, { ca: await foreignCa() }),
    { code: /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/ }
  )
})

t.test('the logs carry no password and no token', async (t) => {
  const logs = users.output() + offers.output()
  t.ok(logs.length > 0)
  for (const secret of secrets) t.notOk(logs.includes(secret), 'a secret was logged')
  t.notMatch(logs, /authorization":"Bearer/i)
})
