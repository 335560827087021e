// Safe retries on POST /offer/create/ over real HTTPS: replay, a reused key, a key in flight, a connection killed
// before the answer, abandoned locks, scopes, and the sweep of expired keys.
import { setTimeout as sleep } from 'node:timers/promises'
import { sql, type ControlledTransaction, type Kysely } from 'kysely'
import t from 'tap'
import { ConfigError, createDb } from '@app/service-kit'
import { httpsRequest, rawRequest, rawTls, testTls, type HttpsResponse } from '@app/testing'
import { loadOffersSettings } from '../src/config.ts'
import type { DB } from '../src/db/types.ts'
import { buildTestApp, listen, offersConfig, offersHarness } from './helpers.ts'

const tls = testTls('offers')
const h = await offersHarness(t, { tls: { key: tls.key, cert: tls.cert }, IDEMPOTENCY_SWEEP_BATCH_SIZE: 10 })
const base = await listen(h.app)
const admin: Kysely<DB> = createDb<DB>({ url: h.db.adminUrl, max: 3 })
t.teardown(() => admin.destroy())

let keys = 0
const newKey = () => `key-${process.pid}-${++keys}`

function create (userId: number, key: string | undefined, body: object = {}): Promise<HttpsResponse> {
  return httpsRequest(`${base}/offer/create/`, {
    ca: tls.ca,
    headers: { authorization: `Bearer ${h.token(userId)}`, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    json: { user_id: userId, title: 'Bike', text: 'Red, barely used', ...body }
  })
}

const offersOf = async (userId: number) => (await admin.selectFrom('offers.offers').select('id')
  .where('user_id', '=', userId).execute()).length

const keyRow = (key: string) => admin.selectFrom('offers.idempotency_keys')
  .select(['scope', 'status', 'locked_at', 'response_status', 'response_body'])
  .where('key', '=', key).execute()

/** Holds the user's row, so that an offer insert (its foreign key check) waits until released. */
async function holdUser (userId: number): Promise<ControlledTransaction<DB>> {
  const trx = await admin.startTransaction().execute()
  await sql`select 1 from users.users where id = ${userId} for update`.execute(trx)
  return trx
}

/** Waits (bounded) until the key is reserved in flight: the request has reached its handler. */
async function inFlight (key: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await keyRow(key))[0]?.status === 'in_flight') return
    await sleep(25)
  }
  throw new Error(`key ${key} never went in flight`)
}

t.test('the same key and body replays the first answer: same status and body, Idempotent-Replayed', async (t) => {
  const userId = await h.createUser()
  const key = newKey()
  const first = await create(userId, key)
  t.equal(first.status, 201)
  t.equal(first.headers['idempotent-replayed'], undefined, 'the first answer is no replay')
  const again = await create(userId, key)
  t.equal(again.status, 201)
  t.same(again.body, first.body)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.match(again.headers['content-type'], /^application\/json/)
  t.equal(await offersOf(userId), 1, 'one offer')
  // keys in a different order are the same body
  const reordered = await httpsRequest(`${base}/offer/create/`, {
    ca: tls.ca,
    headers: { authorization: `Bearer ${h.token(userId)}`, 'idempotency-key': key },
    json: { text: 'Red, barely used', title: 'Bike', user_id: userId }
  })
  t.equal(reordered.status, 201)
  t.same(reordered.body, first.body)
  const [row] = await keyRow(key)
  t.equal(row?.status, 'done')
  t.equal(row?.scope, `user:${userId}`)
  t.equal(row?.response_status, 201)
})

t.test('without the header nothing changes: two requests, two offers', async (t) => {
  const userId = await h.createUser()
  t.equal((await create(userId, undefined)).status, 201)
  t.equal((await create(userId, undefined)).status, 201)
  t.equal(await offersOf(userId), 2)
})

t.test('the same key with a different body is 422 IDEMPOTENCY_KEY_REUSED', async (t) => {
  const userId = await h.createUser()
  const key = newKey()
  t.equal((await create(userId, key)).status, 201)
  const other = await create(userId, key, { title: 'Car' })
  t.equal(other.status, 422)
  t.match(other.headers['content-type'], /^application\/problem\+json/)
  t.match(other.body, { status: 422, code: 'IDEMPOTENCY_KEY_REUSED' })
  t.equal(await offersOf(userId), 1)
})

t.test('keys are scoped to the token\'s user: two users, one key, two offers', async (t) => {
  const [a, b] = [await h.createUser(), await h.createUser()]
  const key = newKey()
  const first = await create(a, key)
  const second = await create(b, key)
  t.equal(first.status, 201)
  t.equal(second.status, 201)
  t.equal(second.headers['idempotent-replayed'], undefined)
  t.not((first.body as { id: number }).id, (second.body as { id: number }).id)
})

