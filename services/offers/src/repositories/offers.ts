// SQL for offers.offers: insert, by id, and a user's offers newest first (served by the (user_id, created_at desc, id desc) index).
import type { Kysely, Selectable } from 'kysely'
import type { DB, OffersTable } from '../db/types.ts'

export type OfferRow = Selectable<OffersTable>
export interface NewOfferRow { user_id: number, title: string, text: string }

const columns = ['id', 'user_id', 'title', 'text', 'created_at'] as const

export async function insertOffer (db: Kysely<DB>, values: NewOfferRow): Promise<OfferRow> {
  return db.insertInto('offers.offers')
    .values({ user_id: values.user_id, title: values.title, text: values.text })
    .returning(columns)
    .executeTakeFirstOrThrow()
}

export async function findOfferById (db: Kysely<DB>, id: number): Promise<OfferRow | undefined> {
  return db.selectFrom('offers.offers').select(columns).where('id', '=', id).executeTakeFirst()
}

/** The query behind listOffersByUser, apart so that a test can check its plan. */
export function offersByUserQuery (db: Kysely<DB>, userId: number) {
  return db.selectFrom('offers.offers')
    .select(columns)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
}

export async function listOffersByUser (db: Kysely<DB>, userId: number): Promise<OfferRow[]> {
  return offersByUserQuery(db, userId).execute()
}
