// SQL on users.refresh_tokens seen as sessions: a session is a family whose newest token is live (unused, not
// revoked, not expired) and none of whose tokens is revoked; ending one revokes the whole family.
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely'
import type { DB } from '../db/types.ts'

export interface SessionRow {
  family_id: string
  session_created_at: Date
  /** the live token's: the session's last login or refresh */
  created_at: Date
  ip: string | null
  user_agent: string | null
}

export interface SessionsRepository {
  /** The user's live sessions, most recently used first, at most `limit`. */
  list: (userId: number, limit: number) => Promise<SessionRow[]>
  /** Ends one of the user's sessions; false when the user has no live session by that id. */
  end: (userId: number, familyId: string) => Promise<boolean>
  /** Ends every live session of the user but `keep`; answers the ids of the sessions it ended. */
  endOthers: (userId: number, keep: string | undefined) => Promise<string[]>
}

type Tokens = ExpressionBuilder<DB, 'users.refresh_tokens'>

/** No token of the row's family is revoked. */
export function familyNotEnded ({ not, exists, selectFrom }: Tokens): Expression<SqlBool> {
  return not(exists(selectFrom('users.refresh_tokens as ended')
    .select(sql.lit(1).as('one'))
    .whereRef('ended.family_id', '=', 'users.refresh_tokens.family_id')
    .where('ended.revoked_at', 'is not', null)))
}

export function sessionsRepository (db: Kysely<DB>): SessionsRepository {
  /**
   * Revokes the user's not yet revoked tokens (of one family, or of all but one) and answers the families that
   * were live: those with a token still unexpired. Rows a rotation holds are waited for; a token that rotation
   * adds afterwards is dead all the same (auth.repository.ts `consume`, and `list`, see the revoked sibling).
   */
  async function revoke (userId: number, family: { is: string } | { isNot: string | undefined }) {
    let query = db.updateTable('users.refresh_tokens')
      .set({ revoked_at: sql<Date>`now()` })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
    if ('is' in family) query = query.where('family_id', '=', family.is)
    else if (family.isNot !== undefined) query = query.where('family_id', '<>', family.isNot)
    const rows = await query.returning(['family_id', sql<boolean>`expires_at > now()`.as('live')]).execute()
    return [...new Set(rows.filter((r) => r.live).map((r) => r.family_id))]
  }

  return {
    list: (userId, limit) => db.selectFrom('users.refresh_tokens')
      .select(['family_id', 'session_created_at', 'created_at', 'ip', 'user_agent'])
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .where(familyNotEnded)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute(),

    end: async (userId, familyId) => (await revoke(userId, { is: familyId })).length > 0,

    endOthers: (userId, keep) => revoke(userId, { isNot: keep })
  }
}