t.test('a bad key is 400 IDEMPOTENCY_KEY_INVALID, and nothing is written', async (t) => {
  const userId = await h.createUser()
  const long = await create(userId, 'k'.repeat(256))
  t.equal(long.status, 400)
  t.match(long.body, { code: 'IDEMPOTENCY_KEY_INVALID' })
  t.equal((await create(userId, 'k'.repeat(255))).status, 201, '255 characters is fine')
  const body = JSON.stringify({ user_id: userId, title: 'Bike', text: 'Red' })
  const raw = await rawRequest(base, tls.ca, Buffer.concat([
    Buffer.from(`POST /offer/create/ HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${h.token(userId)}\r\n` +
      'Idempotency-Key: caf'),
    Buffer.from([0xe9]),
    Buffer.from(`\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n` +
      body)
  ]))
  t.equal(raw.status, 400, 'a byte outside printable ASCII')
  t.match(raw.body, { code: 'IDEMPOTENCY_KEY_INVALID' })
  t.equal(await offersOf(userId), 1)
})

t.test('a 4xx answer is stored and replayed too (as Stripe does)', async (t) => {
  const userId = await h.createUser()
  const key = newKey()
  const body = { user_id: userId + 1_000_000 }
  const first = await create(userId, key, body)
  t.equal(first.status, 403)
  const again = await create(userId, key, body)
  t.equal(again.status, 403)
  t.same(again.body, first.body)
  t.equal(again.headers['idempotent-replayed'], 'true')
})

t.test('while the first request runs, the same key is 409; then one 201 and exactly one offer', async (t) => {
  const userId = await h.createUser()
  const key = newKey()
  const held = await holdUser(userId)
  const first = create(userId, key)
  await inFlight(key)
  const second = await create(userId, key)
  t.equal(second.status, 409)
  t.match(second.body, { code: 'IDEMPOTENCY_KEY_IN_USE' })
  t.equal(second.headers['retry-after'], '1')
  await held.rollback().execute()
  t.equal((await first).status, 201)
  const third = await create(userId, key)
  t.equal(third.status, 201)
  t.equal(third.headers['idempotent-replayed'], 'true')
  t.same(third.body, (await first).body)
  t.equal(await offersOf(userId), 1)
})

