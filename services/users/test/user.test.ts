// GET /user/{user_id}/: the user with their offers from a real Offers process over HTTPS; 503 whichever way Offers
// fails; 404/400/401 without asking it.
import { once } from 'node:events'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { httpsRequest, startServiceProcess, testTls, writeKeyFiles } from '@app/testing'
import { buildTestApp, setup } from './helpers/app.ts'
import { session } from './helpers/users.ts'

const ctx = await setup(t)
const files = await writeKeyFiles(ctx.keys)
const offersProcess = await startServiceProcess(t, 'offers', {
  DATABASE_URL: ctx.db.offersUrl,
  JWT_PUBLIC_KEYS_FILE: files.jwksFile
})
const { app } = await buildTestApp(t, { db: ctx.db, keys: ctx.keys, env: { OFFERS_URL: offersProcess.url } })
const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers })

async function createOffer (me: Awaited<ReturnType<typeof session>>, title: string) {
  const res = await httpsRequest(`${offersProcess.url}/offer/create/`, {
    ca: testTls('offers').ca,
    headers: me.auth,
    json: { user_id: me.user.id, title, text: `${title} text` }
  })
  if (res.status !== 201) throw new Error(`offer not created: ${res.status}`)
  return res.body
}

/** An HTTPS server with the run's Offers certificate that answers every request the same way. */
async function upstream (status: number, body: string): Promise<string> {
  const { cert, key } = testTls('offers')
  const server: Server = createServer({ cert, key }, (_req, res) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(body))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`
}

t.test('oneself: every field, email included, and the offers, newest first; ' +
  'the request id goes on to Offers', async (t) => {
  const me = await session(app)
  const first = await createOffer(me, 'first')
  const second = await createOffer(me, 'second')
  const res = await get(`/user/${me.user.id}/`, { ...me.auth, 'x-request-id': 'trace-me-123' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(
    Object.keys(body).sort(),
    ['created_at', 'email', 'id', 'offers', 'offers_next_cursor', 'updated_at', 'username']
  )
  t.match(body, { id: me.user.id, username: me.user.username, email: me.user.email, created_at: me.user.created_at })
  t.same(body.offers, [second, first])
  t.equal(body.offers_next_cursor, null, 'every offer is here')
  t.equal(res.headers['x-request-id'], 'trace-me-123')
  t.ok(await offersProcess.waitForOutput(/"reqId":"trace-me-123"/), 'Offers logged the same request id')
})

t.test('another user: no email; no offers is an empty list', async (t) => {
  const [me, other] = [await session(app), await session(app)]
  const res = await get(`/user/${other.user.id}`, me.auth)
  t.equal(res.statusCode, 200)
  t.notOk('email' in res.json())
  t.same(res.json().offers, [])
})

t.test('503 problem+json whichever way Offers fails, never a user with an empty list', async (t) => {
  const cases: Array<[string, string]> = [
    ['nothing listens', 'https://127.0.0.1:1'],
    ['Offers answers 500', await upstream(500, '{"status":500}')],
    ['Offers answers a body off the contract', await upstream(200, '{"items":[{"id":"not a number"}]}')],
    ['Offers answers the old list', await upstream(200, '[]')]
  ]
  for (const [label, url] of cases) {
    const { app } = await buildTestApp(t, { db: ctx.db, keys: ctx.keys, env: { OFFERS_URL: url } })
    const me = await session(app)
    const res = await app.inject({ method: 'GET', url: `/user/${me.user.id}/`, headers: me.auth })
    t.equal(res.statusCode, 503, label)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.same(res.json(), {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      code: 'OFFERS_UNAVAILABLE',
      detail: 'The Offers service could not be reached in time'
    })
  }
})

t.test('404 for an unknown user, 400 for a bad id, 401 without a token: Offers is never asked', async (t) => {
  const me = await session(app)
  const unknown = await get('/user/987654321/', { ...me.auth, 'x-request-id': 'never-asked-404' })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.json(), { status: 404, code: 'USER_NOT_FOUND' })
  // and ids not in decimal digits, which type coercion alone would read as a number (1e0, 0x1, +1, 1.0)
  for (const id of ['abc', '0', '-1', '1.5', '9007199254740992', 'x1', '1e0', '0x1', '%2B1', '1.0', '%201']) {
    const res = await get(`/user/${id}/`, { ...me.auth, 'x-request-id': 'never-asked-400' })
    t.equal(res.statusCode, 400, id)
    t.match(res.json(), { code: 'VALIDATION_FAILED' })
  }
  const anonymous = await get(`/user/${me.user.id}/`, { 'x-request-id': 'never-asked-401' })
  t.equal(anonymous.statusCode, 401)
  // a call that does reach Offers, logged after anything sent before it
  t.equal((await get(`/user/${me.user.id}/`, { ...me.auth, 'x-request-id': 'asked-after' })).statusCode, 200)
  t.ok(await offersProcess.waitForOutput(/"reqId":"asked-after"/))
  t.notMatch(offersProcess.output(), /never-asked/, 'no such request reached Offers')
})
