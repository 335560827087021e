// SQL for changing and removing an offer: each one statement that matches the id and the owner together, so that
// no other request can slip between a check of the owner and the write.
import type { Kysely, Updateable } from 'kysely'
import { sql } from 'kysely'
import type { DB, OffersTable } from '../db/types.ts'
import { offerColumns, type OfferRow } from './offers.repository.ts'

export type OfferChanges = Pick<Updateable<OffersTable>, 'title' | 'text'>

export interface OfferEditsRepository {
  /** the changed row, or undefined when no offer has this id and this owner */
  updateOwned: (id: number, ownerId: number, changes: OfferChanges) => Promise<OfferRow | undefined>
  /** whether a row was deleted: false when no offer has this id and this owner */
  deleteOwned: (id: number, ownerId: number) => Promise<boolean>
  exists: (id: number) => Promise<boolean>
}

export function offerEditsRepository (db: Kysely<DB>): OfferEditsRepository {
  return {
    updateOwned: (id, ownerId, changes) => db.updateTable('offers.offers')
      .set({ ...changes, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('user_id', '=', ownerId)
      .returning(offerColumns)
      .executeTakeFirst(),
    async deleteOwned (id, ownerId) {
      const { numDeletedRows } = await db.deleteFrom('offers.offers')
        .where('id', '=', id)
        .where('user_id', '=', ownerId)
        .executeTakeFirst()
      return numDeletedRows > 0n
    },
    async exists (id) {
      const row = await db.selectFrom('offers.offers').select('id').where('id', '=', id).executeTakeFirst()
      return row !== undefined
    }
  }
}
