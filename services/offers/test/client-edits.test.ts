// The typed client's updateOffer and deleteOffer against the real Offers app over HTTPS.
import t from 'tap'
import { createOffersClient, OffersProblemError } from '@app/offers-client'
import { testTls } from '@app/testing'
import { listen, offersHarness } from './helpers.ts'

const tls = testTls('offers')
const h = await offersHarness(t, { tls: { key: tls.key, cert: tls.cert } })
const client = createOffersClient({ baseUrl: await listen(h.app), ca: tls.ca, timeoutMs: 5000 })
t.teardown(() => client.close())

async function newOffer (userId: number): Promise<number> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/offer/create/',
    headers: { authorization: `Bearer ${h.token(userId)}` },
    payload: { user_id: userId, title: 'Bike', text: 'Red' }
  })
  return res.json().id
}

t.test('the owner edits and deletes through the client; the answers are the stored offer', async (t) => {
  const userId = await h.createUser()
  const token = h.token(userId)
  const id = await newOffer(userId)
  const edited = await client.updateOffer(id, { title: 'Blue bike' }, { token, requestId: 'edit-1' })
  t.match(edited, { id, user_id: userId, title: 'Blue bike', text: 'Red' })
  t.same((await h.app.inject({ method: 'POST', url: '/offer/', payload: { offer_id: id } })).json(), edited)
  await client.deleteOffer(id, { token })
  t.same((await client.offersPage(userId, { limit: 20 })).items, [])
})

t.test('refusals carry the status and Offers\' own code', async (t) => {
  const owner = await h.createUser()
  const id = await newOffer(owner)
  const other = { token: h.token(await h.createUser()) }
  const refused = async (call: Promise<unknown>) => call.then(() => undefined, (err: unknown) => err)
  const notOwner = await refused(client.updateOffer(id, { text: 'mine' }, other))
  t.ok(notOwner instanceof OffersProblemError)
  t.match(notOwner, { statusCode: 403, code: 'NOT_OWNER' })
  t.match(await refused(client.deleteOffer(id + 1000, other)), { statusCode: 404, code: 'OFFER_NOT_FOUND' })
  t.match(await refused(client.updateOffer(id, { title: '' }, other)), { statusCode: 400, code: 'VALIDATION_FAILED' })
  t.match(await refused(client.deleteOffer(id, { token: 'nonsense' })), { statusCode: 401 })
})

t.test('every response matched the schema its route declares', async (t) => {
  t.same(h.failures, [])
})
