// The Offers client against the real Offers app over HTTPS: typed offers, the request id passed on, a foreign CA
// refused.
import t from 'tap'
import { createOffersClient, OffersClientError } from '@app/offers-client'
import { foreignCa, testTls } from '@app/testing'
import { listen, offersHarness } from './helpers.ts'

const tls = testTls('offers')
const h = await offersHarness(t, { tls: { key: tls.key, cert: tls.cert } })
const seen: string[] = []
h.app.addHook('onRequest', async (request) => { seen.push(request.id) })
const baseUrl = await listen(h.app)

const client = createOffersClient({ baseUrl, ca: tls.ca, timeoutMs: 5000 })
t.teardown(() => client.close())

t.test('a page of a user\'s offers arrives typed, newest first, with the request id passed on', async (t) => {
  const userId = await h.createUser()
  const none = await client.offersPage(userId, { limit: 20, requestId: 'users-req-1' })
  t.same(none, { items: [], next_cursor: null }, 'none yet')
  const created = []
  for (const title of ['Bike', 'Lamp']) {
    const res = await h.app.inject({
      method: 'POST',
      url: '/offer/create/',
      headers: { authorization: `Bearer ${h.token(userId)}` },
      payload: { user_id: userId, title, text: `A ${title}` }
    })
    created.push(res.json())
  }
  const { items: offers } = await client.offersPage(userId, { limit: 20, requestId: 'users-req-2' })
  t.same(offers, created.reverse())
  t.equal(typeof offers[0]?.id, 'number')
  t.ok(!Number.isNaN(Date.parse(offers[0]!.created_at)))
  t.same(
    seen.filter((id) => id.startsWith('users-req-')),
    ['users-req-1', 'users-req-2'],
    'Offers saw the request ids the client was given'
  )
})

t.test('offers of a user that does not exist: []', async (t) => {
  t.same(await client.offersPage(2 ** 40, { limit: 20 }), { items: [], next_cursor: null })
})

t.test('an id Offers refuses is a status failure, not a crash', async (t) => {
  for (const call of [
    client.offersPage(0, { limit: 20 }),
    client.offersPage(1, { limit: 101 }),
    client.offersPage(1, { limit: 20, cursor: 'not-a-cursor' })
  ]) {
    const err = await call.then(() => undefined, (err: unknown) => err)
    t.ok(err instanceof OffersClientError)
    t.match(err, { failure: 'status', statusCode: 400 })
  }
})

t.test('a client trusting another CA refuses the real Offers', async (t) => {
  const other = createOffersClient({ baseUrl, ca: await foreignCa(), timeoutMs: 5000 })
  t.teardown(() => other.close())
  const err = await other.offersPage(1, { limit: 20 }).then(() => undefined, (err: unknown) => err)
  t.match(err, { failure: 'transport' })
})

t.test('every response matched the schema its route declares', async (t) => {
  t.same(h.failures, [])
})
