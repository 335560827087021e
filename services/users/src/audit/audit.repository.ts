// SQL on users.audit_events: insert events, a user's page newest first by id, and the retention sweep in batches.
import { sql, type Kysely, type Selectable } from 'kysely'
import type { AuditEventType } from '@app/contracts'
import type { AuditEventsTable, DB } from '../db/types.ts'
import type { Origin } from './origin.ts'

/** One event: its user when known; `detail` never holds a secret. */
export interface AuditRecord {
  type: AuditEventType
  user_id: number | null
  detail?: Record<string, unknown>
}

export type AuditRow = Omit<Selectable<AuditEventsTable>, 'user_id'>

export interface AuditRepository {
  /** Through the store the change itself is written with, so both commit or neither does. */
  insert: (events: AuditRecord[], origin: Origin) => Promise<void>
  /** Up to `limit` of the user's events with an id below `beforeId`, newest first. */
  page: (userId: number, limit: number, beforeId?: number) => Promise<AuditRow[]>
  /**
   * Deletes up to `batch` events older than `days` by the database's clock (the same for every replica), in one
   * short statement; rows another sweeper holds are skipped, not waited for. Answers how many went.
   */
  sweep: (days: number, batch: number) => Promise<number>
}

export function auditRepository (db: Kysely<DB>): AuditRepository {
  return {
    async insert (events, origin) {
      if (!events.length) return
      await db.insertInto('users.audit_events')
        .values(events.map((e) => ({
          type: e.type,
          user_id: e.user_id,
          ...origin,
          detail: JSON.stringify(e.detail ?? {})
        })))
        .execute()
    },

    page (userId, limit, beforeId) {
      let query = db.selectFrom('users.audit_events')
        .select(['id', 'type', 'at', 'ip', 'user_agent', 'request_id', 'detail'])
        .where('user_id', '=', userId)
      if (beforeId !== undefined) query = query.where('id', '<', beforeId)
      return query.orderBy('id', 'desc').limit(limit).execute()
    },

    async sweep (days, batch) {
      const doomed = db.selectFrom('users.audit_events')
        .select('id')
        .where('at', '<', sql<Date>`now() - make_interval(days => ${days})`)
        .limit(batch)
        .forUpdate()
        .skipLocked()
      const result = await db.deleteFrom('users.audit_events').where('id', 'in', doomed).executeTakeFirst()
      return Number(result.numDeletedRows)
    }
  }
}
