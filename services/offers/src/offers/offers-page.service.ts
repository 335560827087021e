// Pages of a user's offers: a cursor in, a page and the cursor of the next one out (null on the last page).
import type { OffersPage } from '@app/contracts'
import { decodeCursor, encodeCursor } from './cursor.ts'
import type { OffersPageRepository } from './offers-page.repository.ts'
import { toOffer } from './offers.service.ts'

export interface OffersPages {
  /** limit offers after the cursor's position, or the newest without one; a bad cursor is INVALID_CURSOR */
  page: (userId: number, limit: number, cursor?: string) => Promise<OffersPage>
}

export function createOffersPages (repository: OffersPageRepository): OffersPages {
  return {
    async page (userId, limit, cursor) {
      const after = cursor === undefined ? undefined : decodeCursor(userId, cursor)
      // one row more than asked says whether a next page exists, without a count
      const rows = await repository.page(userId, limit + 1, after)
      const items = rows.slice(0, limit)
      const last = items.at(-1)
      const more = rows.length > limit && last !== undefined
      return {
        items: items.map(toOffer),
        next_cursor: more ? encodeCursor(userId, { createdAt: last.position, id: last.id }) : null
      }
    }
  }
}
