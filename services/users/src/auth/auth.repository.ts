// SQL on users.refresh_tokens: tokens are found by their SHA-256 only; a session is a token family.
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely'
import type { DB, RefreshTokensTable } from '../db/types.ts'
import { familyNotEnded } from './sessions.repository.ts'

export type NewRefreshToken = Pick<Insertable<RefreshTokensTable>,
  'user_id' | 'family_id' | 'token_hash' | 'expires_at' | 'session_created_at' | 'ip' | 'user_agent'>
export type ConsumedToken = Pick<Selectable<RefreshTokensTable>, 'user_id' | 'family_id' | 'session_created_at'>
export type KnownToken = Pick<Selectable<RefreshTokensTable>, 'user_id' | 'family_id' | 'used_at'>

export interface RefreshTokensRepository {
  insert: (values: NewRefreshToken) => Promise<void>
  /**
   * Marks a live token used and returns its session, in one statement: of two concurrent callers only one
   * gets the row (the other re-checks `used_at is null` after the first commits, and gets nothing). A family with
   * any revoked token is over: a token a concurrent rotation added after the revocation's snapshot dies with it.
   */
  consume: (tokenHash: Buffer) => Promise<ConsumedToken | undefined>
  find: (tokenHash: Buffer) => Promise<KnownToken | undefined>
  /** Revokes every live token of one session (family), or of every session of a user. */
  revoke: (whose: { family_id: string } | { user_id: number }) => Promise<void>
}

export function refreshTokensRepository (db: Kysely<DB>): RefreshTokensRepository {
  return {
    async insert (values) {
      await db.insertInto('users.refresh_tokens').values(values).execute()
    },

    consume: (tokenHash) => db.updateTable('users.refresh_tokens')
      .set({ used_at: sql<Date>`now()` })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .where(familyNotEnded)
      .returning(['user_id', 'family_id', 'session_created_at'])
      .executeTakeFirst(),

    find: (tokenHash) => db.selectFrom('users.refresh_tokens')
      .select(['user_id', 'family_id', 'used_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst(),

    async revoke (whose) {
      const live = db.updateTable('users.refresh_tokens')
        .set({ revoked_at: sql<Date>`now()` })
        .where('revoked_at', 'is', null)
      await ('family_id' in whose
        ? live.where('family_id', '=', whose.family_id)
        : live.where('user_id', '=', whose.user_id)).execute()
    }
  }
}
