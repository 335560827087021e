// SQL on users.refresh_tokens: tokens are found by their SHA-256 only; sessions are token families.
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/types.ts'

type Db = Kysely<DB>

export interface NewRefreshToken { user_id: number, family_id: string, token_hash: Buffer, expires_at: Date }
export interface ConsumedToken { user_id: number, family_id: string }

export async function insertRefreshToken (db: Db, values: NewRefreshToken): Promise<void> {
  await db.insertInto('users.refresh_tokens').values(values).execute()
}

/**
 * Marks a live token used and returns its session, in one statement: of two concurrent callers only one
 * gets the row (the other re-checks `used_at is null` after the first commits, and gets nothing).
 */
export async function consumeRefreshToken (db: Db, tokenHash: Buffer): Promise<ConsumedToken | undefined> {
  return db.updateTable('users.refresh_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['user_id', 'family_id'])
    .executeTakeFirst()
}

export async function findRefreshToken (db: Db, tokenHash: Buffer): Promise<{ family_id: string, used_at: Date | null } | undefined> {
  return db.selectFrom('users.refresh_tokens')
    .select(['family_id', 'used_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst()
}

/** Revokes every live token of one session (family), or of every session of a user. */
export async function revokeTokens (db: Db, whose: { family_id: string } | { user_id: number }): Promise<void> {
  const live = db.updateTable('users.refresh_tokens').set({ revoked_at: sql<Date>`now()` }).where('revoked_at', 'is', null)
  await ('family_id' in whose ? live.where('family_id', '=', whose.family_id) : live.where('user_id', '=', whose.user_id)).execute()
}
