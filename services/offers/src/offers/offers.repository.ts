// SQL on offers.offers: insert and by id (a user's offers, a page at a time, are in offers-page.repository.ts).
import type { Insertable, Kysely, Selectable } from 'kysely'
import type { DB, OffersTable } from '../db/types.ts'

export type OfferRow = Selectable<OffersTable>
export type NewOfferRow = Pick<Insertable<OffersTable>, 'user_id' | 'title' | 'text'>

export interface OffersRepository {
  insert: (values: NewOfferRow) => Promise<OfferRow>
  findById: (id: number) => Promise<OfferRow | undefined>
}

/** Every column of an offer, as the contract's Offer has them. */
export const offerColumns = ['id', 'user_id', 'title', 'text', 'created_at', 'updated_at'] as const

export function offersRepository (db: Kysely<DB>): OffersRepository {
  return {
    insert: ({ user_id: userId, title, text }) => db.insertInto('offers.offers')
      .values({ user_id: userId, title, text })
      .returning(offerColumns)
      .executeTakeFirstOrThrow(),
    findById: (id) => db.selectFrom('offers.offers').select(offerColumns).where('id', '=', id).executeTakeFirst()
  }
}
