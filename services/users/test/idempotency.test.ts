// Safe retries on POST /user/registry/ over real HTTPS: replay, a reused key, a key in flight, keys scoped to the
// client address, and no secret kept in users.idempotency_keys.
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import t from 'tap'
import { httpsRequest, rawRequest, rawTls, testTls, type HttpsResponse } from '@app/testing'
import { setup, superuserDb } from './helpers/app.ts'
import { uniqueName } from './helpers/users.ts'

const tls = testTls('users')
// loopback is a trusted proxy here, so that X-Forwarded-For stands for different clients
const { app, db } = await setup(t, {
  env: { TRUST_PROXY: 'loopback' },
  config: { tls: { key: tls.key, cert: tls.cert } }
})
await app.listen({ host: '127.0.0.1', port: 0 })
const base = `https://127.0.0.1:${(app.server.address() as { port: number }).port}`
const admin = superuserDb(t, db)

let keys = 0
const newKey = () => `reg-${process.pid}-${++keys}`

interface Body { username: string, email: string, password: string }
const bodyFor = (username = uniqueName()): Body =>
  ({ username, email: `${username}@example.com`, password: 'correct horse battery' })

function registerWith (key: string | undefined, body: Body, client = '198.51.100.7'): Promise<HttpsResponse> {
  return httpsRequest(`${base}/user/registry/`, {
    ca: tls.ca,
    headers: { 'x-forwarded-for': client, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    json: body
  })
}

const usersNamed = async (username: string) => (await admin.selectFrom('users.users').select('id')
  .where('username', '=', username).execute()).length

/** An uncommitted row with the same name: the registration's insert waits on the unique index until it ends. */
async function holdUsername (body: Body) {
  const held = await admin.startTransaction().execute()
  await sql`insert into users.users (username, email, password_hash)
    values (${body.username}, ${`held.${body.email}`}, 'not-a-hash')`.execute(held)
  return held
}

/** Waits (bounded) until the key is reserved in flight: the request has reached its handler. */
async function inFlight (key: string): Promise<void> {
  for (let i = 0; i < 200 && (await keyRows(key))[0]?.status !== 'in_flight'; i++) await sleep(25)
}

const keyRows = (key: string) => admin.selectFrom('users.idempotency_keys')
  .select(['scope', 'status', 'fingerprint', 'response_status', 'response_body'])
  .where('key', '=', key).execute()

t.test('the same key and body replays the first answer; one account', async (t) => {
  const key = newKey()
  const body = bodyFor()
  const first = await registerWith(key, body)
  t.equal(first.status, 201)
  const again = await registerWith(key, body)
  t.equal(again.status, 201)
  t.same(again.body, first.body)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(await usersNamed(body.username), 1)
})

t.test('without the header nothing changes: the second registration is 409 USERNAME_TAKEN', async (t) => {
  const body = bodyFor()
  t.equal((await registerWith(undefined, body)).status, 201)
  const second = await registerWith(undefined, body)
  t.equal(second.status, 409)
  t.match(second.body, { code: 'USERNAME_TAKEN' })
})

t.test('the same key with another body (even only another password) is 422 IDEMPOTENCY_KEY_REUSED', async (t) => {
  const key = newKey()
  const body = bodyFor()
  t.equal((await registerWith(key, body)).status, 201)
  const other = await registerWith(key, { ...body, password: 'another password' })
  t.equal(other.status, 422)
  t.match(other.body, { code: 'IDEMPOTENCY_KEY_REUSED' })
})

t.test('keys are scoped to the client address', async (t) => {
  const key = newKey()
  const [a, b] = [bodyFor(), bodyFor()]
  t.equal((await registerWith(key, a, '198.51.100.21')).status, 201)
  t.equal((await registerWith(key, b, '198.51.100.22')).status, 201, 'another client, its own key')
  const sameBodyElsewhere = await registerWith(key, a, '198.51.100.23')
  t.equal(sameBodyElsewhere.status, 409, 'no replay of another client\'s answer')
  t.match(sameBodyElsewhere.body, { code: 'USERNAME_TAKEN' })
  t.same((await keyRows(key)).map((r) => r.scope).sort(),
    ['ip:198.51.100.21', 'ip:198.51.100.22', 'ip:198.51.100.23'])
})

t.test('no secret is stored: the answer holds no password, the fingerprint is a keyed hash', async (t) => {
  const key = newKey()
  const body = { ...bodyFor(), password: 'a very particular secret' }
  t.equal((await registerWith(key, body)).status, 201)
  const [row] = await keyRows(key)
  t.equal(row?.status, 'done')
  t.same(Object.keys(JSON.parse(row?.response_body ?? '{}')).sort(), ['created_at', 'email', 'id', 'username'])
  t.notMatch(JSON.stringify(row), /particular secret|password/)
  const canonical = JSON.stringify({ email: body.email, password: body.password, username: body.username })
  const plain = createHash('sha256').update(`POST /user/registry/\n${canonical}`).digest()
  t.equal(row?.fingerprint.length, 32)
  t.notOk(row?.fingerprint.equals(plain), 'not a plain SHA-256 that a password could be guessed against')
})

t.test('a bad key is 400 IDEMPOTENCY_KEY_INVALID', async (t) => {
  const res = await registerWith('x'.repeat(256), bodyFor())
  t.equal(res.status, 400)
  t.match(res.body, { code: 'IDEMPOTENCY_KEY_INVALID' })
})

t.test('two Idempotency-Key lines are 400 IDEMPOTENCY_KEY_INVALID, not one key "a, b"', async (t) => {
  const body = JSON.stringify(bodyFor())
  const res = await rawRequest(base, tls.ca, 'POST /user/registry/ HTTP/1.1\r\nHost: localhost\r\n' +
    `Idempotency-Key: ${newKey()}\r\nIdempotency-Key: ${newKey()}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  t.equal(res.status, 400)
  t.match(res.body, { code: 'IDEMPOTENCY_KEY_INVALID' })
})

t.test('a forwarded address of any length makes a bounded scope (it is in a unique index)', async (t) => {
  const key = newKey()
  const body = bodyFor()
  const address = 'x'.repeat(4000)
  const first = await registerWith(key, body, address)
  t.equal(first.status, 201, JSON.stringify(first.body))
  const again = await registerWith(key, body, address)
  t.equal(again.status, 201)
  t.equal(again.headers['idempotent-replayed'], 'true', 'the same client, the same scope')
  const [row] = await keyRows(key)
  t.match(row?.scope, /^sha256:[0-9a-f]{64}$/)
})

t.test('while the first registration runs, the same key is 409 IDEMPOTENCY_KEY_IN_USE', async (t) => {
  const key = newKey()
  const body = bodyFor()
  const held = await holdUsername(body)
  const first = registerWith(key, body)
  await inFlight(key)
  const second = await registerWith(key, body)
  t.equal(second.status, 409)
  t.match(second.body, { code: 'IDEMPOTENCY_KEY_IN_USE' })
  await held.rollback().execute()
  t.equal((await first).status, 201)
  const third = await registerWith(key, body)
  t.equal(third.status, 201)
  t.equal(third.headers['idempotent-replayed'], 'true')
  t.equal(await usersNamed(body.username), 1)
})

t.test('the connection is killed before the answer; the retry replays the stored answer, one account', async (t) => {
  const key = newKey()
  const body = bodyFor()
  const held = await holdUsername(body)
  const json = JSON.stringify(body)
  const { socket, received } = await rawTls(base, tls.ca)
  socket.write('POST /user/registry/ HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 198.51.100.7\r\n' +
    `Idempotency-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`)
  await inFlight(key)
  socket.destroy()
  t.equal((await received).length, 0, 'no answer reached the client')
  await held.rollback().execute()
  let retry: HttpsResponse | undefined
  for (let i = 0; i < 100 && (retry === undefined || retry.status === 409); i++) {
    if (retry) await sleep(50)
    retry = await registerWith(key, body)
  }
  t.equal(retry?.status, 201)
  t.equal(retry?.headers['idempotent-replayed'], 'true', 'stored although its client was gone')
  t.equal(await usersNamed(body.username), 1)
})

t.test('the OpenAPI document shows the header on POST /user/registry/', async (t) => {
  const doc = (await app.inject('/docs/json')).json()
  const operation = doc.paths['/user/registry/'].post
  t.ok((operation.parameters as Array<{ name: string, in: string }>)
    .some((p) => p.in === 'header' && p.name === 'idempotency-key'))
  t.ok(operation.responses['422'])
})
