// SQL on offers.offers: insert, by id, and a user's offers newest first (the (user_id, created_at desc, id desc)
// index serves it).
import type { Insertable, Kysely, Selectable } from 'kysely'
import type { DB, OffersTable } from '../db/types.ts'

export type OfferRow = Selectable<OffersTable>
export type NewOfferRow = Pick<Insertable<OffersTable>, 'user_id' | 'title' | 'text'>

export interface OffersRepository {
  insert: (values: NewOfferRow) => Promise<OfferRow>
  findById: (id: number) => Promise<OfferRow | undefined>
  listByUser: (userId: number) => Promise<OfferRow[]>
}

/** Every column of an offer, as the contract's Offer has them. */
export const columns = ['id', 'user_id', 'title', 'text', 'created_at', 'updated_at'] as const

/** The query behind listByUser, apart so that a test can check its plan. */
export function offersByUserQuery (db: Kysely<DB>, userId: number) {
  return db.selectFrom('offers.offers')
    .select(columns)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
}

export function offersRepository (db: Kysely<DB>): OffersRepository {
  return {
    insert: ({ user_id: userId, title, text }) => db.insertInto('offers.offers')
      .values({ user_id: userId, title, text })
      .returning(columns)
      .executeTakeFirstOrThrow(),
    findById: (id) => db.selectFrom('offers.offers').select(columns).where('id', '=', id).executeTakeFirst(),
    listByUser: (userId) => offersByUserQuery(db, userId).execute()
  }
}
