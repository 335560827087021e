// GET /user/{user_id}/: the user with their offers from the Offers client; 503 when Offers fails, 404 without asking it.
import t from 'tap'
import type { OffersClientFailure } from '@app/offers-client'
import { setup } from './helpers/app.ts'
import { offerOf, stubOffers } from './helpers/offers-stub.ts'
import { session } from './helpers/users.ts'

const offers = stubOffers()
const { app } = await setup(t, { offers: offers.client })
const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers })

t.beforeEach(() => {
  offers.calls.length = 0
  offers.fail = undefined
})

t.test('oneself: every field, email included, and the offers', async (t) => {
  const me = await session(app)
  offers.offers.set(me.user.id, [offerOf(me.user.id, 2), offerOf(me.user.id, 1)])
  const res = await get(`/user/${me.user.id}/`, { ...me.auth, 'x-request-id': 'trace-me-123' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['created_at', 'email', 'id', 'offers', 'updated_at', 'username'])
  t.match(body, { id: me.user.id, username: me.user.username, email: me.user.email, created_at: me.user.created_at })
  t.same(body.offers, offers.offers.get(me.user.id))
  t.same(offers.calls, [{ userId: me.user.id, requestId: 'trace-me-123' }], 'the request id goes on to Offers')
  t.equal(res.headers['x-request-id'], 'trace-me-123')
})

t.test('another user: no email; no offers is an empty list', async (t) => {
  const [me, other] = [await session(app), await session(app)]
  const res = await get(`/user/${other.user.id}`, me.auth)
  t.equal(res.statusCode, 200)
  t.notOk('email' in res.json())
  t.same(res.json().offers, [])
})

t.test('503 problem+json whichever way Offers fails, never a user with an empty list', async (t) => {
  const me = await session(app)
  for (const failure of ['transport', 'timeout', 'status', 'invalid_body'] as OffersClientFailure[]) {
    offers.fail = failure
    const res = await get(`/user/${me.user.id}/`, me.auth)
    t.equal(res.statusCode, 503, failure)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.same(res.json(), { type: 'about:blank', title: 'Service Unavailable', status: 503, code: 'OFFERS_UNAVAILABLE', detail: 'The Offers service could not be reached in time' })
  }
})

t.test('404 for an unknown user, without asking Offers', async (t) => {
  const me = await session(app)
  const res = await get('/user/987654321/', me.auth)
  t.equal(res.statusCode, 404)
  t.match(res.json(), { status: 404, code: 'USER_NOT_FOUND' })
  t.same(offers.calls, [])
})

t.test('400 for an id that is not a positive integer', async (t) => {
  const me = await session(app)
  for (const id of ['abc', '0', '-1', '1.5', '9007199254740992', 'x1']) {
    const res = await get(`/user/${id}/`, me.auth)
    t.equal(res.statusCode, 400, id)
    t.match(res.json(), { code: 'VALIDATION_FAILED' })
  }
  t.same(offers.calls, [])
})

t.test('401 without a token', async (t) => {
  const me = await session(app)
  const res = await get(`/user/${me.user.id}/`)
  t.equal(res.statusCode, 401)
  t.same(offers.calls, [])
})
