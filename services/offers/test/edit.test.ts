// PATCH and DELETE /offer/{offer_id}/ over real HTTPS: every row of the contract, against a real PostgreSQL.
import t from 'tap'
import { sql } from 'kysely'
import { createDb } from '@app/service-kit'
import { httpsRequest, testTls, type HttpsOptions } from '@app/testing'
import { listen, offersHarness } from './helpers.ts'

const tls = testTls('offers')
const h = await offersHarness(t, { tls: { key: tls.key, cert: tls.cert } })
const base = await listen(h.app)
const asOffers = createDb<unknown>({ url: h.db.offersUrl, max: 1 })
t.teardown(() => asOffers.destroy())
const problemJson = 'application/problem+json; charset=utf-8'

interface Call extends Omit<HttpsOptions, 'ca' | 'headers'> { token?: string, headers?: Record<string, string> }
const call = (path: string, { token, headers, ...opts }: Call = {}) => httpsRequest(`${base}${path}`, {
  ca: tls.ca,
  headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  ...opts
})
const patch = (id: number | string, json: unknown, token?: string, path = `/offer/${id}/`) =>
  call(path, { method: 'PATCH', json, ...(token ? { token } : {}) })
const remove = (id: number | string, token?: string, path = `/offer/${id}/`) =>
  call(path, { method: 'DELETE', ...(token ? { token } : {}) })
const byId = async (id: number) => (await call('/offer/', { json: { offer_id: id } })).body

async function newOffer (userId: number, title = 'Bike', text = 'Red') {
  const res = await call('/offer/create/', { token: h.token(userId), json: { user_id: userId, title, text } })
  t.equal(res.status, 201)
  return res.body as { id: number, created_at: string, updated_at: string }
}

/** Both times an hour back, as though the offer were old: "updated_at moved" then needs no clock luck. */
async function age (offerId: number): Promise<void> {
  await sql`update offers.offers set created_at = created_at - interval '1 hour',
    updated_at = updated_at - interval '1 hour' where id = ${offerId}`.execute(asOffers)
}

t.test('a new offer has updated_at = created_at', async (t) => {
  const userId = await h.createUser()
  const offer = await newOffer(userId)
  t.equal(offer.updated_at, offer.created_at)
  t.same(Object.keys(offer).sort(), ['created_at', 'id', 'text', 'title', 'updated_at', 'user_id'])
})

t.test('the owner changes title, text or both; updated_at moves, created_at stays', async (t) => {
  const userId = await h.createUser()
  const token = h.token(userId)
  const { id } = await newOffer(userId, 'Bike', 'Red')
  await age(id)
  const old = await byId(id) as { created_at: string, updated_at: string }
  const before = Date.now()

  const title = await patch(id, { title: 'Blue bike' }, token)
  t.equal(title.status, 200)
  t.match(title.body, { id, user_id: userId, title: 'Blue bike', text: 'Red', created_at: old.created_at })
  const { updated_at: updatedAt } = title.body as { updated_at: string }
  t.ok(Date.parse(updatedAt) > Date.parse(old.updated_at), 'updated_at moved')
  t.ok(Date.parse(updatedAt) >= before - 1000, 'to now')
  t.same(await byId(id), title.body, 'stored as answered')

  const text = await patch(id, { text: 'Blue, repainted' }, token)
  t.match(text.body, { title: 'Blue bike', text: 'Blue, repainted', created_at: old.created_at })
  const both = await patch(id, { title: 'Green bike', text: 'Green now' }, token, `/offer/${id}`)
  t.equal(both.status, 200, 'the trailing slash is optional')
  t.match(both.body, { title: 'Green bike', text: 'Green now', created_at: old.created_at })
  t.same(Object.keys(both.body as object).sort(), ['created_at', 'id', 'text', 'title', 'updated_at', 'user_id'])
})

t.test('the same length rules as creation: 200 and 10 000 characters are the most', async (t) => {
  const userId = await h.createUser()
  const token = h.token(userId)
  const { id } = await newOffer(userId)
  const longest = await patch(id, { title: '🚲'.repeat(200), text: 'y'.repeat(10_000) }, token)
  t.equal(longest.status, 200, 'characters, not UTF-16 units')
  const spaced = await patch((await newOffer(userId)).id, { title: ' Bike ' }, token)
  t.match(spaced.body, { title: ' Bike ' }, 'kept as sent, as at creation: no trimming')
  const bad: Array<[string, unknown, string]> = [
    ['title too long', { title: 'x'.repeat(201) }, '/title'],
    ['text too long', { text: 'y'.repeat(10_001) }, '/text'],
    ['empty title', { title: '' }, '/title'],
    ['blank text', { text: '   ' }, '/text'],
    ['blank title', { title: ' \t ' }, '/title'],
    ['a NUL', { title: 'a\u0000b' }, '/title'],
    ['null title', { title: null }, '/title'],
    ['a number', { text: 5 }, '/text'],
    ['another field', { title: 'Bike', user_id: userId + 1 }, '/user_id'],
    ['no field', {}, '/'],
    ['only another field', { created_at: '2020-01-01T00:00:00Z' }, '/created_at'],
    ['an array', [{ title: 'x' }], '/']
  ]
  for (const [name, body, path] of bad) {
    const res = await patch(id, body, token)
    t.equal(res.status, 400, name)
    t.equal(res.headers['content-type'], problemJson, name)
    t.match(res.body, { status: 400, code: 'VALIDATION_FAILED', errors: [{ path }] }, name)
  }
  const none = await call(`/offer/${id}/`, { method: 'PATCH', token })
  t.equal(none.status, 400, 'no body at all')
  t.match(none.body, { status: 400, code: String })
  const malformed = await call(`/offer/${id}/`, {
    method: 'PATCH', token, headers: { 'content-type': 'application/json' }
  })
  t.equal(malformed.status, 400, 'a JSON content type and no body')
  t.same(await byId(id), longest.body, 'nothing refused was written')
})

