// A database outage answers 503 DATABASE_UNAVAILABLE, not 500: Users and Offers as real processes on a PostgreSQL
// of this file's own, stopped (fast shutdown) and killed (SIGKILL) under them, then started again.
import t from 'tap'
import pg from 'pg'
import {
  createTestDatabase, httpsRequest, makeTestKeys, startPrivatePostgres, startServiceProcess, testTls, writeKeyFiles,
  type HttpsOptions, type ServiceProcess
} from '@app/testing'
import { buildTestApp } from './helpers/app.ts'
import { session, uniqueName } from './helpers/users.ts'

const keys = makeTestKeys()
const files = await writeKeyFiles(keys)
const { ca } = testTls('users')
const database = await startPrivatePostgres(t)
const offers = await startServiceProcess(t, 'offers', {
  DATABASE_URL: database.offersUrl,
  JWT_PUBLIC_KEYS_FILE: files.jwksFile
})
const users = await startServiceProcess(t, 'users', {
  DATABASE_URL: database.usersUrl,
  JWT_PRIVATE_KEY_FILE: files.privateKeyFile,
  JWT_PUBLIC_KEYS_FILE: files.jwksFile,
  OFFERS_URL: offers.url,
  REGISTER_MAX_PER_IP_PER_HOUR: '1000'
})

const call = (service: ServiceProcess, path: string, opts: HttpsOptions = {}) =>
  httpsRequest(`${service.url}${path}`, { ca, ...opts })

/** Setup steps run before any test, so they throw rather than assert. */
async function expect (status: number, answer: ReturnType<typeof call>) {
  const res = await answer
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body as Record<string, unknown>
}

const password = 'outage test password'
const newUser = () => {
  const username = uniqueName('o')
  return { username, password, email: `${username}@example.com` }
}
const alice = newUser()
const aliceId = (await expect(201, call(users, '/user/registry/', { json: alice }))).id as number
const login = () => expect(200, call(users, '/user/auth/', { json: { username: alice.username, password } }))
let tokens = await login()
const auth = () => ({ authorization: `Bearer ${String(tokens.access_token)}` })
const offer = (title: string) => ({ user_id: aliceId, title, text: `${title} offer` })
await expect(201, call(offers, '/offer/create/', { headers: auth(), json: offer('before') }))

/** Every data route of both services, as a client would call it. */
const dataRoutes = (): Array<[string, () => ReturnType<typeof call>]> => [
  ['users POST /user/registry/', () => call(users, '/user/registry/', { json: newUser() })],
  ['users POST /user/auth/', () => call(users, '/user/auth/', { json: { username: alice.username, password } })],
  ['users POST /user/auth/refresh/', () => call(users, '/user/auth/refresh/', {
    json: { refresh_token: tokens.refresh_token }
  })],
  ['users GET /user/{id}/', () => call(users, `/user/${aliceId}/`, { headers: auth() })],
  ['users PATCH /user/{id}/', () => call(users, `/user/${aliceId}/`, {
    method: 'PATCH', headers: auth(), json: { email: `${uniqueName('e')}@example.com` }
  })],
  ['users GET /users/', () => call(users, '/users/', { headers: auth() })],
  ['users GET /ready', () => call(users, '/ready')],
  ['offers POST /offer/create/', () => call(offers, '/offer/create/', { headers: auth(), json: offer('during') })],
  ['offers POST /offer/', () => call(offers, '/offer/', { json: { user_id: aliceId } })],
  ['offers GET /ready', () => call(offers, '/ready')]
]

/** How many times a service's log says `msg`. */
const count = (service: ServiceProcess, msg: string) =>
  service.output().split('\n').filter((line) => line.includes(`"msg":"${msg}"`)).length

/** The service's own log lines at error level (500s say "request failed" there). */
const errorLines = (service: ServiceProcess) => service.output().split('\n').filter((l) => l.includes('"level":50'))

/** A superuser session on the private database, for what the API cannot show. */
async function admin (t: { teardown: (fn: () => unknown) => void }) {
  const client = new pg.Client({ connectionString: database.adminUrl })
  client.on('error', () => {}) // the kill below ends it too
  await client.connect()
  t.teardown(() => client.end().catch(() => {}))
  return client
}

async function waitFor (what: string, check: () => Promise<boolean> | boolean, ms = 10_000) {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`waited ${ms} ms for ${what}`)
}

