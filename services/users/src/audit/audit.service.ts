// A user's audit trail, newest first, a keyset page at a time: read by the user themself only.
import type { AuditPage, AuditPageQuery } from '@app/contracts'
import type { Store } from '../db/store.ts'
import { errors } from '../errors.ts'
import { decodeCursor, encodeCursor } from './cursor.ts'

export interface AuditService {
  page: (callerId: number, userId: number, query: AuditPageQuery) => Promise<AuditPage>
}

export function createAuditService (store: Store): AuditService {
  return {
    async page (callerId, userId, { limit, cursor }) {
      const beforeId = cursor === undefined ? undefined : decodeCursor(cursor)
      if (callerId !== userId) throw errors.notSelfAudit()
      if (!await store.users.findById(userId)) throw errors.userNotFound()
      // one more than asked: whether there is a next page, without a count
      const rows = await store.audit.page(userId, limit + 1, beforeId)
      const items = rows.slice(0, limit).map((r) => ({ ...r, at: r.at.toISOString() }))
      return { items, next_cursor: rows.length > limit ? encodeCursor(items[items.length - 1]!.id) : null }
    }
  }
}
