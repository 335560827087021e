// Unit: Offers' rules without HTTP or PostgreSQL; an in-memory repository stands in for offers.offers.
import t from 'tap'
import type { OfferRow, OffersRepository } from '../src/offers/offers.repository.ts'
import { createOffersService } from '../src/offers/offers.service.ts'

/** offers.offers in memory, with the foreign key to users.users: an unknown user_id fails as PostgreSQL would. */
function memoryOffers (userIds: number[]): OffersRepository & { rows: OfferRow[] } {
  const users = new Set(userIds)
  const rows: OfferRow[] = []
  return {
    rows,
    async insert ({ user_id: userId, title, text }) {
      if (!users.has(userId)) throw Object.assign(new Error('insert violates foreign key'), { code: '23503' })
      const at = new Date(1_800_000_000_000 + rows.length)
      const row = { id: rows.length + 1, user_id: userId, title, text, created_at: at, updated_at: at }
      rows.push(row)
      return row
    },
    async findById (id) { return rows.find((r) => r.id === id) }
  }
}

t.test('a caller creates an offer for themself; it reads back as the contract\'s Offer', async (t) => {
  const repo = memoryOffers([7])
  const offers = createOffersService(repo)
  const offer = await offers.create(7, { user_id: 7, title: 'Bike', text: 'Red' })
  const at = '2027-01-15T08:00:00.000Z'
  t.same(offer, { id: 1, user_id: 7, title: 'Bike', text: 'Red', created_at: at, updated_at: at })
  t.same(await offers.byId(1), offer)
  t.equal(await offers.byId(2), undefined, 'an unknown id is no offer')
})

t.test('an offer for another user is 403 FORBIDDEN, and nothing is written', async (t) => {
  const repo = memoryOffers([7, 8])
  await t.rejects(createOffersService(repo).create(7, { user_id: 8, title: 'Bike', text: 'Red' }),
    { statusCode: 403, code: 'FORBIDDEN' })
  t.equal(repo.rows.length, 0)
})

t.test('a user that no longer exists (the foreign key fails) is 404 USER_NOT_FOUND', async (t) => {
  await t.rejects(createOffersService(memoryOffers([])).create(9, { user_id: 9, title: 'Bike', text: 'Red' }),
    { statusCode: 404, code: 'USER_NOT_FOUND' })
})

t.test('any other failure of the write is passed on as it is', async (t) => {
  const repo = memoryOffers([7])
  repo.insert = async () => { throw new Error('connection lost') }
  await t.rejects(
    createOffersService(repo).create(7, { user_id: 7, title: 'Bike', text: 'Red' }),
    { message: 'connection lost' }
  )
})
