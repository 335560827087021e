// Unit: the owner rule for editing and deleting offers, with an in-memory offers.offers in place of PostgreSQL.
import t from 'tap'
import type { OfferEditsRepository } from '../src/offers/offer-edits.repository.ts'
import type { OfferRow } from '../src/offers/offers.repository.ts'
import { createOfferEditsService } from '../src/offers/offer-edits.service.ts'

const created = new Date('2027-01-15T08:00:00.000Z')
const edited = new Date('2027-01-16T08:00:00.000Z')

/** Matches id and owner together, as the one SQL statement does; counts the existence checks. */
function memoryEdits (rows: OfferRow[]): OfferEditsRepository & { lookups: number } {
  const owned = (id: number, ownerId: number) => rows.findIndex((r) => r.id === id && r.user_id === ownerId)
  const repo = {
    lookups: 0,
    async updateOwned (id: number, ownerId: number, changes: { title?: string, text?: string }) {
      const i = owned(id, ownerId)
      if (i < 0) return undefined
      rows[i] = { ...rows[i]!, ...changes, updated_at: edited }
      return rows[i]
    },
    async deleteOwned (id: number, ownerId: number) {
      const i = owned(id, ownerId)
      if (i >= 0) rows.splice(i, 1)
      return i >= 0
    },
    async exists (id: number) {
      repo.lookups++
      return rows.some((r) => r.id === id)
    }
  }
  return repo
}

const offer = (id: number, userId: number): OfferRow =>
  ({ id, user_id: userId, title: 'Bike', text: 'Red', created_at: created, updated_at: created })

t.test('the owner changes only the fields sent; updated_at moves, created_at stays', async (t) => {
  const repo = memoryEdits([offer(1, 7)])
  const edits = createOfferEditsService(repo)
  t.same(await edits.update(7, 1, { title: 'Blue bike' }), {
    id: 1,
    user_id: 7,
    title: 'Blue bike',
    text: 'Red',
    created_at: created.toISOString(),
    updated_at: edited.toISOString()
  })
  t.match(await edits.update(7, 1, { text: 'Blue now' }), { title: 'Blue bike', text: 'Blue now' })
  t.equal(repo.lookups, 0, 'a successful write needs no second query')
})

t.test('someone else\'s offer is 403 NOT_OWNER and stays as it was; an unknown one 404', async (t) => {
  const rows = [offer(1, 7)]
  const edits = createOfferEditsService(memoryEdits(rows))
  await t.rejects(edits.update(8, 1, { title: 'Mine now' }), { statusCode: 403, code: 'NOT_OWNER' })
  await t.rejects(edits.remove(8, 1), { statusCode: 403, code: 'NOT_OWNER' })
  t.same(rows, [offer(1, 7)])
  await t.rejects(edits.update(7, 2, { title: 'x' }), { statusCode: 404, code: 'OFFER_NOT_FOUND' })
  await t.rejects(edits.remove(7, 2), { statusCode: 404, code: 'OFFER_NOT_FOUND' })
})

t.test('the owner deletes once; the second time it is 404', async (t) => {
  const rows = [offer(1, 7), offer(2, 7)]
  const edits = createOfferEditsService(memoryEdits(rows))
  await edits.remove(7, 1)
  t.same(rows.map((r) => r.id), [2])
  await t.rejects(edits.remove(7, 1), { statusCode: 404, code: 'OFFER_NOT_FOUND' })
})