t.test('database outage: PostgreSQL stopped (fast shutdown) → every data route of both services answers 503 ' +
  'DATABASE_UNAVAILABLE with Retry-After, never 500; one outage line per service, not one per request; ' +
  '200/201 again once it is back, without restarting the services', async (t) => {
  const before = { users: count(users, 'database unavailable'), offers: count(offers, 'database unavailable') }
  await database.stop()
  for (let round = 1; round <= 3; round++) {
    for (const [route, send] of dataRoutes()) {
      const res = await send()
      t.equal(res.status, 503, `${route}, round ${round}`)
      t.match(res.body, { status: 503, code: 'DATABASE_UNAVAILABLE' }, route)
      t.equal(res.headers['retry-after'], '2', `${route}: Retry-After`)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
    }
  }
  for (const service of [users, offers]) t.same(errorLines(service), [], 'no error-level line: nothing was a 500')
  t.equal(count(users, 'database unavailable') - before.users, 1, 'Users: one outage line for 30 requests')
  t.equal(count(offers, 'database unavailable') - before.offers, 1, 'Offers: one outage line for 12 requests')

  const started = Date.now()
  await database.start()
  t.comment(`PostgreSQL started again in ${Date.now() - started} ms`)
  await expect(201, call(offers, '/offer/create/', { headers: auth(), json: offer('after stop') }))
  await expect(201, call(users, '/user/registry/', { json: newUser() }))
  tokens = await login()
  const me = await expect(200, call(users, `/user/${aliceId}/`, { headers: auth() }))
  t.same((me.offers as Array<{ title: string }>).map((o) => o.title), ['after stop', 'before'],
    'Users reads its database and Offers its own again')
  t.ok(await users.waitForOutput(/"msg":"database answers again"/), 'Users says the outage ended')
  t.ok(await offers.waitForOutput(/"msg":"database answers again"/), 'Offers says the outage ended')

  // the pool opens its warm minimum (DB_POOL_MIN, 2) again, so the next burst need not open connections
  const session = await admin(t)
  const open = async () => (await session.query<{ n: number }>(
    "select count(*)::int as n from pg_stat_activity where usename = 'users_svc'")).rows[0]!.n
  await waitFor('the warm minimum', async () => await open() >= 2)
  t.ok(await open() >= 2, 'Users holds its warm minimum again')
})

t.test('database outage: PostgreSQL killed (SIGKILL) while writes wait mid-transaction → 503, and the writes whose ' +
  'transactions failed left no row behind', async (t) => {
  const before = { users: count(users, 'database unavailable'), offers: count(offers, 'database unavailable') }
  const lock = await admin(t)
  const rows = async () => {
    const db = await admin(t)
    const { rows: [n] } = await db.query<{ offers: number, tokens: number }>(`
      select (select count(*) from offers.offers where user_id = $1)::int as offers,
             (select count(*) from users.refresh_tokens where user_id = $1)::int as tokens`, [aliceId])
    await db.end()
    return n!
  }
  const was = await rows()
  // Both writes need a key-share lock on alice's row (their foreign keys), which this session holds against them:
  // the refresh has already marked its token used when it waits to insert the new one.
  await lock.query('begin')
  await lock.query('select id from users.users where id = $1 for update', [aliceId])
  const refresh = call(users, '/user/auth/refresh/', { json: { refresh_token: tokens.refresh_token } })
  const create = call(offers, '/offer/create/', { headers: auth(), json: offer('killed') })
  await waitFor('both writes to wait on the lock', async () => (await lock.query<{ n: number }>(
    "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock'")).rows[0]!.n === 2)
  await database.kill()
  for (const [route, res] of [['users refresh', await refresh], ['offers create', await create]] as const) {
    t.equal(res.status, 503, route)
    t.match(res.body, { code: 'DATABASE_UNAVAILABLE' }, route)
    t.equal(res.headers['retry-after'], '2', route)
  }
  const started = Date.now()
  await database.start()
  t.comment(`PostgreSQL recovered from the kill and started in ${Date.now() - started} ms`)
  t.same(await rows(), was, 'no offer and no refresh token from the failed writes')
  await expect(200, call(users, '/user/auth/refresh/', { json: { refresh_token: tokens.refresh_token } }))
  t.pass('the refresh token the failed transaction had marked used is still unused')
  await expect(201, call(offers, '/offer/create/', { headers: auth(), json: offer('after kill') }))
  t.equal(count(users, 'database unavailable') - before.users, 1, 'Users: one outage line')
  t.equal(count(offers, 'database unavailable') - before.offers, 1, 'Offers: one outage line')
  t.same(errorLines(users), [], 'Users: no error-level line, and still the same process')
  t.same(errorLines(offers), [], 'Offers: no error-level line, and still the same process')
})

t.test('Offers without its database answers 503 DATABASE_UNAVAILABLE; Users, over a healthy database, turns that ' +
  'into 503 OFFERS_UNAVAILABLE with Retry-After, never a user with an empty list', async (t) => {
  const { app } = await buildTestApp(t, { db: await createTestDatabase(t), keys, env: { OFFERS_URL: offers.url } })
  const { user, auth } = await session(app)
  t.equal((await app.inject({ method: 'GET', url: `/user/${user.id}/`, headers: auth })).statusCode, 200)
  await database.stop()
  const res = await app.inject({ method: 'GET', url: `/user/${user.id}/`, headers: auth })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { code: 'OFFERS_UNAVAILABLE' })
  t.equal(res.headers['retry-after'], '2')
  await database.start()
  t.equal((await app.inject({ method: 'GET', url: `/user/${user.id}/`, headers: auth })).statusCode, 200)
})