t.test('the connection is killed before the answer arrives; a retry with the same key finds exactly one offer',
  async (t) => {
    const userId = await h.createUser()
    const key = newKey()
    const held = await holdUser(userId)
    const body = JSON.stringify({ user_id: userId, title: 'Lost answer', text: 'Was it created?' })
    const { socket, received } = await rawTls(base, tls.ca)
    socket.write(`POST /offer/create/ HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${h.token(userId)}\r\n` +
      `Idempotency-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
    await inFlight(key)
    socket.destroy()
    t.equal((await received).length, 0, 'no answer reached the client')
    // the retry comes while the first is still running...
    t.equal((await create(userId, key, { title: 'Lost answer', text: 'Was it created?' })).status, 409)
    await held.rollback().execute()
    // ...and again until the first is done
    let retry: HttpsResponse | undefined
    for (let i = 0; i < 100 && (retry === undefined || retry.status === 409); i++) {
      if (retry) await sleep(50)
      retry = await create(userId, key, { title: 'Lost answer', text: 'Was it created?' })
    }
    t.equal(retry?.status, 201)
    t.equal(retry?.headers['idempotent-replayed'], 'true', 'the answer the killed connection never got')
    const rows = await admin.selectFrom('offers.offers').select(['id', 'title']).where('user_id', '=', userId).execute()
    t.equal(rows.length, 1, 'exactly one offer')
    t.equal(rows[0]?.id, (retry?.body as { id: number }).id)
  })

t.test('a request that fails with 5xx releases its key: the retry runs again', async (t) => {
  const userId = await h.createUser()
  const key = newKey()
  const held = await holdUser(userId)
  const first = create(userId, key)
  await inFlight(key)
  // the request's own connection is ended while it waits: 503 DATABASE_UNAVAILABLE
  await sql`select pg_terminate_backend(pid) from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`.execute(admin)
  const failed = await first
  t.equal(failed.status, 503)
  t.match(failed.body, { code: 'DATABASE_UNAVAILABLE' })
  await held.rollback().execute()
  t.same(await keyRow(key), [], 'released')
  const retry = await create(userId, key)
  t.equal(retry.status, 201)
  t.equal(retry.headers['idempotent-replayed'], undefined, 'run again, not replayed')
  t.equal(await offersOf(userId), 1)
})

t.test('a lock older than IDEMPOTENCY_LOCK_TIMEOUT_MS is abandoned: a retry takes it over, and the old request ' +
  'rolls its work back', async (t) => {
  const userId = await h.createUser()
  const key = newKey()
  const held = await holdUser(userId)
  const first = create(userId, key)
  await inFlight(key)
  // as if the process holding it had died a minute ago
  await admin.updateTable('offers.idempotency_keys').set({ locked_at: sql`now() - interval '61 seconds'` })
    .where('key', '=', key).execute()
  const second = create(userId, key)
  for (let i = 0; i < 200; i++) {
    const [row] = await keyRow(key)
    if (row?.locked_at && row.locked_at.getTime() > Date.now() - 30_000) break
    await sleep(25)
  }
  await held.rollback().execute()
  const [a, b] = [await first, await second]
  t.equal(a.status, 409, 'the old owner lost its key: its offer is rolled back')
  t.equal(b.status, 201)
  t.equal(await offersOf(userId), 1)
})

t.test('an expired key is free again; the sweep removes expired rows in batches', async (t) => {
  const userId = await h.createUser()
  const key = newKey()
  t.equal((await create(userId, key)).status, 201)
  await admin.updateTable('offers.idempotency_keys').set({ expires_at: sql`now() - interval '1 second'` })
    .where('key', '=', key).execute()
  const fresh = await create(userId, key, { title: 'Another body' })
  t.equal(fresh.status, 201, 'after 24 hours the key starts anew, whatever the body')
  t.equal(fresh.headers['idempotent-replayed'], undefined)

  await h.app.idempotency.sweep()
  const before = await admin.selectFrom('offers.idempotency_keys').select('id').execute()
  await admin.insertInto('offers.idempotency_keys').values(Array.from({ length: 25 }, (_, i) => ({
    scope: 'user:1',
    key: `old-${i}`,
    fingerprint: Buffer.alloc(32),
    status: 'done' as const,
    response_status: 201,
    response_type: 'application/json',
    response_body: '{}',
    expires_at: sql<Date>`now() - interval '1 hour'`
  }))).execute()
  t.same(await h.app.idempotency.sweep(), { deleted: 25, batches: 3 }, 'batches of IDEMPOTENCY_SWEEP_BATCH_SIZE')
  const after = await admin.selectFrom('offers.idempotency_keys').select('id').execute()
  t.same(after, before, 'live keys stay')
})

t.test('the sweeper runs every IDEMPOTENCY_SWEEP_INTERVAL_MS', async (t) => {
  const { app } = await buildTestApp(t, offersConfig(h.db.offersUrl, h.keys, { IDEMPOTENCY_SWEEP_INTERVAL_MS: 100 }))
  await app.ready()
  await admin.insertInto('offers.idempotency_keys').values({
    scope: 'user:1',
    key: 'swept-by-timer',
    fingerprint: Buffer.alloc(32),
    status: 'in_flight',
    expires_at: sql<Date>`now() - interval '1 hour'`
  }).execute()
  for (let i = 0; i < 100 && (await keyRow('swept-by-timer')).length; i++) await sleep(50)
  t.same(await keyRow('swept-by-timer'), [])
})

t.test('a bad idempotency setting stops the boot and names the variable', async (t) => {
  const bad: Array<[string, string]> = [
    ['IDEMPOTENCY_SWEEP_BATCH_SIZE', '0'],
    ['IDEMPOTENCY_LOCK_TIMEOUT_MS', 'soon'],
    ['IDEMPOTENCY_SWEEP_INTERVAL_MS', '-1']
  ]
  for (const [name, value] of bad) {
    const err = ((): unknown => {
      try {
        loadOffersSettings({ APP_SETTINGS: 'testing', DATABASE_URL: h.db.offersUrl, [name]: value })
      } catch (err) { return err }
    })()
    t.type(err, ConfigError, name)
    t.match((err as Error).message, name)
  }
})

t.test('the OpenAPI document shows the header on POST /offer/create/', async (t) => {
  const doc = (await h.app.inject('/docs/json')).json()
  const parameters = doc.paths['/offer/create/'].post.parameters as Array<{ name: string, in: string }>
  t.ok(parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key'))
  t.ok(doc.paths['/offer/create/'].post.responses['409'])
  t.ok(doc.paths['/offer/create/'].post.responses['422'])
})

t.test('every response matched its schema', async (t) => {
  t.same(h.failures, [])
})
