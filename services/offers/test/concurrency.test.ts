// 100 creates at once for one user: every one lands, each with its own id.
import t from 'tap'
import { sql } from 'kysely'
import { createDb } from '@app/service-kit'
import { offersHarness } from './helpers.ts'

const h = await offersHarness(t)

t.test('100 concurrent creates for one user → 100 rows, 100 distinct ids', async (t) => {
  const userId = await h.createUser()
  const authorization = `Bearer ${h.token(userId)}`
  const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => h.app.inject({
    method: 'POST',
    url: '/offer/create/',
    headers: { authorization },
    payload: { user_id: userId, title: `Offer ${i}`, text: `Number ${i}` }
  })))
  t.same(responses.map((r) => r.statusCode), Array(100).fill(201))
  const ids = new Set(responses.map((r) => r.json().id))
  t.equal(ids.size, 100)

  const asOffers = createDb({ url: h.db.offersUrl, max: 1 })
  t.teardown(() => asOffers.destroy())
  const { rows } = await sql<{ n: number, ids: number }>`
    select count(*)::int as n, count(distinct id)::int as ids from offers.offers where user_id = ${userId}`
    .execute(asOffers)
  t.same(rows[0], { n: 100, ids: 100 })

  const list = (await h.app.inject({ method: 'POST', url: '/offer/', payload: { user_id: userId } }))
    .json() as Array<{ id: number, title: string }>
  t.equal(list.length, 100)
  t.same(new Set(list.map((o) => o.id)), ids, 'the list holds exactly the created offers')
  t.same(new Set(list.map((o) => o.title)), new Set(Array.from({ length: 100 }, (_, i) => `Offer ${i}`)))
})

t.test('every response matched the schema its route declares', async (t) => {
  t.same(h.failures, [])
})