t.test('another user\'s offer: 403 NOT_OWNER for PATCH and DELETE, and it stays as it was', async (t) => {
  const owner = await h.createUser()
  const other = await h.createUser()
  const offer = await newOffer(owner)
  const before = await byId(offer.id)
  const token = h.token(other)
  for (const res of [await patch(offer.id, { title: 'Mine now' }, token), await remove(offer.id, token)]) {
    t.equal(res.status, 403)
    t.equal(res.headers['content-type'], problemJson)
    t.match(res.body, { status: 403, code: 'NOT_OWNER' })
  }
  t.same(await byId(offer.id), before)
})

t.test('an unknown offer is 404 OFFER_NOT_FOUND; a bad id is 400, never 500', async (t) => {
  const userId = await h.createUser()
  const token = h.token(userId)
  const { id } = await newOffer(userId)
  for (const res of [await patch(id + 1000, { title: 'x' }, token), await remove(id + 1000, token)]) {
    t.equal(res.status, 404)
    t.match(res.body, { status: 404, code: 'OFFER_NOT_FOUND' })
  }
  // ids other than decimal digits, which Ajv's coercion alone would read as 1 (1e0, 0x1, +1, 1.0, " 1")
  const spelt = ['1e0', '0x1', '%2B1', '1.0', '%201']
  for (const bad of ['abc', '0', '-1', '1.5', String(2 ** 53), '99999999999999999999', '%20', '1%00', ...spelt]) {
    for (const res of [await patch(bad, { title: 'x' }, token), await remove(bad, token)]) {
      t.equal(res.status, 400, `id ${bad}`)
      t.equal(res.headers['content-type'], problemJson, `id ${bad}`)
      t.match(res.body, { status: 400, code: /^[A-Z_]+$/ }, `id ${bad}`)
    }
  }
})

t.test('no valid token: 401 before anything else, for PATCH and DELETE', async (t) => {
  const userId = await h.createUser()
  const { id } = await newOffer(userId)
  const expired = h.token(userId, { ttlSeconds: -60 })
  const answers = [
    await patch(id, { title: 'x' }), await patch(id, { title: '' }), await patch(id, { title: 'x' }, expired),
    await patch('abc', { title: 'x' }), await remove(id), await remove(id, expired), await remove(id + 1000)
  ]
  for (const res of answers) {
    t.equal(res.status, 401)
    t.equal(res.headers['content-type'], problemJson)
    t.match(res.headers['www-authenticate'], /^Bearer/)
  }
  t.match(await byId(id), { id, title: 'Bike' }, 'still there, unchanged')
})

t.test('DELETE: 204 with no body; then POST /offer/ finds [] and a second DELETE is 404', async (t) => {
  const userId = await h.createUser()
  const token = h.token(userId)
  const kept = await newOffer(userId, 'Lamp')
  const { id } = await newOffer(userId)
  const res = await remove(id, token)
  t.equal(res.status, 204)
  t.equal(res.body, '')
  t.equal(res.headers['content-length'] ?? '0', '0')
  t.same(await byId(id), [])
  t.match((await call('/offer/', { json: { user_id: userId } })).body, [{ id: kept.id }], 'only that one went')
  t.match((await remove(id, token)).body, { status: 404, code: 'OFFER_NOT_FOUND' })
  t.equal((await patch(id, { title: 'back?' }, token)).status, 404)
  const noSlash = await remove(kept.id, token, `/offer/${kept.id}`)
  t.equal(noSlash.status, 204, 'the trailing slash is optional')
  const typed = await call(`/offer/${(await newOffer(userId)).id}/`, {
    method: 'DELETE', token, headers: { 'content-type': 'application/json' }
  })
  // the one rule of both services for a JSON content type with no body, DELETE /user/{id}/ included
  t.match(typed.body, { status: 400, code: 'MALFORMED_JSON' }, 'a JSON content type with no body')
})

t.test('deleting a user still removes their offers through the foreign key', async (t) => {
  const userId = await h.createUser()
  const token = h.token(userId)
  const offer = await newOffer(userId)
  await patch(offer.id, { title: 'Edited before the user went' }, token)
  await h.deleteUser(userId)
  t.same(await byId(offer.id), [])
  t.same((await call('/offer/', { json: { user_id: userId } })).body, [])
  t.equal((await remove(offer.id, token)).status, 404, 'a token that outlived its user finds nothing')
})

t.test('every response matched the schema its route declares', async (t) => {
  t.same(h.failures, [])
})
