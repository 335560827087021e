// POST /offer/: by offer_id or by user_id, newest first, and 400 for anything but exactly one positive id.
import t from 'tap'
import { sql } from 'kysely'
import { createDb } from '@app/service-kit'
import type { DB } from '../src/db/types.ts'
import { offersHarness } from './helpers.ts'

const h = await offersHarness(t)
const asOffers = createDb<DB>({ url: h.db.offersUrl, max: 2 })
t.teardown(() => asOffers.destroy())

const query = (payload: unknown) => h.app.inject({ method: 'POST', url: '/offer/', payload: payload as object })
const queryRaw = (payload: string) => h.app.inject({
  method: 'POST',
  url: '/offer/',
  headers: { 'content-type': 'application/json' },
  payload
})

async function createOffer (userId: number, title: string) {
  const res = await h.app.inject({
    method: 'POST',
    url: '/offer/create/',
    headers: { authorization: `Bearer ${h.token(userId)}` },
    payload: { user_id: userId, title, text: `about ${title}` }
  })
  t.equal(res.statusCode, 201)
  return res.json()
}

t.test('by offer_id: the offer, or [] when there is none', async (t) => {
  const userId = await h.createUser()
  const offer = await createOffer(userId, 'Bike')
  const found = await query({ offer_id: offer.id })
  t.equal(found.statusCode, 200)
  t.same(found.json(), offer)
  const none = await query({ offer_id: offer.id + 1000 })
  t.equal(none.statusCode, 200)
  t.same(none.json(), [])
  t.same((await query({ offer_id: Number.MAX_SAFE_INTEGER })).json(), [], 'the largest id is a valid question')
  t.equal(
    (await h.app.inject({ method: 'POST', url: '/offer', payload: { offer_id: offer.id } })).statusCode,
    200,
    'trailing slash optional'
  )
})

t.test('by user_id: newest first, created_at then id breaking ties; [] when none', async (t) => {
  const userId = await h.createUser()
  const at = (iso: string) => new Date(iso)
  // ids grow in insertion order; two rows share a timestamp, one older row comes last by id
  const rows = [
    { title: 'a', created_at: at('2020-01-01T00:00:00Z') },
    { title: 'b', created_at: at('2021-01-01T00:00:00Z') },
    { title: 'c', created_at: at('2021-01-01T00:00:00Z') },
    { title: 'd', created_at: at('2019-01-01T00:00:00Z') }
  ]
  for (const row of rows) {
    await asOffers.insertInto('offers.offers').values({ user_id: userId, text: 'x', ...row }).execute()
  }
  const first = await createOffer(userId, 'e')
  const second = await createOffer(userId, 'f')
  const res = await query({ user_id: userId })
  t.equal(res.statusCode, 200)
  const list = res.json() as Array<{ id: number, title: string, created_at: string }>
  t.same(list.map((o) => o.title), ['f', 'e', 'c', 'b', 'a', 'd'])
  t.same(list.slice(0, 2), [second, first])
  t.equal(list[2]!.created_at, '2021-01-01T00:00:00.000Z')

  const other = await h.createUser()
  t.same((await query({ user_id: other })).json(), [], 'a user without offers')
  t.same((await query({ user_id: 2 ** 40 })).json(), [], 'a user that does not exist')
})

t.test('deleting the user row removes their offers', async (t) => {
  const userId = await h.createUser()
  const offer = await createOffer(userId, 'Bike')
  await createOffer(userId, 'Lamp')
  await h.deleteUser(userId)
  t.same((await query({ user_id: userId })).json(), [])
  t.same((await query({ offer_id: offer.id })).json(), [])
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from offers.offers where user_id = ${userId}`
    .execute(asOffers)
  t.equal(rows[0]?.n, 0)
})

t.test('400 unless exactly one positive integer id', async (t) => {
  const bad: Array<[string, unknown]> = [
    ['a string', '1'],
    ['a float', 1.5],
    ['zero', 0],
    ['a negative', -1],
    ['beyond 2^53 − 1', 2 ** 53],
    ['null', null],
    ['a boolean', true],
    ['an array', [1]],
    ['an object', { id: 1 }]
  ]
  for (const field of ['offer_id', 'user_id']) {
    for (const [name, value] of bad) {
      const res = await query({ [field]: value })
      t.equal(res.statusCode, 400, `${field} ${name}`)
      t.match(
        res.json(),
        { status: 400, code: 'VALIDATION_FAILED', errors: [{ path: `/${field}` }] },
        `${field} ${name}`
      )
    }
  }
  const whole: Array<[string, unknown]> = [
    ['both', { offer_id: 1, user_id: 1 }],
    ['neither', {}],
    ['an array body', [{ offer_id: 1 }]]
  ]
  for (const [name, payload] of whole) {
    const res = await query(payload)
    t.equal(res.statusCode, 400, name)
    t.match(res.json(), { code: 'VALIDATION_FAILED', errors: [{ path: '/' }] }, name)
  }
  const unknown = await query({ title: 'Bike' })
  t.equal(unknown.statusCode, 400)
  t.match(unknown.json(), { errors: [{ path: '/title' }] })
  for (const raw of [
    '{"offer_id": 99999999999999999999}', '{"user_id": 1e400}', '{"user_id": 9007199254740993}', 'null', '7', '"x"'
  ]) {
    const res = await queryRaw(raw)
    t.equal(res.statusCode, 400, raw)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', raw)
  }
  const malformed = await queryRaw('{"user_id": 1')
  t.match(malformed.json(), { status: 400, code: 'MALFORMED_JSON' })
  const text = await h.app.inject({
    method: 'POST',
    url: '/offer/',
    headers: { 'content-type': 'text/plain' },
    payload: 'user_id=1'
  })
  t.equal(text.statusCode, 415)
})

t.test('every response matched the schema its route declares', async (t) => {
  t.same(h.failures, [])
})
