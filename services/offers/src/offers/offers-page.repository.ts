// SQL for one page of a user's offers, newest first: a keyset range scan of the (user_id, created_at desc, id desc)
// index that starts after the previous page's last row, however deep the page is.
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/types.ts'
import type { PagePosition } from './cursor.ts'
import { offerColumns, type OfferRow } from './offers.repository.ts'

/** A row and its position: created_at to the microsecond, which the next page starts after. */
export type PageRow = OfferRow & { position: string }

/** The query behind a page, apart so that a test can check its plan. */
export function offersPageQuery (db: Kysely<DB>, userId: number, limit: number, after?: PagePosition) {
  let query = db.selectFrom('offers.offers')
    .select(offerColumns)
    // text in UTC, whatever the session's time zone: the cursor must name the exact value the row holds
    .select(sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('position'))
    .where('user_id', '=', userId)
  if (after) {
    // a row comparison is one index condition: the scan starts at the cursor instead of filtering up to it
    query = query.where((eb) => eb(
      eb.refTuple('created_at', 'id'),
      '<',
      eb.tuple(eb.cast<Date>(eb.val(after.createdAt), 'timestamptz'), eb.cast<number>(eb.val(after.id), 'bigint'))
    ))
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit)
}

export interface OffersPageRepository {
  /** up to limit rows after the position (from the newest without one) */
  page: (userId: number, limit: number, after?: PagePosition) => Promise<PageRow[]>
}

export function offersPageRepository (db: Kysely<DB>): OffersPageRepository {
  return {
    page: (userId, limit, after) => offersPageQuery(db, userId, limit, after).execute()
  }
}
