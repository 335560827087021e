// Reading users: one user with their offers (from the Offers service) and pages of users.
import type { Kysely } from 'kysely'
import type { UserWithOffers, UsersPage, UsersPageQuery } from '@app/contracts'
import { OffersClientError, type OffersClient } from '@app/offers-client'
import type { DB } from '../db/types.ts'
import { countUsers, findUserById, listUsers } from '../repositories/users.ts'
import { errors } from './errors.ts'

export interface DirectoryDeps { db: Kysely<DB>, offers: OffersClient }

/** The request a read is made for: its id goes on to Offers, and why Offers failed goes to its log. */
export interface RequestContext {
  id: string
  log: { warn: (details: object, message: string) => void }
}

export interface Directory {
  user: (callerId: number, userId: number, request: RequestContext) => Promise<UserWithOffers>
  page: (query: UsersPageQuery) => Promise<UsersPage>
}

export function createDirectory ({ db, offers }: DirectoryDeps): Directory {
  return {
    async user (callerId, userId, request) {
      const row = await findUserById(db, userId)
      if (!row) throw errors.userNotFound()
      let userOffers
      try {
        userOffers = await offers.offersByUser(userId, { requestId: request.id })
      } catch (err) {
        if (!(err instanceof OffersClientError)) throw err
        // the client hears only 503; the log says which way the call failed
        request.log.warn({ failure: err.failure, statusCode: err.statusCode, detail: err.message }, 'offers unavailable')
        throw errors.offersUnavailable()
      }
      return {
        id: row.id,
        username: row.username,
        ...(callerId === userId ? { email: row.email } : {}),
        created_at: row.created_at.toISOString(),
        updated_at: row.updated_at.toISOString(),
        offers: userOffers
      }
    },

    async page ({ page_num: pageNum, page_size: pageSize }) {
      const total = await countUsers(db)
      const rows = await listUsers(db, { limit: pageSize, offset: (pageNum - 1) * pageSize, total })
      return {
        items: rows.map((r) => ({ id: r.id, username: r.username, created_at: r.created_at.toISOString() })),
        page_num: pageNum,
        page_size: pageSize,
        total
      }
    }
  }
}
